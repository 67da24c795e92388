/*
 * fuzz_http.c — fuzz target for the HTTP request path: the server's parser
 * and limits (runtime/src/rt_http.c) feeding a handler that decodes
 * scheduler Calls as the master does. Whatever the bytes and reads, every
 * answer must be a well-formed status line, a closed session must stay
 * closed, and nothing may crash or leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rt_http.h"
#include "scheduler/scheduler.pb-c.h"

static void handler(void *ud, rt_http_session *s, const rt_http_request *req)
{
	CHECK(req->method && req->path && req->query);
	for (size_t i = 0; i < req->nheaders; i++)
		CHECK(req->headers[i].name && req->headers[i].value);
	if (rt_http_session_streaming(s))
		return;
	if (strcmp(req->path, "/stream") == 0) {
		rt_http_stream_start(s, 200, "application/x-protobuf", "Mesos-Stream-Id: x\r\n");
		rt_http_stream_send(s, "1\nx", 3);
		return;
	}
	if (strcmp(req->path, "/end") == 0) {
		rt_http_stream_start(s, 200, "text/plain", NULL);
		rt_http_stream_end(s);
		return;
	}
	Mesos__V1__Scheduler__Call *call = mesos__v1__scheduler__call__unpack(NULL, req->body_len, req->body);
	if (!call) {
		rt_http_reply_text(s, 400, "Failed to parse body into Call protobuf");
		return;
	}
	mesos__v1__scheduler__call__free_unpacked(call, NULL);
	rt_http_reply(s, 202, NULL, "", 0, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t step = 1 + data[0] % 23;
	data++;
	size--;
	rt_http_limits lim = {.max_header_bytes = 1024, .max_body_bytes = 1024};
	rt_http_server *srv = rt_http_server_create(NULL, NULL, 0, &lim, handler, NULL, NULL, 0);
	rt_http_session *s = rt_http_session_detached(srv);
	bool closed = false;
	for (size_t fed = 0; fed < size;) {
		size_t n = size - fed < step ? size - fed : step;
		int rc = rt_http_session_feed(s, data + fed, n);
		CHECK(!closed || rc == -1);
		closed = rc == -1;
		fed += n;
	}
	size_t len;
	const uint8_t *out = rt_http_session_output(s, &len);
	CHECK(len == 0 || (len >= 12 && memcmp(out, "HTTP/1.1 ", 9) == 0));
	rt_http_session_destroy(s);
	rt_http_server_destroy(srv);
	return 0;
}
