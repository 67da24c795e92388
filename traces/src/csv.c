/*
 * csv.c — the line reader and header mapping shared by the native CSV files.
 * Lines are split in place in one growing buffer, so reading a row costs no
 * allocation once the buffer has reached the longest line.
 */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "internal.h"

void tr__csv_row_error(const csv_file *cf, tr_err *err, const char *column, const char *fmt, ...)
{
	if (!err)
		return;
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	err->code = TR_EFORMAT;
	if (column)
		snprintf(err->msg, sizeof err->msg, "%s:%llu: column %s: %s", cf->path, (unsigned long long)cf->line,
		         column, what);
	else
		snprintf(err->msg, sizeof err->msg, "%s:%llu: %s", cf->path, (unsigned long long)cf->line, what);
}

int tr__csv_open(csv_file *cf, const char *path, tr_err *err)
{
	memset(cf, 0, sizeof *cf);
	cf->path = path;
	cf->f = fopen(path, "rb");
	if (!cf->f) {
		tr__err_set(err, TR_EIO, "%s: cannot open: %s", path, strerror(errno));
		return TR_EIO;
	}
	struct stat st;
	if (fstat(fileno(cf->f), &st) == 0 && S_ISREG(st.st_mode))
		cf->size = (uint64_t)st.st_size;
	cf->cap = 1 << 16;
	cf->buf = malloc(cf->cap);
	if (!cf->buf) {
		fclose(cf->f);
		cf->f = NULL;
		tr__err_set(err, TR_ENOMEM, "out of memory");
		return TR_ENOMEM;
	}
	return 0;
}

void tr__csv_close(csv_file *cf)
{
	if (cf->f)
		fclose(cf->f);
	free(cf->buf);
	cf->f = NULL;
	cf->buf = NULL;
}

/* Makes room and reads more; 0, or an error. */
static int fill(csv_file *cf, tr_err *err)
{
	if (cf->start > 0) {
		memmove(cf->buf, cf->buf + cf->start, cf->end - cf->start);
		cf->end -= cf->start;
		cf->start = 0;
	}
	if (cf->end + 1 >= cf->cap) {
		char *b = realloc(cf->buf, cf->cap * 2);
		if (!b) {
			tr__err_set(err, TR_ENOMEM, "out of memory");
			return TR_ENOMEM;
		}
		cf->buf = b;
		cf->cap *= 2;
	}
	size_t n = fread(cf->buf + cf->end, 1, cf->cap - 1 - cf->end, cf->f);
	if (n == 0) {
		if (ferror(cf->f)) {
			tr__err_set(err, TR_EIO, "%s: read error", cf->path);
			return TR_EIO;
		}
		cf->eof = true;
	}
	cf->end += n;
	return 0;
}

static char *trim(char *s, char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	return s;
}

int tr__csv_next(csv_file *cf, tr_err *err)
{
	for (;;) {
		char *nl = memchr(cf->buf + cf->start, '\n', cf->end - cf->start);
		if (!nl && !cf->eof) {
			int rc = fill(cf, err);
			if (rc < 0)
				return rc;
			continue;
		}
		if (!nl && cf->start == cf->end)
			return 0;
		char *line = cf->buf + cf->start;
		char *end = nl ? nl : cf->buf + cf->end; /* the last line may lack '\n' */
		size_t used = (size_t)(end - line) + (nl ? 1 : 0);
		cf->start += used;
		cf->bytes_done += used;
		cf->line++;
		if (end > line && end[-1] == '\r')
			end--;
		*end = '\0';
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			continue; /* blank lines are ignored */
		cf->nfields = 0;
		char *s = line;
		for (;;) {
			char *c = strchr(s, ',');
			char *fe = c ? c : end;
			if (cf->nfields == CSV_MAX_FIELDS) {
				tr__csv_row_error(cf, err, NULL, "more than %d fields", CSV_MAX_FIELDS);
				return TR_EFORMAT;
			}
			cf->field[cf->nfields++] = trim(s, fe);
			if (!c)
				break;
			s = c + 1;
		}
		return 1;
	}
}

int tr__csv_header(csv_file *cf, const csv_column *cols, int ncols, int *map, tr_err *err)
{
	int rc = tr__csv_next(cf, err);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		tr__err_set(err, TR_EFORMAT, "%s: empty file: expected a header row", cf->path);
		return TR_EFORMAT;
	}
	for (int c = 0; c < ncols; c++)
		map[c] = -1;
	cf->header_fields = cf->nfields;
	for (int i = 0; i < cf->nfields; i++) {
		int c = 0;
		while (c < ncols && strcmp(cols[c].name, cf->field[i]) != 0)
			c++;
		if (c == ncols) {
			char known[400];
			size_t k = 0;
			known[0] = '\0';
			for (int j = 0; j < ncols && k < sizeof known; j++)
				k += (size_t)snprintf(known + k, sizeof known - k, "%s%s", j ? ", " : "", cols[j].name);
			tr__csv_row_error(cf, err, NULL, "unknown column '%s' (known: %s)", cf->field[i], known);
			return TR_EFORMAT;
		}
		if (map[c] >= 0) {
			tr__csv_row_error(cf, err, NULL, "column '%s' appears twice", cf->field[i]);
			return TR_EFORMAT;
		}
		map[c] = i;
	}
	for (int c = 0; c < ncols; c++) {
		if (cols[c].required && map[c] < 0) {
			tr__csv_row_error(cf, err, NULL, "missing required column '%s'", cols[c].name);
			return TR_EFORMAT;
		}
	}
	return 0;
}
