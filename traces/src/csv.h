/*
 * csv.h — private: a buffered line reader and a header-driven field splitter
 * for the comma-separated files of the native format (no quoting: ids never
 * contain commas).
 */
#ifndef TRACES_CSV_H
#define TRACES_CSV_H

#include <stdio.h>

#include "traces/traces.h"

#define CSV_MAX_FIELDS 32

typedef struct csv_file {
	FILE *f;
	const char *path;
	char *buf;
	size_t cap, start, end;
	bool eof;
	uint64_t line;       /* number of the line last returned (1-based) */
	uint64_t bytes_done; /* bytes of the lines returned so far */
	uint64_t size;       /* file size, for progress (0 if unknown) */
	/* the fields of the line last split */
	int nfields;
	int header_fields; /* fields of the header row */
	char *field[CSV_MAX_FIELDS];
} csv_file;

/* A column the reader understands. */
typedef struct csv_column {
	const char *name;
	bool required;
} csv_column;

int tr__csv_open(csv_file *cf, const char *path, tr_err *err);
void tr__csv_close(csv_file *cf);
/* Next non-blank line, split into fields (trimmed of spaces and tabs).
 * 1: a line; 0: end of file; < 0: error. */
int tr__csv_next(csv_file *cf, tr_err *err);
/* Reads the header row and maps each of the ncols known columns to its field
 * index (or -1 when absent). An unknown, duplicated or missing required column
 * is an error naming it; so is an empty file. */
int tr__csv_header(csv_file *cf, const csv_column *cols, int ncols, int *map, tr_err *err);
/* The field of column c in the current row, or "" when the column is absent. */
static inline const char *tr__csv_get(const csv_file *cf, const int *map, int c)
{
	return map[c] >= 0 ? cf->field[map[c]] : "";
}
/* Formats "path:line: column NAME: ..." into err as TR_EFORMAT. */
void tr__csv_row_error(const csv_file *cf, tr_err *err, const char *column, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

#endif
