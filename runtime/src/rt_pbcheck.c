/*
 * rt_pbcheck.c — the checks of rt_pbcheck.h: a walk of a message by its
 * descriptor, as deep as the message is (protobuf-c bounds that depth when
 * it unpacks).
 */
#define _GNU_SOURCE
#include "rt_pbcheck.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rt_util.h"

/* What a string must not be: not UTF-8, or holding a mark; and whether a
 * message may hold a field numbered 0. */
typedef struct probe {
	const char *mark; /* NULL: look for invalid UTF-8 */
	bool tags;        /* refuse a field numbered 0 */
	const char *why;  /* set with the failure */
} probe;

static bool is_bad(const probe *p, const char *s)
{
	return p->mark ? strstr(s, p->mark) != NULL : !rt_utf8_valid(s, strlen(s), NULL);
}

static int walk(probe *pr, const ProtobufCMessage *m, char *path, size_t cap, size_t used);

/* Appends ".name" or "name[i]" to path at used; returns the new length. */
static size_t push(char *path, size_t cap, size_t used, const char *name, long index)
{
	int n = index < 0 ? snprintf(path + used, cap - used, "%s%s", used ? "." : "", name)
	                  : snprintf(path + used, cap - used, "%s%s[%ld]", used ? "." : "", name, index);
	if (n < 0 || (size_t)n >= cap - used)
		return cap - 1;
	return used + (size_t)n;
}

static int check_value(probe *pr, const ProtobufCFieldDescriptor *f, const void *v, char *path, size_t cap, size_t used,
                       long index)
{
	if (f->type == PROTOBUF_C_TYPE_STRING) {
		const char *s = *(char *const *)v;
		if (s && is_bad(pr, s)) {
			push(path, cap, used, f->name, index);
			pr->why = "is not valid UTF-8";
			return -1;
		}
	} else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		const ProtobufCMessage *sub = *(ProtobufCMessage *const *)v;
		if (sub && walk(pr, sub, path, cap, push(path, cap, used, f->name, index)) != 0)
			return -1;
		path[used] = '\0';
	}
	return 0;
}

static int walk(probe *pr, const ProtobufCMessage *m, char *path, size_t cap, size_t used)
{
	/* protobuf-c keeps a field numbered 0 as an unknown field, and then
	 * cannot always pack the message back (the registry's copies of
	 * operations); Mesos's parser refuses it. */
	for (size_t i = 0; pr->tags && i < m->n_unknown_fields; i++)
		if (m->unknown_fields[i].tag == 0) {
			pr->why = "holds a field numbered 0";
			return -1;
		}
	const ProtobufCMessageDescriptor *d = m->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		const char *base = (const char *)m;
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t which = *(const uint32_t *)(base + f->quantifier_offset);
			if (which != f->id)
				continue;
		}
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(base + f->quantifier_offset);
			const char *arr = *(const char *const *)(base + f->offset);
			for (size_t k = 0; k < n; k++)
				if (check_value(pr, f, arr + k * sizeof(void *), path, cap, used, (long)k) != 0)
					return -1;
		} else if (check_value(pr, f, base + f->offset, path, cap, used, -1) != 0) {
			return -1;
		}
	}
	return 0;
}

static int walk_from(probe *pr, const ProtobufCMessage *m, char *field, size_t fieldlen)
{
	if (fieldlen == 0)
		return walk(pr, m, (char[256]){0}, 256, 0);
	field[0] = '\0';
	return walk(pr, m, field, fieldlen, 0);
}

int rt_pb_check(const ProtobufCMessage *m, char *field, size_t fieldlen, const char **why)
{
	probe pr = {.mark = NULL, .tags = true, .why = NULL};
	int rc = walk_from(&pr, m, field, fieldlen);
	if (why)
		*why = pr.why;
	return rc;
}

int rt_pb_find_mark(const ProtobufCMessage *m, const char *mark, char *field, size_t fieldlen)
{
	probe pr = {.mark = mark, .tags = false, .why = NULL};
	return walk_from(&pr, m, field, fieldlen);
}
