/*
 * cli_json.h — a small JSON reader and the string writer that meso-sim's
 * research commands share (manifest.json, summary.json, results). Not part
 * of simcore: only the meso-sim program (main, manifest, sweep, compare)
 * uses it. Numbers are kept as their text, so a value copied from
 * summary.json into results.csv is byte for byte what the run wrote.
 */
#ifndef SIM_CLI_JSON_H
#define SIM_CLI_JSON_H

#include <stddef.h>
#include <stdio.h>

typedef enum cli_json_type { CJ_NULL, CJ_BOOL, CJ_NUMBER, CJ_STRING, CJ_ARRAY, CJ_OBJECT } cli_json_type;

typedef struct cli_json cli_json;
struct cli_json {
	cli_json_type type;
	char *key;      /* the member's name inside an object, else NULL */
	char *text;     /* number: its text; string: the decoded string; bool: "true"/"false" */
	cli_json *kids; /* array elements or object members, in order */
	size_t nkids;
};

/* Parses text (NUL-terminated) into a tree the caller frees with
 * cli_json_free. NULL with a message ("line L: ...") in err. */
cli_json *cli_json_parse(const char *text, char *err, size_t errlen);
/* Reads and parses a whole file; NULL with "PATH: ..." in err. */
cli_json *cli_json_load(const char *path, char *err, size_t errlen);
void cli_json_free(cli_json *j);
/* The member named key of an object, or NULL. */
const cli_json *cli_json_get(const cli_json *obj, const char *key);
/* Its string (CJ_STRING) or NULL. */
const char *cli_json_str(const cli_json *obj, const char *key);

/* Calls fn for every scalar below obj that is not inside an array, with
 * its dotted path ("tasks.launched") and its text ("" for null). */
void cli_json_flatten(const cli_json *obj, void (*fn)(void *ud, const char *path, const cli_json *v), void *ud);

/* Writes s as a JSON string literal. */
void cli_json_write_str(FILE *f, const char *s);

/* Reads a whole file into a NUL-terminated buffer (caller frees); NULL with
 * errno set. */
char *cli_read_file(const char *path, size_t *len);

#endif
