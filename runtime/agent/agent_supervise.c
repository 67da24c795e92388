/*
 * agent_supervise.c — the small process between the agent and each task
 * (and custom executor): `meso-agent-supervisor`, a program of its own
 * linked with libc alone so that starting one costs little (or, when that
 * program is missing, `meso-agent --supervise`). It starts the task (its
 * command line follows its own arguments, its environment is the task's)
 * and tells the agent its pid; it is the task's parent, so it alone can
 * wait for it; it copies the task's stdout and stderr from
 * pipes into the sandbox files (so a full disk is noticed and counted,
 * never silently truncates), and it records the task's exit in a
 * preallocated exit record that a restarted agent reads. It watches the
 * agent with a pidfd: when the agent dies and no new agent adopts it within
 * the recovery timeout, it kills the task's process group and removes its
 * cgroups, so no task outlives an agent that never returns. Its own exit
 * status mirrors the task's, so the agent that started it can also learn it
 * with waitpid. The agent's side (starting and adopting supervisors) is
 * agent_supervisor.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
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
#include "agent_fetch.h"

int agent_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

bool agent_proc_alive(pid_t pid, uint64_t *start)
{
	if (pid <= 0)
		return false;
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* The name (field 2) may hold spaces and parentheses: fields count from
	 * the last ')'. Field 3 is the state, field 22 the start time. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return false;
	char state = p[2];
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return false;
	if (start)
		*start = strtoull(p, NULL, 10);
	return state != 'Z' && state != 'X' && state != 'x';
}

bool agent_proc_is(pid_t pid, uint64_t start)
{
	uint64_t now;
	return agent_proc_alive(pid, &now) && (start == 0 || now == start);
}

/* Closes every descriptor from fd up: one call where the kernel has
 * close_range (5.9), else those below 4096. */
static void close_from(int fd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)fd, ~0u, 0) == 0)
		return;
#endif
	for (int i = fd; i < 4096; i++)
		close(i);
}

/* One output stream: a pipe from the task, a file in the sandbox. */
typedef struct relay {
	const char *name; /* "stdout" */
	int in, out;
	uint64_t lost;     /* bytes not written */
	uint64_t unmarked; /* of those, not yet noted in the file */
	bool warned;
} relay;

typedef struct sup {
	const char *name;
	pid_t task;
	pid_t agent;
	int agent_fd; /* pidfd of the agent, -1 while orphaned */
	double recovery_timeout, grace;
	const char *record, *cg_mem, *cg_cpu;
	const char *user; /* "NAME:UID:GID" to run the task as, or "" */
	int record_fd;
	relay io[2];
	bool orphaned, killing, timed_out, done;
	int64_t deadline_ns, kill_at_ns;
	int status;
} sup;

/* Notes in the file how much output was lost there, once the file takes
 * writes again. */
static void note_lost(relay *r)
{
	if (!r->unmarked || r->out < 0)
		return;
	char note[200];
	int m = snprintf(note, sizeof note, "\n[meso-agent: %llu bytes of %s were lost here: the disk was full]\n",
	                 (unsigned long long)r->unmarked, r->name);
	if (agent_write_all(r->out, note, (size_t)m) == 0)
		r->unmarked = 0;
}

/* Copies what the pipe holds into the file. A failed write (a full disk)
 * drops that chunk, counts it, logs once, and leaves a note in the file as
 * soon as the file takes writes again. Returns 1 after copying, 0 at the
 * end of input, -1 when nothing is there now. */
static int relay_pump(sup *s, relay *r)
{
	char buf[65536];
	ssize_t n = read(r->in, buf, sizeof buf);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? -1 : 0;
	if (n == 0)
		return 0;
	note_lost(r);
	if (r->out < 0 || agent_write_all(r->out, buf, (size_t)n) != 0) {
		int e = r->out < 0 ? EBADF : errno;
		r->lost += (uint64_t)n;
		r->unmarked += (uint64_t)n;
		if (!r->warned) {
			r->warned = true;
			rt_log(RT_ERROR,
			       "task %s: cannot write its %s (%s): output is dropped and counted until the file "
			       "takes writes again",
			       s->name, r->name, strerror(e));
		}
	}
	return true;
}

