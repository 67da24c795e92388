/*
 * rt_auth.c — credentials files, HTTP Basic checks and headers (rt_auth.h).
 */
#define _GNU_SOURCE
#include "rt_auth.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rt_util.h"

void rt_credentials_free(rt_credentials *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].principal);
		free(c->v[i].secret);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

static void add(rt_credentials *c, const char *p, size_t plen, const char *s, size_t slen)
{
	c->v = rt_xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	c->v[c->n].principal = strndup(p, plen);
	c->v[c->n].secret = strndup(s, slen);
	if (!c->v[c->n].principal || !c->v[c->n].secret)
		rt_out_of_memory(plen + slen + 2);
	c->n++;
}

static int add_json(rt_credentials *c, json_t *o, size_t i, char *err, size_t errlen)
{
	json_t *p = json_object_get(o, "principal"), *s = json_object_get(o, "secret");
	if (!json_is_object(o) || !json_is_string(p) || !json_is_string(s) || !json_string_length(p)) {
		snprintf(err, errlen, "credential %zu needs a non-empty string 'principal' and a string 'secret'", i);
		return -1;
	}
	if (strchr(json_string_value(p), ':')) {
		snprintf(err, errlen, "credential %zu: a principal cannot hold ':' (HTTP Basic splits there)", i);
		return -1;
	}
	add(c, json_string_value(p), json_string_length(p), json_string_value(s), json_string_length(s));
	return 0;
}

static int parse_text(const char *text, size_t len, rt_credentials *c, char *err, size_t errlen)
{
	size_t line = 0;
	for (size_t i = 0; i < len;) {
		size_t end = i;
		while (end < len && text[end] != '\n')
			end++;
		line++;
		size_t a = i;
		while (a < end && isspace((unsigned char)text[a]))
			a++;
		size_t b = a;
		while (b < end && !isspace((unsigned char)text[b]))
			b++;
		size_t d = b;
		while (d < end && isspace((unsigned char)text[d]))
			d++;
		size_t e = d;
		while (e < end && !isspace((unsigned char)text[e]))
			e++;
		size_t rest = e;
		while (rest < end && isspace((unsigned char)text[rest]))
			rest++;
		if (a < end) {
			if (d == e || rest != end || memchr(text + a, ':', b - a)) {
				snprintf(err, errlen, "line %zu: expected 'principal secret'", line);
				return -1;
			}
			add(c, text + a, b - a, text + d, e - d);
		}
		i = end + 1;
	}
	return 0;
}

int rt_credentials_parse(const char *text, size_t len, rt_credentials *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	size_t i = 0;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	int rc = 0;
	if (i < len && text[i] == '{') {
		json_error_t je;
		json_t *j = json_loadb(text, len, 0, &je);
		if (!j) {
			snprintf(err, errlen, "not valid JSON: %s (line %d)", je.text, je.line);
			return -1;
		}
		json_t *list = json_object_get(j, "credentials");
		if (list) {
			if (!json_is_array(list)) {
				snprintf(err, errlen, "'credentials' must be an array");
				rc = -1;
			}
			for (size_t k = 0; rc == 0 && k < json_array_size(list); k++)
				rc = add_json(out, json_array_get(list, k), k, err, errlen);
		} else {
			rc = add_json(out, j, 0, err, errlen);
		}
		json_decref(j);
	} else {
		rc = parse_text(text, len, out, err, errlen);
	}
	if (rc == 0 && out->n == 0) {
		snprintf(err, errlen, "no credentials in it");
		rc = -1;
	}
	if (rc != 0)
		rt_credentials_free(out);
	return rc;
}

int rt_credentials_load(const char *path, rt_credentials *out, char *err, size_t errlen)
{
	const char *file = strncmp(path, "file://", 7) == 0 ? path + 7 : path;
	rt_buf b;
	rt_buf_init(&b);
	if (rt_file_read(file, 1u << 20, &b) != 0) {
		snprintf(err, errlen, "cannot read credentials file %s: %s", file, strerror(errno));
		rt_buf_free(&b);
		return -1;
	}
	char why[200];
	int rc = rt_credentials_parse((const char *)b.data, b.len, out, why, sizeof why);
	if (rc != 0)
		snprintf(err, errlen, "credentials file %s: %s", file, why);
	rt_buf_free(&b);
	return rc;
}

