/*
 * rt_pbjson.h — protobuf-c messages to and from JSON (jansson), generically
 * through protobuf-c's descriptors, with Mesos's conventions: .proto field
 * names, enums by name, int64 as numbers, bytes as base64, ids as objects.
 */
#ifndef RT_PBJSON_H
#define RT_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* Decoding options (a bit set). */
enum {
	/* Reject keys that name no field (Mesos ignores them, and so do we by
	 * default). */
	RT_PBJSON_STRICT = 1 << 0,
};

/* Renders msg as a new JSON object (caller owns the reference): only set
 * fields (has_ flags, non-NULL pointers, n_ > 0, required scalars); enums by
 * name (by number when the value has no name); (u)int64 as numbers, uint64
 * above INT64_MAX as a decimal string; non-finite doubles left out. */
json_t *rt_pbjson_from_message(const ProtobufCMessage *msg);

/* Renders msg as compact JSON text, non-ASCII escaped as \uXXXX; returns a
 * malloc'd NUL-terminated string (caller frees) and its length in *len. */
char *rt_pbjson_dump(const ProtobufCMessage *msg, size_t *len);

/* Builds a message of type desc from a JSON object. The message and all it
 * points to come from malloc, so the caller frees it with
 * protobuf_c_message_free_unpacked(msg, NULL) (or the generated
 * *_free_unpacked). On failure returns NULL and writes a message naming the
 * field path (e.g. "accept.offer_ids[0].value: expected a string") to err. */
ProtobufCMessage *rt_pbjson_to_message(const ProtobufCMessageDescriptor *desc, const json_t *json, int options,
                                       char *err, size_t errlen);

/* rt_pbjson_to_message on JSON text of len bytes (need not be
 * NUL-terminated); syntax errors are reported with their position. */
ProtobufCMessage *rt_pbjson_parse(const ProtobufCMessageDescriptor *desc, const char *text, size_t len, int options,
                                  char *err, size_t errlen);

#endif
