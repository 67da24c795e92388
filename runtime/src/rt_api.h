/*
 * rt_api.h — what the master's scheduler API and the agent's executor API
 * share: reading a Call body (application/x-protobuf or application/json,
 * Mesos's status codes and wording for what is wrong), choosing a stream's
 * encoding from Accept, and sending one event as one RecordIO record per
 * HTTP chunk.
 */
#ifndef RT_API_H
#define RT_API_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>

#include "rt_http.h"

#define RT_API_PROTOBUF "application/x-protobuf"
#define RT_API_JSON     "application/json"

/* Does an Accept header admit type? Media ranges with parameters and
 * wildcards count; a range with q=0 does not. */
bool rt_api_accepts(const char *accept, const char *type);

/* Is Content-Type ct the media type `type`, maybe with parameters? */
bool rt_api_media_type_is(const char *ct, const char *type);

/* Decodes a POSTed call of type desc ("Call" in the messages) from its body
 * by Content-Type. Returns the message (free it with
 * protobuf_c_message_free_unpacked(msg, NULL)), or NULL with *status (405,
 * 400 or 415) and a message in msg; for 405 the caller adds "Allow: POST". */
ProtobufCMessage *rt_api_decode_call(const ProtobufCMessageDescriptor *desc, const rt_http_request *req, int *status,
                                     char *msg, size_t len);

/* The encoding of a SUBSCRIBE's event stream, as Mesos chooses it: JSON if
 * Accept admits it (also with no Accept, or any type), else protobuf. Returns 0 and
 * sets *json, or 406 with the message in msg. */
int rt_api_stream_encoding(const rt_http_request *req, bool *json, char *msg, size_t len);

/* Answers a refused request with status and msg (text/plain), and logs it
 * at info with the peer, what was asked (e.g. "operator call GET_STATE")
 * and the reason, escaped (rt_log escapes every line): what an operator looks for when
 * a client says "400". */
void rt_api_refuse(rt_http_session *s, int status, const char *what, const char *msg);

/* Answers 200 with msg in JSON or protobuf (500 if it cannot be encoded). */
void rt_api_reply(rt_http_session *s, bool json, const ProtobufCMessage *msg);

/* The start of an operator API request (the master's and the agent's
 * /api/v1): decodes the Call of desc by Content-Type and checks that it
 * has a type ("Failed to validate <who>::Call: Expecting 'type' to be
 * present"). Returns the call (free with protobuf_c_message_free_unpacked),
 * or NULL after answering the refusal (405 with Allow: POST, 400, 415). */
ProtobufCMessage *rt_api_operator_call(const ProtobufCMessageDescriptor *desc, const char *who, rt_http_session *s,
                                       const rt_http_request *req);

/* The name of a call's type (its enum value's name, e.g. "GET_STATE"), or
 * "UNKNOWN(n)" in buf for a number the enum does not have. */
const char *rt_api_enum_name(const ProtobufCEnumDescriptor *e, int value, char *buf, size_t len);

/* The value of key in a form or query text (key=value&...), percent-
 * decoded ("+" is a space) into out: 1, 0 when key is absent, -1 when the
 * value does not fit in cap (or decodes to a NUL byte). */
int rt_api_form_get(const char *text, size_t len, const char *key, char *out, size_t cap);

/* Sends ev on a stream as one RecordIO record in one chunk, in JSON or
 * protobuf. Returns 0, -1 when it cannot be encoded or the session is
 * closing, or RT_HTTP_FULL (nothing sent) when the peer left too much unread. */
int rt_api_stream_send(rt_http_session *s, bool json, const ProtobufCMessage *ev);
/* The same as the stream's last record, past the output bound; the stream
 * then ends (rt_http_stream_send_last). */
void rt_api_stream_send_last(rt_http_session *s, bool json, const ProtobufCMessage *ev);

#endif
