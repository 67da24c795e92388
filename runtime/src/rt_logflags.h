/*
 * rt_logflags.h — the logging flags meso-master and meso-agent share:
 * ours (--log_level) and Mesos's (--logging_level, --log_dir, --quiet), so
 * a Mesos operator's command line runs unchanged. Lines go to stderr
 * (unless --quiet) and, with --log_dir, to DIR/PROG.log as well.
 */
#ifndef RT_LOGFLAGS_H
#define RT_LOGFLAGS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rt_log_flags {
	const char *log_level;     /* ours: debug, info, warning, error (any case) */
	const char *logging_level; /* Mesos's: INFO, WARNING, ERROR (any case); --log_level wins */
	const char *log_dir;       /* Mesos's: also append every line to DIR/PROG.log */
	bool quiet;                /* Mesos's: nothing to stderr */
} rt_log_flags;

/* The four entries of a program's rt_flag table. */
/* clang-format off */
#define RT_LOG_FLAG_ENTRIES(lf)                                                                                      \
	{"log_level", RT_FLAG_STRING, &(lf).log_level,                                                               \
	 "least severe lines logged: debug, info, warning or error (default: info)"},                                \
	{"logging_level", RT_FLAG_STRING, &(lf).logging_level, "Mesos's name for --log_level: INFO, WARNING or ERROR"}, \
	{"log_dir", RT_FLAG_STRING, &(lf).log_dir,                                                                   \
	 "also append the log to DIR/<program>.log (created if missing; never reopened: rotate with copytruncate)"},  \
	{"quiet", RT_FLAG_BOOL, &(lf).quiet, "log nothing to stderr (with --log_dir: to the file only)"}
/* clang-format on */

/* Checks the flags and sets up rt_log for prog: 0, or -1 with why in err
 * (an unknown level, a log_dir that cannot be written). */
int rt_log_flags_apply(const char *prog, const rt_log_flags *lf, char *err, size_t errlen);

/* A level's name ("debug", "INFO", ...) as RT_DEBUG..RT_ERROR, or -1. */
int rt_log_level_parse(const char *name);

#endif
