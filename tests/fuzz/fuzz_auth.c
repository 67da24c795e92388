/*
 * fuzz_auth.c — fuzz target for what issue 17 reads from outside: the
 * first byte picks credentials files, ACL JSON, Authorization headers,
 * log-line escaping or the UTF-8 walk of a decoded scheduler Call
 * (runtime/src/rt_auth.c, rt_acl.c, rt_util.c, rt_pbcheck.c). Whatever the
 * bytes: no crash, every refusal says why, a credential read back
 * authenticates as itself, an escaped line holds no control character and
 * is valid UTF-8.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_acl.h"
#include "rt_auth.h"
#include "rt_pbcheck.h"
#include "rt_util.h"
#include "scheduler/scheduler.pb-c.h"

#include "fuzz.h"

static void credentials(const char *text, size_t len)
{
	rt_credentials c;
	char err[300] = "";
	if (rt_credentials_parse(text, len, &c, err, sizeof err) != 0) {
		CHECK(err[0]);
		return;
	}
	CHECK(c.n > 0);
	for (size_t i = 0; i < c.n; i++) {
		char line[4096], value[4096];
		if (!rt_auth_basic_header(c.v[i].principal, c.v[i].secret, line, sizeof line))
			continue;
		const char *v = strchr(line, ':') + 2;
		size_t l = strcspn(v, "\r");
		memcpy(value, v, l);
		value[l] = 0;
		const char *p = NULL;
		/* A NUL inside a secret or principal is cut by the header: skip those. */
		if (strlen(c.v[i].principal) + strlen(c.v[i].secret) + 1 >= 1024)
			continue;
		CHECK(rt_auth_basic_check(&c, value, &p) == RT_AUTH_OK);
		CHECK(strcmp(p, c.v[i].principal) == 0);
	}
	rt_credentials_free(&c);
}

static void acls(const char *text, size_t len)
{
	char err[300] = "";
	rt_acls *a = rt_acls_parse(text, len, err, sizeof err);
	if (!a) {
		CHECK(err[0]);
		return;
	}
	static const char *const names[] = {NULL, "", "root", "foo", "analytics", "/metrics/snapshot"};
	for (int k = 0; k < RT_ACL_ACTIONS; k++)
		for (size_t i = 0; i < 6; i++)
			for (size_t j = 0; j < 6; j++) {
				int d = rt_acls_decide(a, (rt_acl_action)k, names[i], names[j]);
				CHECK(d >= -1 && d <= 1);
				if (d >= 0)
					CHECK(rt_acls_allow(a, (rt_acl_action)k, names[i], names[j]) == (d == 1));
			}
	CHECK(rt_acls_ignored(a) != NULL);
	rt_acls_destroy(a);
}

static void header(const char *text)
{
	static const char creds_json[] = "{\"credentials\":[{\"principal\":\"fw\",\"secret\":\"s1\"}]}";
	rt_credentials c;
	char err[100];
	CHECK(rt_credentials_parse(creds_json, sizeof creds_json - 1, &c, err, sizeof err) == 0);
	const char *p = NULL;
	int rc = rt_auth_basic_check(&c, text, &p);
	CHECK(rc == RT_AUTH_OK || rc == RT_AUTH_INVALID);
	if (rc == RT_AUTH_OK)
		CHECK(strcmp(p, "fw") == 0);
	rt_credentials_free(&c);
}

static void escape(const char *text, size_t len)
{
	char out[4096];
	size_t n = rt_log_escape(text, len, out, sizeof out);
	CHECK(n < sizeof out && out[n] == 0 && strlen(out) == n);
	for (size_t i = 0; i < n; i++)
		CHECK((unsigned char)out[i] >= 0x20 && (unsigned char)out[i] != 0x7f);
	CHECK(rt_utf8_valid(out, n, NULL));
	/* What needs no escape comes out as it went in. */
	bool plain = rt_utf8_valid(text, len, NULL) && len * 4 < sizeof out;
	for (size_t i = 0; plain && i < len; i++)
		plain = (unsigned char)text[i] >= 0x20 && (unsigned char)text[i] != 0x7f;
	if (plain)
		CHECK(n == len && memcmp(out, text, len) == 0);
}

static void call(const uint8_t *data, size_t len)
{
	Mesos__V1__Scheduler__Call *c = mesos__v1__scheduler__call__unpack(NULL, len, data);
	if (!c)
		return;
	char field[200];
	const char *why = NULL;
	if (rt_pb_check(&c->base, field, sizeof field, &why) != 0) {
		/* a string is named by its path; a field numbered 0 by its
		 * message's, which is "" for the call itself */
		CHECK(why);
		CHECK(field[0] || strcmp(why, "holds a field numbered 0") == 0);
	}
	mesos__v1__scheduler__call__free_unpacked(c, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 8192)
		return 0;
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	switch (data[0] % 5) {
	case 0:
		credentials(text, size - 1);
		break;
	case 1:
		acls(text, size - 1);
		break;
	case 2:
		header(text);
		break;
	case 3:
		escape(text, size - 1);
		break;
	default:
		call(data + 1, size - 1);
		break;
	}
	free(text);
	return 0;
}
