/*
 * test_master_webui.c — the master's web UI files (master_webui.c and the
 * table embed.cmake generates): / is the page, every file it names is
 * embedded with its type, ETags give 304s, and other paths and methods are
 * answered or left to the router as documented.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "master_webui.h"

/* Requests the handler did not take (the router's 404 would answer). */
static int passed_on;

static void handler(void *ud, rt_http_session *s, const rt_http_request *req)
{
	if (!master_webui_serve(s, req)) {
		passed_on++;
		rt_http_reply_text(s, 404, "not the UI's");
	}
}

/* One request; the response (headers and body) in out. */
static void request(const char *head, char *out, size_t len)
{
	rt_http_server *srv = rt_http_server_create(NULL, NULL, 0, NULL, handler, NULL, NULL, 0);
	rt_http_session *s = rt_http_session_detached(srv);
	rt_http_session_feed(s, head, strlen(head));
	size_t n;
	const uint8_t *o = rt_http_session_output(s, &n);
	snprintf(out, len, "%.*s", (int)n, (const char *)o);
	rt_http_session_destroy(s);
	rt_http_server_destroy(srv);
}

static void test_page(void **state)
{
	static char out[1 << 20];
	request("GET / HTTP/1.1\r\nHost: m\r\n\r\n", out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 200 "));
	assert_non_null(strstr(out, "Content-Type: text/html; charset=utf-8\r\n"));
	assert_non_null(strstr(out, "Content-Security-Policy: default-src 'self'"));
	assert_non_null(strstr(out, "<script type=\"module\" src=\"webui/app.js\">"));
	/* Every module the page and the modules import is embedded. */
	static const char *names[] = {"style.css", "app.js",       "api.js",   "recordio.js",
	                              "state.js",  "resources.js", "table.js", "chart.js"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char head[200];
		snprintf(head, sizeof head, "GET /webui/%s HTTP/1.1\r\nHost: m\r\n\r\n", names[i]);
		request(head, out, sizeof out);
		if (!strstr(out, "HTTP/1.1 200 "))
			fail_msg("/webui/%s: %.200s", names[i], out);
		const char *want = strstr(names[i], ".css") ? "text/css" : "text/javascript";
		if (!strstr(out, want))
			fail_msg("/webui/%s is not %s", names[i], want);
	}
}

static void test_etag(void **state)
{
	static char out[1 << 20];
	request("GET /webui/app.js HTTP/1.1\r\nHost: m\r\n\r\n", out, sizeof out);
	const char *e = strstr(out, "ETag: \"");
	assert_non_null(e);
	char etag[64];
	assert_int_equal(sscanf(e, "ETag: %63s", etag), 1);
	char head[300];
	snprintf(head, sizeof head, "GET /webui/app.js HTTP/1.1\r\nHost: m\r\nIf-None-Match: %s\r\n\r\n", etag);
	request(head, out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 304 "));
	assert_non_null(strstr(out, "Content-Length: 0\r\n"));
	/* Another file's tag is no match. */
	snprintf(head, sizeof head, "GET /webui/api.js HTTP/1.1\r\nHost: m\r\nIf-None-Match: %s\r\n\r\n", etag);
	request(head, out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 200 "));
}

static void test_others(void **state)
{
	static char out[1 << 16];
	request("GET /webui/nope.js HTTP/1.1\r\nHost: m\r\n\r\n", out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 404 "));
	assert_non_null(strstr(out, "No such file of the web UI: /webui/nope.js"));
	request("GET /webui/../master.c HTTP/1.1\r\nHost: m\r\n\r\n", out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 404 "));
	request("POST / HTTP/1.1\r\nHost: m\r\nContent-Length: 0\r\n\r\n", out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 405 "));
	assert_non_null(strstr(out, "Allow: GET"));
	request("HEAD / HTTP/1.1\r\nHost: m\r\n\r\n", out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 200 "));
	assert_null(strstr(out, "<html"));
	passed_on = 0;
	request("GET /state HTTP/1.1\r\nHost: m\r\n\r\n", out, sizeof out);
	request("GET /webuix HTTP/1.1\r\nHost: m\r\n\r\n", out, sizeof out);
	assert_int_equal(passed_on, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_page),
	        cmocka_unit_test(test_etag),
	        cmocka_unit_test(test_others),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
