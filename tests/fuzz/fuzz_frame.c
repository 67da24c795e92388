/*
 * fuzz_frame.c — fuzz target for the master<->agent frame decoder and the
 * AgentMessage parser behind it. Whatever the bytes and however they are
 * split into reads, the decoder must return only frames inside what it was
 * fed and within the limit, fail for good on an oversized length, and
 * protobuf-c must either reject a payload or give a message that packs again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "meso_agent.pb-c.h"
#include "rt_frame.h"

#define LIMIT 512

static void check_payload(const uint8_t *p, size_t n)
{
	Meso__Agent__AgentMessage *m = meso__agent__agent_message__unpack(NULL, n, p);
	if (!m)
		return;
	size_t len = protobuf_c_message_get_packed_size(&m->base);
	uint8_t *again = malloc(len ? len : 1);
	CHECK(again);
	CHECK(protobuf_c_message_pack(&m->base, again) == len);
	free(again);
	meso__agent__agent_message__free_unpacked(m, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	/* The first byte picks the read size, so splits are explored too. */
	size_t step = 1 + data[0] % 17;
	data++;
	size--;
	rt_frame_decoder d;
	rt_frame_decoder_init(&d, LIMIT);
	size_t fed = 0, returned = 0;
	int last = RT_FRAME_MORE;
	while (fed < size && last != RT_FRAME_TOO_BIG) {
		size_t n = size - fed < step ? size - fed : step;
		rt_frame_decoder_feed(&d, data + fed, n);
		fed += n;
		const uint8_t *p;
		size_t len;
		while ((last = rt_frame_next(&d, &p, &len)) == RT_FRAME_OK) {
			CHECK(len <= LIMIT);
			returned += RT_FRAME_HEADER + len;
			CHECK(returned <= fed);
			check_payload(p, len);
		}
	}
	if (last == RT_FRAME_TOO_BIG) {
		const uint8_t *p;
		size_t len;
		CHECK(rt_frame_next(&d, &p, &len) == RT_FRAME_TOO_BIG);
	}
	rt_frame_decoder_free(&d);
	return 0;
}
