/*
 * sweep_on.c — `meso-sim sweep --on MASTER`: each run a task of a Mesos
 * cluster, submitted by a meso-execute child process (runtime/execute, the
 * v1 scheduler API) whose exit status is the task's; the task enters the
 * config's folder and runs this meso-sim into the run folder, which the
 * agents reach by the same path (a shared file system). sweep_on.h.
 */
#define _DEFAULT_SOURCE
#include "sweep_on.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* --on's forms: meso-execute's --master ones, and mesos://HOST:PORT. Only
 * HOST:PORT is checked here (meso-execute checks the others at start): a
 * mistake there would otherwise fail every run. */
static int parse_on(cli_cluster *c, const char *on, char *err, size_t errlen)
{
	const char *m = strncmp(on, "mesos://", 8) == 0 ? on + 8 : on;
	if (strlen(m) >= sizeof c->master) {
		snprintf(err, errlen, "--on: longer than %zu characters", sizeof c->master - 1);
		return -1;
	}
	snprintf(c->master, sizeof c->master, "%s", m);
	if (strncmp(m, "zk://", 5) == 0 || strncmp(m, "file://", 7) == 0)
		return 0;
	const char *colon = strrchr(m, ':');
	char *end = NULL;
	long port = colon ? strtol(colon + 1, &end, 10) : 0;
	if (strstr(m, "://") || !colon || colon == m || !colon[1] || *end || port < 1 || port > 65535 ||
	    strchr(m, '/')) {
		snprintf(err, errlen,
		         "--on: expected mesos://HOST:PORT, HOST:PORT, zk://HOST:PORT[,HOST:PORT...]/PATH or "
		         "file:///PATH (the master's address, as meso-execute's --master), got \"%s\"",
		         on);
		return -1;
	}
	return 0;
}

/* meso-execute: beside meso-sim (an installation), in the build tree
 * (build/sim/meso-sim, build/runtime/meso-execute), or on PATH. */
static int find_execute(cli_cluster *c, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	snprintf(dir, sizeof dir, "%s", c->sim);
	*strrchr(dir, '/') = '\0';
	snprintf(path, sizeof path, "%s/meso-execute", dir);
	if (executable(path) && realpath(path, c->execute))
		return 0;
	snprintf(path, sizeof path, "%s/../runtime/meso-execute", dir);
	if (executable(path) && realpath(path, c->execute))
		return 0;
	const char *env = getenv("PATH");
	for (const char *p = env ? env : ""; *p;) {
		size_t n = strcspn(p, ":");
		if (n > 0 && n < PATH_MAX) {
			snprintf(path, sizeof path, "%.*s/meso-execute", (int)n, p);
			if (executable(path) && realpath(path, c->execute))
				return 0;
		}
		p += n + (p[n] == ':');
	}
	snprintf(err, errlen,
	         "--on needs meso-execute (runtime/execute): none beside meso-sim in %s, in %s/../runtime or on "
	         "PATH; give its path with --execute PATH",
	         dir, dir);
	return -1;
}

int cli_cluster_init(cli_cluster *c, const char *on, const char *execute, const char *resources, char *err,
                     size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->resources = resources;
	ssize_t n = readlink("/proc/self/exe", c->sim, sizeof c->sim - 1);
	if (n <= 0) {
		snprintf(err, errlen, "cannot find meso-sim's own path: %s", strerror(errno));
		return -1;
	}
	c->sim[n] = '\0';
	if (parse_on(c, on, err, errlen) < 0)
		return -1;
	if (!resources[0]) {
		snprintf(err, errlen, "--resources: empty");
		return -1;
	}
	if (!execute)
		return find_execute(c, err, errlen);
	if (!executable(execute) || !realpath(execute, c->execute)) {
		snprintf(err, errlen, "--execute: %s is not an executable file", execute);
		return -1;
	}
	return 0;
}

/* One shell word: single-quoted, a quote inside as '\''. */
static void sh_word(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

pid_t cli_cluster_spawn(const cli_cluster *c, const char *name, char *const args[], const char *cwd, const char *rundir)
{
	/* the task's command: what a local run is, with the same folder, the
	 * same arguments and run.log beside its outputs */
	char *cmd = NULL, log[PATH_MAX + 32];
	size_t len = 0;
	FILE *f = open_memstream(&cmd, &len);
	if (!f)
		return -1;
	fputs("cd ", f);
	sh_word(f, cwd);
	fputs(" && exec ", f);
	sh_word(f, c->sim);
	for (size_t i = 0; args[i]; i++) {
		fputc(' ', f);
		sh_word(f, args[i]);
	}
	snprintf(log, sizeof log, "%s/run.log", rundir);
	fputs(" >", f);
	sh_word(f, log);
	fputs(" 2>&1", f);
	if (fclose(f) != 0) {
		free(cmd);
		return -1;
	}
	size_t flen = strlen(c->master) + strlen(name) + strlen(cmd) + strlen(c->resources) + 64;
	char *master = malloc(flen), *nm = malloc(flen), *command = malloc(flen), *res = malloc(flen);
	pid_t pid = -1;
	if (master && nm && command && res) {
		snprintf(master, flen, "--master=%s", c->master);
		snprintf(nm, flen, "--name=%s", name);
		snprintf(command, flen, "--command=%s", cmd);
		snprintf(res, flen, "--resources=%s", c->resources);
		snprintf(log, sizeof log, "%s/execute.log", rundir);
		pid = fork();
		if (pid == 0) {
			int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(127);
			close(fd);
			char *av[] = {"meso-execute", master, nm, command, res, NULL};
			execv(c->execute, av);
			fprintf(stderr, "meso-sim sweep: cannot run %s: %s\n", c->execute, strerror(errno));
			_exit(127);
		}
	} else {
		errno = ENOMEM;
	}
	int saved = errno;
	free(master);
	free(nm);
	free(command);
	free(res);
	free(cmd);
	errno = saved;
	return pid;
}

void cli_cluster_why(const char *rundir, char *buf, size_t cap)
{
	char path[PATH_MAX + 32], line[1024], last[1024] = "";
	buf[0] = '\0';
	snprintf(path, sizeof path, "%s/execute.log", rundir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		snprintf(last, sizeof last, "%s", line);
		/* "ID: TASK_STATE (message)", meso-execute's status lines */
		if (strstr(line, ": TASK_") && !strstr(line, ": TASK_STARTING") && !strstr(line, ": TASK_RUNNING") &&
		    !strstr(line, ": TASK_STAGING"))
			snprintf(buf, cap, "%s", line);
	}
	fclose(f);
	if (!buf[0])
		snprintf(buf, cap, "%s", last);
}
