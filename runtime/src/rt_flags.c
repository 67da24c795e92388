/*
 * rt_flags.c — the flag parser of rt_flags.h, with Mesos's Duration and
 * Bytes forms, file:// values and MESOS_* environment variables.
 */
#define _GNU_SOURCE
#include "rt_flags.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rt_duration_parse(const char *text, double *secs, char *err, size_t errlen)
{
	static const struct {
		const char *unit;
		double secs;
	} units[] = {{"ns", 1e-9}, {"us", 1e-6},  {"ms", 1e-3},    {"secs", 1},
	             {"mins", 60}, {"hrs", 3600}, {"days", 86400}, {"weeks", 604800}};
	size_t i = 0;
	while (isdigit((unsigned char)text[i]) || text[i] == '.')
		i++;
	if (i == 0) {
		snprintf(err, errlen, "'%s' is not a duration (a number and a unit, e.g. 10secs)", text);
		return -1;
	}
	char num[64];
	if (i >= sizeof num) {
		snprintf(err, errlen, "'%s' is not a duration (the number is too long)", text);
		return -1;
	}
	memcpy(num, text, i);
	num[i] = '\0';
	char *end;
	errno = 0;
	double v = strtod(num, &end);
	if (errno || *end || !isfinite(v)) {
		snprintf(err, errlen, "'%s' is not a duration ('%s' is not a number)", text, num);
		return -1;
	}
	const char *unit = text + i;
	double factor = 0;
	if (*unit == '\0')
		factor = 1; /* Meso's older form: seconds */
	for (size_t k = 0; k < sizeof units / sizeof units[0] && factor == 0; k++)
		if (strcmp(unit, units[k].unit) == 0)
			factor = units[k].secs;
	if (factor == 0) {
		snprintf(err, errlen,
		         "'%s': unknown duration unit '%s'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', "
		         "'hrs', 'days', and 'weeks'",
		         text, unit);
		return -1;
	}
	v *= factor;
	if (v > (double)INT64_MAX / 1e9) {
		snprintf(err, errlen, "'%s' is too long a duration (at most about 292 years)", text);
		return -1;
	}
	*secs = v;
	return 0;
}

int rt_bytes_parse(const char *text, uint64_t *bytes, char *err, size_t errlen)
{
	static const struct {
		const char *unit;
		uint64_t factor;
	} units[] = {{"B", 1}, {"KB", 1ull << 10}, {"MB", 1ull << 20}, {"GB", 1ull << 30}, {"TB", 1ull << 40}};
	size_t i = 0;
	while (isdigit((unsigned char)text[i]))
		i++;
	if (text[i] == '.') {
		snprintf(err, errlen, "'%s': fractional bytes", text);
		return -1;
	}
	if (i == 0) {
		snprintf(err, errlen, "'%s' is not a size (a whole number and a unit, e.g. 2GB)", text);
		return -1;
	}
	uint64_t v = 0;
	for (size_t k = 0; k < i; k++) {
		unsigned d = (unsigned)(text[k] - '0');
		if (v > (UINT64_MAX - d) / 10) {
			snprintf(err, errlen, "'%s' is too large a size", text);
			return -1;
		}
		v = v * 10 + d;
	}
	const char *unit = text + i;
	uint64_t factor = *unit == '\0' ? 1 : 0; /* a bare number: bytes */
	for (size_t k = 0; k < sizeof units / sizeof units[0] && factor == 0; k++)
		if (strcasecmp(unit, units[k].unit) == 0)
			factor = units[k].factor;
	if (factor == 0) {
		snprintf(err, errlen, "'%s': unknown bytes unit '%s'; supported units are B, KB, MB, GB and TB", text,
		         unit);
		return -1;
	}
	if (v > UINT64_MAX / factor) {
		snprintf(err, errlen, "'%s' is too large a size", text);
		return -1;
	}
	*bytes = v * factor;
	return 0;
}

