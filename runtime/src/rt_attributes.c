/*
 * rt_attributes.c — Mesos's attribute text (rt_attributes.h), parsed as
 * Mesos's Attributes::parse does: pairs split on ';' or newline, name and
 * value on the first ':', spaces removed from the value.
 */
#define _GNU_SOURCE
#include "rt_attributes.h"

#include <jansson.h>

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "[1-10,20-30]" (spaces already removed). */
static int parse_ranges(const char *v, rt_arena *ar, Mesos__V1__Value__Ranges *out, char *why, size_t len)
{
	size_t vlen = strlen(v);
	if (vlen < 2 || v[vlen - 1] != ']') {
		snprintf(why, len, "ranges must be written [BEGIN-END,...]");
		return -1;
	}
	size_t cap = 1;
	for (const char *p = v; *p; p++)
		cap += *p == ',';
	out->range = rt_arena_alloc(ar, cap * sizeof *out->range);
	const char *p = v + 1;
	while (*p != ']') {
		char *end;
		errno = 0;
		if (*p < '0' || *p > '9') {
			snprintf(why, len, "expecting a non-negative integer at '%.20s'", p);
			return -1;
		}
		unsigned long long b = strtoull(p, &end, 10);
		if (errno || *end != '-' || end[1] < '0' || end[1] > '9') {
			snprintf(why, len, "expecting BEGIN-END at '%.20s'", p);
			return -1;
		}
		unsigned long long e = strtoull(end + 1, &end, 10);
		if (errno || (*end != ',' && *end != ']') || e < b) {
			snprintf(why, len, "expecting BEGIN-END with BEGIN <= END at '%.20s'", p);
			return -1;
		}
		Mesos__V1__Value__Range *r = rt_arena_alloc(ar, sizeof *r);
		mesos__v1__value__range__init(r);
		r->begin = b;
		r->end = e;
		out->range[out->n_range++] = r;
		p = *end == ',' ? end + 1 : end;
		if (*end == ']' && end[1] != '\0') {
			snprintf(why, len, "unexpected text after ']'");
			return -1;
		}
	}
	if (out->n_range == 0) {
		snprintf(why, len, "expecting one or more ranges");
		return -1;
	}
	return 0;
}

static int parse_value(Mesos__V1__Attribute *at, const char *v, rt_arena *ar, char *why, size_t len)
{
	if (v[0] == '[') {
		at->type = MESOS__V1__VALUE__TYPE__RANGES;
		at->ranges = rt_arena_alloc(ar, sizeof *at->ranges);
		mesos__v1__value__ranges__init(at->ranges);
		return parse_ranges(v, ar, at->ranges, why, len);
	}
	if (v[0] == '{') {
		snprintf(why, len, "sets are not valid attribute values");
		return -1;
	}
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	/* As Mesos: a finite, non-negative number is a scalar; anything else,
	 * "-1" and "inf" included, is text. Hex and exponents are strtod's. */
	if (!errno && *end == '\0' && end != v && isfinite(d) && d >= 0) {
		at->type = MESOS__V1__VALUE__TYPE__SCALAR;
		at->scalar = rt_arena_alloc(ar, sizeof *at->scalar);
		mesos__v1__value__scalar__init(at->scalar);
		at->scalar->value = d;
		return 0;
	}
	at->type = MESOS__V1__VALUE__TYPE__TEXT;
	at->text = rt_arena_alloc(ar, sizeof *at->text);
	mesos__v1__value__text__init(at->text);
	at->text->value = rt_arena_strdup(ar, v);
	return 0;
}

int rt_attributes_parse(const char *text, rt_arena *ar, Mesos__V1__Attribute ***out, size_t *n, char *err,
                        size_t errlen)
{
	*out = NULL;
	*n = 0;
	if (!text || !text[0])
		return 0;
	char *copy = rt_arena_strdup(ar, text), *save = NULL;
	size_t cap = 1;
	for (const char *p = copy; *p; p++)
		cap += *p == ';' || *p == '\n';
	Mesos__V1__Attribute **list = rt_arena_alloc(ar, cap * sizeof *list);
	for (char *tok = strtok_r(copy, ";\n", &save); tok; tok = strtok_r(NULL, ";\n", &save)) {
		char pair[128];
		snprintf(pair, sizeof pair, "%s", tok);
		char *colon = strchr(tok, ':');
		if (!colon || colon == tok) {
			snprintf(err, errlen, "attribute '%s': expecting NAME:VALUE", pair);
			return -1;
		}
		*colon = '\0';
		/* Mesos drops every space of the value. */
		char *v = colon + 1, *w = v;
		for (char *r = v; *r; r++)
			if (*r != ' ')
				*w++ = *r;
		*w = '\0';
		if (!v[0]) {
			snprintf(err, errlen, "attribute '%s': the value is empty", pair);
			return -1;
		}
		Mesos__V1__Attribute *at = rt_arena_alloc(ar, sizeof *at);
		mesos__v1__attribute__init(at);
		at->name = tok;
		char why[160];
		if (parse_value(at, v, ar, why, sizeof why) != 0) {
			snprintf(err, errlen, "attribute '%s': %s", pair, why);
			return -1;
		}
		list[(*n)++] = at;
	}
	*out = list;
	return 0;
}

void rt_attributes_format(Mesos__V1__Attribute *const *attrs, size_t n, rt_buf *out)
{
	size_t start = out->len;
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Attribute *at = attrs[i];
		const char *sep = out->len > start ? ";" : "";
		if (at->type == MESOS__V1__VALUE__TYPE__TEXT && at->text) {
			rt_buf_printf(out, "%s%s:%s", sep, at->name, at->text->value);
		} else if (at->type == MESOS__V1__VALUE__TYPE__SCALAR && at->scalar) {
			rt_buf_printf(out, "%s%s:%g", sep, at->name, at->scalar->value);
		} else if (at->type == MESOS__V1__VALUE__TYPE__RANGES && at->ranges && at->ranges->n_range) {
			rt_buf_printf(out, "%s%s:[", sep, at->name);
			for (size_t k = 0; k < at->ranges->n_range; k++)
				rt_buf_printf(out, "%s%llu-%llu", k ? "," : "",
				              (unsigned long long)at->ranges->range[k]->begin,
				              (unsigned long long)at->ranges->range[k]->end);
			rt_buf_printf(out, "]");
		}
	}
	rt_buf_append(out, "", 1);
}

/* Our attributes text "k:v;k2:v2" as Mesos's attributes object. */
json_t *rt_attributes_model(const char *text)
{
	json_t *j = json_object();
	if (!text)
		return j;
	char *copy = rt_xstrdup(text), *save = NULL;
	for (char *kv = strtok_r(copy, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(kv, ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *end;
		double d = strtod(colon + 1, &end);
		json_object_set_new(j, kv, *end == '\0' && end != colon + 1 ? json_real(d) : json_string(colon + 1));
	}
	free(copy);
	return j;
}
