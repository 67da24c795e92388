/*
 * agent_tasks.c — the agent's processes. Each task runs `/bin/sh -c CMD` (or
 * CMD with its arguments when shell is false) as the leader of its own
 * process group, in a sandbox directory holding its stdout and stderr files,
 * with MESO_AGENT_WORK_DIR in its environment so that a later agent on the
 * same work_dir can find and kill what this one left behind. Children are
 * reaped with ev_child; kills are TERM to the group, then KILL after a grace
 * period. Limits are enforced by agent_cgroups.c where cgroups are usable.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "rt_resources.h"

#define WORK_DIR_ENV "MESO_AGENT_WORK_DIR"

/* Reads /proc/PID/environ and says whether it holds `marker` exactly. */
static bool proc_has_env(pid_t pid, const char *marker)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	rt_buf b;
	rt_buf_init(&b);
	char chunk[8192];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0 && b.len < (1u << 20))
		rt_buf_append(&b, chunk, (size_t)n);
	close(fd);
	bool found = false;
	size_t mlen = strlen(marker);
	for (size_t i = 0; i < b.len && !found;) {
		size_t l = strnlen((const char *)b.data + i, b.len - i);
		found = l == mlen && memcmp(b.data + i, marker, mlen) == 0;
		i += l + 1;
	}
	rt_buf_free(&b);
	return found;
}

void agent_kill_leftovers(agent *a)
{
	char marker[PATH_MAX + 32];
	snprintf(marker, sizeof marker, "%s=%s", WORK_DIR_ENV, a->work_dir);
	/* Twice: a leftover may fork while the first sweep runs. */
	for (int sweep = 0; sweep < 2; sweep++) {
		DIR *d = opendir("/proc");
		if (!d)
			return;
		struct dirent *e;
		while ((e = readdir(d))) {
			char *end;
			long pid = strtol(e->d_name, &end, 10);
			if (*end || pid <= 1 || pid == getpid())
				continue;
			if (proc_has_env((pid_t)pid, marker) && kill((pid_t)pid, SIGKILL) == 0) {
				rt_log(RT_WARN, "killed process %ld left behind by an earlier agent on %s", pid,
				       a->work_dir);
				a->metrics.leftovers_killed++;
			}
		}
		closedir(d);
	}
}

void agent_sanitize(const char *in, char *out, size_t len)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 1 < len; p++)
		out[o++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		                           *p == '-' || *p == '_' || *p == '.'
		                   ? *p
		                   : '_';
	out[o] = '\0';
	if (o == 0 || out[0] == '.')
		out[0] = '_';
}

static void child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	a_task *t = w->data;
	agent *a = t->agent;
	int status = w->rstatus;
	ev_child_stop(loop, w);
	ev_timer_stop(loop, &t->kill_timer);
	/* Whatever the task left in its group goes with it. */
	kill(-t->pid, SIGKILL);
	t->pid = 0;
	bool oom = agent_cgroups_oom(t);
	agent_cgroups_destroy(t);
	char msg[128];
	Mesos__V1__TaskState state;
	int reason = -1;
	if (WIFEXITED(status)) {
		snprintf(msg, sizeof msg, "Command exited with status %d", WEXITSTATUS(status));
		state = WEXITSTATUS(status) == 0 ? MESOS__V1__TASK_STATE__TASK_FINISHED
		                                 : MESOS__V1__TASK_STATE__TASK_FAILED;
	} else {
		snprintf(msg, sizeof msg, "Command terminated with signal %s", strsignal(WTERMSIG(status)));
		state = MESOS__V1__TASK_STATE__TASK_FAILED;
	}
	if (t->kill_requested) {
		state = MESOS__V1__TASK_STATE__TASK_KILLED;
		reason = -1;
	} else if (oom) {
		char more[sizeof msg];
		memcpy(more, msg, sizeof more);
		snprintf(msg, sizeof msg, "Memory limit exceeded: the OOM killer ended the task (%.60s)", more);
		state = MESOS__V1__TASK_STATE__TASK_FAILED;
		reason = MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LIMITATION_MEMORY;
	} else if (state == MESOS__V1__TASK_STATE__TASK_FAILED) {
		reason = MESOS__V1__TASK_STATUS__REASON__REASON_COMMAND_EXECUTOR_FAILED;
	}
	if (t->fw_gone) {
		rt_log(RT_INFO, "task %s of removed framework %s ended: %s", t->id, t->fw_id, msg);
		agent_task_forget(a, t);
		return;
	}
	agent_task_update(a, t, state, reason, msg);
}

static void kill_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	a_task *t = w->data;
	if (t->pid > 0) {
		rt_log(RT_WARN, "task %s did not stop after SIGTERM; sending SIGKILL", t->id);
		kill(-t->pid, SIGKILL);
	}
}

void agent_task_kill(agent *a, a_task *t, double grace)
{
	if (t->pid <= 0)
		return;
	if (!t->kill_requested) {
		t->kill_requested = true;
		rt_log(RT_INFO, "killing task %s (process group %d), grace %.1f s", t->id, (int)t->pid, grace);
		kill(-t->pid, SIGTERM);
		ev_timer_set(&t->kill_timer, grace > 0 ? grace : 0.001, 0.);
		ev_timer_start(a->loop, &t->kill_timer);
	}
}

/* In the child, after fork: only async-signal-safe-enough calls (the agent
 * is single-threaded, so setenv is fine here). Never returns. */
