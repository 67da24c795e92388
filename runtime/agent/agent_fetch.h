/*
 * agent_fetch.h — CommandInfo.uris on their way into a sandbox: the agent
 * encodes each URI as one argument of the task's supervisor, which runs
 * `meso-fetcher` (fetcher_main.c) with them before it starts the task. The
 * encoding and the checks all three share live here (libc only, so the
 * supervisor stays small).
 */
#ifndef MESO_AGENT_FETCH_H
#define MESO_AGENT_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#define AGENT_FETCHER_PROGRAM "meso-fetcher"
/* What a supervisor reports on its report pipe (negated, in place of a pid)
 * when meso-fetcher failed: the task never started; the reason is the last
 * line the fetcher wrote to the sandbox's stderr. */
#define AGENT_FETCH_FAILED 100000

typedef struct agent_fetch_uri {
	const char *value;       /* the URI as the framework wrote it */
	const char *output_file; /* "" for the URI's own file name */
	bool executable, extract, cache;
	char out[512]; /* agent_fetch_decode's copy of output_file */
} agent_fetch_uri;

/* How the fetcher reads a URI's value. */
typedef enum agent_fetch_kind {
	AGENT_FETCH_LOCAL, /* file:///path or /path: copied */
	AGENT_FETCH_NET    /* http://, https://, ftp://, ftps://: downloaded with libcurl */
} agent_fetch_kind;

/* The archive kinds the fetcher extracts (by file name, as Mesos does). */
typedef enum agent_archive {
	AGENT_ARCHIVE_NONE,
	AGENT_ARCHIVE_TAR, /* .tar .tar.gz .tgz .tar.bz2 .tbz2 .tar.xz .txz: tar -xf */
	AGENT_ARCHIVE_ZIP, /* .zip: unzip */
	AGENT_ARCHIVE_GZIP /* .gz alone: gunzip into the name without .gz */
} agent_archive;

/* One URI as one argument: "XEC" (each '0' or '1': executable, extract,
 * cache), the output file's length in decimal, ':', the output file, then
 * the value. malloc'd; NULL when out of memory. */
char *agent_fetch_encode(const agent_fetch_uri *u);
/* The reverse: u->value points into arg, u->output_file to u->out. 0, or
 * -1 with why. */
int agent_fetch_decode(const char *arg, agent_fetch_uri *u, char *why, size_t whylen);

/* Checks a URI before anything is started: its scheme is one the fetcher
 * reads (*kind), its file name (output_file, else the last segment of its
 * path) is a plain relative name inside the sandbox, written to name. 0, or
 * -1 with a message for the task's TASK_FAILED. */
int agent_fetch_check(const agent_fetch_uri *u, agent_fetch_kind *kind, char *name, size_t namelen, char *why,
                      size_t whylen);
/* The path a URI's value names on this host (file:// stripped). */
const char *agent_fetch_local_path(const char *value);
/* The archive kind of a file name. */
agent_archive agent_fetch_archive_kind(const char *name);
/* The cache file name of a URI, whatever output_file a task gives it: a
 * 64-bit FNV-1a of the value in hex, '-', and the last segment of its path
 * with characters other than [A-Za-z0-9._-] as '_' (so `ls` of the cache
 * says what is there). */
void agent_fetch_cache_name(const char *value, char *out, size_t len);

#endif
