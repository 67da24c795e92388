/*
 * rt_flags.c — the flag parser of rt_flags.h.
 */
#include "rt_flags.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(const char *prog, const char *summary, const rt_flag *flags, size_t n)
{
	printf("Usage: %s [flags]\n\n%s\n\nFlags:\n", prog, summary);
	for (size_t i = 0; i < n; i++) {
		char def[64] = "";
		switch (flags[i].type) {
		case RT_FLAG_STRING: {
			const char *v = *(const char **)flags[i].value;
			if (v)
				snprintf(def, sizeof def, " (default: %s)", v);
			break;
		}
		case RT_FLAG_INT:
			snprintf(def, sizeof def, " (default: %d)", *(int *)flags[i].value);
			break;
		case RT_FLAG_DOUBLE:
			snprintf(def, sizeof def, " (default: %g)", *(double *)flags[i].value);
			break;
		case RT_FLAG_BOOL:
			snprintf(def, sizeof def, " (default: %s)", *(bool *)flags[i].value ? "true" : "false");
			break;
		}
		printf("  --%-22s %s%s\n", flags[i].name, flags[i].help, def);
	}
	printf("  --%-22s %s\n", "help", "print this help and exit");
}

int rt_flags_parse(const char *prog, const char *summary, rt_flag *flags, size_t n, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(prog, summary, flags, n);
			return 1;
		}
		if (strncmp(arg, "--", 2) != 0) {
			fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n", prog, arg);
			return -1;
		}
		const char *name = arg + 2, *eq = strchr(name, '='), *value;
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		rt_flag *f = NULL;
		for (size_t k = 0; k < n; k++)
			if (strlen(flags[k].name) == nlen && strncmp(flags[k].name, name, nlen) == 0)
				f = &flags[k];
		/* "--no-NAME" of a boolean. */
		if (!f && !eq && strncmp(name, "no-", 3) == 0)
			for (size_t k = 0; k < n; k++)
				if (flags[k].type == RT_FLAG_BOOL && strcmp(flags[k].name, name + 3) == 0) {
					*(bool *)flags[k].value = false;
					f = &flags[k];
				}
		if (f && f->type == RT_FLAG_BOOL && !eq) {
			if (strncmp(name, "no-", 3) != 0)
				*(bool *)f->value = true;
			continue;
		}
		if (!f) {
			fprintf(stderr, "%s: unknown flag '--%.*s' (see --help)\n", prog, (int)nlen, name);
			return -1;
		}
		if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			fprintf(stderr, "%s: flag '--%s' needs a value\n", prog, f->name);
			return -1;
		}
		char *end;
		errno = 0;
		switch (f->type) {
		case RT_FLAG_STRING:
			*(const char **)f->value = value;
			break;
		case RT_FLAG_INT: {
			long v = strtol(value, &end, 10);
			if (errno || *end || end == value || v < -2147483647L || v > 2147483647L) {
				fprintf(stderr, "%s: flag '--%s': '%s' is not an integer\n", prog, f->name, value);
				return -1;
			}
			*(int *)f->value = (int)v;
			break;
		}
		case RT_FLAG_DOUBLE: {
			double v = strtod(value, &end);
			if (errno || *end || end == value || !isfinite(v) || v < 0) {
				fprintf(stderr, "%s: flag '--%s': '%s' is not a non-negative number\n", prog, f->name,
				        value);
				return -1;
			}
			*(double *)f->value = v;
			break;
		}
		case RT_FLAG_BOOL:
			if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0) {
				*(bool *)f->value = true;
			} else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0) {
				*(bool *)f->value = false;
			} else {
				fprintf(stderr, "%s: flag '--%s': '%s' is not true or false\n", prog, f->name, value);
				return -1;
			}
			break;
		}
	}
	return 0;
}