void agent_exec_child(agent *a, const char *sandbox, const Mesos__V1__CommandInfo *cmd, const char *fw_id,
                      const char *executor_id, const char *task_id, double grace_s, const a_task *t)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	setpgid(0, 0);
	if (chdir(sandbox) != 0)
		_exit(126);
	int in = open("/dev/null", O_RDONLY);
	int out = open("stdout", O_WRONLY | O_CREAT | O_APPEND, 0644);
	int err = open("stderr", O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (in < 0 || out < 0 || err < 0)
		_exit(126);
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	if (t && agent_cgroups_enter(t) != 0) {
		dprintf(2, "meso-agent: cannot join the task's cgroup\n");
		_exit(126);
	}
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	if (cmd->environment)
		for (size_t i = 0; i < cmd->environment->n_variables; i++)
			if (cmd->environment->variables[i]->value)
				setenv(cmd->environment->variables[i]->name, cmd->environment->variables[i]->value, 1);
	char endpoint[300];
	snprintf(endpoint, sizeof endpoint, "%s:%d", a->flags.ip, rt_http_server_port(a->http));
	setenv(WORK_DIR_ENV, a->work_dir, 1);
	setenv("MESOS_SANDBOX", sandbox, 1);
	setenv("MESOS_DIRECTORY", sandbox, 1);
	if (task_id)
		setenv("MESOS_TASK_ID", task_id, 1);
	setenv("MESOS_FRAMEWORK_ID", fw_id, 1);
	setenv("MESOS_EXECUTOR_ID", executor_id, 1);
	setenv("MESOS_AGENT_ENDPOINT", endpoint, 1);
	if (a->id)
		setenv("MESOS_SLAVE_ID", a->id, 1);
	/* The rest of what Mesos's agent gives an executor (executorEnvironment):
	 * no checkpointing, no separate HTTP command executor, and the grace
	 * period in stout's duration text. */
	char pid[320], grace[64];
	snprintf(pid, sizeof pid, "slave(1)@%s", endpoint);
	snprintf(grace, sizeof grace, "%gsecs", grace_s);
	setenv("MESOS_SLAVE_PID", pid, 1);
	setenv("MESOS_CHECKPOINT", "0", 1);
	setenv("MESOS_HTTP_COMMAND_EXECUTOR", "0", 1);
	setenv("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", grace, 1);
	if (!cmd->has_shell || cmd->shell) {
		execl("/bin/sh", "sh", "-c", cmd->value, (char *)NULL);
	} else {
		char **argv = calloc(cmd->n_arguments + 2, sizeof *argv);
		if (!argv)
			_exit(127);
		if (cmd->n_arguments == 0)
			argv[0] = cmd->value;
		for (size_t i = 0; i < cmd->n_arguments; i++)
			argv[i] = cmd->arguments[i];
		execvp(cmd->value, argv);
	}
	_exit(127);
}

void agent_task_launch(agent *a, a_task *t, const Mesos__V1__TaskInfo *ti)
{
	char fw[128], tid[128], rnd[16];
	uint8_t u[16];
	rt_uuid_random(u);
	snprintf(rnd, sizeof rnd, "%02x%02x%02x%02x", u[0], u[1], u[2], u[3]);
	agent_sanitize(t->fw_id, fw, sizeof fw);
	agent_sanitize(t->id, tid, sizeof tid);
	int n = snprintf(t->sandbox, sizeof t->sandbox, "%s/frameworks/%s/tasks/%s-%s", a->work_dir, fw, tid, rnd);
	if (n < 0 || (size_t)n >= sizeof t->sandbox)
		t->sandbox[0] = '\0'; /* too long: reported as a sandbox failure below */
	ev_child_init(&t->child, child_cb, 0, 0);
	ev_timer_init(&t->kill_timer, kill_timer_cb, 1., 0.);
	t->child.data = t->kill_timer.data = t;
	if (!ti->command || !ti->command->value) {
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED,
		                  "Task has no command");
		return;
	}
	if (!t->sandbox[0] || rt_mkdirs(t->sandbox) != 0) {
		char msg[PATH_MAX + 64];
		snprintf(msg, sizeof msg, "Cannot create sandbox %s: %s", t->sandbox, strerror(errno));
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED, msg);
		return;
	}
	ac_resources res;
	ac_vec amounts;
	ac_vec_zero(&amounts);
	if (rt_resources_from_pb(a->parser, ti->resources, ti->n_resources, &res, NULL) == 0)
		ac_resources_scalars(&res, &amounts);
	if (agent_cgroups_prepare(a, t, amounts.v[AC_MEM], amounts.v[AC_CPUS]) != 0) {
		char msg[PATH_MAX + 160];
		int e = errno;
		/* Out of descriptors, every open() fails, the cgroup's control
		 * files first: say what is short, not that the cgroup is wrong. */
		if (e == EMFILE || e == ENFILE)
			snprintf(
			        msg, sizeof msg,
			        "The agent is out of file descriptors (%s): cannot open the control files of cgroup %s",
			        strerror(e), t->cg_mem);
		else
			snprintf(msg, sizeof msg, "Cannot set the limits of cgroup %s: %s", t->cg_mem, strerror(e));
		agent_cgroups_destroy(t);
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED, msg);
		return;
	}
	agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_STARTING, -1, NULL);
	pid_t pid = fork();
	if (pid < 0) {
		char msg[128];
		snprintf(msg, sizeof msg, "fork: %s", strerror(errno));
		agent_cgroups_destroy(t);
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED, msg);
		return;
	}
	if (pid == 0)
		agent_exec_child(a, t->sandbox, ti->command, t->fw_id, t->id, t->id, a->flags.kill_grace, t);
	/* Also here, so that a kill right after fork finds the group. */
	setpgid(pid, pid);
	t->pid = pid;
	ev_child_set(&t->child, pid, 0);
	ev_child_start(a->loop, &t->child);
	rt_log(RT_INFO, "launched task %s of framework %s as process %d in %s", t->id, t->fw_id, (int)pid, t->sandbox);
	agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_RUNNING, -1, NULL);
}
