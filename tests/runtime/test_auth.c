/*
 * test_auth.c — the security building blocks of runtime/src: credentials
 * files and HTTP Basic checks (rt_auth), Mesos's ACLs and their evaluation
 * (rt_acl: each enforced action both ways, ANY and NONE, order, permissive),
 * log-line escaping and the UTF-8 checks (rt_util, rt_pbcheck).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rt_acl.h"
#include "rt_api.h"
#include "rt_auth.h"
#include "rt_pbcheck.h"
#include "rt_util.h"
#include "scheduler/scheduler.pb-c.h"

static const char *header_value(const char *line, char *buf, size_t n)
{
	/* "Authorization: Basic X\r\n" -> "Basic X" */
	const char *v = strchr(line, ':') + 2;
	size_t l = strcspn(v, "\r");
	snprintf(buf, n, "%.*s", (int)l, v);
	return buf;
}

static void test_credentials_json(void **state)
{
	const char *text = "{\"credentials\":[{\"principal\":\"fw\",\"secret\":\"s1\"},{\"principal\":\"ops\","
	                   "\"secret\":\"s:2\"}]}";
	rt_credentials c;
	char err[300];
	assert_int_equal(rt_credentials_parse(text, strlen(text), &c, err, sizeof err), 0);
	assert_int_equal(c.n, 2);
	char line[200], v[200];
	const char *p;
	assert_true(rt_auth_basic_header("ops", "s:2", line, sizeof line));
	assert_int_equal(rt_auth_basic_check(&c, header_value(line, v, sizeof v), &p), RT_AUTH_OK);
	assert_string_equal(p, "ops");
	assert_true(rt_auth_basic_header("fw", "wrong", line, sizeof line));
	assert_int_equal(rt_auth_basic_check(&c, header_value(line, v, sizeof v), &p), RT_AUTH_INVALID);
	assert_true(rt_auth_basic_header("nobody", "s1", line, sizeof line));
	assert_int_equal(rt_auth_basic_check(&c, header_value(line, v, sizeof v), &p), RT_AUTH_INVALID);
	assert_int_equal(rt_auth_basic_check(&c, NULL, &p), RT_AUTH_MISSING);
	assert_int_equal(rt_auth_basic_check(&c, "Bearer abc", &p), RT_AUTH_INVALID);
	assert_int_equal(rt_auth_basic_check(&c, "Basic !!!", &p), RT_AUTH_INVALID);
	/* base64("fw") has no colon */
	assert_int_equal(rt_auth_basic_check(&c, "Basic Znc=", &p), RT_AUTH_INVALID);
	/* "fw:s1" */
	assert_int_equal(rt_auth_basic_check(&c, "basic Znc6czE=", &p), RT_AUTH_OK);
	assert_string_equal(p, "fw");
	rt_credentials_free(&c);
}

