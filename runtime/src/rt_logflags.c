/*
 * rt_logflags.c — the logging flags of rt_logflags.h.
 */
#define _GNU_SOURCE
#include "rt_logflags.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "rt_util.h"

int rt_log_level_parse(const char *name)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {{"debug", RT_DEBUG}, {"info", RT_INFO}, {"warning", RT_WARN}, {"error", RT_ERROR}};
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
		if (strcasecmp(name, levels[i].name) == 0)
			return levels[i].level;
	return -1;
}

int rt_log_flags_apply(const char *prog, const rt_log_flags *lf, char *err, size_t errlen)
{
	int level = RT_INFO;
	const char *flag = lf->log_level ? "--log_level" : "--logging_level";
	const char *name = lf->log_level ? lf->log_level : lf->logging_level;
	if (name && (level = rt_log_level_parse(name)) < 0) {
		snprintf(err, errlen, "%s: '%.100s' is not a level (debug, info, warning or error)", flag, name);
		return -1;
	}
	int fd = -1;
	if (lf->log_dir) {
		char path[4096];
		if (rt_mkdirs(lf->log_dir) != 0) {
			snprintf(err, errlen, "--log_dir: cannot create '%.200s': %s", lf->log_dir, strerror(errno));
			return -1;
		}
		snprintf(path, sizeof path, "%s/%s.log", lf->log_dir, prog);
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (fd < 0) {
			snprintf(err, errlen, "--log_dir: cannot open '%.300s': %s", path, strerror(errno));
			return -1;
		}
	}
	rt_log_init(prog, level);
	rt_log_set_outputs(lf->quiet ? -1 : STDERR_FILENO, fd);
	return 0;
}
