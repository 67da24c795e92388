/*
 * cli_json.c — the small JSON reader of meso-sim's research commands
 * (cli_json.h): recursive descent over the whole text into a tree, numbers
 * kept as text. It reads what meso-sim itself writes (manifest.json,
 * summary.json) and rejects anything malformed with the line it is on.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
	const char *p;
	const char *start;
	char *err;
	size_t errlen;
	int depth;
	int failed;
} parser;

static int fail(parser *ps, const char *fmt, ...)
{
	if (ps->failed)
		return -1;
	ps->failed = 1;
	int line = 1;
	for (const char *q = ps->start; q < ps->p; q++)
		line += *q == '\n';
	int n = snprintf(ps->err, ps->errlen, "line %d: ", line);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < ps->errlen)
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void skip_ws(parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static int add_kid(parser *ps, cli_json *parent, size_t *cap, cli_json **out)
{
	if (parent->nkids == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		cli_json *k = realloc(parent->kids, nc * sizeof *k);
		if (!k)
			return fail(ps, "out of memory");
		parent->kids = k;
		*cap = nc;
	}
	*out = &parent->kids[parent->nkids++];
	memset(*out, 0, sizeof **out);
	return 0;
}

/* A string literal at ps->p (the opening quote), decoded; \u escapes are
 * kept to ASCII and the BMP (written as UTF-8). */
static char *parse_string(parser *ps)
{
	const char *q = ++ps->p;
	size_t cap = 16, n = 0;
	char *s = malloc(cap);
	if (!s) {
		fail(ps, "out of memory");
		return NULL;
	}
	for (;;) {
		if (n + 4 >= cap) {
			char *t = realloc(s, cap *= 2);
			if (!t) {
				free(s);
				fail(ps, "out of memory");
				return NULL;
			}
			s = t;
		}
		unsigned char c = (unsigned char)*q;
		if (c == '"')
			break;
		if (c == '\0' || c < 0x20) {
			ps->p = q;
			free(s);
			fail(ps, "unterminated string");
			return NULL;
		}
		if (c != '\\') {
			s[n++] = (char)c;
			q++;
			continue;
		}
		q++;
		switch (*q) {
		case '"':
		case '\\':
		case '/':
			s[n++] = *q;
			break;
		case 'n':
			s[n++] = '\n';
			break;
		case 't':
			s[n++] = '\t';
			break;
		case 'r':
			s[n++] = '\r';
			break;
		case 'b':
			s[n++] = '\b';
			break;
		case 'f':
			s[n++] = '\f';
			break;
		case 'u': {
			unsigned v = 0;
			for (int i = 1; i <= 4; i++) {
				char h = q[i];
				unsigned d = h >= '0' && h <= '9'   ? (unsigned)(h - '0')
				             : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
				             : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10)
				                                    : 16u;
				if (d == 16) {
					ps->p = q;
					free(s);
					fail(ps, "bad \\u escape");
					return NULL;
				}
				v = v * 16 + d;
			}
			q += 4;
			if (v < 0x80) {
				s[n++] = (char)v;
			} else if (v < 0x800) {
				s[n++] = (char)(0xc0 | (v >> 6));
				s[n++] = (char)(0x80 | (v & 0x3f));
			} else {
				s[n++] = (char)(0xe0 | (v >> 12));
				s[n++] = (char)(0x80 | ((v >> 6) & 0x3f));
				s[n++] = (char)(0x80 | (v & 0x3f));
			}
			break;
		}
		default:
			ps->p = q;
			free(s);
			fail(ps, "bad escape");
			return NULL;
		}
		q++;
	}
	s[n] = '\0';
	ps->p = q + 1;
	return s;
}

static int parse_value(parser *ps, cli_json *v);

static int parse_container(parser *ps, cli_json *v, bool object)
{
	char close = object ? '}' : ']';
	v->type = object ? CJ_OBJECT : CJ_ARRAY;
	ps->p++;
	size_t cap = 0;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		skip_ws(ps);
		char *key = NULL;
		if (object) {
			if (*ps->p != '"')
				return fail(ps, "expected a member name");
			if (!(key = parse_string(ps)))
				return -1;
			skip_ws(ps);
			if (*ps->p != ':') {
				free(key);
				return fail(ps, "expected ':'");
			}
			ps->p++;
		}
		cli_json *kid = NULL;
		if (add_kid(ps, v, &cap, &kid) < 0) {
			free(key);
			return -1;
		}
		kid->key = key;
		if (parse_value(ps, kid) < 0)
			return -1;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			return 0;
		}
		return fail(ps, "expected ',' or '%c'", close);
	}
}

