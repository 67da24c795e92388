/*
 * rt_api.c — the request and stream path common to the v1 scheduler,
 * executor and operator APIs (rt_api.h).
 */
#define _GNU_SOURCE
#include "rt_api.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rt_http_client.h"
#include "rt_pbcheck.h"
#include "rt_pbjson.h"
#include "rt_util.h"

bool rt_api_accepts(const char *accept, const char *type)
{
	const char *slash = strchr(type, '/');
	size_t major = (size_t)(slash - type);
	for (const char *p = accept; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t n = strcspn(p, ",;");
		size_t m = n;
		while (m > 0 && (p[m - 1] == ' ' || p[m - 1] == '\t'))
			m--;
		bool match = (m == strlen(type) && strncasecmp(p, type, m) == 0) ||
		             (m == 3 && strncmp(p, "*/*", 3) == 0) ||
		             (m == major + 2 && strncasecmp(p, type, major + 1) == 0 && p[major + 1] == '*');
		const char *end = p + strcspn(p, ",");
		if (match) {
			const char *q = p + n;
			bool zero = false;
			while (q < end) {
				while (*q == ';' || *q == ' ')
					q++;
				if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=')
					zero = strtod(q + 2, NULL) <= 0;
				q += strcspn(q, ";,");
			}
			if (!zero)
				return true;
		}
		p = end;
	}
	return false;
}

/* Mesos wants the exact string; being lenient about "; charset=utf-8" is
 * harmless. */