static void write_record(sup *s, bool oom)
{
	if (!s->record[0])
		return;
	agent_exit_record r = {.wait_status = s->status,
	                       .oom = oom,
	                       .recovery_timeout = s->timed_out,
	                       .out_lost = s->io[0].lost,
	                       .err_lost = s->io[1].lost};
	char line[AGENT_EXIT_RECORD_LEN];
	size_t n = agent_exit_record_format(&r, line, sizeof line);
	memset(line + n, ' ', sizeof line - n); /* over the whole preallocated record */
	line[sizeof line - 1] = '\n';
	if (s->record_fd < 0) /* could not be made at start: try now */
		s->record_fd = open(s->record, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (s->record_fd < 0 || pwrite(s->record_fd, line, sizeof line, 0) != (ssize_t)sizeof line ||
	    fsync(s->record_fd) != 0)
		rt_log(RT_ERROR, "task %s: cannot write its exit record %s: %s", s->name, s->record, strerror(errno));
}

static void watch_agent(sup *s, pid_t pid, uint64_t start)
{
	int fd = agent_pidfd_open(pid);
	if (fd >= 0 && !agent_proc_is(pid, start)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return;
	if (s->agent_fd >= 0)
		close(s->agent_fd);
	s->agent_fd = fd;
	s->agent = pid;
	if (s->orphaned)
		rt_log(RT_INFO, "task %s: adopted by agent %d", s->name, (int)pid);
	s->orphaned = false;
}

static void orphan(sup *s)
{
	if (s->agent_fd >= 0)
		close(s->agent_fd);
	s->agent_fd = -1;
	if (s->orphaned)
		return;
	s->orphaned = true;
	s->deadline_ns = rt_mono_ns() + (int64_t)(s->recovery_timeout * 1e9);
	rt_log(RT_WARN,
	       "task %s: agent %d is gone; the task is killed unless an agent adopts it within %.1f s "
	       "(--recovery_timeout)",
	       s->name, (int)s->agent, s->recovery_timeout);
}

static void kill_task(sup *s, int sig)
{
	kill(-s->task, sig);
	kill(s->task, sig); /* in case it left its group */
}

static bool parse_arg(const char *arg, const char *key, const char **val)
{
	size_t n = strlen(key);
	if (strncmp(arg, key, n) != 0 || arg[n] != '=')
		return false;
	*val = arg + n + 1;
	return true;
}

/* Ends the supervisor with the task's own status: its exit code, or death
 * by the same signal (without a core of ours). */
static _Noreturn void mirror_exit(int status)
{
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	if (WIFSIGNALED(status)) {
		struct rlimit none = {0, 0};
		setrlimit(RLIMIT_CORE, &none);
		int sig = WTERMSIG(status);
		signal(sig, SIG_DFL);
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
		_exit(128 + sig);
	}
	_exit(1);
}

/* The task, in the child of a fork: its own session, the sandbox, stdin
 * from /dev/null, stdout and stderr to the pipes, its cgroups, then its
 * command (with the supervisor's environment, which is the task's). What
 * stops it before its command runs is said in its stderr; it exits 126, or
 * 127 when the command cannot be executed. Never returns. */
static _Noreturn void exec_task(const sup *s, const char *sandbox, const char *exec, char **argv, int out, int err)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	/* The leader of its own session and process group: out of reach of
	 * the terminal's signals, and a key that finds its descendants. */
	setsid();
	int in = open("/dev/null", O_RDONLY);
	if (in < 0) {
		dprintf(err, "meso-agent: cannot open /dev/null for stdin: %s\n", strerror(errno));
		_exit(126);
	}
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	a_task cg;
	memset(&cg, 0, sizeof cg);
	snprintf(cg.cg_mem, sizeof cg.cg_mem, "%s", s->cg_mem);
	snprintf(cg.cg_cpu, sizeof cg.cg_cpu, "%s", s->cg_cpu);
	if (agent_cgroups_enter(&cg) != 0) {
		dprintf(2, "meso-agent: cannot join the task's cgroup: %s\n", strerror(errno));
		_exit(126);
	}
	/* Its user last (joining the cgroup needs root), its groups first
	 * (setgroups needs root too); then the sandbox is entered as the
	 * task, with the task's rights. */
	if (s->user[0]) {
		char name[256];
		unsigned uid, gid;
		if (sscanf(s->user, "%255[^:]:%u:%u", name, &uid, &gid) != 3 || initgroups(name, (gid_t)gid) != 0 ||
		    setgid((gid_t)gid) != 0 || setuid((uid_t)uid) != 0) {
			dprintf(2, "meso-agent: cannot switch to user %s: %s\n", s->user, strerror(errno));
			_exit(126);
		}
	}
	if (chdir(sandbox) != 0) {
		dprintf(2, "meso-agent: cannot enter the sandbox %s: %s\n", sandbox, strerror(errno));
		_exit(126);
	}
	close_from(3);
	execvp(exec, argv);
	dprintf(2, "meso-agent: cannot execute %s: %s\n", exec, strerror(errno));
	_exit(127);
}

/* The task's URIs, fetched before it starts (Mesos's fetcher): runs
 * meso-fetcher in the sandbox with its output appended to the sandbox's
 * stdout and stderr, and waits for it (the agent is not waiting: it learns
 * the task's pid, or that the fetch failed, on the report pipe). 0 when
 * every URI is in place. */
static int fetch_uris(const char *sandbox, char **fetch_argv)
{
	pid_t p = fork();
	if (p == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		int in = open("/dev/null", O_RDONLY);
		char path[PATH_MAX + 16];
		snprintf(path, sizeof path, "%s/stdout", sandbox);
		int out = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		snprintf(path, sizeof path, "%s/stderr", sandbox);
		int err = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (in < 0 || out < 0 || err < 0 || chdir(sandbox) != 0)
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		close_from(3);
		execv(fetch_argv[0], fetch_argv);
		dprintf(2, "Failed to fetch URIs: cannot execute %s: %s\n", fetch_argv[0], strerror(errno));
		_exit(127);
	}
	if (p < 0)
		return -1;
	int st;
	while (waitpid(p, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* What meso-fetcher (run as the agent's user, which may write the shared
 * cache) put in the sandbox becomes the task's user's, as Mesos's fetcher
 * leaves it: owner changed without following symlinks. */
static uid_t tree_uid;
static gid_t tree_gid;
static int give_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	if (lchown(path, tree_uid, tree_gid) != 0)
		rt_log(RT_WARN, "cannot give %s to uid %u: %s", path, (unsigned)tree_uid, strerror(errno));
	return 0;
}

void agent_give_tree(const char *dir, uid_t uid, gid_t gid)
{
	tree_uid = uid;
	tree_gid = gid;
	nftw(dir, give_one, 16, FTW_PHYS);
}

/* Forks the task with pipes for its stdout and stderr (their read ends in
 * s->io) and tells the agent its pid, or the errno that stopped it, on the
 * report pipe (fd 3). 0, or -1. */
static int start_task(sup *s, const char *sandbox, const char *exec, char **argv)
{
	int out[2], err[2];
	pid_t t = -1;
	if (pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0)
		t = fork();
	if (t == 0)
		exec_task(s, sandbox, exec, argv, out[1], err[1]);
	pid_t msg = t > 0 ? t : -errno;
	if (agent_write_all(3, &msg, sizeof msg) != 0 && t > 0)
		rt_log(RT_WARN, "task %s: cannot tell the agent its pid: %s", s->name, strerror(errno));
	close(3);
	if (t < 0)
		return -1;
	close(out[1]);
	close(err[1]);
	s->task = t;
	s->io[0].in = out[0];
	s->io[1].in = err[0];
	return 0;
}

int agent_supervise_main(int argc, char **argv)
{
	sup s = {.agent_fd = -1, .record_fd = -1, .name = "?", .record = "", .cg_mem = "", .cg_cpu = "", .user = ""};
	const char *v, *sandbox = NULL, *exec = NULL;
	char **task_argv = NULL;
	/* meso-fetcher's argv when the task has URIs: its path, its options,
	 * the URIs (each argument of ours names one). */
	char **fetch_argv = calloc((size_t)argc + 4, sizeof *fetch_argv);
	size_t nfetch = 0, nuris = 0;
	pid_t agent_pid = 0;
	unsigned long long agent_start = 0;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			task_argv = argv + i + 1;
			break;
		} else if (parse_arg(argv[i], "exec", &v)) {
			exec = v;
		} else if (fetch_argv && parse_arg(argv[i], "fetcher", &v)) {
			fetch_argv[0] = (char *)v;
		} else if (fetch_argv && parse_arg(argv[i], "fetch_opt", &v)) {
			fetch_argv[1 + nfetch++] = (char *)v;
		} else if (fetch_argv && parse_arg(argv[i], "fetch_uri", &v)) {
			fetch_argv[1 + nfetch++] = (char *)v;
			nuris++;
		} else if (parse_arg(argv[i], "agent", &v)) {
			int p = 0;
			sscanf(v, "%d:%llu", &p, &agent_start);
			agent_pid = p;
		} else if (parse_arg(argv[i], "recovery_timeout", &v))
			s.recovery_timeout = atof(v);
		else if (parse_arg(argv[i], "grace", &v))
			s.grace = atof(v);
		else if (parse_arg(argv[i], "sandbox", &v))
			sandbox = v;
		else if (parse_arg(argv[i], "record", &v))
			s.record = v;
		else if (parse_arg(argv[i], "cg_mem", &v))
			s.cg_mem = v;
		else if (parse_arg(argv[i], "cg_cpu", &v))
			s.cg_cpu = v;
		else if (parse_arg(argv[i], "name", &v))
			s.name = v;
		else if (parse_arg(argv[i], "user", &v))
			s.user = v;
	}
	rt_log_init("meso-agent-supervisor", RT_INFO);
	if (!sandbox || !exec || !task_argv || !task_argv[0]) {
		rt_log(RT_ERROR, "--supervise needs sandbox=, exec= and the task's argv after -- (it is started by "
		                 "meso-agent only)");
		return 2;
	}
	/* Signals it handles are blocked from the start (read from a
	 * signalfd): an agent adopting it may send SIGUSR1 at any time. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	bool fetched = nuris == 0 || (fetch_argv[0] && fetch_uris(sandbox, fetch_argv) == 0);
	free(fetch_argv);
	if (!fetched) {
		rt_log(RT_WARN, "task %s: its URIs could not be fetched (the sandbox's stderr says why)", s.name);
		pid_t msg = -AGENT_FETCH_FAILED;
		agent_write_all(3, &msg, sizeof msg);
		return 1;
	}
	unsigned fuid, fgid;
	if (nuris > 0 && s.user[0] && sscanf(s.user, "%*[^:]:%u:%u", &fuid, &fgid) == 2)
		agent_give_tree(sandbox, (uid_t)fuid, (gid_t)fgid);
	if (start_task(&s, sandbox, exec, task_argv) != 0) {
		rt_log(RT_ERROR, "task %s: cannot start it: %s", s.name, strerror(errno));
		return 127;
	}

	const char *names[2] = {"stdout", "stderr"};
	for (int i = 0; i < 2; i++) {
		char path[PATH_MAX + 16];
		snprintf(path, sizeof path, "%s/%s", sandbox, names[i]);
		s.io[i].name = names[i];
		fcntl(s.io[i].in, F_SETFL, O_NONBLOCK);
		s.io[i].out = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		unsigned uid, gid;
		if (s.io[i].out >= 0 && s.user[0] && sscanf(s.user, "%*[^:]:%u:%u", &uid, &gid) == 2 &&
		    fchown(s.io[i].out, (uid_t)uid, (gid_t)gid) != 0)
			rt_log(RT_WARN, "task %s: cannot give %s to its user: %s", s.name, path, strerror(errno));
		if (s.io[i].out < 0)
			rt_log(RT_ERROR, "task %s: cannot open %s: %s", s.name, path, strerror(errno));
	}
	/* The record is written now, whole, so that writing the exit later
	 * needs no new disk block: a full disk cannot lose it (the write
	 * reserves the block). Not fsync'd: only a host crash could lose it,
	 * and that ends the task too; the exit is fsync'd when written. */
	if (s.record[0]) {
		s.record_fd = open(s.record, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		char line[AGENT_EXIT_RECORD_LEN];
		memset(line, ' ', sizeof line);
		memcpy(line, "meso-exit 1 running\n", 20);
		line[sizeof line - 1] = '\n';
		if (s.record_fd < 0 || pwrite(s.record_fd, line, sizeof line, 0) != (ssize_t)sizeof line)
			rt_log(RT_ERROR, "task %s: cannot prepare its exit record %s: %s", s.name, s.record,
			       strerror(errno));
	}
	s.agent = agent_pid;
	watch_agent(&s, agent_pid, agent_start);
	if (s.agent_fd < 0)
		orphan(&s);

	bool open_io[2] = {true, true};
	while (!s.done) {
		struct pollfd p[4];
		int np = 0, at_io[2] = {-1, -1}, at_agent = -1;
		p[np++] = (struct pollfd){.fd = sfd, .events = POLLIN};
		for (int i = 0; i < 2; i++)
			if (open_io[i])
				at_io[i] = np, p[np++] = (struct pollfd){.fd = s.io[i].in, .events = POLLIN};
		if (s.agent_fd >= 0)
			at_agent = np, p[np++] = (struct pollfd){.fd = s.agent_fd, .events = POLLIN};
		int64_t now = rt_mono_ns(), wake = -1;
		if (s.orphaned && !s.killing)
			wake = s.deadline_ns;
		if (s.killing)
			wake = s.kill_at_ns;
		int timeout = -1;
		if (wake >= 0)
			timeout = wake <= now ? 0 : (int)((wake - now) / 1000000 + 1);
		if (poll(p, (nfds_t)np, timeout) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++)
			if (at_io[i] >= 0 && p[at_io[i]].revents && relay_pump(&s, &s.io[i]) == 0)
				open_io[i] = false;
		if (at_agent >= 0 && p[at_agent].revents)
			orphan(&s);
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
			if (si.ssi_signo == SIGUSR1) {
				/* A restarted agent adopting this task. */
				uint64_t st = 0;
				if (agent_proc_alive((pid_t)si.ssi_pid, &st))
					watch_agent(&s, (pid_t)si.ssi_pid, st);
			} else if (si.ssi_signo == SIGTERM && !s.killing) {
				kill_task(&s, SIGTERM);
				s.killing = true;
				s.kill_at_ns = rt_mono_ns() + (int64_t)(s.grace * 1e9);
			}
		}
		int status;
		pid_t w;
		while ((w = waitpid(-1, &status, WNOHANG)) > 0)
			if (w == s.task) {
				s.status = status;
				s.done = true;
			}
		now = rt_mono_ns();
		if (!s.done && s.orphaned && !s.killing && now >= s.deadline_ns) {
			rt_log(RT_WARN, "task %s: no agent came back within %.1f s: killing it (process group %d)",
			       s.name, s.recovery_timeout, (int)s.task);
			s.timed_out = s.killing = true;
			kill_task(&s, SIGTERM);
			s.kill_at_ns = now + (int64_t)(s.grace * 1e9);
		} else if (!s.done && s.killing && now >= s.kill_at_ns) {
			kill_task(&s, SIGKILL);
			s.kill_at_ns = now + (int64_t)1e9;
		}
	}
	/* Whatever the task left in its group goes with it; what they wrote
	 * before is still in the pipes. */
	kill(-s.task, SIGKILL);
	for (int i = 0; i < 2; i++)
		while (open_io[i] && relay_pump(&s, &s.io[i]) == 1)
			;
	a_task cg = {0};
	snprintf(cg.cg_mem, sizeof cg.cg_mem, "%s", s.cg_mem);
	snprintf(cg.cg_cpu, sizeof cg.cg_cpu, "%s", s.cg_cpu);
	bool oom = agent_cgroups_oom(&cg);
	agent_cgroups_destroy(&cg);
	for (int i = 0; i < 2; i++) {
		note_lost(&s.io[i]);
		if (s.io[i].out >= 0)
			close(s.io[i].out);
	}
	write_record(&s, oom);
	mirror_exit(s.status);
}
