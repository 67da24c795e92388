/*
 * agent_tasks.c — the agent's processes. Each task runs `/bin/sh -c CMD` (or
 * CMD with its arguments when shell is false) as the leader of its own
 * session and process group, under a supervisor of its own
 * (agent_supervisor.c), in a sandbox directory holding its stdout and
 * stderr files, with MESO_AGENT_WORK_DIR in its environment so that a later
 * agent on the same work_dir can find what this one left behind. The
 * supervisor is our child (ev_child), or, after a restart, a process we
 * adopted (a pidfd); either way its end is the task's, read from the exit
 * record it leaves. Kills are TERM to the group, then KILL after a grace
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
#include "agent_fetch.h"
#include "agent_health.h"
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

/* The session and process group of a process (fields 5 and 6 of
 * /proc/PID/stat), or -1. */
static int proc_group(pid_t pid, pid_t *pgrp, pid_t *session)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	int ppid, pg, sid;
	char st;
	if (!p || sscanf(p + 1, " %c %d %d %d", &st, &ppid, &pg, &sid) != 4)
		return -1;
	*pgrp = pg;
	*session = sid;
	return 0;
}

/* Whether pid belongs to a task or executor this agent runs: its
 * supervisor, or in its session or process group. */
static bool adopted_process(agent *a, pid_t pid)
{
	pid_t pg = -1, sid = -1;
	proc_group(pid, &pg, &sid);
	for (a_task *t = a->tasks; t; t = t->next) {
		if (t->sup_pid > 0 && pid == t->sup_pid)
			return true;
		if (t->pid > 0 && (pid == t->pid || pg == t->pid || sid == t->pid))
			return true;
	}
	for (a_executor *e = a->executors; e; e = e->next) {
		if (e->sup_pid > 0 && pid == e->sup_pid)
			return true;
		if (e->pid > 0 && (pid == e->pid || pg == e->pid || sid == e->pid))
			return true;
	}
	return false;
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
			if (proc_has_env((pid_t)pid, marker) && !adopted_process(a, (pid_t)pid) &&
			    kill((pid_t)pid, SIGKILL) == 0) {
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

static void kill_timer_cb(struct ev_loop *loop, ev_timer *w, int revents);

/* The supervisor's report: the task's pid (it runs: TASK_RUNNING, or the
 * kill asked meanwhile goes ahead), or why it could not start it (told when
 * the supervisor's exit arrives). */
static void take_report(agent *a, a_task *t)
{
	pid_t pid = 0;
	int got = agent_spawn_read(t->report_fd, &pid);
	if (got == 0)
		return;
	if (got < 0)
		t->start_error = errno;
	ev_io_stop(a->loop, &t->report_watch);
	close(t->report_fd);
	t->report_fd = -1;
	if (got < 0)
		return;
	t->pid = pid;
	agent_proc_alive(pid, &t->pid_start);
	rt_log(RT_INFO, "launched task %s of framework %s as process %d (supervisor %d) in %s", t->id, t->fw_id,
	       (int)pid, (int)t->sup_pid, t->sandbox);
	if (t->kill_requested) {
		t->kill_requested = false;
		agent_task_kill(a, t, t->kill_grace, false);
		return;
	}
	agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_RUNNING, -1, NULL);
	agent_health_start(a, t);
}

static void report_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	a_task *t = w->data;
	take_report(t->agent, t);
}

