/*
 * lines.h — private: a line reader over zlib's gzFile, so that the trace
 * readers take plain or gzip'd files alike (zlib reads plain files
 * transparently), plus the field splitter and number parsers of the
 * headerless, comma-separated public traces (Google 2011, Alibaba 2018).
 */
#ifndef TRACES_LINES_H
#define TRACES_LINES_H

#include <stdbool.h>
#include <stdint.h>

#include "traces/traces.h"

#define LINES_MAX_FIELDS 16

typedef struct lines {
	void *gz; /* gzFile */
	const char *path;
	char *buf;
	size_t cap;
	uint64_t line;  /* number of the line last returned (1-based) */
	uint64_t bytes; /* uncompressed bytes returned so far */
	int nfields;    /* fields of the line last split */
	char *field[LINES_MAX_FIELDS];
} lines;

/* Opens path (plain or gzip). 0, or TR_EIO with err naming the file. */
int tr__lines_open(lines *l, const char *path, tr_err *err);
void tr__lines_close(lines *l);
/* Next line (CR/LF stripped; blank lines are skipped), split at commas into
 * l->field (at most LINES_MAX_FIELDS; more fields make nfields =
 * LINES_MAX_FIELDS + 1). 1: a line; 0: end; < 0: error in err (a line
 * longer than 64 KiB, a read error, a corrupt gzip stream). */
int tr__lines_next(lines *l, tr_err *err);

/* A malformed row at l's current line: fills err with "FILE:LINE: column
 * COL (NAME): what" (no column part when col is 0). With skip, counts the row
 * in *bad_rows, passes the message to warn (if any) and returns 1 (go on);
 * otherwise returns TR_EFORMAT. */
int tr__lines_bad_row(const lines *l, tr_err *err, bool skip, uint64_t *bad_rows,
                      void (*warn)(void *ud, const char *msg), void *warn_ud, int col, const char *name,
                      const char *fmt, ...) __attribute__((format(printf, 9, 10)));

/* FNV-1a hash of a NUL-terminated string (the readers' id tables). */
uint64_t tr__lines_hash(const char *s);

/* Unsigned decimal integer (no sign, at most max). 0 or TR_EFORMAT. */
int tr__lines_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* Signed decimal integer in [min, max]. 0 or TR_EFORMAT. */
int tr__lines_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Non-negative decimal with optional fraction and exponent ("0.0625",
 * "3.815e-06", "100.0"), exactly (no floating point), multiplied by scale and
 * rounded half up to an integer; the value must be at most 1e6. 0 or
 * TR_EFORMAT. */
int tr__lines_parse_scaled(const char *s, int64_t scale, int64_t *out);

#endif
