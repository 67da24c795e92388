/*
 * rt_flags.h — command-line flags in Mesos's style: "--name=value" or
 * "--name value", "--help". Each program lists its flags in a table.
 * Booleans as Mesos writes them: "--name" (true), "--no-name" (false),
 * "--name=true|false". Durations and byte sizes in Mesos's forms ("10secs",
 * "2GB"); a value of a number, duration, size or boolean may be read from a
 * file ("--gc_delay=file:///etc/meso/gc_delay"), and the master and agent
 * also take every flag from the environment as MESOS_NAME, as Mesos does
 * (the command line wins).
 */
#ifndef RT_FLAGS_H
#define RT_FLAGS_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	RT_FLAG_STRING,
	RT_FLAG_INT,
	RT_FLAG_DOUBLE,
	RT_FLAG_BOOL,
	RT_FLAG_DURATION, /* double seconds: Mesos's "10secs", "1.5mins", or a plain number of seconds */
	RT_FLAG_BYTES,    /* uint64_t bytes: Mesos's "2GB", "512MB", or a plain number of bytes */
} rt_flag_type;

typedef struct rt_flag {
	const char *name; /* without "--" */
	rt_flag_type type;
	void *value; /* const char **, int *, double *, bool *, double * (seconds), uint64_t * */
	const char *help;
} rt_flag;

/* Parses argv into the flags. Returns 0, 1 when --help was given (usage
 * printed on stdout), or -1 with a message on stderr. */
int rt_flags_parse(const char *prog, const char *summary, rt_flag *flags, size_t n, int argc, char **argv);

/* The same, after taking each flag from the environment variable
 * env_prefix + NAME (upper case) or env_prefix + name, when set; the
 * command line overrides the environment. env_prefix NULL: none. */
int rt_flags_parse_env(const char *prog, const char *summary, const char *env_prefix, rt_flag *flags, size_t n,
                       int argc, char **argv);

/* Mesos's Duration text: a non-negative decimal number and one of the units
 * ns, us, ms, secs, mins, hrs, days, weeks ("90secs", "1.5hrs"); a bare
 * number is seconds. At most Mesos's range (int64 nanoseconds). 0 with the
 * seconds in *secs, or -1 with why in err. */
int rt_duration_parse(const char *text, double *secs, char *err, size_t errlen);

/* Mesos's Bytes text: a whole number and one of B, KB, MB, GB, TB (powers of
 * 1024, any case: "2GB", "512mb"); a bare number is bytes. 0, or -1 with why
 * in err. */
int rt_bytes_parse(const char *text, uint64_t *bytes, char *err, size_t errlen);

/* A duration as Mesos writes one: in the unit of its size, or the next
 * smaller unit when only that makes it whole ("90secs", "1.5mins" is
 * written "90secs"; "2weeks", "10days", "250ms"). Returns buf. */
const char *rt_duration_text(double secs, char *buf, size_t len);

/* Bytes as Mesos writes them: in the largest unit that divides them
 * ("2GB", "1536KB", "7B"). Returns buf. */
const char *rt_bytes_text(uint64_t bytes, char *buf, size_t len);

#endif