static int parse_value(parser *ps, cli_json *v)
{
	skip_ws(ps);
	if (++ps->depth > 64)
		return fail(ps, "nested too deeply");
	int rc = 0;
	char c = *ps->p;
	if (c == '{' || c == '[') {
		rc = parse_container(ps, v, c == '{');
	} else if (c == '"') {
		v->type = CJ_STRING;
		rc = (v->text = parse_string(ps)) ? 0 : -1;
	} else if (strncmp(ps->p, "true", 4) == 0 || strncmp(ps->p, "false", 5) == 0) {
		v->type = CJ_BOOL;
		v->text = strdup(c == 't' ? "true" : "false");
		ps->p += c == 't' ? 4 : 5;
		rc = v->text ? 0 : fail(ps, "out of memory");
	} else if (strncmp(ps->p, "null", 4) == 0) {
		v->type = CJ_NULL;
		ps->p += 4;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		const char *q = ps->p;
		if (*q == '-')
			q++;
		while ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' || *q == '+' || *q == '-')
			q++;
		v->type = CJ_NUMBER;
		v->text = strndup(ps->p, (size_t)(q - ps->p));
		ps->p = q;
		rc = v->text ? 0 : fail(ps, "out of memory");
	} else {
		rc = fail(ps, c ? "unexpected character '%c'" : "unexpected end%c", c ? c : ' ');
	}
	ps->depth--;
	return rc;
}

static void free_kids(cli_json *j)
{
	for (size_t i = 0; i < j->nkids; i++) {
		free_kids(&j->kids[i]);
		free(j->kids[i].key);
		free(j->kids[i].text);
	}
	free(j->kids);
}

void cli_json_free(cli_json *j)
{
	if (!j)
		return;
	free_kids(j);
	free(j->text);
	free(j);
}

cli_json *cli_json_parse(const char *text, char *err, size_t errlen)
{
	parser ps = {text, text, err, errlen, 0, 0};
	cli_json *root = calloc(1, sizeof *root);
	if (!root) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (parse_value(&ps, root) == 0) {
		skip_ws(&ps);
		if (*ps.p)
			fail(&ps, "text after the value");
	}
	if (ps.failed) {
		cli_json_free(root);
		return NULL;
	}
	return root;
}

char *cli_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 14, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1)
			break;
		char *t = realloc(buf, cap *= 2);
		if (!t) {
			free(buf);
			buf = NULL;
			errno = ENOMEM;
		}
		buf = t;
	}
	int bad = ferror(f);
	fclose(f);
	if (!buf)
		return NULL;
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

cli_json *cli_json_load(const char *path, char *err, size_t errlen)
{
	char *text = cli_read_file(path, NULL);
	if (!text) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	char e[256];
	cli_json *j = cli_json_parse(text, e, sizeof e);
	free(text);
	if (!j)
		snprintf(err, errlen, "%s: not valid JSON: %s", path, e);
	return j;
}

const cli_json *cli_json_get(const cli_json *obj, const char *key)
{
	if (!obj || obj->type != CJ_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->nkids; i++)
		if (strcmp(obj->kids[i].key, key) == 0)
			return &obj->kids[i];
	return NULL;
}

const char *cli_json_str(const cli_json *obj, const char *key)
{
	const cli_json *v = cli_json_get(obj, key);
	return v && v->type == CJ_STRING ? v->text : NULL;
}

static void flatten(const cli_json *obj, char *path, size_t len, size_t cap,
                    void (*fn)(void *, const char *, const cli_json *), void *ud)
{
	for (size_t i = 0; i < obj->nkids; i++) {
		const cli_json *k = &obj->kids[i];
		if (k->type == CJ_ARRAY)
			continue;
		int n = snprintf(path + len, cap - len, "%s%s", len ? "." : "", k->key);
		if (n < 0 || (size_t)n >= cap - len)
			continue;
		if (k->type == CJ_OBJECT)
			flatten(k, path, len + (size_t)n, cap, fn, ud);
		else
			fn(ud, path, k);
		path[len] = '\0';
	}
}

void cli_json_flatten(const cli_json *obj, void (*fn)(void *ud, const char *path, const cli_json *v), void *ud)
{
	char path[512] = "";
	if (obj && obj->type == CJ_OBJECT)
		flatten(obj, path, 0, sizeof path, fn, ud);
}

void cli_json_write_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