const char *rt_duration_text(double secs, char *buf, size_t len)
{
	static const struct {
		const char *unit;
		int64_t ns;
	} units[] = {{"ns", 1},
	             {"us", 1000},
	             {"ms", 1000000},
	             {"secs", 1000000000},
	             {"mins", 60 * 1000000000LL},
	             {"hrs", 3600 * 1000000000LL},
	             {"days", 86400 * 1000000000LL},
	             {"weeks", 604800 * 1000000000LL}};
	const char *sign = secs < 0 ? "-" : "";
	double dn = fabs(secs) * 1e9;
	int64_t ns = dn >= (double)INT64_MAX ? INT64_MAX : llround(dn);
	int k = 0;
	while (k < 7 && ns >= units[k + 1].ns)
		k++;
	if (k > 0 && ns % units[k].ns != 0 && ns % units[k - 1].ns == 0)
		k--;
	snprintf(buf, len, "%s%.15g%s", sign, (double)ns / (double)units[k].ns, units[k].unit);
	return buf;
}

const char *rt_bytes_text(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
	int u = 0;
	while (u < 4 && bytes && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 "%s", bytes, units[u]);
	return buf;
}

static void usage(const char *prog, const char *summary, const char *env_prefix, const rt_flag *flags, size_t n)
{
	printf("Usage: %s [flags]\n\n%s\n", prog, summary);
	if (env_prefix)
		printf("Each flag may also be given as the environment variable %sNAME (the command line wins).\n",
		       env_prefix);
	printf("Durations are Mesos's (10secs, 5mins, 1hrs, 2days; a bare number is seconds) and sizes too (512MB, "
	       "2GB); a number, duration, size or boolean may be read from a file, --name=file:///path.\n");
	printf("\nFlags:\n");
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
		case RT_FLAG_DURATION: {
			char text[48];
			snprintf(def, sizeof def, " (default: %s)",
			         rt_duration_text(*(double *)flags[i].value, text, sizeof text));
			break;
		}
		case RT_FLAG_BYTES: {
			char text[32];
			snprintf(def, sizeof def, " (default: %s)",
			         rt_bytes_text(*(uint64_t *)flags[i].value, text, sizeof text));
			break;
		}
		case RT_FLAG_BOOL:
			snprintf(def, sizeof def, " (default: %s)", *(bool *)flags[i].value ? "true" : "false");
			break;
		}
		printf("  --%-22s %s%s\n", flags[i].name, flags[i].help, def);
	}
	printf("  --%-22s %s\n", "help", "print this help and exit");
}

/* "file://PATH": the file's text without its trailing white space, in buf. */
static int read_value_file(const char *value, char *buf, size_t len, char *err, size_t errlen)
{
	const char *path = value + 7;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	size_t got = fread(buf, 1, len - 1, f);
	int bad = ferror(f), more = !feof(f) && fgetc(f) != EOF;
	fclose(f);
	if (bad || more) {
		snprintf(err, errlen, "cannot read '%s': %s", path, bad ? "read error" : "longer than 4 KiB");
		return -1;
	}
	buf[got] = '\0';
	while (got > 0 && isspace((unsigned char)buf[got - 1]))
		buf[--got] = '\0';
	return 0;
}

/* Sets flag f from value; 0, or -1 with why in err. */
static int set_value(rt_flag *f, const char *value, char *err, size_t errlen)
{
	char file[4096];
	if (f->type != RT_FLAG_STRING && strncmp(value, "file://", 7) == 0) {
		if (read_value_file(value, file, sizeof file, err, errlen) != 0)
			return -1;
		value = file;
	}
	char *end;
	errno = 0;
	switch (f->type) {
	case RT_FLAG_STRING:
		*(const char **)f->value = value;
		return 0;
	case RT_FLAG_INT: {
		long v = strtol(value, &end, 10);
		if (errno || *end || end == value || v < -2147483647L || v > 2147483647L) {
			snprintf(err, errlen, "'%.200s' is not an integer", value);
			return -1;
		}
		*(int *)f->value = (int)v;
		return 0;
	}
	case RT_FLAG_DOUBLE: {
		double v = strtod(value, &end);
		if (errno || *end || end == value || !isfinite(v) || v < 0) {
			snprintf(err, errlen, "'%.200s' is not a non-negative number", value);
			return -1;
		}
		*(double *)f->value = v;
		return 0;
	}
	case RT_FLAG_DURATION:
		return rt_duration_parse(value, (double *)f->value, err, errlen);
	case RT_FLAG_BYTES:
		return rt_bytes_parse(value, (uint64_t *)f->value, err, errlen);
	case RT_FLAG_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0) {
			*(bool *)f->value = true;
		} else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0) {
			*(bool *)f->value = false;
		} else {
			snprintf(err, errlen, "'%.200s' is not true or false", value);
			return -1;
		}
		return 0;
	}
	return -1;
}

