/*
 * agent_supervisor.c — the agent's side of the supervisors
 * (agent_supervise.c): starting one (posix_spawn of the supervisor program
 * with the task's command line and environment; it forks the task and
 * reports its pid on a pipe), and adopting one a killed predecessor left (a
 * pidfd, and SIGUSR1 so that it stops its recovery clock).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "agent_fetch.h"
#include "rt_flags.h"

#define WORK_DIR_ENV "MESO_AGENT_WORK_DIR"

void agent_supervisor_find(agent *a)
{
	snprintf(a->supervisor, sizeof a->supervisor, "/proc/self/exe");
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (!slash)
		return;
	*slash = '\0';
	char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/%s", self, AGENT_FETCHER_PROGRAM);
	size_t flen = strlen(path);
	if (flen < sizeof a->fetcher && access(path, X_OK) == 0)
		memcpy(a->fetcher, path, flen + 1);
	else
		rt_log(RT_WARN, "%s is not next to the agent's program: tasks with URIs to fetch will fail",
		       AGENT_FETCHER_PROGRAM);
	snprintf(path, sizeof path, "%s/%s", self, AGENT_SUPERVISOR_PROGRAM);
	size_t len = strlen(path);
	if (len < sizeof a->supervisor && access(path, X_OK) == 0)
		memcpy(a->supervisor, path, len + 1); /* fits: checked above */
	else
		rt_log(RT_WARN,
		       "%s is not next to the agent's program: supervisors run as `meso-agent --supervise`, "
		       "which costs more to start",
		       AGENT_SUPERVISOR_PROGRAM);
}