bool rt_api_media_type_is(const char *ct, const char *type)
{
	size_t n = strlen(type);
	return strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* U+FDD0, a noncharacter no client has reason to send: what stands in for
 * each byte that is not UTF-8 while the field holding it is looked for. */
#define BAD_UTF8_MARK "\xef\xb7\x90"

/* Parses a JSON body whose invalid bytes are replaced by the mark and
 * names the field that holds one (in msg); false when that cannot be
 * told (a key, or JSON that does not parse anyway). */
static bool json_field_not_utf8(const ProtobufCMessageDescriptor *desc, const uint8_t *body, size_t n, char *msg,
                                size_t len)
{
	rt_buf fixed;
	rt_buf_init(&fixed);
	for (size_t i = 0; i < n;) {
		size_t k = body[i] < 0x80 ? 1 : rt_utf8_seq(body + i, n - i);
		if (k) {
			rt_buf_append(&fixed, body + i, k);
			i += k;
		} else {
			rt_buf_append(&fixed, BAD_UTF8_MARK, 3);
			i++;
		}
	}
	bool named = false;
	json_t *j = json_loadb((const char *)fixed.data, fixed.len, 0, NULL);
	rt_buf_free(&fixed);
	if (!j)
		return false;
	char err[300], field[200];
	ProtobufCMessage *pm = rt_pbjson_to_message(desc, j, 0, err, sizeof err);
	json_decref(j);
	if (pm && rt_pb_find_mark(pm, BAD_UTF8_MARK, field, sizeof field) != 0) {
		snprintf(msg, len, "Failed to parse body into Call protobuf: field '%s' is not valid UTF-8", field);
		named = true;
	}
	if (pm)
		protobuf_c_message_free_unpacked(pm, NULL);
	return named;
}

ProtobufCMessage *rt_api_decode_call(const ProtobufCMessageDescriptor *desc, const rt_http_request *req, int *status,
                                     char *msg, size_t len)
{
	*status = 400;
	if (strcmp(req->method, "POST") != 0) {
		*status = 405;
		snprintf(msg, len, "Expecting POST");
		return NULL;
	}
	const char *ct = rt_http_header_get(req, "Content-Type");
	if (!ct) {
		snprintf(msg, len, "Expecting 'Content-Type' to be present");
		return NULL;
	}
	ProtobufCMessage *pm = NULL;
	if (rt_api_media_type_is(ct, RT_API_PROTOBUF)) {
		pm = protobuf_c_message_unpack(desc, NULL, req->body_len, req->body);
		if (!pm) {
			snprintf(msg, len, "Failed to parse body into Call protobuf");
			return NULL;
		}
		char field[200];
		const char *why;
		if (rt_pb_check(pm, field, sizeof field, &why) != 0) {
			if (field[0])
				snprintf(msg, len, "Failed to parse body into Call protobuf: field '%s' %s", field,
				         why);
			else
				snprintf(msg, len, "Failed to parse body into Call protobuf: the call %s", why);
			protobuf_c_message_free_unpacked(pm, NULL);
			return NULL;
		}
		return pm;
	}
	if (!rt_api_media_type_is(ct, RT_API_JSON)) {
		*status = 415;
		snprintf(msg, len,
		         "Expecting 'Content-Type' of application/json or application/x-protobuf; got '%.100s'", ct);
		return NULL;
	}
	/* A body that is not UTF-8 is refused naming the field, as in
	 * protobuf: jansson alone would only say where. */
	if (!rt_utf8_valid((const char *)req->body, req->body_len, NULL) &&
	    json_field_not_utf8(desc, req->body, req->body_len, msg, len))
		return NULL;
	/* Unknown keys are ignored and null is an absent field, as Mesos reads
	 * JSON. */
	json_error_t je;
	json_t *j = json_loadb((const char *)req->body, req->body_len, 0, &je);
	if (!j) {
		snprintf(msg, len, "Failed to parse body into JSON: %s (line %d, column %d)", je.text, je.line,
		         je.column);
		return NULL;
	}
	char err[300];
	pm = rt_pbjson_to_message(desc, j, 0, err, sizeof err);
	json_decref(j);
	if (!pm)
		snprintf(msg, len, "Failed to convert JSON into Call protobuf: %s", err);
	return pm;
}

int rt_api_stream_encoding(const rt_http_request *req, bool *json, char *msg, size_t len)
{
	const char *accept = rt_http_header_get(req, "Accept");
	*json = !accept || rt_api_accepts(accept, RT_API_JSON);
	if (!*json && !rt_api_accepts(accept, RT_API_PROTOBUF)) {
		snprintf(msg, len, "Expecting 'Accept' to allow '%s' or '%s'", RT_API_JSON, RT_API_PROTOBUF);
		return 406;
	}
	return 0;
}

/* One RecordIO record of ev in rec; false when it cannot be encoded. */
static bool encode_record(rt_buf *rec, bool json, const ProtobufCMessage *ev)
{
	size_t n;
	uint8_t *bytes;
	if (json) {
		bytes = (uint8_t *)rt_pbjson_dump(ev, &n);
		if (!bytes)
			return false;
	} else {
		n = protobuf_c_message_get_packed_size(ev);
		bytes = rt_xmalloc(n);
		protobuf_c_message_pack(ev, bytes);
	}
	rt_recordio_encode(rec, bytes, n);
	free(bytes);
	return true;
}

int rt_api_stream_send(rt_http_session *s, bool json, const ProtobufCMessage *ev)
{
	rt_buf rec;
	rt_buf_init(&rec);
	/* One RecordIO record per HTTP chunk, as Mesos writes them. */
	int rc = encode_record(&rec, json, ev) ? rt_http_stream_send(s, rec.data, rec.len) : -1;
	rt_buf_free(&rec);
	return rc;
}

void rt_api_stream_send_last(rt_http_session *s, bool json, const ProtobufCMessage *ev)
{
	rt_buf rec;
	rt_buf_init(&rec);
	if (encode_record(&rec, json, ev))
		rt_http_stream_send_last(s, rec.data, rec.len);
	else
		rt_http_stream_end(s);
	rt_buf_free(&rec);
}

void rt_api_refuse(rt_http_session *s, int status, const char *what, const char *msg)
{
	/* rt_log escapes the peer's text: it cannot forge a line. */
	rt_log(RT_INFO, "%s from %s refused: %d %.400s", what, rt_http_session_peer(s), status, msg);
	if (status == 405)
		rt_http_reply(s, 405, "text/plain; charset=utf-8", "Expecting POST\n", 15, "Allow: POST\r\n");
	else
		rt_http_reply_text(s, status, msg);
}

void rt_api_reply(rt_http_session *s, bool json, const ProtobufCMessage *msg)
{
	if (json) {
		size_t n;
		char *text = rt_pbjson_dump(msg, &n);
		if (!text) {
			rt_http_reply_text(s, 500, "Failed to encode the response");
			return;
		}
		rt_http_reply(s, 200, RT_API_JSON, text, n, NULL);
		free(text);
		return;
	}
	size_t n = protobuf_c_message_get_packed_size(msg);
	uint8_t *bytes = rt_xmalloc(n ? n : 1);
	protobuf_c_message_pack(msg, bytes);
	rt_http_reply(s, 200, RT_API_PROTOBUF, bytes, n, NULL);
	free(bytes);
}

ProtobufCMessage *rt_api_operator_call(const ProtobufCMessageDescriptor *desc, const char *who, rt_http_session *s,
                                       const rt_http_request *req)
{
	char msg[600];
	const char *what = "operator call";
	int status;
	ProtobufCMessage *call = rt_api_decode_call(desc, req, &status, msg, sizeof msg);
	if (!call) {
		rt_api_refuse(s, status, what, msg);
		return NULL;
	}
	/* Every Call has an optional enum `type`: its has_ flag says whether
	 * it came. */
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(desc, "type");
	if (!f || !*(const protobuf_c_boolean *)((const char *)call + f->quantifier_offset)) {
		snprintf(msg, sizeof msg, "Failed to validate %s::Call: Expecting 'type' to be present", who);
		rt_api_refuse(s, 400, what, msg);
		protobuf_c_message_free_unpacked(call, NULL);
		return NULL;
	}
	return call;
}

const char *rt_api_enum_name(const ProtobufCEnumDescriptor *e, int value, char *buf, size_t len)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(e, value);
	if (v)
		return v->name;
	snprintf(buf, len, "UNKNOWN(%d)", value);
	return buf;
}

/* Percent-decodes a form value into out: its length, or -1 when it does
 * not fit or holds a NUL. */
static int form_decode(const char *in, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (o + 1 >= cap)
			return -1;
		if (in[i] == '+') {
			out[o++] = ' ';
		} else if (in[i] == '%' && i + 2 < n && isxdigit((unsigned char)in[i + 1]) &&
		           isxdigit((unsigned char)in[i + 2])) {
			char hex[3] = {in[i + 1], in[i + 2], 0};
			out[o] = (char)strtol(hex, NULL, 16);
			if (out[o++] == '\0')
				return -1;
			i += 2;
		} else {
			out[o++] = in[i];
		}
	}
	out[o] = '\0';
	return (int)o;
}

int rt_api_form_get(const char *text, size_t len, const char *key, char *out, size_t cap)
{
	const char *p = text, *end = text + len;
	size_t klen = strlen(key);
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if ((size_t)(stop - p) >= klen + 1 && strncmp(p, key, klen) == 0 && p[klen] == '=')
			return form_decode(p + klen + 1, (size_t)(stop - p) - klen - 1, out, cap) < 0 ? -1 : 1;
		p = stop + 1;
	}
	return 0;
}
