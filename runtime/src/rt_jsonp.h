/*
 * rt_jsonp.h — the `?jsonp=NAME` parameter of Mesos's JSON endpoints (the
 * master's /master/state and /metrics/snapshot, the agent's
 * /slave(1)/state, /flags and /metrics/snapshot): found in the query
 * string and checked (pure, inline: its unit test needs nothing else), and
 * the answer written as JSON or as `NAME(...);` (rt_jsonp.c).
 */
#ifndef RT_JSONP_H
#define RT_JSONP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "rt_http.h"

/* Longest callback name taken. */
#define RT_JSONP_MAX 128

static inline int rt_jsonp_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Finds `jsonp=NAME` in a query string such as "a=1&jsonp=cb" (the first
 * one), percent-decoding NAME into out (NUL-terminated). Returns 0 when
 * there is none, 1 when out holds the name, -1 with *why a static message
 * when it is empty, longer than outlen - 1 bytes, badly percent-encoded, or
 * holds anything but [A-Za-z0-9_.$]. The name is echoed into a script, so
 * nothing else passes (Mesos echoes whatever it gets); *why never quotes it. */
static inline int rt_jsonp_callback(const char *query, char *out, size_t outlen, const char **why)
{
	const char *p = query ? query : "";
	while (*p) {
		const char *end = strchr(p, '&');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len >= 5 && strncmp(p, "jsonp", 5) == 0 && (len == 5 || p[5] == '=')) {
			size_t n = 0;
			for (size_t i = len > 5 ? 6 : 5; i < len; i++) {
				char c = p[i];
				if (c == '%') {
					int hi = i + 2 < len ? rt_jsonp_hex(p[i + 1]) : -1;
					int lo = i + 2 < len ? rt_jsonp_hex(p[i + 2]) : -1;
					if (hi < 0 || lo < 0) {
						*why = "Invalid 'jsonp' parameter: malformed percent-encoding";
						return -1;
					}
					c = (char)(hi * 16 + lo);
					i += 2;
				}
				if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
				      c == '_' || c == '.' || c == '$')) {
					*why = "Invalid 'jsonp' callback: only letters, digits, '_', '.' and '$' are "
					       "allowed";
					return -1;
				}
				if (n + 1 >= outlen) {
					*why = "Invalid 'jsonp' callback: too long";
					return -1;
				}
				out[n++] = c;
			}
			if (n == 0) {
				*why = "Invalid 'jsonp' callback: empty";
				return -1;
			}
			out[n] = '\0';
			return 1;
		}
		p += len;
		if (*p == '&')
			p++;
	}
	return 0;
}

/* Checks the query's jsonp parameter into cb ("" when there is none);
 * false after answering 400 for a bad one. */
bool rt_jsonp_check(rt_http_session *s, const char *query, char cb[RT_JSONP_MAX + 1]);
/* Answers root (consumed) as JSON, or as `cb(...);` in text/javascript when
 * cb is not "", as Mesos's OK(json, jsonp) does; extra_headers as
 * rt_http_reply's (NULL: none). */
void rt_jsonp_reply(rt_http_session *s, json_t *root, const char *cb, const char *extra_headers);
/* Both: the query's callback checked (root freed on a 400), then the answer. */
void rt_jsonp_reply_query(rt_http_session *s, json_t *root, const char *query, const char *extra_headers);

#endif
