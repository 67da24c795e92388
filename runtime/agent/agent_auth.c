/*
 * agent_auth.c — authentication and authorization of the agent's own HTTP
 * endpoints, with Mesos's agent flags: --authenticate_http_readonly (the
 * realm "mesos-agent-readonly": /state, /slave(1)/state, /metrics,
 * /metrics/snapshot, /files/...), --authenticate_http_readwrite
 * ("mesos-agent-readwrite": /api/v1), --http_credentials, and --acls with
 * Mesos's access_sandboxes (principals → the users whose sandboxes they may
 * read). /health and the executors' /api/v1/executor are not covered (Mesos
 * has --authenticate_http_executors for the latter; not yet here). The
 * checks are rt_auth's and rt_acl's, as the master's.
 */
#define _GNU_SOURCE
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"

typedef enum { REALM_NONE, REALM_READONLY, REALM_READWRITE } realm;

static realm realm_of(const char *path)
{
	if (strncmp(path, "/slave(1)/", 10) == 0)
		path += 9;
	if (strcmp(path, "/api/v1") == 0)
		return REALM_READWRITE;
	if (strcmp(path, "/state") == 0 || strcmp(path, "/state.json") == 0 || strcmp(path, "/metrics") == 0 ||
	    strcmp(path, "/metrics/snapshot") == 0 || strcmp(path, "/flags") == 0 || strncmp(path, "/files/", 7) == 0)
		return REALM_READONLY;
	return REALM_NONE;
}

int agent_auth_init(agent *a, char *err, size_t errlen)
{
	const agent_flags *f = &a->flags;
	if ((f->authenticate_http_readonly || f->authenticate_http_readwrite) && !f->http_credentials) {
		snprintf(err, errlen,
		         "--authenticate_http_readonly and --authenticate_http_readwrite need --http_credentials");
		return -1;
	}
	if (f->http_credentials && rt_credentials_load(f->http_credentials, &a->http_creds, err, errlen) != 0)
		return -1;
	if (f->acls) {
		a->acls = rt_acls_load(f->acls, err, errlen);
		if (!a->acls)
			return -1;
		const char *ignored = rt_acls_ignored(a->acls);
		if (ignored[0])
			rt_log(RT_WARN, "--acls: not enforced by the agent: %s", ignored);
	}
	return 0;
}

void agent_auth_free(agent *a)
{
	rt_credentials_free(&a->http_creds);
	rt_acls_destroy(a->acls);
	a->acls = NULL;
}

bool agent_http_authenticate(agent *a, rt_http_session *s, const rt_http_request *req)
{
	a->principal = NULL;
	realm r = realm_of(req->path);
	bool required = (r == REALM_READONLY && a->flags.authenticate_http_readonly) ||
	                (r == REALM_READWRITE && a->flags.authenticate_http_readwrite);
	if (!required)
		return true;
	int rc = rt_auth_basic_check(&a->http_creds, rt_http_header_get(req, "Authorization"), &a->principal);
	if (rc == RT_AUTH_OK)
		return true;
	uint64_t held;
	if (rt_ratelimit_allow(&a->auth_log, rt_mono_ns(), 1000000000LL, &held))
		rt_log(RT_INFO, "refused %s %s from %s: %s credentials (401; %llu more refusals since the last line)",
		       req->method, req->path, rt_http_session_peer(s), rc == RT_AUTH_MISSING ? "no" : "invalid",
		       (unsigned long long)held);
	rt_http_reply(s, 401, NULL, "", 0,
	              r == REALM_READONLY ? "WWW-Authenticate: Basic realm=\"mesos-agent-readonly\"\r\n"
	                                  : "WWW-Authenticate: Basic realm=\"mesos-agent-readwrite\"\r\n");
	return false;
}

const char *agent_may_access_sandbox(const agent *a, uid_t uid, char *buf, size_t len)
{
	if (!a->acls)
		return NULL;
	char name[64];
	struct passwd pw, *res = NULL;
	char pwbuf[1024];
	if (getpwuid_r(uid, &pw, pwbuf, sizeof pwbuf, &res) == 0 && res)
		snprintf(name, sizeof name, "%s", res->pw_name);
	else
		snprintf(name, sizeof name, "%u", (unsigned)uid);
	if (rt_acls_allow(a->acls, RT_ACL_ACCESS_SANDBOXES, a->principal, name))
		return NULL;
	snprintf(buf, len, "Not authorized to access the sandbox of user '%s' (access_sandboxes)", name);
	return buf;
}
