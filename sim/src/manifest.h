/*
 * manifest.h — a run folder's manifest.json and `meso-sim rerun`: what
 * made the run (version, git commit, command line, SHA-256 of every input
 * and of a policy module, seed, policy) and what it wrote (SHA-256 of each
 * deterministic output), so that a result can be reproduced and checked.
 * Part of the meso-sim program only (not simcore). SHA-256 is nettle's.
 */
#ifndef SIM_MANIFEST_H
#define SIM_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The deterministic outputs a manifest lists when they exist (perf.json,
 * the PNGs and the plot data are not: they hold timings or depend on
 * gnuplot). NULL-terminated. */
extern const char *const cli_manifest_outputs[];

/* What a run was. */
typedef struct cli_manifest {
	const char *out_dir;
	int argc; /* argv[0] is the command ("run"), then its options */
	char *const *argv;
	const char *inputs[8]; /* files or folders (a folder: every file below it) */
	int ninputs;
	uint64_t seed;
	const char *policy;
	double wall_seconds;
	long started_utc; /* time(NULL) at the start */
} cli_manifest;

/* SHA-256 of a file as 64 hex digits; its size in *bytes. 0, or -1 with
 * errno set. */
int cli_sha256_file(const char *path, char hex[65], uint64_t *bytes);

/* Writes OUT/manifest.json (through a temporary file and a rename, so a
 * manifest is either whole or absent). 0, or -1 with a message. */
int cli_manifest_write(const cli_manifest *m, char *err, size_t errlen);

/* True when DIR holds a manifest.json that parses and every output it
 * lists exists with the size it records: the run finished (sweep resume). */
bool cli_manifest_complete(const char *dir);

/* Total bytes of the inputs (folders summed over their files). */
uint64_t cli_inputs_bytes(const char *const *inputs, int n);

/* Starts this program (/proc/self/exe) with args (args[0] the command,
 * NULL-terminated) in cwd (NULL: here), stdout and stderr to log (NULL:
 * inherited). The child's pid, or -1 with errno set. */
int cli_spawn_self(char *const args[], const char *cwd, const char *log);

/* `meso-sim rerun DIR [--out DIR2]`: runs DIR's command again into DIR2
 * and compares each output with the manifest's checksum. Returns the exit
 * status (0 identical, 3 an output differs, 1/2 as run). */
int cli_rerun_main(int argc, char **argv);

#endif
