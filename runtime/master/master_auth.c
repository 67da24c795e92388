/*
 * master_auth.c — who may talk to the master, and what they may see and do.
 * Authentication is Mesos's "basic" HTTP authenticator: each endpoint is in
 * a realm (the scheduler API, read-only or read-write operator endpoints,
 * the agents' link), each realm is checked when its --authenticate_* flag
 * is on, against --credentials; a request that fails gets 401 with
 * `WWW-Authenticate: Basic realm="..."`. Authorization is Mesos's local
 * authorizer over --acls (rt_acl.h); the other files ask it through the
 * functions here.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "master.h"

/* The realms, with Mesos's names. */
typedef enum { REALM_NONE, REALM_SCHEDULER, REALM_READONLY, REALM_READWRITE } realm;

static const char *realm_name(realm r)
{
	return r == REALM_SCHEDULER  ? "mesos-master-scheduler"
	       : r == REALM_READONLY ? "mesos-master-readonly"
	                             : "mesos-master-readwrite";
}

/* The endpoint's realm, as Mesos routes them: what cannot change the
 * cluster is read-only; the operator API and what changes state is
 * read-write; /health, /version and the web UI's files need nothing. */
static realm realm_of(const char *path)
{
	if (strcmp(path, "/api/v1/scheduler") == 0 || strcmp(path, "/master/api/v1/scheduler") == 0)
		return REALM_SCHEDULER;
	const char *p = strncmp(path, "/master/", 8) == 0 ? path + 7 : path;
	static const char *const readwrite[] = {"/api/v1", "/teardown", "/machine/down",         "/machine/up",
	                                        "/quota",  "/weights",  "/maintenance/schedule", NULL};
	static const char *const readonly[] = {
	        "/state",   "/state.json",         "/roles", "/flags", "/metrics/snapshot",
	        "/metrics", "/maintenance/status", NULL};
	for (int i = 0; readwrite[i]; i++)
		if (strcmp(p, readwrite[i]) == 0 ||
		    (strcmp(readwrite[i], "/quota") == 0 && strncmp(p, "/quota/", 7) == 0))
			return REALM_READWRITE;
	for (int i = 0; readonly[i]; i++)
		if (strcmp(p, readonly[i]) == 0)
			return REALM_READONLY;
	return REALM_NONE;
}

static bool realm_required(const master *m, realm r)
{
	switch (r) {
	case REALM_SCHEDULER:
		return m->flags.authenticate_frameworks;
	case REALM_READONLY:
		return m->flags.authenticate_http_readonly;
	case REALM_READWRITE:
		return m->flags.authenticate_http_readwrite;
	default:
		return false;
	}
}

int master_auth_init(master *m, char *err, size_t errlen)
{
	const master_flags *f = &m->flags;
	bool any = f->authenticate_frameworks || f->authenticate_http_readonly || f->authenticate_http_readwrite ||
	           f->authenticate_agents;
	if (f->credentials && rt_credentials_load(f->credentials, &m->creds, err, errlen) != 0)
		return -1;
	if (any && !f->credentials) {
		snprintf(err, errlen,
		         "--authenticate_frameworks, --authenticate_agents and --authenticate_http_* need "
		         "--credentials");
		return -1;
	}
	if (f->acls) {
		char why[400];
		m->acls = rt_acls_load(f->acls, why, sizeof why);
		if (!m->acls) {
			snprintf(err, errlen, "--acls: %s", why);
			rt_credentials_free(&m->creds);
			return -1;
		}
		if (*rt_acls_ignored(m->acls))
			rt_log(RT_WARN, "--acls: these actions are accepted but not enforced by Meso: %s",
			       rt_acls_ignored(m->acls));
	}
	if (any || f->acls)
		rt_log(RT_INFO,
		       "authentication: frameworks %s, agents %s, read-only endpoints %s, read-write endpoints %s "
		       "(%zu credentials); authorization: %s",
		       f->authenticate_frameworks ? "on" : "off", f->authenticate_agents ? "on" : "off",
		       f->authenticate_http_readonly ? "on" : "off", f->authenticate_http_readwrite ? "on" : "off",
		       m->creds.n, m->acls ? "--acls" : "off");
	return 0;
}

