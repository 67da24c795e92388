/*
 * cli.c — what meso-sim's commands share that is not the simulator: where
 * the gnuplot scripts are and how to run one, and the "meso-sim CMD: ..."
 * error line of sweep and compare (cli.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MESO_PLOTS_DIR
#define MESO_PLOTS_DIR "plots"
#endif

int cli_fail(const char *who, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", who);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return -1;
}

const char *cli_plots_dir(void)
{
	const char *dir = getenv("MESO_PLOTS_DIR");
	return dir ? dir : MESO_PLOTS_DIR;
}

int cli_gnuplot(const char *expr, const char *name)
{
	char script[4200], full[8400];
	snprintf(script, sizeof script, "%s/%s", cli_plots_dir(), name);
	/* the scripts find their shared files (palette.gp) through plotsdir */
	snprintf(full, sizeof full, "plotsdir='%s'; %s", cli_plots_dir(), expr);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", "-e", full, script, (char *)NULL);
		fprintf(stderr, "meso-sim: cannot run gnuplot: %s (scripts/install-deps.sh installs it)\n",
		        strerror(errno));
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "meso-sim: gnuplot failed on %s\n", script);
		return -1;
	}
	return 0;
}