/* Each flag from PREFIX + NAME or PREFIX + name, as Mesos's flags loader
 * reads them; variables naming no flag are not ours and are left alone. */
static int load_env(const char *prog, const char *prefix, rt_flag *flags, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		char var[128];
		size_t pl = strlen(prefix), nl = strlen(flags[k].name);
		if (pl + nl + 1 > sizeof var)
			continue;
		memcpy(var, prefix, pl);
		for (size_t i = 0; i <= nl; i++)
			var[pl + i] = (char)toupper((unsigned char)flags[k].name[i]);
		const char *value = getenv(var);
		if (!value) {
			memcpy(var + pl, flags[k].name, nl + 1);
			value = getenv(var);
		}
		if (!value)
			continue;
		char err[512];
		if (set_value(&flags[k], value, err, sizeof err) != 0) {
			fprintf(stderr, "%s: environment variable %s (flag '--%s'): %s\n", prog, var, flags[k].name,
			        err);
			return -1;
		}
	}
	return 0;
}

/* The command line's flags into flags[0..n); seen[k]: flag k was given
 * (in any form: --NAME, --NAME=V, --NAME V, --no-NAME). */
static int parse_args(const char *prog, rt_flag *flags, size_t n, bool *seen, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
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
		bool negated = false;
		if (!f && !eq && strncmp(name, "no-", 3) == 0)
			for (size_t k = 0; k < n; k++)
				if (flags[k].type == RT_FLAG_BOOL && strcmp(flags[k].name, name + 3) == 0) {
					f = &flags[k];
					negated = true;
				}
		if (!f) {
			fprintf(stderr, "%s: unknown flag '--%.*s' (see --help)\n", prog, (int)nlen, name);
			return -1;
		}
		/* As Mesos: a flag named twice is refused, whatever the forms
		 * and values, rather than one of them silently winning. */
		if (seen[f - flags]) {
			fprintf(stderr, "%s: duplicate flag '--%s' on the command line\n", prog, f->name);
			return -1;
		}
		seen[f - flags] = true;
		if (f->type == RT_FLAG_BOOL && !eq) {
			*(bool *)f->value = !negated;
			continue;
		}
		if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			fprintf(stderr, "%s: flag '--%s' needs a value\n", prog, f->name);
			return -1;
		}
		char err[512];
		if (set_value(f, value, err, sizeof err) != 0) {
			fprintf(stderr, "%s: flag '--%s': %s\n", prog, f->name, err);
			return -1;
		}
	}
	return 0;
}

int rt_flags_parse_env(const char *prog, const char *summary, const char *env_prefix, rt_flag *flags, size_t n,
                       int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(prog, summary, env_prefix, flags, n);
			return 1;
		}
	if (env_prefix && load_env(prog, env_prefix, flags, n) != 0)
		return -1;
	bool *seen = calloc(n ? n : 1, sizeof *seen);
	if (!seen) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	int rc = parse_args(prog, flags, n, seen, argc, argv);
	free(seen);
	return rc;
}

int rt_flags_parse(const char *prog, const char *summary, rt_flag *flags, size_t n, int argc, char **argv)
{
	return rt_flags_parse_env(prog, summary, NULL, flags, n, argc, argv);
}
