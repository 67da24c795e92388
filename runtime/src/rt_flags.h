/*
 * rt_flags.h — command-line flags in Mesos's style: "--name=value" or
 * "--name value", "--help". Each program lists its flags in a table.
 * Booleans as Mesos writes them: "--name" (true), "--no-name" (false),
 * "--name=true|false".
 */
#ifndef RT_FLAGS_H
#define RT_FLAGS_H

#include <stddef.h>

typedef enum { RT_FLAG_STRING, RT_FLAG_INT, RT_FLAG_DOUBLE, RT_FLAG_BOOL } rt_flag_type;

typedef struct rt_flag {
	const char *name; /* without "--" */
	rt_flag_type type;
	void *value; /* const char **, int *, double *, bool * */
	const char *help;
} rt_flag;

/* Parses argv into the flags. Returns 0, 1 when --help was given (usage
 * printed on stdout), or -1 with a message on stderr. */
int rt_flags_parse(const char *prog, const char *summary, rt_flag *flags, size_t n, int argc, char **argv);

#endif