static void report_end(agent *a, a_task *t, int status, const agent_exit_record *rec, const char *note)
{
	char msg[512];
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
		if (t->kill_draining) {
			/* As Mesos's agent: the kill was the drain's. */
			reason = MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_DRAINING;
			size_t k = strlen(msg);
			snprintf(msg + k, sizeof msg - k, "; the agent is draining");
		}
	} else if (rec && rec->recovery_timeout) {
		char more[sizeof msg];
		memcpy(more, msg, sizeof more);
		snprintf(msg, sizeof msg,
		         "Killed by its supervisor: no agent came back within the recovery timeout (%.200s)", more);
		state = MESOS__V1__TASK_STATE__TASK_FAILED;
		reason = MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_REREGISTRATION_TIMEOUT;
	} else if (rec && rec->oom) {
		char more[sizeof msg];
		memcpy(more, msg, sizeof more);
		snprintf(msg, sizeof msg, "Memory limit exceeded: the OOM killer ended the task (%.60s)", more);
		state = MESOS__V1__TASK_STATE__TASK_FAILED;
		reason = MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LIMITATION_MEMORY;
	} else if (state == MESOS__V1__TASK_STATE__TASK_FAILED) {
		reason = MESOS__V1__TASK_STATUS__REASON__REASON_COMMAND_EXECUTOR_FAILED;
	}
	size_t n = strlen(msg);
	if (rec && (rec->out_lost || rec->err_lost)) {
		/* A full disk never loses output without a trace. */
		snprintf(msg + n, sizeof msg - n, "; output lost to a full disk: %llu bytes of stdout, %llu of stderr",
		         (unsigned long long)rec->out_lost, (unsigned long long)rec->err_lost);
		a->metrics.output_bytes_lost += rec->out_lost + rec->err_lost;
		n = strlen(msg);
	}
	if (note)
		snprintf(msg + n, sizeof msg - n, "; %s", note);
	const char *unhealthy = agent_health_kill_reason(t);
	n = strlen(msg);
	if (unhealthy && t->kill_requested)
		snprintf(msg + n, sizeof msg - n, "; killed because its health check failed: %s", unhealthy);
	if (t->fw_gone) {
		rt_log(RT_INFO, "task %s of removed framework %s ended: %s", t->id, t->fw_id, msg);
		agent_task_forget(a, t);
		return;
	}
	agent_task_update(a, t, state, reason, msg);
}

void agent_fetch_failure(const char *sandbox, const char *id, char *msg, size_t len)
{
	char path[PATH_MAX + 16], tail[512] = "";
	snprintf(path, sizeof path, "%s/stderr", sandbox);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		off_t end = lseek(fd, 0, SEEK_END);
		off_t from = end > (off_t)sizeof tail - 1 ? end - (off_t)sizeof tail + 1 : 0;
		ssize_t n = pread(fd, tail, sizeof tail - 1, from);
		close(fd);
		tail[n > 0 ? n : 0] = '\0';
	}
	size_t n = strlen(tail);
	while (n > 0 && tail[n - 1] == '\n')
		tail[--n] = '\0';
	const char *last = strrchr(tail, '\n');
	last = last ? last + 1 : tail;
	snprintf(msg, len, "Failed to fetch all URIs for container '%s': %s", id,
	         last[0] ? last : "the fetcher failed (see the sandbox's stderr)");
}

void agent_task_ended(agent *a, a_task *t, bool known, int status)
{
	/* No more checks; their result stays for the final update (freed
	 * with the task). */
	agent_health_stop_checks(a, t);
	if (t->report_fd >= 0)
		take_report(a, t); /* what the supervisor said before it ended */
	if (t->report_fd >= 0) {
		ev_io_stop(a->loop, &t->report_watch);
		close(t->report_fd);
		t->report_fd = -1;
	}
	ev_child_stop(a->loop, &t->child);
	ev_timer_stop(a->loop, &t->kill_timer);
	ev_io_stop(a->loop, &t->sup_watch);
	if (t->sup_fd >= 0)
		close(t->sup_fd);
	t->sup_fd = -1;
	/* Whatever the task left in its group goes with it (the supervisor
	 * did this already unless it was killed itself). */
	if (t->pid > 0 && agent_proc_is(t->pid, t->pid_start))
		kill(-t->pid, SIGKILL);
	t->pid = 0;
	t->sup_pid = 0;
	char path[PATH_MAX];
	agent_exit_record_path(t->ckpt, path, sizeof path);
	agent_exit_record rec;
	int got = agent_exit_record_read(path, &rec);
	agent_cgroups_destroy(t);
	if (got == 1) {
		report_end(a, t, rec.wait_status, &rec, NULL);
	} else if (t->start_error) {
		char msg[600];
		if (t->start_error == AGENT_FETCH_FAILED)
			agent_fetch_failure(t->sandbox, t->id, msg, sizeof msg);
		else
			snprintf(msg, sizeof msg, "Cannot start the task: %s", strerror(t->start_error));
		if (t->fw_gone) {
			agent_task_forget(a, t);
			return;
		}
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED, msg);
	} else if (known) {
		report_end(a, t, status, NULL,
		           path[0] ? "the task's exit record is missing; its status is its supervisor's" : NULL);
	} else {
		/* Neither record nor parent: the end is certain, its cause is not. */
		rt_log(RT_WARN, "task %s ended while no agent watched it and left no exit record", t->id);
		if (t->fw_gone) {
			agent_task_forget(a, t);
			return;
		}
		agent_task_update(
		        a, t, t->kill_requested ? MESOS__V1__TASK_STATE__TASK_KILLED : MESOS__V1__TASK_STATE__TASK_LOST,
		        MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_RESTARTED,
		        "The task ended while the agent was down and its exit status was not recorded");
	}
}

