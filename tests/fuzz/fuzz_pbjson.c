/*
 * fuzz_pbjson.c — fuzz target for JSON -> scheduler Call (runtime/src/
 * rt_pbjson.h), the path every JSON request body takes. Whatever the bytes,
 * parsing either fails with a message or gives a Call that packs, renders as
 * JSON and parses back into the same Call; strict parsing never accepts what
 * tolerant parsing rejects.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pb.h"
#include "rt_pbjson.h"
#include "scheduler/scheduler.pb-c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const ProtobufCMessageDescriptor *d = &mesos__v1__scheduler__call__descriptor;
	char err[300];
	ProtobufCMessage *m = rt_pbjson_parse(d, (const char *)data, size, 0, err, sizeof err);
	char serr[300];
	ProtobufCMessage *strict = rt_pbjson_parse(d, (const char *)data, size, RT_PBJSON_STRICT, serr, sizeof serr);
	if (!m) {
		CHECK(err[0] != '\0');
		CHECK(!strict);
		return 0;
	}
	if (strict)
		protobuf_c_message_free_unpacked(strict, NULL);
	else
		CHECK(serr[0] != '\0');

	size_t len;
	char *text = rt_pbjson_dump(m, &len);
	CHECK(text);
	ProtobufCMessage *back = rt_pbjson_parse(d, text, len, RT_PBJSON_STRICT, err, sizeof err);
	if (!back)
		fprintf(stderr, "fuzz_pbjson: %s does not parse back: %s\n", text, err);
	CHECK(back);
	size_t n1, n2;
	uint8_t *b1 = fuzz_pack(m, &n1), *b2 = fuzz_pack(back, &n2);
	CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0);
	free(b1);
	free(b2);
	free(text);
	protobuf_c_message_free_unpacked(back, NULL);
	protobuf_c_message_free_unpacked(m, NULL);
	return 0;
}
