/*
 * test_api.c — the request and stream path the scheduler and executor APIs
 * share (runtime/src/rt_api.h): Accept and Content-Type matching, a Call
 * decoded from protobuf or JSON with Mesos's status codes and messages for
 * what is wrong, and one RecordIO record per chunk on a stream; the
 * operator APIs' refusals (logged escaped) and call names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "executor/executor.pb-c.h"
#include "master/master.pb-c.h"
#include "rt_api.h"
#include "rt_util.h"

static rt_http_request request(const char *method, const char *ctype, const char *accept, const void *body, size_t len)
{
	rt_http_request r;
	memset(&r, 0, sizeof r);
	r.method = method;
	r.path = "/api/v1/executor";
	r.query = "";
	if (ctype)
		r.headers[r.nheaders++] = (rt_http_header){"Content-Type", ctype};
	if (accept)
		r.headers[r.nheaders++] = (rt_http_header){"Accept", accept};
	r.body = body;
	r.body_len = len;
	return r;
}

static void test_accepts(void **state)
{
	assert_true(rt_api_accepts("application/json", RT_API_JSON));
	assert_true(rt_api_accepts("*/*", RT_API_JSON));
	assert_true(rt_api_accepts("application/*;q=0.5", RT_API_PROTOBUF));
	assert_true(rt_api_accepts("text/html, application/x-protobuf", RT_API_PROTOBUF));
	assert_false(rt_api_accepts("application/json;q=0", RT_API_JSON));
	assert_false(rt_api_accepts("text/html", RT_API_JSON));
	assert_true(rt_api_media_type_is("application/json; charset=utf-8", RT_API_JSON));
	assert_true(rt_api_media_type_is("Application/JSON", RT_API_JSON));
	assert_false(rt_api_media_type_is("application/jsonx", RT_API_JSON));
}

static void test_encoding(void **state)
{
	bool json = false;
	char msg[200];
	rt_http_request r = request("POST", RT_API_JSON, NULL, "", 0);
	assert_int_equal(rt_api_stream_encoding(&r, &json, msg, sizeof msg), 0);
	assert_true(json);
	r = request("POST", RT_API_JSON, "application/x-protobuf", "", 0);
	assert_int_equal(rt_api_stream_encoding(&r, &json, msg, sizeof msg), 0);
	assert_false(json);
	r = request("POST", RT_API_JSON, "text/html", "", 0);
	assert_int_equal(rt_api_stream_encoding(&r, &json, msg, sizeof msg), 406);
	assert_non_null(strstr(msg, "Expecting 'Accept' to allow"));
}

/* Decodes body as an executor Call; returns the status (0 when decoded). */
static int decode(const char *method, const char *ctype, const void *body, size_t len, char *msg, size_t mlen,
                  Mesos__V1__Executor__Call **out)
{
	rt_http_request r = request(method, ctype, NULL, body, len);
	int status = 0;
	ProtobufCMessage *m = rt_api_decode_call(&mesos__v1__executor__call__descriptor, &r, &status, msg, mlen);
	*out = (Mesos__V1__Executor__Call *)m;
	return m ? 0 : status;
}

static void test_decode(void **state)
{
	char msg[400];
	Mesos__V1__Executor__Call *c;
	const char *ok = "{\"executor_id\":{\"value\":\"e1\"},\"framework_id\":{\"value\":\"f1\"},\"type\":\"UPDATE\","
	                 "\"update\":{\"status\":{\"task_id\":{\"value\":\"t1\"},\"state\":\"TASK_RUNNING\","
	                 "\"uuid\":\"AAECAwQFBgcICQoLDA0ODw==\"}}}";
	assert_int_equal(decode("POST", "application/json", ok, strlen(ok), msg, sizeof msg, &c), 0);
	assert_int_equal(c->type, MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE);
	assert_string_equal(c->update->status->task_id->value, "t1");
	assert_int_equal(c->update->status->uuid.len, 16);

	/* The same call as protobuf. */
	size_t n = mesos__v1__executor__call__get_packed_size(c);
	uint8_t buf[512];
	assert_true(n < sizeof buf);
	mesos__v1__executor__call__pack(c, buf);
	mesos__v1__executor__call__free_unpacked(c, NULL);
	assert_int_equal(decode("POST", "application/x-protobuf", buf, n, msg, sizeof msg, &c), 0);
	assert_string_equal(c->executor_id->value, "e1");
	mesos__v1__executor__call__free_unpacked(c, NULL);

	assert_int_equal(decode("GET", "application/json", ok, strlen(ok), msg, sizeof msg, &c), 405);
	assert_int_equal(decode("POST", NULL, ok, strlen(ok), msg, sizeof msg, &c), 400);
	assert_string_equal(msg, "Expecting 'Content-Type' to be present");
	assert_int_equal(decode("POST", "text/plain", ok, strlen(ok), msg, sizeof msg, &c), 415);
	assert_non_null(strstr(msg, "got 'text/plain'"));
	assert_int_equal(decode("POST", "application/json", "{\"type\":", 8, msg, sizeof msg, &c), 400);
	assert_non_null(strstr(msg, "Failed to parse body into JSON"));
	const char *no_exec = "{\"framework_id\":{\"value\":\"f1\"},\"type\":\"SUBSCRIBE\"}";
	assert_int_equal(decode("POST", "application/json", no_exec, strlen(no_exec), msg, sizeof msg, &c), 400);
	assert_string_equal(msg, "Failed to convert JSON into Call protobuf: Missing required fields: executor_id");
	assert_int_equal(decode("POST", "application/x-protobuf", "\xff\xff\xff", 3, msg, sizeof msg, &c), 400);
	assert_string_equal(msg, "Failed to parse body into Call protobuf");
}