static void test_credentials_forms(void **state)
{
	rt_credentials c;
	char err[300];
	const char *one = "{\"principal\":\"agent\",\"secret\":\"x\"}";
	assert_int_equal(rt_credentials_parse(one, strlen(one), &c, err, sizeof err), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].principal, "agent");
	rt_credentials_free(&c);
	const char *text = "a secret-a\n\n  b   secret-b  \n";
	assert_int_equal(rt_credentials_parse(text, strlen(text), &c, err, sizeof err), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[1].secret, "secret-b");
	rt_credentials_free(&c);
	const char *bad[] = {"{\"credentials\":[{\"principal\":\"a\"}]}",
	                     "{\"credentials\":{}}",
	                     "a b c\n",
	                     "{",
	                     "",
	                     "{\"credentials\":[{\"principal\":\"a:b\",\"secret\":\"x\"}]}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = 0;
		assert_int_equal(rt_credentials_parse(bad[i], strlen(bad[i]), &c, err, sizeof err), -1);
		assert_true(err[0] != 0);
	}
	/* A file, plain and as file:// */
	char path[] = "/tmp/meso-cred-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, one, strlen(one)), (ssize_t)strlen(one));
	close(fd);
	char url[300];
	snprintf(url, sizeof url, "file://%s", path);
	assert_int_equal(rt_credentials_load(url, &c, err, sizeof err), 0);
	rt_credentials_free(&c);
	char *p, *s;
	assert_int_equal(rt_auth_client_credential(NULL, NULL, path, &p, &s, err, sizeof err), 0);
	assert_string_equal(p, "agent");
	assert_string_equal(s, "x");
	free(p);
	free(s);
	assert_int_equal(rt_auth_client_credential("a", "b", path, &p, &s, err, sizeof err), -1);
	assert_int_equal(rt_auth_client_credential(NULL, "b", NULL, &p, &s, err, sizeof err), -1);
	unlink(path);
	assert_int_equal(rt_credentials_load(path, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
}

static void test_equal(void **state)
{
	assert_true(rt_auth_equal("abc", 3, "abc", 3));
	assert_false(rt_auth_equal("abc", 3, "abd", 3));
	assert_false(rt_auth_equal("abc", 3, "abcd", 4));
	assert_false(rt_auth_equal("", 0, "a", 1));
	assert_true(rt_auth_equal("", 0, "", 0));
}

static rt_acls *acls(const char *json)
{
	char err[300];
	rt_acls *a = rt_acls_parse(json, strlen(json), err, sizeof err);
	if (!a)
		fail_msg("ACLs %s: %s", json, err);
	return a;
}

/* Each enforced action: an ACL that allows one principal and a NONE that
 * denies the rest, both ways. */
static void test_acl_each_action(void **state)
{
	static const struct {
		rt_acl_action action;
		const char *name, *object;
	} kinds[] = {
	        {RT_ACL_REGISTER_FRAMEWORKS, "register_frameworks", "roles"},
	        {RT_ACL_RUN_TASKS, "run_tasks", "users"},
	        {RT_ACL_TEARDOWN_FRAMEWORKS, "teardown_frameworks", "framework_principals"},
	        {RT_ACL_VIEW_FRAMEWORKS, "view_frameworks", "users"},
	        {RT_ACL_VIEW_TASKS, "view_tasks", "users"},
	        {RT_ACL_GET_ENDPOINTS, "get_endpoints", "paths"},
	        {RT_ACL_RESERVE_RESOURCES, "reserve_resources", "roles"},
	        {RT_ACL_UNRESERVE_RESOURCES, "unreserve_resources", "reserver_principals"},
	        {RT_ACL_CREATE_VOLUMES, "create_volumes", "roles"},
	        {RT_ACL_DESTROY_VOLUMES, "destroy_volumes", "creator_principals"},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		char json[600];
		snprintf(json, sizeof json,
		         "{\"%s\":[{\"principals\":{\"values\":[\"alice\"]},\"%s\":{\"values\":[\"x\"]}},"
		         "{\"principals\":{\"type\":\"NONE\"},\"%s\":{\"values\":[\"x\"]}}]}",
		         kinds[i].name, kinds[i].object, kinds[i].object);
		rt_acls *a = acls(json);
		assert_true(rt_acls_allow(a, kinds[i].action, "alice", "x"));
		assert_false(rt_acls_allow(a, kinds[i].action, "bob", "x"));
		assert_false(rt_acls_allow(a, kinds[i].action, NULL, "x"));
		assert_true(rt_acls_allow(a, kinds[i].action, "bob", "y")); /* no ACL applies: permissive */
		/* The other actions are untouched. */
		assert_true(rt_acls_allow(a, (kinds[i].action + 1) % RT_ACL_ACTIONS, "bob", "x"));
		assert_string_equal(rt_acl_action_name(kinds[i].action), kinds[i].name);
		rt_acls_destroy(a);
	}
}

static void test_acl_any_none(void **state)
{
	/* Not permissive: only what an ACL allows. */
	rt_acls *a = acls("{\"permissive\":false,\"run_tasks\":[{\"principals\":{\"type\":\"ANY\"},"
	                  "\"users\":{\"values\":[\"guest\",\"bar\"]}}]}");
	assert_true(rt_acls_allow(a, RT_ACL_RUN_TASKS, "p", "guest"));
	assert_true(rt_acls_allow(a, RT_ACL_RUN_TASKS, NULL, "bar")); /* ANY allows no principal */
	assert_false(rt_acls_allow(a, RT_ACL_RUN_TASKS, "p", "root"));
	assert_false(rt_acls_allow(a, RT_ACL_REGISTER_FRAMEWORKS, "p", "*"));
	assert_int_equal(rt_acls_decide(a, RT_ACL_RUN_TASKS, "p", "root"), -1);
	assert_int_equal(rt_acls_decide(a, RT_ACL_RUN_TASKS, "p", "guest"), 1);
	rt_acls_destroy(a);
	/* No principal may run as root; anything else goes. */
	a = acls("{\"run_tasks\":[{\"principals\":{\"type\":\"NONE\"},\"users\":{\"values\":[\"root\"]}}]}");
	assert_false(rt_acls_allow(a, RT_ACL_RUN_TASKS, "p", "root"));
	assert_false(rt_acls_allow(a, RT_ACL_RUN_TASKS, NULL, "root"));
	assert_true(rt_acls_allow(a, RT_ACL_RUN_TASKS, NULL, "nobody"));
	assert_int_equal(rt_acls_decide(a, RT_ACL_RUN_TASKS, "p", "root"), 0);
	rt_acls_destroy(a);
	/* Order decides: the first that applies. */
	a = acls("{\"teardown_frameworks\":[{\"principals\":{\"type\":\"NONE\"},\"framework_principals\":{\"type\":"
	         "\"ANY\"}},{\"principals\":{\"values\":[\"admin\"]},\"framework_principals\":{\"type\":\"ANY\"}}]}");
	assert_false(rt_acls_allow(a, RT_ACL_TEARDOWN_FRAMEWORKS, "admin", "fw"));
	rt_acls_destroy(a);
	a = acls("{\"teardown_frameworks\":[{\"principals\":{\"values\":[\"admin\"]},\"framework_principals\":{"
	         "\"type\":\"ANY\"}},{\"principals\":{\"type\":\"NONE\"},\"framework_principals\":{\"type\":\"ANY\"}}]"
	         "}");
	assert_true(rt_acls_allow(a, RT_ACL_TEARDOWN_FRAMEWORKS, "admin", "fw"));
	assert_true(rt_acls_allow(a, RT_ACL_TEARDOWN_FRAMEWORKS, "admin", NULL));
	assert_false(rt_acls_allow(a, RT_ACL_TEARDOWN_FRAMEWORKS, "ops", "fw"));
	rt_acls_destroy(a);
	/* A principal limited to some roles and NONE beyond them. */
	a = acls("{\"register_frameworks\":[{\"principals\":{\"values\":[\"foo\"]},\"roles\":{\"values\":["
	         "\"analytics\",\"ads\"]}},{\"principals\":{\"values\":[\"foo\"]},\"roles\":{\"type\":\"NONE\"}}]}");
	assert_true(rt_acls_allow(a, RT_ACL_REGISTER_FRAMEWORKS, "foo", "ads"));
	assert_false(rt_acls_allow(a, RT_ACL_REGISTER_FRAMEWORKS, "foo", "web"));
	assert_true(rt_acls_allow(a, RT_ACL_REGISTER_FRAMEWORKS, "bar", "web"));
	rt_acls_destroy(a);
	/* No ACLs at all: everything. */
	assert_true(rt_acls_allow(NULL, RT_ACL_RUN_TASKS, NULL, "root"));
}

static void test_acl_errors(void **state)
{
	const char *bad[] = {
	        "[]",
	        "{\"permissive\":\"yes\"}",
	        "{\"run_tasks\":{}}",
	        "{\"run_tasks\":[{\"principals\":{\"type\":\"ANY\"}}]}",
	        "{\"run_tasks\":[{\"principals\":{\"type\":\"SOMEONE\"},\"users\":{\"type\":\"ANY\"}}]}",
	        "{\"run_tasks\":[{\"principals\":{\"values\":[1]},\"users\":{\"type\":\"ANY\"}}]}",
	        "{\"run_taks\":[]}",
	        "{",
	};
	char err[300];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = 0;
		assert_null(rt_acls_parse(bad[i], strlen(bad[i]), err, sizeof err));
		assert_true(err[0] != 0);
	}
	/* Mesos's other actions are accepted and named. */
	rt_acls *a = acls("{\"resize_volume\":[],\"view_roles\":[]}");
	assert_string_equal(rt_acls_ignored(a), "resize_volume, view_roles");
	rt_acls_destroy(a);
	/* Inline JSON through the flag's loader. */
	a = rt_acls_load(" {\"permissive\":false}", err, sizeof err);
	assert_non_null(a);
	assert_false(rt_acls_allow(a, RT_ACL_GET_ENDPOINTS, "p", "/metrics"));
	rt_acls_destroy(a);
	assert_null(rt_acls_load("/nonexistent/acls.json", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/acls.json"));
}

static void test_log_escape(void **state)
{
	char out[200];
	const char in[] = "name\nI forged: line\r\t\x01\x7f end";
	rt_log_escape(in, sizeof in - 1, out, sizeof out);
	assert_string_equal(out, "name\\nI forged: line\\r\\t\\x01\\x7f end");
	/* Valid UTF-8 stays; invalid bytes are escaped. */
	const char u[] = "caf\xc3\xa9 \xff\xc3";
	rt_log_escape(u, sizeof u - 1, out, sizeof out);
	assert_string_equal(out, "caf\xc3\xa9 \\xff\\xc3");
	/* Cut to fit, never in the middle of an escape. */
	rt_log_escape("\n\n\n", 3, out, 6);
	assert_string_equal(out, "\\n\\n");
}

static void test_utf8(void **state)
{
	size_t bad;
	const char *good = "plain \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
	assert_true(rt_utf8_valid(good, strlen(good), NULL));
	const char *invalid[] = {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",        "\xf4\x90\x80\x80",
	                         "\xc3",     "\x80",         "\xf8\x88\x80\x80\x80"};
	for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
		assert_false(rt_utf8_valid(invalid[i], strlen(invalid[i]), NULL));
	assert_false(rt_utf8_valid("ok\xff", 3, &bad));
	assert_int_equal(bad, 2);
}

static void test_pb_utf8(void **state)
{
	Mesos__V1__Scheduler__Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	char *roles[] = {"a", "b\xff"};
	fi.user = "u";
	fi.name = "n\xc3\xa9";
	call.subscribe = &sub;
	sub.framework_info = &fi;
	char field[200];
	assert_int_equal(rt_pb_check(&call.base, field, sizeof field, NULL), 0);
	fi.roles = roles;
	fi.n_roles = 2;
	assert_int_equal(rt_pb_check(&call.base, field, sizeof field, NULL), -1);
	assert_string_equal(field, "subscribe.framework_info.roles[1]");
	fi.n_roles = 1;
	fi.name = "bad\xc0";
	assert_int_equal(rt_pb_check(&call.base, field, sizeof field, NULL), -1);
	assert_string_equal(field, "subscribe.framework_info.name");
}

/* A JSON Call that is not UTF-8 is refused naming the field, as protobuf. */
static void test_json_utf8(void **state)
{
	const char body[] = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\xff\","
	                    "\"name\":\"n\"}}}";
	rt_http_request req = {.method = "POST", .path = "/api/v1/scheduler", .query = "", .nheaders = 1};
	req.headers[0].name = "Content-Type";
	req.headers[0].value = "application/json";
	req.body = (const uint8_t *)body;
	req.body_len = sizeof body - 1;
	int status;
	char msg[300];
	assert_null(rt_api_decode_call(&mesos__v1__scheduler__call__descriptor, &req, &status, msg, sizeof msg));
	assert_int_equal(status, 400);
	assert_non_null(strstr(msg, "field 'subscribe.framework_info.user' is not valid UTF-8"));
	/* A bad byte in a key: jansson's message. */
	const char key[] = "{\"ty\xffpe\":\"SUBSCRIBE\"}";
	req.body = (const uint8_t *)key;
	req.body_len = sizeof key - 1;
	assert_null(rt_api_decode_call(&mesos__v1__scheduler__call__descriptor, &req, &status, msg, sizeof msg));
	assert_int_equal(status, 400);
	assert_non_null(strstr(msg, "Failed to parse body into JSON"));
}

/* A protobuf Call holding a field numbered 0 is refused, as Mesos's parser
 * refuses it (protobuf-c keeps it as an unknown field, and cannot always
 * write the message back), naming where. */
static void test_pb_field_zero(void **state)
{
	(void)state;
	/* type = SUBSCRIBE (field 2), subscribe (field 3) { framework_info
	 * (field 1) { user "u", name "n" } } */
	const uint8_t ok[] = {0x10, 0x01, 0x1a, 0x08, 0x0a, 0x06, 0x0a, 0x01, 'u', 0x12, 0x01, 'n'};
	/* the same, and in framework_info a field 0 of 2 bytes (tag 0x02, as
	 * the two-byte varint 0x82 0x00) */
	const uint8_t nested[] = {0x10, 0x01, 0x1a, 0x0d, 0x0a, 0x0b, 0x0a, 0x01, 'u',
	                          0x12, 0x01, 'n',  0x82, 0x00, 0x02, 'x',  'y'};
	const uint8_t top[] = {0x10, 0x01, 0x82, 0x00, 0x00}; /* (protobuf-c refuses the one-byte form) */
	rt_http_request req = {.method = "POST", .path = "/api/v1/scheduler", .query = "", .nheaders = 1};
	req.headers[0].name = "Content-Type";
	req.headers[0].value = "application/x-protobuf";
	int status = 0;
	char msg[300];
	req.body = ok;
	req.body_len = sizeof ok;
	ProtobufCMessage *m =
	        rt_api_decode_call(&mesos__v1__scheduler__call__descriptor, &req, &status, msg, sizeof msg);
	assert_non_null(m);
	protobuf_c_message_free_unpacked(m, NULL);
	/* protobuf-c itself takes both */
	m = protobuf_c_message_unpack(&mesos__v1__scheduler__call__descriptor, NULL, sizeof nested, nested);
	assert_non_null(m);
	protobuf_c_message_free_unpacked(m, NULL);
	req.body = nested;
	req.body_len = sizeof nested;
	assert_null(rt_api_decode_call(&mesos__v1__scheduler__call__descriptor, &req, &status, msg, sizeof msg));
	assert_int_equal(status, 400);
	assert_non_null(strstr(msg, "field 'subscribe.framework_info' holds a field numbered 0"));
	req.body = top;
	req.body_len = sizeof top;
	assert_null(rt_api_decode_call(&mesos__v1__scheduler__call__descriptor, &req, &status, msg, sizeof msg));
	assert_int_equal(status, 400);
	assert_non_null(strstr(msg, "the call holds a field numbered 0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_credentials_json),
	        cmocka_unit_test(test_credentials_forms),
	        cmocka_unit_test(test_equal),
	        cmocka_unit_test(test_acl_each_action),
	        cmocka_unit_test(test_acl_any_none),
	        cmocka_unit_test(test_acl_errors),
	        cmocka_unit_test(test_log_escape),
	        cmocka_unit_test(test_utf8),
	        cmocka_unit_test(test_pb_utf8),
	        cmocka_unit_test(test_json_utf8),
	        cmocka_unit_test(test_pb_field_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
