/*
 * sweep_on.h — `meso-sim sweep --on MASTER`: a run as a task of a Mesos
 * cluster (Apache Mesos or meso-master), submitted through meso-execute
 * (runtime/execute) as a child process, so meso-sim links no runtime
 * library. Part of the meso-sim program only; sweep.c drives it.
 */
#ifndef SIM_SWEEP_ON_H
#define SIM_SWEEP_ON_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

/* Where runs go and how they are asked for. */
typedef struct cli_cluster {
	char master[1024];      /* meso-execute's --master: HOST:PORT, zk://..., file://... */
	char execute[PATH_MAX]; /* the meso-execute program */
	char sim[PATH_MAX];     /* this meso-sim, by the path the agents run it by */
	const char *resources;  /* one run's task: meso-execute's --resources */
} cli_cluster;

/* Fills c from --on ON (mesos://HOST:PORT, HOST:PORT, zk://HOST:PORT[,...]/PATH
 * or file:///PATH), --execute EXECUTE (NULL: beside meso-sim, in the build
 * tree's runtime/ or on PATH) and --resources. 0, or -1 with a message in err. */
int cli_cluster_init(cli_cluster *c, const char *on, const char *execute, const char *resources, char *err,
                     size_t errlen);

/* Starts meso-execute for one run: a task named NAME that enters cwd and
 * runs `meso-sim` args (args[0] is "run"; NULL-terminated), its output in
 * rundir/run.log; meso-execute's own lines go to rundir/execute.log. Its
 * exit status is the task's (sim/README.md). The pid, or -1 with errno set. */
pid_t cli_cluster_spawn(const cli_cluster *c, const char *name, char *const args[], const char *cwd,
                        const char *rundir);

/* Why a run's task did not finish, from rundir/execute.log: its last task
 * state line ("ID: TASK_FAILED (Command exited with status 1)"), else its
 * last line, else "". */
void cli_cluster_why(const char *rundir, char *buf, size_t cap);

#endif
