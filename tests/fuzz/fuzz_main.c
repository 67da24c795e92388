/*
 * fuzz_main.c — runs a libFuzzer target without libFuzzer: replays every file
 * of a corpus directory, then feeds it deterministic pseudo-random mutations
 * of those files (seeded xorshift), so that ctest exercises the target under
 * any compiler and the sanitizers. Usage: fuzz_x CORPUS_DIR [MUTATIONS [SEED]]
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define MAX_INPUT 4096 /* bytes: mutations never grow an input beyond this */

typedef struct input {
	char *name;
	uint8_t *data;
	size_t size;
} input;

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t rng_below(size_t n)
{
	return n ? (size_t)(rng_next() % n) : 0;
}

/* Runs the target on an exact-size copy, so ASan sees reads past the end. */
static void run(const uint8_t *data, size_t size)
{
	uint8_t *exact = malloc(size ? size : 1);
	if (!exact)
		abort();
	memcpy(exact, data, size);
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const input *)a)->name, ((const input *)b)->name);
}

/* Reads the regular files of dir, sorted by name so runs are repeatable. */
static int corpus_load(const char *dir, input **out, size_t *n)
{
	DIR *d = opendir(dir);
	size_t cap = 0;
	struct dirent *e;
	if (!d) {
		fprintf(stderr, "fuzz: cannot open corpus %s: %s\n", dir, strerror(errno));
		return -1;
	}
	*out = NULL;
	*n = 0;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			*out = realloc(*out, cap * sizeof **out);
			if (!*out)
				abort();
		}
		input *in = &(*out)[(*n)++];
		in->name = malloc(strlen(e->d_name) + 1);
		in->data = malloc(MAX_INPUT);
		if (!in->name || !in->data)
			abort();
		strcpy(in->name, e->d_name);
		in->size = fread(in->data, 1, MAX_INPUT, f);
		fclose(f);
	}
	closedir(d);
	if (*n > 1)
		qsort(*out, *n, sizeof **out, by_name);
	return 0;
}

/* Bytes that matter to the grammar, and whole tokens worth splicing in. */
static const char alphabet[] = "cpusmemdiskgpuports:;()[]-,.|*/0123456789 \t\nabxyz_eE+";
static const char *const tokens[] = {
        "cpus:",
        "mem:",
        "disk:",
        "gpus:",
        "ports:[",
        "]",
        "(r)",
        "(*)",
        "(a/b)",
        "()",
        ";",
        "|",
        "-",
        ",",
        "1.0005",
        "0.0004999",
        "65535",
        "65536",
        "999999999999.9995",
        "1000000000001",
        "nan",
        "inf",
        "1e3",
        "0x10",
        "-1",
        "k1:1;k2:1;k3:1;k4:1;k5:1",
        "[0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14]",
        "cpus(a):1;cpus(b):1",
};

static void insert(uint8_t *buf, size_t *size, size_t at, const uint8_t *src, size_t n)
{
	if (*size + n > MAX_INPUT)
		n = MAX_INPUT - *size;
	memmove(buf + at + n, buf + at, *size - at);
	memcpy(buf + at, src, n);
	*size += n;
}

static void mutate(uint8_t *buf, size_t *size, const input *corpus, size_t n)
{
	for (int ops = 1 + (int)rng_below(4); ops > 0; ops--) {
		size_t at = rng_below(*size + 1);
		uint8_t c = rng_below(2) ? (uint8_t)alphabet[rng_below(sizeof alphabet - 1)] : (uint8_t)rng_next();
		switch (rng_below(6)) {
		case 0: /* replace a byte */
			if (at < *size)
				buf[at] = c;
			break;
		case 1: /* insert a byte */
			insert(buf, size, at, &c, 1);
			break;
		case 2: { /* delete a span */
			size_t len = rng_below(*size - at + 1) % 8;
			memmove(buf + at, buf + at + len, *size - at - len);
			*size -= len;
			break;
		}
		case 3: { /* duplicate a span of itself */
			uint8_t tmp[64];
			size_t from = rng_below(*size + 1), len = rng_below(*size - from + 1) % sizeof tmp;
			memcpy(tmp, buf + from, len);
			insert(buf, size, at, tmp, len);
			break;
		}
		case 4: { /* splice in part of another input */
			const input *o = &corpus[rng_below(n)];
			size_t from = rng_below(o->size + 1), len = rng_below(o->size - from + 1);
			insert(buf, size, at, o->data + from, len);
			break;
		}
		default: { /* insert a token */
			const char *t = tokens[rng_below(sizeof tokens / sizeof tokens[0])];
			insert(buf, size, at, (const uint8_t *)t, strlen(t));
			break;
		}
		}
	}
}

int main(int argc, char **argv)
{
	input *corpus;
	size_t n;
	long mutations = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
	rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) : 0x2545f4914f6cdd1dULL;
	if (rng_state == 0)
		rng_state = 1;
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS [SEED]]\n", argv[0]);
		return 2;
	}
	if (corpus_load(argv[1], &corpus, &n) != 0)
		return 1;
	size_t files = n;
	for (size_t i = 0; i < n; i++)
		run(corpus[i].data, corpus[i].size);
	if (n == 0) {
		/* Mutate from one empty input. */
		corpus = calloc(1, sizeof *corpus);
		if (!corpus)
			abort();
		corpus[0].data = calloc(1, MAX_INPUT);
		if (!corpus[0].data)
			abort();
		n = 1;
	}

	uint8_t *buf = malloc(MAX_INPUT);
	if (!buf)
		abort();
	for (long m = 0; m < mutations; m++) {
		const input *seed = &corpus[rng_below(n)];
		size_t size = seed->size;
		memcpy(buf, seed->data, size);
		mutate(buf, &size, corpus, n);
		run(buf, size);
	}
	printf("fuzz: replayed %zu corpus files, ran %ld mutations\n", files, mutations);
	for (size_t i = 0; i < n; i++) {
		free(corpus[i].name);
		free(corpus[i].data);
	}
	free(corpus);
	free(buf);
	return 0;
}