static void child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	a_task *t = w->data;
	ev_child_stop(loop, w);
	agent_task_ended(t->agent, t, true, w->rstatus);
}

static void sup_watch_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	a_task *t = w->data;
	agent_task_ended(t->agent, t, false, 0);
}

int agent_task_adopt(agent *a, a_task *t)
{
	ev_child_init(&t->child, child_cb, 0, 0);
	ev_timer_init(&t->kill_timer, kill_timer_cb, 1., 0.);
	t->child.data = t->kill_timer.data = t;
	t->sup_fd = agent_supervisor_adopt(a, t->sup_pid, t->sup_start, &t->sup_watch, sup_watch_cb, t);
	if (t->sup_fd < 0)
		return -1;
	t->adopted = true;
	if (t->pid <= 0) {
		/* The predecessor died before it learned the task's pid: the
		 * supervisor's child is the task. */
		char path[64], buf[64];
		snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)t->sup_pid, (int)t->sup_pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = '\0';
			t->pid = (pid_t)atoi(buf);
			agent_proc_alive(t->pid, &t->pid_start);
		}
		if (t->pid > 0 && t->state == MESOS__V1__TASK_STATE__TASK_STARTING && !t->kill_requested)
			agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_RUNNING, -1, NULL);
	}
	if (t->state == MESOS__V1__TASK_STATE__TASK_RUNNING && !t->kill_requested)
		agent_health_start(a, t); /* from scratch: its delay again, a new grace period */
	if (t->kill_requested && t->pid > 0) {
		/* A kill was under way: finish it. */
		kill(-t->pid, SIGTERM);
		ev_timer_set(&t->kill_timer, a->flags.kill_grace > 0 ? a->flags.kill_grace : 0.001, 0.);
		ev_timer_start(a->loop, &t->kill_timer);
	}
	return 0;
}

double agent_recovery_timeout(const agent *a)
{
	double r = a->flags.recovery_timeout;
	if (a->master_reregister_timeout > 0) {
		double w = a->master_reregister_timeout - a->flags.kill_grace - 1.0;
		if (w < r)
			r = w > 0 ? w : 0;
	}
	return r;
}

static void kill_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	a_task *t = w->data;
	if (t->pid > 0) {
		rt_log(RT_WARN, "task %s did not stop after SIGTERM; sending SIGKILL", t->id);
		kill(-t->pid, SIGKILL);
	}
}

