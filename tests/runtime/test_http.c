/*
 * test_http.c — the HTTP/1.1 server's request path (runtime/src/rt_http.h),
 * driven through detached sessions: requests split anywhere, keep-alive and
 * pipelining, chunked bodies, the answers to bad input (400, 413, 500), and
 * what one connection may hold: requests wait while their answers are not
 * read, a stream is refused more past the output bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rt_http.h"

typedef struct seen {
	int requests, drains;
	char method[16], path[128], query[128], host[64], body[256];
	size_t body_len;
	int stream_requests;
	bool start_stream, no_reply;
} seen;

static void handler(void *ud, rt_http_session *s, const rt_http_request *req)
{
	seen *x = ud;
	if (rt_http_session_streaming(s)) {
		x->stream_requests++;
		return;
	}
	x->requests++;
	snprintf(x->method, sizeof x->method, "%s", req->method);
	snprintf(x->path, sizeof x->path, "%s", req->path);
	snprintf(x->query, sizeof x->query, "%s", req->query);
	const char *h = rt_http_header_get(req, "host");
	snprintf(x->host, sizeof x->host, "%s", h ? h : "");
	x->body_len = req->body_len;
	snprintf(x->body, sizeof x->body, "%.*s", (int)req->body_len, (const char *)req->body);
	if (x->no_reply)
		return;
	if (x->start_stream) {
		rt_http_stream_start(s, 200, "application/x-protobuf", "Mesos-Stream-Id: abc\r\n");
		rt_http_stream_send(s, "3\nxyz", 5);
		return;
	}
	rt_http_reply(s, 200, "text/plain", "ok", 2, NULL);
}

typedef struct fixture {
	seen seen;
	rt_http_server *srv;
	rt_http_session *s;
} fixture;

static int setup(void **state)
{
	static fixture f;
	memset(&f, 0, sizeof f);
	rt_http_limits lim = {.max_header_bytes = 512, .max_body_bytes = 64};
	f.srv = rt_http_server_create(NULL, NULL, 0, &lim, handler, &f.seen, NULL, 0);
	f.s = rt_http_session_detached(f.srv);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	rt_http_session_destroy(f->s);
	rt_http_server_destroy(f->srv);
	return 0;
}

static int feed(fixture *f, const char *text)
{
	return rt_http_session_feed(f->s, text, strlen(text));
}

static const char *output(fixture *f)
{
	static char buf[8192];
	size_t n;
	const uint8_t *p = rt_http_session_output(f->s, &n);
	snprintf(buf, sizeof buf, "%.*s", (int)n, (const char *)p);
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_request_split_byte_by_byte(void **state)
{
	fixture *f = *state;
	const char *req = "POST /api/v1/scheduler?x=1 HTTP/1.1\r\nHost: h:5050\r\nX-Long-Header-Name: "
	                  "some value\r\nContent-Length: 5\r\n\r\nhello";
	for (size_t i = 0; req[i]; i++)
		assert_int_equal(rt_http_session_feed(f->s, req + i, 1), 0);
	assert_int_equal(f->seen.requests, 1);
	assert_string_equal(f->seen.method, "POST");
	assert_string_equal(f->seen.path, "/api/v1/scheduler");
	assert_string_equal(f->seen.query, "x=1");
	assert_string_equal(f->seen.host, "h:5050"); /* names compared without case */
	assert_string_equal(f->seen.body, "hello");
	assert_non_null(strstr(output(f), "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strstr(output(f), "Content-Length: 2\r\n"));
}

static void test_keep_alive_and_pipelining(void **state)
{
	fixture *f = *state;
	assert_int_equal(feed(f, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	assert_int_equal(f->seen.requests, 2);
	assert_string_equal(f->seen.path, "/b");
	assert_int_equal(count(output(f), "HTTP/1.1 200 OK"), 2);
	assert_null(strstr(output(f), "Connection: close"));
	/* Connection: close is honoured: answered, then closed. */
	assert_int_equal(feed(f, "GET /c HTTP/1.1\r\nConnection: close\r\n\r\n"), -1);
	assert_int_equal(f->seen.requests, 3);
	assert_non_null(strstr(output(f), "Connection: close"));
}

static void test_chunked_request_body(void **state)
{
	fixture *f = *state;
	assert_int_equal(
	        feed(f, "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), 0);
	assert_int_equal(f->seen.requests, 1);
	assert_string_equal(f->seen.body, "abcde");
}

static void test_malformed_request_is_400(void **state)
{
	fixture *f = *state;
	assert_int_equal(feed(f, "GET / HTTP/1.1\r\nBad Header Line\r\n\r\n"), -1);
	assert_int_equal(f->seen.requests, 0);
	assert_non_null(strstr(output(f), "HTTP/1.1 400 Bad Request"));
	assert_non_null(strstr(output(f), "Malformed request"));
}

static void test_garbage_is_400(void **state)
{
	fixture *f = *state;
	assert_int_equal(rt_http_session_feed(f->s, "\x01\x02\xff\r\n\r\n", 7), -1);
	assert_non_null(strstr(output(f), "400"));
}

static void test_headers_too_large_is_413(void **state)
{
	fixture *f = *state;
	char req[2048];
	memset(req, 'a', sizeof req);
	memcpy(req, "GET / HTTP/1.1\r\nX: ", 19);
	req[sizeof req - 1] = '\0';
	assert_int_equal(feed(f, req), -1);
	assert_int_equal(f->seen.requests, 0);
	assert_non_null(strstr(output(f), "HTTP/1.1 413"));
	assert_non_null(strstr(output(f), "headers too large"));
}

static void test_body_too_large_is_413(void **state)
{
	fixture *f = *state;
	/* Refused on the announced length, before the body arrives. */
	assert_int_equal(feed(f, "POST / HTTP/1.1\r\nContent-Length: 65\r\n\r\n"), -1);
	assert_non_null(strstr(output(f), "HTTP/1.1 413"));
	assert_non_null(strstr(output(f), "Request body too large"));
	assert_int_equal(f->seen.requests, 0);
}

static void test_chunked_body_too_large_is_413(void **state)
{
	fixture *f = *state;
	assert_int_equal(feed(f, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n"
	                         "0123456789012345678901234567890123456789012345678901234567890123456789\r\n"),
	                 -1);
	assert_non_null(strstr(output(f), "HTTP/1.1 413"));
	assert_int_equal(f->seen.requests, 0);
}

static void test_unanswered_request_is_500(void **state)
{
	fixture *f = *state;
	f->seen.no_reply = true;
	assert_int_equal(feed(f, "GET / HTTP/1.1\r\n\r\n"), 0);
	assert_non_null(strstr(output(f), "HTTP/1.1 500"));
}

static void test_stream_is_chunked(void **state)
{
	fixture *f = *state;
	f->seen.start_stream = true;
	assert_int_equal(feed(f, "POST /api/v1/scheduler HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), 0);
	const char *out = output(f);
	assert_non_null(strstr(out, "Transfer-Encoding: chunked\r\n"));
	assert_non_null(strstr(out, "Mesos-Stream-Id: abc\r\n"));
	assert_null(strstr(out, "Content-Length"));
	assert_non_null(strstr(out, "\r\n\r\n5\r\n3\nxyz\r\n"));
	/* A request on the stream's connection reaches the handler flagged. */
	assert_int_equal(feed(f, "POST /api/v1/scheduler HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), 0);
	assert_int_equal(f->seen.stream_requests, 1);
	assert_int_equal(f->seen.requests, 1);
}

static void test_upgrade_without_handler_is_400(void **state)
{
	fixture *f = *state;
	assert_int_equal(feed(f, "POST /api/agent HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: meso-agent/1\r\n"
	                         "Content-Length: 0\r\n\r\n\0\0\0\1x"),
	                 -1);
	assert_non_null(strstr(output(f), "HTTP/1.1 400"));
	assert_int_equal(f->seen.requests, 0);
}

/* A server whose connections may hold 100 bytes of unread output. */
static int setup_small_output(void **state)
{
	setup(state);
	fixture *f = *state;
	rt_http_session_destroy(f->s);
	rt_http_server_destroy(f->srv);
	rt_http_limits lim = {.max_output_bytes = 100};
	f->srv = rt_http_server_create(NULL, NULL, 0, &lim, handler, &f->seen, NULL, 0);
	f->s = rt_http_session_detached(f->srv);
	return 0;
}

static void test_pipelined_requests_wait_for_unread_answers(void **state)
{
	fixture *f = *state;
	const char *get = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
	/* Each answer is ~60 bytes: the second reaches the bound, and the
	 * third request is not served while they are unread. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(feed(f, get), 0);
	assert_int_equal(f->seen.requests, 2);
	assert_int_equal(count(output(f), "HTTP/1.1 200 OK"), 2);
	rt_http_stats st;
	rt_http_server_stats(f->srv, &st);
	assert_int_equal(st.output_stalls, 1);
	assert_true(st.output_bytes >= 100);
	/* The peer reads: the held requests are served, two at a time. */
	rt_http_session_drain(f->s);
	assert_int_equal(f->seen.requests, 4);
	rt_http_session_drain(f->s);
	assert_int_equal(f->seen.requests, 5);
	assert_int_equal(count(output(f), "HTTP/1.1 200 OK"), 1);
}

static void on_drain(rt_http_session *s, void *ud)
{
	((seen *)ud)->drains++;
}

static void test_stream_refused_past_the_output_bound(void **state)
{
	fixture *f = *state;
	f->seen.start_stream = true;
	assert_int_equal(feed(f, "POST /api/v1/scheduler HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), 0);
	rt_http_session_drain(f->s); /* the head, read */
	rt_http_session_on_drain(f->s, on_drain, &f->seen);
	int rc, sent = 0;
	while ((rc = rt_http_stream_send(f->s, "0123456789", 10)) == 0)
		sent++;
	assert_int_equal(rc, RT_HTTP_FULL);
	assert_int_equal(sent, 7); /* 15-byte chunks: the 8th finds 105 waiting */
	assert_true(rt_http_session_pending(f->s) >= 100);
	/* Read by the peer: the sender is told, and may send again. */
	rt_http_session_drain(f->s);
	assert_int_equal(f->seen.drains, 1);
	assert_int_equal(rt_http_session_pending(f->s), 0);
	assert_int_equal(rt_http_stream_send(f->s, "0123456789", 10), 0);
	/* Full again: a last chunk still goes out, and ends the stream. */
	while (rt_http_stream_send(f->s, "0123456789", 10) == 0)
		;
	rt_http_stream_send_last(f->s, "bye", 3);
	assert_non_null(strstr(output(f), "3\r\nbye\r\n0\r\n\r\n"));
	assert_int_equal(rt_http_stream_send(f->s, "x", 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_request_split_byte_by_byte, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_keep_alive_and_pipelining, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_chunked_request_body, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_malformed_request_is_400, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_garbage_is_400, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_headers_too_large_is_413, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_body_too_large_is_413, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_chunked_body_too_large_is_413, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_unanswered_request_is_500, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_stream_is_chunked, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_upgrade_without_handler_is_400, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_pipelined_requests_wait_for_unread_answers, setup_small_output,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_stream_refused_past_the_output_bound, setup_small_output,
	                                        teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
