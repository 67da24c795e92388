/*
 * fuzz_pb.h — fuzz.h plus what the harnesses of protobuf messages share.
 */
#ifndef MESO_FUZZ_PB_H
#define MESO_FUZZ_PB_H

#include <protobuf-c/protobuf-c.h>

#include "fuzz.h"

/* m packed into a malloc'd buffer of *n bytes (checked to fill it). */
static inline uint8_t *fuzz_pack(const ProtobufCMessage *m, size_t *n)
{
	*n = protobuf_c_message_get_packed_size(m);
	uint8_t *b = malloc(*n ? *n : 1);
	CHECK(b);
	CHECK(protobuf_c_message_pack(m, b) == *n);
	return b;
}

#endif
