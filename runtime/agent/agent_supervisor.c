/*
 * agent_supervisor.c — the agent's side of the supervisors
 * (agent_supervise.c): starting one with its task or executor under it
 * (fork, the task's fork, then the exec of the supervisor program, with a
 * report pipe that says whether that exec failed), and adopting one a
 * killed predecessor left (a pidfd, and SIGUSR1 so that it stops its
 * recovery clock).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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
	snprintf(path, sizeof path, "%s/%s", self, AGENT_SUPERVISOR_PROGRAM);
	if (strlen(path) < sizeof a->supervisor && access(path, X_OK) == 0)
		snprintf(a->supervisor, sizeof a->supervisor, "%s", path);
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

/* Closes every descriptor from fd up: one call where the kernel has
 * close_range (5.9), else those /proc/self/fd lists. */
static void close_from(int fd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)fd, ~0u, 0) == 0)
		return;
#endif
	for (int i = fd; i < 4096; i++)
		close(i);
}

/* The supervisor-to-be tells the agent why it cannot go on (an errno on
 * the report pipe, after the task's pid) and exits 127. */
static _Noreturn void spawn_fail(int report_fd)
{
	int e = errno ? errno : EIO;
	if (write(report_fd, &e, sizeof e) != (ssize_t)sizeof e) {
		/* Nothing more to tell: the agent sees exit 127 alone. */
	}
	_exit(127);
}

int agent_spawn(agent *a, const agent_spawn_spec *s, pid_t *sup_pid, pid_t *task_pid, int *report_fd, char *err,
                size_t errlen)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	char agent_arg[64];
	snprintf(agent_arg, sizeof agent_arg, "agent=%d:%llu", (int)getpid(), (unsigned long long)a->self_start);
	pid_t c = fork();
	if (c < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(report[0]);
		close(report[1]);
		return -1;
	}
	if (c == 0) {
		/* The supervisor-to-be: its own session, so no terminal signal of
		 * the agent's reaches it; then the task, then exec. */
		close(report[0]);
		setsid();
		int out[2], errp[2];
		pid_t t = -1;
		if (pipe2(out, O_CLOEXEC) == 0 && pipe2(errp, O_CLOEXEC) == 0)
			t = fork();
		if (t == 0) {
			close(out[0]);
			close(errp[0]);
			agent_exec_child(a, s->sandbox, s->cmd, s->fw_id, s->executor_id, s->task_id, s->grace, s->task,
			                 out[1], errp[1]);
		}
		int e = errno;
		pid_t msg = t > 0 ? t : -e;
		if (write(report[1], &msg, sizeof msg) != (ssize_t)sizeof msg || t < 0)
			_exit(127);
		char pid_arg[32], timeout_arg[64], grace_arg[64], sandbox_arg[PATH_MAX + 16], record_arg[PATH_MAX + 16];
		char mem_arg[PATH_MAX + 16], cpu_arg[PATH_MAX + 16], name_arg[300];
		snprintf(pid_arg, sizeof pid_arg, "pid=%d", (int)t);
		snprintf(timeout_arg, sizeof timeout_arg, "recovery_timeout=%.3f", s->recovery_timeout);
		snprintf(grace_arg, sizeof grace_arg, "grace=%.3f", s->grace);
		snprintf(sandbox_arg, sizeof sandbox_arg, "sandbox=%s", s->sandbox);
		snprintf(record_arg, sizeof record_arg, "record=%s", s->record ? s->record : "");
		snprintf(mem_arg, sizeof mem_arg, "cg_mem=%s", s->task ? s->task->cg_mem : "");
		snprintf(cpu_arg, sizeof cpu_arg, "cg_cpu=%s", s->task ? s->task->cg_cpu : "");
		snprintf(name_arg, sizeof name_arg, "name=%.280s", s->task_id ? s->task_id : s->executor_id);
		char *argv[] = {AGENT_SUPERVISOR_PROGRAM,
		                "--supervise",
		                pid_arg,
		                agent_arg,
		                timeout_arg,
		                grace_arg,
		                sandbox_arg,
		                record_arg,
		                mem_arg,
		                cpu_arg,
		                name_arg,
		                NULL};
		/* The read ends become 3 and 4 and the report pipe 5 (closed by
		 * a successful exec); nothing else of the agent's stays open (its
		 * listening socket must be free for a restart). Copies at 6 or
		 * above first, so that no dup2 clobbers another's source (and
		 * well under any descriptor limit: an agent under `ulimit -n 64`
		 * must still launch). */
		int o = fcntl(out[0], F_DUPFD, 6), r = fcntl(errp[0], F_DUPFD, 6);
		int rp = fcntl(report[1], F_DUPFD_CLOEXEC, 6);
		if (o < 0 || r < 0 || rp < 0 || dup2(o, 3) != 3 || dup2(r, 4) != 4 || dup3(rp, 5, O_CLOEXEC) != 5)
			spawn_fail(rp >= 0 ? rp : report[1]);
		close_from(6);
		/* Marked like the task, so that a clean start (--recover=cleanup)
		 * finds and kills it as a leftover. */
		setenv(WORK_DIR_ENV, a->work_dir, 1);
		execv(a->supervisor, argv);
		spawn_fail(5);
	}
	close(report[1]);
	pid_t t = 0;
	ssize_t n;
	do
		n = read(report[0], &t, sizeof t);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof t || t <= 0) {
		snprintf(err, errlen, "cannot start the task: %s", n == (ssize_t)sizeof t ? strerror((int)-t) : "fork");
		close(report[0]);
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		return -1;
	}
	/* Left open: it ends (EOF) when the supervisor's exec succeeds, or
	 * carries the errno that stopped it (agent_spawn_report_*). */
	fcntl(report[0], F_SETFL, O_NONBLOCK);
	*report_fd = report[0];
	*sup_pid = c;
	*task_pid = t;
	return 0;
}

static void report_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	agent_spawn_report *r = w->data;
	int e = 0;
	ssize_t n = read(r->fd, &e, sizeof e);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return; /* the exec is still under way */
	ev_io_stop(loop, w);
	close(r->fd);
	r->fd = -1;
	r->error = n == (ssize_t)sizeof e && e > 0 ? e : 0;
}

void agent_spawn_report_start(agent *a, agent_spawn_report *r, int fd)
{
	r->fd = fd;
	r->error = 0;
	ev_io_init(&r->io, report_cb, fd, EV_READ);
	r->io.data = r;
	ev_io_start(a->loop, &r->io);
}

int agent_spawn_report_end(agent *a, agent_spawn_report *r)
{
	if (r->fd >= 0) {
		/* What the supervisor wrote before it exited is in the pipe. */
		report_cb(a->loop, &r->io, EV_READ);
		if (r->fd >= 0) {
			ev_io_stop(a->loop, &r->io);
			close(r->fd);
			r->fd = -1;
		}
	}
	return r->error;
}
