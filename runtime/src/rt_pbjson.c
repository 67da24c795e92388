/*
 * rt_pbjson.c — generic protobuf-c <-> JSON translation for the v1 HTTP API.
 * Walks ProtobufCMessageDescriptor field tables, so every message of the
 * .proto files gets JSON for free; the memory it builds is laid out exactly as
 * protobuf-c's unpack would, so free_unpacked releases it.
 */
#define _POSIX_C_SOURCE 200809L
#include "rt_pbjson.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_util.h"

/* ----------------------------------------------------------------- encode */

static size_t field_size(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_ENUM:
		return 4;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	}
	return 0;
}

/* A string that is not valid UTF-8 (protobuf-c does not check) is written
 * with its non-ASCII bytes as '?', rather than as invalid JSON. */
static json_t *string_json(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	char *copy = strdup(s);
	if (!copy)
		return NULL;
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

/* A proto map field (`map<string, V> name = N;`): protoc-c makes it a
 * repeated message of a nested type NameEntry with a string `key` (1) and a
 * `value` (2). Its JSON is an object keyed by the keys, as stout writes it. */
static bool is_map_field(const ProtobufCFieldDescriptor *f)
{
	if (f->label != PROTOBUF_C_LABEL_REPEATED || f->type != PROTOBUF_C_TYPE_MESSAGE)
		return false;
	const ProtobufCMessageDescriptor *d = f->descriptor;
	size_t n = strlen(d->short_name);
	return d->n_fields == 2 && n > 5 && strcmp(d->short_name + n - 5, "Entry") == 0 && d->fields[0].id == 1 &&
	       strcmp(d->fields[0].name, "key") == 0 && d->fields[0].type == PROTOBUF_C_TYPE_STRING &&
	       d->fields[1].id == 2 && strcmp(d->fields[1].name, "value") == 0;
}

static json_t *encode_value(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return json_integer(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: {
		uint64_t v = *(const uint64_t *)p;
		if (v <= INT64_MAX)
			return json_integer((json_int_t)v);
		char buf[24];
		snprintf(buf, sizeof buf, "%" PRIu64, v);
		return json_string(buf);
	}
	case PROTOBUF_C_TYPE_FLOAT: {
		double v = *(const float *)p;
		return isfinite(v) ? json_real(v) : NULL;
	}
	case PROTOBUF_C_TYPE_DOUBLE: {
		double v = *(const double *)p;
		return isfinite(v) ? json_real(v) : NULL;
	}
	case PROTOBUF_C_TYPE_BOOL:
		return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM: {
		int v = *(const int *)p;
		const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(f->descriptor, v);
		return ev ? json_string(ev->name) : json_integer(v);
	}
	case PROTOBUF_C_TYPE_STRING:
		return string_json(*(char *const *)p);
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = p;
		char *s = rt_base64_encode(b->data, b->len);
		json_t *j = s ? json_string(s) : NULL;
		free(s);
		return j;
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		return rt_pbjson_from_message(*(ProtobufCMessage *const *)p);
	}
	return NULL;
}

json_t *rt_pbjson_from_message(const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	const char *base = (const char *)msg;
	json_t *obj = json_object();
	if (!obj)
		return NULL;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const void *p = base + f->offset;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(base + f->quantifier_offset);
			const char *arr = *(char *const *)p;
			if (n == 0 || !arr)
				continue;
			if (is_map_field(f)) {
				json_t *o = json_object();
				const ProtobufCMessageDescriptor *ed = f->descriptor;
				const ProtobufCFieldDescriptor *vf = &ed->fields[1];
				for (size_t k = 0; k < n; k++) {
					const char *e = *(char *const *)(arr + k * field_size(f));
					const char *key = *(char *const *)(e + ed->fields[0].offset);
					json_t *v = encode_value(vf, e + vf->offset);
					json_object_set_new(o, key ? key : "", v ? v : json_null());
				}
				json_object_set_new(obj, f->name, o);
				continue;
			}
			json_t *a = json_array();
			for (size_t k = 0; k < n; k++) {
				json_t *v = encode_value(f, arr + k * field_size(f));
				json_array_append_new(a, v ? v : json_null());
			}
			json_object_set_new(obj, f->name, a);
			continue;
		}
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			if (*(const uint32_t *)(base + f->quantifier_offset) != f->id)
				continue;
		} else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset) {
			if (!*(const protobuf_c_boolean *)(base + f->quantifier_offset))
				continue;
		}
		if ((f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE) && !*(void *const *)p)
			continue;
		/* An optional string still pointing at its default was never set
		 * (protobuf-c does not pack it either). */
		if (f->type == PROTOBUF_C_TYPE_STRING && f->label == PROTOBUF_C_LABEL_OPTIONAL && f->default_value &&
		    *(void *const *)p == f->default_value)
			continue;
		/* A proto3 scalar (no has_ flag) at zero is not set, as proto3's
		 * JSON mapping leaves it out (google.protobuf.Duration's nanos). */
		if (f->label == PROTOBUF_C_LABEL_NONE && f->type != PROTOBUF_C_TYPE_MESSAGE &&
		    f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_BYTES) {
			static const uint8_t zero[8];
			if (memcmp(p, zero, field_size(f)) == 0)
				continue;
		}
		json_t *v = encode_value(f, p);
		if (v)
			json_object_set_new(obj, f->name, v);
	}
	return obj;
}