static void handler(void *ud, rt_http_session *s, const rt_http_request *req)
{
	rt_http_stream_start(s, 200, RT_API_JSON, NULL);
	Mesos__V1__Executor__Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__HEARTBEAT;
	assert_int_equal(rt_api_stream_send(s, true, &ev.base), 0);
	assert_int_equal(rt_api_stream_send(s, false, &ev.base), 0);
}

static void test_stream(void **state)
{
	char err[100];
	rt_http_server *srv = rt_http_server_create(NULL, NULL, 0, NULL, handler, NULL, err, sizeof err);
	assert_non_null(srv);
	rt_http_session *s = rt_http_session_detached(srv);
	const char req[] = "POST /api/v1/executor HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
	rt_http_session_feed(s, req, sizeof req - 1);
	size_t len;
	const uint8_t *out = rt_http_session_output(s, &len);
	/* One record per chunk: "<hex size>\r\n<len>\n<record>\r\n". */
	const char *want_json = "17\r\n20\n{\"type\":\"HEARTBEAT\"}\r\n";
	const char *want_pb = "4\r\n2\n\x08\x09\r\n";
	assert_non_null(memmem(out, len, want_json, strlen(want_json)));
	assert_non_null(memmem(out, len, want_pb, strlen(want_pb)));
	rt_http_session_destroy(s);
	rt_http_server_destroy(srv);
}

static void test_enum_name(void **state)
{
	char buf[32];
	assert_string_equal(rt_api_enum_name(&mesos__v1__master__call__type__descriptor, 9, buf, sizeof buf),
	                    "GET_STATE");
	assert_string_equal(rt_api_enum_name(&mesos__v1__master__call__type__descriptor, 99, buf, sizeof buf),
	                    "UNKNOWN(99)");
}

/* An operator call without a type is refused with who's validation text. */
static void test_operator_call(void **state)
{
	char err[100];
	rt_http_server *srv = rt_http_server_create(NULL, NULL, 0, NULL, handler, NULL, err, sizeof err);
	assert_non_null(srv);
	rt_http_session *s = rt_http_session_detached(srv);
	rt_http_request r = request("POST", "application/json", NULL, "{}", 2);
	assert_null(rt_api_operator_call(&mesos__v1__master__call__descriptor, "agent", s, &r));
	size_t len;
	const uint8_t *out = rt_http_session_output(s, &len);
	const char *want = "Failed to validate agent::Call: Expecting 'type' to be present";
	assert_non_null(memmem(out, len, "400 Bad Request", 15));
	assert_non_null(memmem(out, len, want, strlen(want)));
	rt_http_session_destroy(s);
	s = rt_http_session_detached(srv);
	r = request("GET", "application/json", NULL, "{}", 2);
	assert_null(rt_api_operator_call(&mesos__v1__master__call__descriptor, "agent", s, &r));
	out = rt_http_session_output(s, &len);
	assert_non_null(memmem(out, len, "Allow: POST", 11));
	rt_http_session_destroy(s);
	rt_http_server_destroy(srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_accepts), cmocka_unit_test(test_encoding),  cmocka_unit_test(test_decode),
	        cmocka_unit_test(test_stream),  cmocka_unit_test(test_enum_name), cmocka_unit_test(test_operator_call),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
