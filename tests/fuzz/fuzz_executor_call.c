/*
 * fuzz_executor_call.c — fuzz target for the executor API's request path
 * (runtime/src/rt_api.h with mesos.v1.executor.Call): the first byte picks
 * the Content-Type (JSON or protobuf), the rest is the body. Whatever the
 * bytes, decoding either fails with a 400 and a message, or gives a Call
 * that packs and unpacks to the same bytes; one decoded from JSON renders
 * as JSON that parses back (protobuf may carry enum numbers without a name,
 * which JSON output writes as numbers and JSON input refuses).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "executor/executor.pb-c.h"
#include "fuzz_pb.h"
#include "rt_api.h"
#include "rt_pbjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const ProtobufCMessageDescriptor *d = &mesos__v1__executor__call__descriptor;
	rt_http_request req;
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.path = "/api/v1/executor";
	req.query = "";
	req.headers[0].name = "Content-Type";
	req.headers[0].value = data[0] & 1 ? RT_API_PROTOBUF : RT_API_JSON;
	req.nheaders = 1;
	req.body = data + 1;
	req.body_len = size - 1;
	int status = 0;
	char msg[400] = "";
	ProtobufCMessage *m = rt_api_decode_call(d, &req, &status, msg, sizeof msg);
	if (!m) {
		CHECK(status == 400);
		CHECK(msg[0] != '\0');
		return 0;
	}
	size_t n1, n2, jlen;
	uint8_t *b1 = fuzz_pack(m, &n1);
	ProtobufCMessage *again = protobuf_c_message_unpack(d, NULL, n1, b1);
	CHECK(again);
	uint8_t *b2 = fuzz_pack(again, &n2);
	CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0);
	char *json = data[0] & 1 ? NULL : rt_pbjson_dump(m, &jlen);
	if (json) {
		char err[300];
		ProtobufCMessage *back = rt_pbjson_parse(d, json, jlen, 0, err, sizeof err);
		if (!back)
			fprintf(stderr, "fuzz_executor_call: %s does not parse back: %s\n", json, err);
		CHECK(back);
		protobuf_c_message_free_unpacked(back, NULL);
		free(json);
	}
	free(b1);
	free(b2);
	protobuf_c_message_free_unpacked(again, NULL);
	protobuf_c_message_free_unpacked(m, NULL);
	return 0;
}