char *rt_pbjson_dump(const ProtobufCMessage *msg, size_t *len)
{
	json_t *j = rt_pbjson_from_message(msg);
	if (!j)
		return NULL;
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	if (s && len)
		*len = strlen(s);
	return s;
}

/* ----------------------------------------------------------------- decode */

typedef struct pbj_ctx {
	int options;
	char path[512];
	size_t len;
	char *err;
	size_t errlen;
} pbj_ctx;

static size_t path_push(pbj_ctx *c, const char *name)
{
	size_t old = c->len;
	int n = snprintf(c->path + c->len, sizeof c->path - c->len, "%s%s", c->len ? "." : "", name);
	if (n > 0)
		c->len = c->len + (size_t)n < sizeof c->path ? c->len + (size_t)n : sizeof c->path - 1;
	return old;
}

static size_t path_index(pbj_ctx *c, size_t i)
{
	size_t old = c->len;
	int n = snprintf(c->path + c->len, sizeof c->path - c->len, "[%zu]", i);
	if (n > 0)
		c->len = c->len + (size_t)n < sizeof c->path ? c->len + (size_t)n : sizeof c->path - 1;
	return old;
}

static void path_pop(pbj_ctx *c, size_t old)
{
	c->len = old;
	c->path[old] = '\0';
}

__attribute__((format(printf, 2, 3))) static bool fail(pbj_ctx *c, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (c->errlen)
		snprintf(c->err, c->errlen, "%s%s%s", c->path, c->len ? ": " : "", what);
	return false;
}

/* A signed integer from a JSON integer, an integral real or a decimal string. */
static bool get_int(pbj_ctx *c, const json_t *v, int64_t lo, int64_t hi, const char *what, int64_t *out)
{
	int64_t x;
	if (json_is_integer(v)) {
		x = json_integer_value(v);
	} else if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d != floor(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
			return fail(c, "expected %s, got %g", what, d);
		x = (int64_t)d;
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		errno = 0;
		long long ll = strtoll(s, &end, 10);
		if (!*s || *end || errno)
			return fail(c, "expected %s, got \"%.40s\"", what, s);
		x = ll;
	} else {
		return fail(c, "expected %s", what);
	}
	if (x < lo || x > hi)
		return fail(c, "expected %s, got %" PRId64 " (out of range)", what, x);
	*out = x;
	return true;
}

static bool get_uint(pbj_ctx *c, const json_t *v, uint64_t hi, const char *what, uint64_t *out)
{
	uint64_t x;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return fail(c, "expected %s, got %" JSON_INTEGER_FORMAT, what, json_integer_value(v));
		x = (uint64_t)json_integer_value(v);
	} else if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d != floor(d) || d < 0 || d >= 18446744073709551616.0)
			return fail(c, "expected %s, got %g", what, d);
		x = (uint64_t)d;
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		errno = 0;
		unsigned long long ull = strtoull(s, &end, 10);
		if (*s < '0' || *s > '9' || *end || errno)
			return fail(c, "expected %s, got \"%.40s\"", what, s);
		x = ull;
	} else {
		return fail(c, "expected %s", what);
	}
	if (x > hi)
		return fail(c, "expected %s, got %" PRIu64 " (out of range)", what, x);
	*out = x;
	return true;
}

/* A finite number, from a JSON number or a decimal string; max bounds the
 * magnitude (a float's range for float fields). */
static bool get_double(pbj_ctx *c, const json_t *v, double max, double *out)
{
	double d;
	if (json_is_number(v)) {
		d = json_number_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		d = strtod(s, &end);
		if (!*s || *end)
			return fail(c, "expected a number, got \"%.40s\"", s);
	} else {
		return fail(c, "expected a number");
	}
	/* JSON has no NaN or infinity, so they could not be written back. */
	if (!isfinite(d) || fabs(d) > max)
		return fail(c, "expected a finite number in range");
	*out = d;
	return true;
}