int agent_supervisor_adopt(agent *a, pid_t pid, uint64_t start, ev_io *w, void (*cb)(struct ev_loop *, ev_io *, int),
                           void *data)
{
	int fd = agent_pidfd_open(pid);
	/* Opened first, checked after: a pid reused between the two would
	 * fail the check, never be watched in the other's place. */
	if (fd < 0 || !agent_proc_is(pid, start)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ev_io_init(w, cb, fd, EV_READ);
	w->data = data;
	ev_io_start(a->loop, w);
	/* It has an agent again: it stops its recovery clock and watches us. */
	kill(pid, SIGUSR1);
	return fd;
}

/* The environment of a task or executor: the agent's own, the command's,
 * then what Mesos's agent gives an executor (executorEnvironment), later
 * ones replacing earlier ones with the same name, as setenv would. */
typedef struct env_list {
	char **v;
	size_t n, cap;
	rt_arena *ar;
} env_list;

static void env_set(env_list *e, const char *name, const char *value)
{
	size_t k = strlen(name);
	size_t len = k + 1 + strlen(value) + 1;
	char *kv = rt_arena_alloc(e->ar, len);
	snprintf(kv, len, "%s=%s", name, value);
	for (size_t i = 0; i < e->n; i++)
		if (strncmp(e->v[i], name, k) == 0 && e->v[i][k] == '=') {
			e->v[i] = kv;
			return;
		}
	if (e->n + 2 > e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 64;
		char **v = rt_arena_alloc(e->ar, cap * sizeof *v);
		if (e->n)
			memcpy(v, e->v, e->n * sizeof *v);
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n++] = kv;
	e->v[e->n] = NULL;
}

static char **spawn_environment(agent *a, const agent_spawn_spec *s, rt_arena *ar)
{
	env_list e = {.ar = ar};
	for (char **p = environ; *p; p++) {
		const char *eq = strchr(*p, '=');
		if (!eq)
			continue;
		char name[256];
		size_t k = (size_t)(eq - *p);
		if (k >= sizeof name)
			continue;
		memcpy(name, *p, k);
		name[k] = '\0';
		env_set(&e, name, eq + 1);
	}
	const Mesos__V1__CommandInfo *cmd = s->cmd;
	if (cmd->environment)
		for (size_t i = 0; i < cmd->environment->n_variables; i++)
			if (cmd->environment->variables[i]->value)
				env_set(&e, cmd->environment->variables[i]->name,
				        cmd->environment->variables[i]->value);
	char endpoint[300], pid[320], grace[64], recovery[64], backoff[64];
	snprintf(endpoint, sizeof endpoint, "%s:%d", a->flags.ip, rt_http_server_port(a->http));
	/* Marked with the work_dir, so that a later agent finds and kills
	 * what this one left (--recover=cleanup, or a task not recovered). */
	env_set(&e, WORK_DIR_ENV, a->work_dir);
	env_set(&e, "MESOS_SANDBOX", s->sandbox);
	env_set(&e, "MESOS_DIRECTORY", s->sandbox);
	if (s->task_id)
		env_set(&e, "MESOS_TASK_ID", s->task_id);
	if (s->allocation_role)
		env_set(&e, "MESOS_ALLOCATION_ROLE", s->allocation_role);
	env_set(&e, "MESOS_FRAMEWORK_ID", s->fw_id);
	env_set(&e, "MESOS_EXECUTOR_ID", s->executor_id);
	env_set(&e, "MESOS_AGENT_ENDPOINT", endpoint);
	if (a->id)
		env_set(&e, "MESOS_SLAVE_ID", a->id);
	/* The rest of executorEnvironment: checkpointing (every task and
	 * executor is checkpointed), so how long to retry a broken
	 * subscription and how far apart; no separate HTTP command executor;
	 * durations in stout's text. */
	snprintf(pid, sizeof pid, "slave(1)@%s", endpoint);
	rt_duration_text(s->grace, grace, sizeof grace);
	rt_duration_text(agent_recovery_timeout(a), recovery, sizeof recovery);
	rt_duration_text(a->flags.executor_reregistration_timeout, backoff, sizeof backoff);
	env_set(&e, "MESOS_SLAVE_PID", pid);
	env_set(&e, "MESOS_CHECKPOINT", "1");
	env_set(&e, "MESOS_RECOVERY_TIMEOUT", recovery);
	env_set(&e, "MESOS_SUBSCRIPTION_BACKOFF_MAX", backoff);
	env_set(&e, "MESOS_HTTP_COMMAND_EXECUTOR", "0");
	env_set(&e, "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", grace);
	return e.v;
}

/* "key=value" in the arena. */
static char *arg(rt_arena *ar, const char *key, const char *value)
{
	size_t len = strlen(key) + strlen(value) + 2;
	char *kv = rt_arena_alloc(ar, len);
	snprintf(kv, len, "%s=%s", key, value);
	return kv;
}

void agent_spawn_helper_init(posix_spawn_file_actions_t *fa, posix_spawnattr_t *attr, const char *dir, const char *out,
                             const char *err)
{
	posix_spawn_file_actions_init(fa);
	posix_spawnattr_init(attr);
	posix_spawn_file_actions_addchdir_np(fa, dir);
	posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(fa, 1, out, O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_addopen(fa, 2, err, O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_addclosefrom_np(fa, 3);
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(attr, &none);
	posix_spawnattr_setsigdefault(attr, &all);
	posix_spawnattr_setpgroup(attr, 0);
	posix_spawnattr_setflags(attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

int agent_fetch_check_cmd(agent *a, const Mesos__V1__CommandInfo *cmd, const char *id, char *err, size_t errlen)
{
	char why[600] = "";
	if (!a->fetcher[0])
		snprintf(why, sizeof why, "%s is not installed next to meso-agent", AGENT_FETCHER_PROGRAM);
	for (size_t i = 0; i < cmd->n_uris && !why[0]; i++) {
		const Mesos__V1__CommandInfo__URI *u = cmd->uris[i];
		agent_fetch_uri fu = {.value = u->value, .output_file = u->output_file};
		agent_fetch_kind kind;
		char name[PATH_MAX];
		agent_fetch_check(&fu, &kind, name, sizeof name, why, sizeof why);
	}
	if (!why[0])
		return 0;
	snprintf(err, errlen, "Failed to fetch all URIs for container '%s': %s", id, why);
	return -1;
}

size_t agent_fetch_args(agent *a, const char *sandbox, const Mesos__V1__CommandInfo *cmd, rt_arena *ar, char **out)
{
	char num[64];
	size_t n = 0;
	out[n++] = arg(ar, "--sandbox", sandbox);
	out[n++] = arg(ar, "--cache_dir", a->fetch_cache);
	snprintf(num, sizeof num, "%" PRIu64, a->flags.fetcher_cache_size);
	out[n++] = arg(ar, "--cache_size", num);
	snprintf(num, sizeof num, "%.0f", a->flags.fetcher_stall_timeout);
	out[n++] = arg(ar, "--stall_timeout", num);
	for (size_t i = 0; i < cmd->n_uris; i++) {
		const Mesos__V1__CommandInfo__URI *u = cmd->uris[i];
		agent_fetch_uri fu = {.value = u->value,
		                      .output_file = u->output_file,
		                      .executable = u->has_executable && u->executable,
		                      .extract = !u->has_extract || u->extract,
		                      .cache = u->has_cache && u->cache};
		char *enc = agent_fetch_encode(&fu);
		size_t len = enc ? strlen(enc) + 1 : 1;
		out[n] = rt_arena_alloc(ar, len);
		memcpy(out[n++], enc ? enc : "", len);
		free(enc);
	}
	return n;
}

int agent_spawn(agent *a, const agent_spawn_spec *s, pid_t *sup_pid, int *report_fd, char *err, size_t errlen)
{
	/* The supervisor is started with posix_spawn (no copy of the agent's
	 * memory map, unlike fork) and starts the task itself: its argv after
	 * "--" is the task's, its environment the task's. It reports the
	 * task's pid (or an errno) on fd 3. */
	const Mesos__V1__CommandInfo *cmd = s->cmd;
	bool shell = !cmd->has_shell || cmd->shell;
	bool fetch = cmd->n_uris > 0 && !s->fetched;
	if (fetch && agent_fetch_check_cmd(a, cmd, s->task_id ? s->task_id : s->executor_id, err, errlen) != 0)
		return -1;
	size_t nargs = shell ? 3 : (cmd->n_arguments ? cmd->n_arguments : 1);
	rt_arena *ar = rt_arena_create();
	char **argv = rt_arena_alloc(ar, (18 + AGENT_FETCH_OPTS + nargs + cmd->n_uris) * sizeof *argv);
	char num[128], name[300];
	size_t n = 0;
	argv[n++] = AGENT_SUPERVISOR_PROGRAM;
	argv[n++] = "--supervise";
	snprintf(num, sizeof num, "%d:%llu", (int)getpid(), (unsigned long long)a->self_start);
	argv[n++] = arg(ar, "agent", num);
	snprintf(num, sizeof num, "%.3f", s->recovery_timeout);
	argv[n++] = arg(ar, "recovery_timeout", num);
	snprintf(num, sizeof num, "%.3f", s->grace);
	argv[n++] = arg(ar, "grace", num);
	argv[n++] = arg(ar, "sandbox", s->sandbox);
	argv[n++] = arg(ar, "record", s->record ? s->record : "");
	argv[n++] = arg(ar, "cg_mem", s->task ? s->task->cg_mem : "");
	argv[n++] = arg(ar, "cg_cpu", s->task ? s->task->cg_cpu : "");
	snprintf(name, sizeof name, "%.280s", s->task_id ? s->task_id : s->executor_id);
	argv[n++] = arg(ar, "name", name);
	char user[300] = "";
	if (s->user)
		agent_user_arg(s->user, user, sizeof user);
	argv[n++] = arg(ar, "user", user);
	argv[n++] = arg(ar, "exec", shell ? "/bin/sh" : cmd->value);
	if (fetch) {
		/* meso-fetcher, run by the supervisor before the task: its
		 * options, then one argument per URI. */
		argv[n++] = arg(ar, "fetcher", a->fetcher);
		char **fa = rt_arena_alloc(ar, (AGENT_FETCH_OPTS + cmd->n_uris) * sizeof *fa);
		size_t nf = agent_fetch_args(a, s->sandbox, cmd, ar, fa);
		for (size_t i = 0; i < nf; i++)
			argv[n++] = arg(ar, i < AGENT_FETCH_OPTS ? "fetch_opt" : "fetch_uri", fa[i]);
	}
	argv[n++] = "--";
	if (shell) {
		argv[n++] = "sh";
		argv[n++] = "-c";
		argv[n++] = cmd->value;
	} else if (cmd->n_arguments == 0) {
		argv[n++] = cmd->value;
	} else {
		for (size_t i = 0; i < cmd->n_arguments; i++)
			argv[n++] = cmd->arguments[i];
	}
	argv[n] = NULL;
	char **envp = spawn_environment(a, s, ar);

	int report[2];
	if (pipe2(report, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "Cannot start the %s: pipe: %s", s->task_id ? "task" : "executor",
		         strerror(errno));
		rt_arena_destroy(ar);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* The report pipe becomes 3; nothing else of the agent's stays open
	 * (its listening socket must be free for a restart). */
	posix_spawn_file_actions_adddup2(&fa, report[1], 3);
	posix_spawn_file_actions_addclosefrom_np(&fa, 4);
	/* Its own session, so no terminal signal of the agent's reaches it;
	 * no signal blocked or ignored. */
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	pid_t c;
	int rc = posix_spawn(&c, a->supervisor, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(report[1]);
	rt_arena_destroy(ar);
	if (rc != 0) {
		snprintf(err, errlen, "The %s's supervisor could not start (%s: %s)", s->task_id ? "task" : "executor",
		         a->supervisor, strerror(rc));
		close(report[0]);
		return -1;
	}
	*sup_pid = c;
	*report_fd = report[0];
	return 0;
}

int agent_spawn_read(int fd, pid_t *pid)
{
	pid_t t = 0;
	ssize_t got;
	do
		got = read(fd, &t, sizeof t);
	while (got < 0 && errno == EINTR);
	if (got < 0 && errno == EAGAIN)
		return 0;
	if (got == (ssize_t)sizeof t && t > 0) {
		*pid = t;
		return 1;
	}
	errno = got == (ssize_t)sizeof t && t < 0 ? (int)-t : EPIPE;
	return -1;
}