void master_auth_free(master *m)
{
	rt_credentials_free(&m->creds);
	rt_acls_destroy(m->acls);
	m->acls = NULL;
}

/* Checks the request's credentials when its realm asks for them. */
static int authenticate(master *m, const rt_http_request *req, realm r, const char **principal)
{
	*principal = NULL;
	if (!realm_required(m, r))
		return RT_AUTH_OK;
	return rt_auth_basic_check(&m->creds, rt_http_header_get(req, "Authorization"), principal);
}

bool master_http_authenticate(master *m, rt_http_session *s, const rt_http_request *req)
{
	realm r = realm_of(req->path);
	const char *principal;
	int rc = authenticate(m, req, r, &principal);
	m->principal = principal;
	if (rc == RT_AUTH_OK)
		return true;
	char hdr[128];
	snprintf(hdr, sizeof hdr, "WWW-Authenticate: Basic realm=\"%s\"\r\n", realm_name(r));
	/* Rate-limited: a client retrying without credentials must not flood the log. */
	uint64_t held;
	if (rt_ratelimit_allow(&m->auth_log, rt_mono_ns(), 1000000000LL, &held))
		rt_log(RT_INFO, "refused %s %s from %s: %s credentials (401; %llu more refusals since the last line)",
		       req->method, req->path, rt_http_session_peer(s), rc == RT_AUTH_MISSING ? "no" : "invalid",
		       (unsigned long long)held);
	rt_http_reply(s, 401, NULL, "", 0, hdr);
	return false;
}

bool master_agent_authenticate(master *m, const rt_http_request *req, const char **principal)
{
	*principal = NULL;
	if (!m->flags.authenticate_agents)
		return true;
	int rc = rt_auth_basic_check(&m->creds, rt_http_header_get(req, "Authorization"), principal);
	if (rc == RT_AUTH_OK)
		return true;
	uint64_t held;
	if (rt_ratelimit_allow(&m->auth_log, rt_mono_ns(), 1000000000LL, &held))
		rt_log(RT_WARN,
		       "refused an agent's connection from %s: %s credentials (--authenticate_agents; %llu more "
		       "refusals since the last line)",
		       rt_http_session_peer(req->session), rc == RT_AUTH_MISSING ? "no" : "invalid",
		       (unsigned long long)held);
	rt_http_reply(req->session, 401, NULL, "", 0, "WWW-Authenticate: Basic realm=\"mesos-master-agent\"\r\n");
	return false;
}

bool master_authorized(const master *m, rt_acl_action action, const char *subject, const char *object)
{
	return rt_acls_allow(m->acls, action, subject, object);
}

void master_refuse_forbidden(rt_http_session *s, const char *reason)
{
	rt_log(RT_INFO, "refused a request from %s: %s (403)", rt_http_session_peer(s), reason);
	rt_http_reply_text(s, 403, reason);
}

bool master_can_view_fw(const master *m, const char *principal, const m_fw *fw)
{
	return !m->acls || rt_acls_allow(m->acls, RT_ACL_VIEW_FRAMEWORKS, principal, fw->user ? fw->user : "");
}

bool master_can_view_task(const master *m, const char *principal, const m_task *t)
{
	if (!m->acls)
		return true;
	const char *user = t->user ? t->user : t->fw->user ? t->fw->user : "";
	return rt_acls_allow(m->acls, RT_ACL_VIEW_TASKS, principal, user);
}

bool master_can_get_endpoint(master *m, rt_http_session *s, const char *path)
{
	if (!m->acls || rt_acls_allow(m->acls, RT_ACL_GET_ENDPOINTS, m->principal, path))
		return true;
	char msg[300];
	snprintf(msg, sizeof msg, "Not authorized to GET %.200s (get_endpoints)", path);
	master_refuse_forbidden(s, msg);
	return false;
}

bool master_same_principal(const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b;
	return strcmp(a, b) == 0;
}

bool master_may_teardown(const master *m, const m_fw *fw, char *why, size_t len)
{
	if (!m->acls || rt_acls_allow(m->acls, RT_ACL_TEARDOWN_FRAMEWORKS, m->principal, fw->principal))
		return true;
	snprintf(why, len, "Not authorized to tear down framework %.100s (teardown_frameworks)", fw->id);
	return false;
}