static ProtobufCMessage *decode_message(pbj_ctx *c, const ProtobufCMessageDescriptor *d, const json_t *j);

/* Decodes one value into p; writes p only on success. */
static bool decode_value(pbj_ctx *c, const ProtobufCFieldDescriptor *f, const json_t *v, void *p)
{
	int64_t i;
	uint64_t u;
	double d;
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		if (!get_int(c, v, INT32_MIN, INT32_MAX, "a 32-bit integer", &i))
			return false;
		*(int32_t *)p = (int32_t)i;
		return true;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if (!get_uint(c, v, UINT32_MAX, "an unsigned 32-bit integer", &u))
			return false;
		*(uint32_t *)p = (uint32_t)u;
		return true;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		if (!get_int(c, v, INT64_MIN, INT64_MAX, "a 64-bit integer", &i))
			return false;
		*(int64_t *)p = i;
		return true;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (!get_uint(c, v, UINT64_MAX, "an unsigned 64-bit integer", &u))
			return false;
		*(uint64_t *)p = u;
		return true;
	case PROTOBUF_C_TYPE_FLOAT:
		if (!get_double(c, v, FLT_MAX, &d))
			return false;
		*(float *)p = (float)d;
		return true;
	case PROTOBUF_C_TYPE_DOUBLE:
		if (!get_double(c, v, DBL_MAX, &d))
			return false;
		*(double *)p = d;
		return true;
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_is_boolean(v))
			return fail(c, "expected a boolean");
		*(protobuf_c_boolean *)p = json_is_true(v);
		return true;
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumDescriptor *ed = f->descriptor;
		const ProtobufCEnumValue *ev = NULL;
		if (json_is_string(v))
			ev = protobuf_c_enum_descriptor_get_value_by_name(ed, json_string_value(v));
		else if (json_is_integer(v) && json_integer_value(v) >= INT32_MIN && json_integer_value(v) <= INT32_MAX)
			ev = protobuf_c_enum_descriptor_get_value(ed, (int)json_integer_value(v));
		else
			return fail(c, "expected a name or number of enum %s", ed->name);
		if (!ev) {
			if (json_is_string(v))
				return fail(c, "\"%.60s\" is not a value of enum %s", json_string_value(v), ed->name);
			return fail(c, "%" JSON_INTEGER_FORMAT " is not a value of enum %s", json_integer_value(v),
			            ed->name);
		}
		*(int *)p = ev->value;
		return true;
	}
	case PROTOBUF_C_TYPE_STRING: {
		if (!json_is_string(v))
			return fail(c, "expected a string");
		char *s = strdup(json_string_value(v));
		if (!s)
			return fail(c, "out of memory");
		*(char **)p = s;
		return true;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		if (!json_is_string(v))
			return fail(c, "expected a base64 string");
		uint8_t *data;
		size_t n;
		if (!rt_base64_decode(json_string_value(v), json_string_length(v), &data, &n))
			return fail(c, "expected a base64 string, got \"%.40s\"", json_string_value(v));
		ProtobufCBinaryData *b = p;
		b->data = data;
		b->len = n;
		return true;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		ProtobufCMessage *m = decode_message(c, f->descriptor, v);
		if (!m)
			return false;
		*(ProtobufCMessage **)p = m;
		return true;
	}
	}
	return fail(c, "field type %d is not supported", (int)f->type);
}

/* A map field's JSON object into its entry messages, in the object's order. */
static bool decode_map(pbj_ctx *c, const ProtobufCFieldDescriptor *f, const json_t *v, char *base)
{
	if (!json_is_object(v))
		return fail(c, "expected an object");
	size_t n = json_object_size(v);
	if (n == 0)
		return true;
	ProtobufCMessage **arr = calloc(n, sizeof *arr);
	if (!arr)
		return fail(c, "out of memory");
	*(ProtobufCMessage ***)(base + f->offset) = arr;
	size_t *count = (size_t *)(base + f->quantifier_offset);
	*count = 0;
	const ProtobufCMessageDescriptor *d = f->descriptor;
	const ProtobufCFieldDescriptor *vf = &d->fields[1];
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)v, key, val)
	{
		ProtobufCMessage *e = malloc(d->sizeof_message);
		if (!e)
			return fail(c, "out of memory");
		protobuf_c_message_init(d, e);
		arr[(*count)++] = e;
		char *k = strdup(key);
		if (!k)
			return fail(c, "out of memory");
		*(char **)((char *)e + d->fields[0].offset) = k;
		size_t old = path_push(c, key);
		bool ok = json_is_null(val) || decode_value(c, vf, val, (char *)e + vf->offset);
		if (ok && !json_is_null(val) && vf->label == PROTOBUF_C_LABEL_OPTIONAL && vf->quantifier_offset)
			*(protobuf_c_boolean *)((char *)e + vf->quantifier_offset) = 1;
		path_pop(c, old);
		if (!ok)
			return false;
	}
	return true;
}