bool rt_auth_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	/* Every byte of the longer one is looked at whatever differs. */
	size_t n = alen > blen ? alen : blen;
	unsigned diff = alen != blen;
	for (size_t i = 0; i < n; i++) {
		unsigned char x = i < alen ? (unsigned char)a[i] : 0, y = i < blen ? (unsigned char)b[i] : 0;
		diff |= (unsigned)(x ^ y);
	}
	return diff == 0;
}

int rt_auth_basic_check(const rt_credentials *c, const char *authorization, const char **principal)
{
	if (!authorization)
		return RT_AUTH_MISSING;
	while (*authorization == ' ')
		authorization++;
	if (strncasecmp(authorization, "Basic ", 6) != 0)
		return RT_AUTH_INVALID;
	const char *enc = authorization + 6;
	while (*enc == ' ')
		enc++;
	uint8_t *raw;
	size_t n;
	if (strlen(enc) > 4096 || !rt_base64_decode(enc, strlen(enc), &raw, &n))
		return RT_AUTH_INVALID;
	const char *dec = (const char *)raw;
	const char *colon = raw ? memchr(dec, ':', n) : NULL;
	if (!colon) {
		free(raw);
		return RT_AUTH_INVALID;
	}
	size_t plen = (size_t)(colon - dec), slen = n - plen - 1;
	const char *found = NULL;
	for (size_t i = 0; i < c->n; i++) {
		bool p = rt_auth_equal(dec, plen, c->v[i].principal, strlen(c->v[i].principal));
		bool s = rt_auth_equal(colon + 1, slen, c->v[i].secret, strlen(c->v[i].secret));
		if (p && s && !found)
			found = c->v[i].principal;
	}
	free(raw);
	if (!found)
		return RT_AUTH_INVALID;
	*principal = found;
	return RT_AUTH_OK;
}

bool rt_auth_basic_header(const char *principal, const char *secret, char *out, size_t outlen)
{
	char plain[1024];
	int pl = snprintf(plain, sizeof plain, "%s:%s", principal, secret);
	if (pl < 0 || (size_t)pl >= sizeof plain)
		return false;
	char *enc = rt_base64_encode((const uint8_t *)plain, (size_t)pl);
	if (!enc)
		return false;
	int n = snprintf(out, outlen, "Authorization: Basic %s\r\n", enc);
	free(enc);
	return n > 0 && (size_t)n < outlen;
}

int rt_auth_client_credential(const char *principal, const char *secret, const char *file, char **out_principal,
                              char **out_secret, char *err, size_t errlen)
{
	*out_principal = *out_secret = NULL;
	if (file && (principal || secret)) {
		snprintf(err, errlen, "give either --credential or --principal and --secret, not both");
		return -1;
	}
	if (file) {
		rt_credentials c;
		if (rt_credentials_load(file, &c, err, errlen) != 0)
			return -1;
		if (c.n != 1) {
			snprintf(err, errlen, "credential file %s holds %zu credentials; one is expected", file, c.n);
			rt_credentials_free(&c);
			return -1;
		}
		*out_principal = rt_xstrdup(c.v[0].principal);
		*out_secret = rt_xstrdup(c.v[0].secret);
		rt_credentials_free(&c);
		return 0;
	}
	if (secret && !principal) {
		snprintf(err, errlen, "--secret needs --principal");
		return -1;
	}
	if (principal) {
		if (strchr(principal, ':')) {
			snprintf(err, errlen, "--principal cannot hold ':'");
			return -1;
		}
		*out_principal = rt_xstrdup(principal);
		*out_secret = secret ? rt_xstrdup(secret) : NULL;
	}
	return 0;
}