void agent_task_kill(agent *a, a_task *t, double grace, bool override)
{
	if (t->pid <= 0 && t->report_fd >= 0) {
		/* Its supervisor is starting it: killed once its pid is known. */
		if (!t->kill_requested || override)
			t->kill_grace = grace;
		t->kill_requested = true;
		return;
	}
	if (t->pid <= 0)
		return;
	if (!t->kill_requested) {
		t->kill_requested = true;
		rt_log(RT_INFO, "killing task %s (process group %d), grace %.1f s", t->id, (int)t->pid, grace);
		kill(-t->pid, SIGTERM);
		ev_timer_set(&t->kill_timer, grace > 0 ? grace : 0.001, 0.);
		ev_timer_start(a->loop, &t->kill_timer);
	} else if (override) {
		/* A KILL with its own policy overrides the one under way (Mesos:
		 * "can be used to forcefully kill a task which is already being
		 * killed"): SIGKILL after the new grace period, from now. */
		rt_log(RT_INFO, "killing task %s again, grace now %.1f s", t->id, grace);
		ev_timer_stop(a->loop, &t->kill_timer);
		ev_timer_set(&t->kill_timer, grace > 0 ? grace : 0.001, 0.);
		ev_timer_start(a->loop, &t->kill_timer);
	}
}

void agent_task_launch(agent *a, a_task *t, const Mesos__V1__TaskInfo *ti, const char *user)
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
	agent_user as;
	char uerr[PATH_MAX + 200];
	if (agent_user_resolve(a, user, &as, uerr, sizeof uerr) != 0) {
		rt_log(RT_WARN, "task %s: %s", t->id, uerr);
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED, uerr);
		return;
	}
	/* One mkdir in the usual case: the framework's folder is there. */
	if (!t->sandbox[0] || (mkdir(t->sandbox, 0755) != 0 && (errno != ENOENT || rt_mkdirs(t->sandbox) != 0))) {
		char msg[PATH_MAX + 64];
		snprintf(msg, sizeof msg, "Cannot create sandbox %s: %s", t->sandbox, strerror(errno));
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED, msg);
		return;
	}
	if (agent_user_own_sandbox(&as, t->sandbox, uerr, sizeof uerr) != 0 ||
	    agent_volumes_link(a, ti->resources, ti->n_resources, t->sandbox, &as, uerr, sizeof uerr) != 0) {
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED, uerr);
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
	if (agent_checkpoint_task_path(a, t, NULL) != 0)
		rt_log(RT_ERROR,
		       "task %s: cannot make its checkpoint folder under %s/meta: it will not survive an "
		       "agent restart",
		       t->id, a->work_dir);
	agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_STARTING, -1, NULL);
	char record[PATH_MAX], err[PATH_MAX + 200];
	agent_exit_record_path(t->ckpt, record, sizeof record);
	agent_spawn_spec spec = {.sandbox = t->sandbox,
	                         .user = &as,
	                         .cmd = ti->command,
	                         .fw_id = t->fw_id,
	                         .executor_id = t->id,
	                         .task_id = t->id,
	                         .grace = a->flags.kill_grace,
	                         .task = t,
	                         .record = record[0] ? record : NULL,
	                         .recovery_timeout = agent_recovery_timeout(a)};
	/* The role its resources are allocated to (one per task, as Mesos
	 * requires), which Mesos's command and default executors pass on. */
	if (ti->n_resources && ti->resources[0]->allocation_info && ti->resources[0]->allocation_info->role)
		spec.allocation_role = ti->resources[0]->allocation_info->role;
	pid_t sup;
	int report_fd;
	if (agent_spawn(a, &spec, &sup, &report_fd, err, sizeof err) != 0) {
		agent_cgroups_destroy(t);
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED, err);
		return;
	}
	t->sup_pid = sup;
	agent_proc_alive(sup, &t->sup_start);
	ev_child_set(&t->child, sup, 0);
	ev_child_start(a->loop, &t->child);
	/* Not waited for: the next launch goes on while this supervisor
	 * starts; the task is RUNNING once it reports its pid. */
	fcntl(report_fd, F_SETFL, O_NONBLOCK);
	t->report_fd = report_fd;
	ev_io_init(&t->report_watch, report_cb, report_fd, EV_READ);
	t->report_watch.data = t;
	ev_io_start(a->loop, &t->report_watch);
}