static bool decode_repeated(pbj_ctx *c, const ProtobufCFieldDescriptor *f, const json_t *v, char *base)
{
	if (is_map_field(f))
		return decode_map(c, f, v, base);
	if (!json_is_array(v))
		return fail(c, "expected an array");
	size_t n = json_array_size(v);
	if (n == 0)
		return true;
	size_t sz = field_size(f);
	char *arr = calloc(n, sz);
	if (!arr)
		return fail(c, "out of memory");
	/* n_ counts the elements filled so far, so free_unpacked after a
	 * failure frees exactly those. */
	*(char **)(base + f->offset) = arr;
	size_t *count = (size_t *)(base + f->quantifier_offset);
	*count = 0;
	for (size_t k = 0; k < n; k++) {
		size_t old = path_index(c, k);
		bool ok = decode_value(c, f, json_array_get(v, k), arr + k * sz);
		path_pop(c, old);
		if (!ok)
			return false;
		(*count)++;
	}
	return true;
}

static ProtobufCMessage *decode_message(pbj_ctx *c, const ProtobufCMessageDescriptor *d, const json_t *j)
{
	if (!json_is_object(j)) {
		fail(c, "expected an object (%s)", d->name);
		return NULL;
	}
	ProtobufCMessage *msg = malloc(d->sizeof_message);
	if (!msg) {
		fail(c, "out of memory");
		return NULL;
	}
	protobuf_c_message_init(d, msg);
	char *base = (char *)msg;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v)
	{
		const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, key);
		size_t old = path_push(c, key);
		bool ok = true;
		if (!f) {
			if (c->options & RT_PBJSON_STRICT)
				ok = fail(c, "unknown field of %s", d->name);
		} else if (json_is_null(v)) {
			/* null is an absent field */
		} else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			ok = decode_repeated(c, f, v, base);
		} else {
			ok = decode_value(c, f, v, base + f->offset);
			if (ok && (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
				*(uint32_t *)(base + f->quantifier_offset) = f->id;
			else if (ok && f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset)
				*(protobuf_c_boolean *)(base + f->quantifier_offset) = 1;
		}
		path_pop(c, old);
		if (!ok) {
			protobuf_c_message_free_unpacked(msg, NULL);
			return NULL;
		}
	}
	/* Mesos's wording (stout's parse after IsInitialized): "Missing required
	 * fields: " and every missing one of this message, comma-separated. */
	char missing[256] = "";
	size_t n = 0;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->label != PROTOBUF_C_LABEL_REQUIRED)
			continue;
		const json_t *fv = json_object_get(j, f->name);
		if (fv && !json_is_null(fv))
			continue;
		int w = snprintf(missing + n, sizeof missing - n, "%s%s%s%s", n ? ", " : "", c->path, c->len ? "." : "",
		                 f->name);
		if (w > 0)
			n = n + (size_t)w < sizeof missing ? n + (size_t)w : sizeof missing - 1;
	}
	if (n) {
		if (c->errlen)
			snprintf(c->err, c->errlen, "Missing required fields: %s", missing);
		protobuf_c_message_free_unpacked(msg, NULL);
		return NULL;
	}
	return msg;
}

ProtobufCMessage *rt_pbjson_to_message(const ProtobufCMessageDescriptor *desc, const json_t *json, int options,
                                       char *err, size_t errlen)
{
	pbj_ctx c = {.options = options, .err = err, .errlen = errlen};
	if (errlen)
		err[0] = '\0';
	return decode_message(&c, desc, json);
}

ProtobufCMessage *rt_pbjson_parse(const ProtobufCMessageDescriptor *desc, const char *text, size_t len, int options,
                                  char *err, size_t errlen)
{
	json_error_t je;
	/* Mesos accepts only an object or array at the top; so does
	 * JSON_DECODE_ANY's absence. */
	json_t *j = json_loadb(text, len, 0, &je);
	if (!j) {
		if (errlen)
			snprintf(err, errlen, "invalid JSON at line %d column %d: %s", je.line, je.column, je.text);
		return NULL;
	}
	ProtobufCMessage *m = rt_pbjson_to_message(desc, j, options, err, errlen);
	json_decref(j);
	return m;
}
