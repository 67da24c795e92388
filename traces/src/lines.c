/*
 * lines.c — the line reader of the public trace formats (plain or gzip via
 * zlib) and their exact number parsers; see lines.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"
#include "lines.h"

#define LINE_MAX_BYTES 65536

int tr__lines_open(lines *l, const char *path, tr_err *err)
{
	memset(l, 0, sizeof *l);
	l->path = path;
	gzFile gz = gzopen(path, "rb");
	if (!gz) {
		tr__err_set(err, TR_EIO, "%s: cannot open", path);
		return TR_EIO;
	}
	gzbuffer(gz, 1 << 17);
	l->gz = gz;
	l->cap = LINE_MAX_BYTES + 2;
	l->buf = malloc(l->cap);
	if (!l->buf) {
		tr__lines_close(l);
		tr__err_set(err, TR_ENOMEM, "out of memory");
		return TR_ENOMEM;
	}
	return 0;
}

void tr__lines_close(lines *l)
{
	if (l->gz)
		gzclose((gzFile)l->gz);
	free(l->buf);
	l->gz = NULL;
	l->buf = NULL;
}

static void split(lines *l, char *s)
{
	l->nfields = 0;
	for (;;) {
		char *c = strchr(s, ',');
		if (l->nfields == LINES_MAX_FIELDS) {
			l->nfields++;
			return;
		}
		l->field[l->nfields++] = s;
		if (!c)
			return;
		*c = '\0';
		s = c + 1;
	}
}

int tr__lines_next(lines *l, tr_err *err)
{
	for (;;) {
		if (!gzgets((gzFile)l->gz, l->buf, (int)l->cap)) {
			int zerr;
			const char *m = gzerror((gzFile)l->gz, &zerr);
			if (zerr != Z_OK && zerr != Z_BUF_ERROR) {
				tr__err_set(err, TR_EIO, "%s: after line %llu: read error: %s", l->path,
				            (unsigned long long)l->line, m);
				return TR_EIO;
			}
			if (!gzeof((gzFile)l->gz)) {
				tr__err_set(err, TR_EIO, "%s: after line %llu: truncated or corrupt gzip data", l->path,
				            (unsigned long long)l->line);
				return TR_EIO;
			}
			return 0;
		}
		size_t n = strlen(l->buf);
		l->line++;
		l->bytes += n;
		if (n == l->cap - 1 && l->buf[n - 1] != '\n') {
			tr__err_set(err, TR_EFORMAT, "%s:%llu: line longer than %d bytes", l->path,
			            (unsigned long long)l->line, LINE_MAX_BYTES);
			return TR_EFORMAT;
		}
		while (n > 0 && (l->buf[n - 1] == '\n' || l->buf[n - 1] == '\r'))
			l->buf[--n] = '\0';
		if (n == 0)
			continue;
		split(l, l->buf);
		return 1;
	}
}

int tr__lines_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return TR_EFORMAT;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return TR_EFORMAT;
		unsigned d = (unsigned)(*s - '0');
		if (d > max || v > (max - d) / 10)
			return TR_EFORMAT;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int tr__lines_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t v;
	if (tr__lines_parse_u64(s + neg, (uint64_t)INT64_MAX, &v) < 0)
		return TR_EFORMAT;
	int64_t x = neg ? -(int64_t)v : (int64_t)v;
	if (x < min || x > max)
		return TR_EFORMAT;
	*out = x;
	return 0;
}

int tr__lines_parse_scaled(const char *s, int64_t scale, int64_t *out)
{
	/* value = mant * 10^exp10, mant holding at most 18 significant digits */
	uint64_t mant = 0;
	int digits = 0, exp10 = 0, nd = 0;
	const char *p = s;
	bool dot = false;
	for (;; p++) {
		if (*p == '.' && !dot) {
			dot = true;
			continue;
		}
		if (*p < '0' || *p > '9')
			break;
		nd++;
		if (mant == 0 && *p == '0') {
			if (dot)
				exp10--;
			continue;
		}
		if (digits < 18) {
			mant = mant * 10 + (uint64_t)(*p - '0');
			digits++;
			if (dot)
				exp10--;
		} else if (!dot) {
			exp10++;
		}
	}
	if (nd == 0)
		return TR_EFORMAT;
	if (*p == 'e' || *p == 'E') {
		p++;
		bool neg = *p == '-';
		if (*p == '-' || *p == '+')
			p++;
		int e = 0, ne = 0;
		while (*p >= '0' && *p <= '9') {
			if (e < 1000)
				e = e * 10 + (*p - '0');
			p++;
			ne++;
		}
		if (ne == 0)
			return TR_EFORMAT;
		exp10 += neg ? -e : e;
	}
	if (*p != '\0' || scale < 0)
		return TR_EFORMAT;
	/* mant * scale * 10^exp10 with 128-bit intermediates, rounded half up */
	unsigned __int128 v = (unsigned __int128)mant * (uint64_t)scale;
	if (mant == 0) {
		*out = 0;
		return 0;
	}
	if (exp10 > 0) {
		for (int i = 0; i < exp10; i++) {
			v *= 10;
			if (v > ((unsigned __int128)1 << 100))
				return TR_EFORMAT;
		}
	} else if (exp10 < 0) {
		if (exp10 < -38) {
			*out = 0;
			return 0;
		}
		unsigned __int128 div = 1;
		for (int i = 0; i < -exp10; i++)
			div *= 10;
		v = (v + div / 2) / div;
	}
	/* at most 1e6 units times the scale */
	if (v > (unsigned __int128)1000000 * (uint64_t)(scale ? scale : 1) || v > (unsigned __int128)INT64_MAX)
		return TR_EFORMAT;
	*out = (int64_t)v;
	return 0;
}

int tr__lines_bad_row(const lines *l, tr_err *err, bool skip, uint64_t *bad_rows,
                      void (*warn)(void *ud, const char *msg), void *warn_ud, int col, const char *name,
                      const char *fmt, ...)
{
	char what[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (col > 0)
		tr__err_set(err, TR_EFORMAT, "%s:%llu: column %d (%s): %s", l->path, (unsigned long long)l->line, col,
		            name, what);
	else
		tr__err_set(err, TR_EFORMAT, "%s:%llu: %s", l->path, (unsigned long long)l->line, what);
	if (!skip)
		return TR_EFORMAT;
	(*bad_rows)++;
	if (warn)
		warn(warn_ud, err->msg);
	return 1;
}

uint64_t tr__lines_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}
