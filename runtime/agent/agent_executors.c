/*
 * agent_executors.c — frameworks' custom executors and the v1 executor API
 * (POST /api/v1/executor). An executor is started with its framework's first
 * task for its executor id, as a process group in its own sandbox with the
 * environment Mesos gives executors; it SUBSCRIBEs and gets SUBSCRIBED, then
 * a LAUNCH per task (a LAUNCH_GROUP per task group, all of whose tasks it
 * gets in one event, queued together until it subscribes), KILL, ACKNOWLEDGED, MESSAGE, SHUTDOWN and HEARTBEAT
 * events on that stream. Its UPDATE calls go through the agent's status
 * update manager (agent.c) to the framework; the framework's acknowledgement
 * comes back as ACKNOWLEDGED. Executors run without cgroups (process groups
 * only), each under a supervisor (agent_supervisor.c) that records the
 * executor's exit. An executor and its tasks are checkpointed
 * (agent_checkpoint.c), so a restarted agent adopts a live executor; the
 * executor, told MESOS_CHECKPOINT=1, SUBSCRIBEs again with what was not
 * acknowledged, and the agent reconciles its tasks with that.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "executor/executor.pb-c.h"
#include "rt_api.h"
#include "rt_flags.h"

typedef Mesos__V1__Executor__Call Call;
typedef Mesos__V1__Executor__Event Event;

a_executor *agent_executor_find(agent *a, const char *fw_id, const char *id)
{
	for (a_executor *e = a->executors; e; e = e->next)
		if (strcmp(e->fw_id, fw_id) == 0 && strcmp(e->id, id) == 0)
			return e;
	return NULL;
}

static void send_event(agent *a, a_executor *e, const Event *ev)
{
	if (!e->stream)
		return;
	if (rt_api_stream_send(e->stream, e->stream_json, &ev->base) == 0)
		a->metrics.executor_events++;
}

static void send_simple(agent *a, a_executor *e, Mesos__V1__Executor__Event__Type type)
{
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	ev.has_type = true;
	ev.type = type;
	send_event(a, e, &ev);
}

static void send_launch(agent *a, a_executor *e, a_task *t)
{
	Mesos__V1__TaskInfo *ti = mesos__v1__task_info__unpack(NULL, t->info_len, t->info);
	if (!ti)
		return;
	Mesos__V1__Executor__Event__Launch l = MESOS__V1__EXECUTOR__EVENT__LAUNCH__INIT;
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	l.task = ti;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__LAUNCH;
	ev.launch = &l;
	send_event(a, e, &ev);
	mesos__v1__task_info__free_unpacked(ti, NULL);
	t->launched = true;
	agent_checkpoint_later(a, t, false);
}

static int by_launch_index(const void *x, const void *y)
{
	const a_task *p = *(const a_task *const *)x, *q = *(const a_task *const *)y;
	return p->launch_index < q->launch_index ? -1 : p->launch_index > q->launch_index;
}

/* One LAUNCH_GROUP event with the tasks' TaskInfos, in their order. */
static void send_launch_group(agent *a, a_executor *e, a_task **ts, size_t n)
{
	Mesos__V1__TaskInfo **tis = rt_xcalloc(n ? n : 1, sizeof *tis);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if ((tis[k] = mesos__v1__task_info__unpack(NULL, ts[i]->info_len, ts[i]->info)))
			k++;
	Mesos__V1__TaskGroupInfo tg = MESOS__V1__TASK_GROUP_INFO__INIT;
	Mesos__V1__Executor__Event__LaunchGroup lg = MESOS__V1__EXECUTOR__EVENT__LAUNCH_GROUP__INIT;
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	tg.tasks = tis;
	tg.n_tasks = k;
	lg.task_group = &tg;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__LAUNCH_GROUP;
	ev.launch_group = &lg;
	send_event(a, e, &ev);
	for (size_t i = 0; i < k; i++)
		mesos__v1__task_info__free_unpacked(tis[i], NULL);
	free(tis);
	for (size_t i = 0; i < n; i++) {
		ts[i]->launched = true;
		agent_checkpoint_later(a, ts[i], false);
	}
}

static void end_stream(a_executor *e)
{
	if (!e->stream)
		return;
	rt_http_session *s = e->stream;
	e->stream = NULL;
	rt_http_session_on_close(s, NULL, NULL);
	rt_http_stream_end(s);
}

static void executor_free(agent *a, a_executor *e)
{
	for (a_executor **pp = &a->executors; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	for (a_task *t = a->tasks; t; t = t->next)
		if (t->exec == e)
			t->exec = NULL;
	end_stream(e);
	ev_child_stop(a->loop, &e->child);
	ev_io_stop(a->loop, &e->sup_watch);
	if (e->sup_fd >= 0)
		close(e->sup_fd);
	ev_timer_stop(a->loop, &e->kill_timer);
	ev_timer_stop(a->loop, &e->register_timer);
	if (e->fetching) {
		ev_child_stop(a->loop, &e->fetch_child);
		kill(-e->fetch_pid, SIGKILL);
	}
	agent_checkpoint_remove(e->ckpt);
	free(e->user);
	free(e->fw_id);
	free(e->id);
	free(e->info);
	free(e->fw_info);
	free(e);
}

/* Tells the master the executor is gone, so that its resources are free. */
static void report_exited(agent *a, const char *fw_id, const char *exec_id, bool known, int status)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Meso__Agent__ExecutorExited x = MESO__AGENT__EXECUTOR_EXITED__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = (char *)fw_id;
	eid.value = (char *)exec_id;
	x.framework_id = &fid;
	x.executor_id = &eid;
	x.has_status = known;
	x.status = status;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__EXECUTOR_EXITED;
	msg.executor_exited = &x;
	agent_send(a, &msg);
}

void agent_executor_report_exited(agent *a, const char *fw_id, const char *exec_id, int status)
{
	report_exited(a, fw_id, exec_id, true, status);
}

/* Why the executor ended, for its tasks: state, reason and message. */
static Mesos__V1__TaskState end_cause(agent *a, a_executor *e, const agent_exit_record *rec, bool known, int status,
                                      int *reason, char *msg, size_t len)
{
	*reason = MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_TERMINATED;
	char d[48];
	if (e->timed_out && e->recovered) {
		snprintf(msg, len, "Executor did not re-subscribe within %s of the agent's restart",
		         rt_duration_text(a->flags.executor_reregistration_timeout, d, sizeof d));
		*reason = MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_REREGISTRATION_TIMEOUT;
	} else if (e->timed_out) {
		snprintf(msg, len, "Executor did not register within %s",
		         rt_duration_text(a->flags.executor_registration_timeout, d, sizeof d));
		*reason = MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_REGISTRATION_TIMEOUT;
	} else if (rec && rec->recovery_timeout) {
		snprintf(msg, len, "Executor killed by its supervisor: no agent came back within the recovery timeout");
		*reason = MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_REREGISTRATION_TIMEOUT;
	} else if (!known) {
		/* Neither record nor parent: the end is certain, its cause not. */
		snprintf(msg, len, "Executor terminated while the agent was down; its exit status was not recorded");
		*reason = MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_RESTARTED;
		return MESOS__V1__TASK_STATE__TASK_LOST;
	} else if (WIFEXITED(status)) {
		snprintf(msg, len, "Executor terminated: exited with status %d", WEXITSTATUS(status));
	} else {
		snprintf(msg, len, "Executor terminated: %s", strsignal(WTERMSIG(status)));
	}
	return MESOS__V1__TASK_STATE__TASK_FAILED;
}

/* The executor's process ended: its unfinished tasks fail as Mesos fails
 * them (TASK_FAILED; REASON_EXECUTOR_REGISTRATION_TIMEOUT when it never
 * subscribed in time, else REASON_EXECUTOR_TERMINATED). The status comes
 * from its exit record, else from its supervisor's when we are its parent
 * (known). */
static void executor_ended(agent *a, a_executor *e, bool known, int status)
{
	ev_child_stop(a->loop, &e->child);
	ev_io_stop(a->loop, &e->sup_watch);
	if (e->pid > 0 && agent_proc_is(e->pid, e->pid_start))
		kill(-e->pid, SIGKILL);
	char path[PATH_MAX];
	agent_exit_record_path(e->ckpt, path, sizeof path);
	agent_exit_record rec;
	if (agent_exit_record_read(path, &rec) == 1) {
		known = true;
		status = rec.wait_status;
	}
	rt_log(RT_INFO, "executor %s of framework %s (process %d) ended with %s %d", e->id, e->fw_id, (int)e->pid,
	       known ? "status" : "an unknown status", known ? status : 0);
	e->pid = 0;
	char msg[PATH_MAX + 200];
	int reason;
	Mesos__V1__TaskState state = end_cause(a, e, known ? &rec : NULL, known, status, &reason, msg, sizeof msg);
	for (a_task *t = a->tasks, *next; t; t = next) {
		next = t->next;
		if (t->exec != e)
			continue;
		if (t->fw_gone) {
			agent_task_forget(a, t);
			continue;
		}
		if (!rt_task_state_terminal(t->state))
			agent_task_update(a, t, state, reason, msg);
		t->exec = NULL;
		if (!t->updates)
			agent_task_forget(a, t);
	}
	report_exited(a, e->fw_id, e->id, known, status);
	executor_free(a, e);
	if (a->stopping && !a->executors)
		ev_break(a->loop, EVBREAK_ALL);
}

static void child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	a_executor *e = w->data;
	executor_ended(e->agent, e, true, w->rstatus);
}

static void sup_watch_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	a_executor *e = w->data;
	executor_ended(e->agent, e, false, 0);
}

static void kill_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	a_executor *e = w->data;
	if (e->pid > 0) {
		rt_log(RT_WARN, "executor %s did not stop within its grace period; sending SIGKILL", e->id);
		kill(-e->pid, SIGKILL);
	}
}

static void register_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	a_executor *e = w->data;
	if (e->subscribed || e->pid <= 0)
		return;
	if (e->recovered)
		rt_log(RT_WARN,
		       "executor %s of framework %s did not subscribe again within %g s of the agent's restart "
		       "(--executor_reregistration_timeout); killing it",
		       e->id, e->fw_id, e->agent->flags.executor_reregistration_timeout);
	else
		rt_log(RT_WARN, "executor %s of framework %s did not subscribe within %g s; killing it", e->id,
		       e->fw_id, e->agent->flags.executor_registration_timeout);
	e->timed_out = true;
	kill(-e->pid, SIGKILL);
}

static void shutdown_executor(agent *a, a_executor *e)
{
	if (e->fetching && !e->shutting_down) {
		/* Not started yet: its fetch ends here (fetch_done fails its tasks). */
		e->shutting_down = true;
		kill(-e->fetch_pid, SIGKILL);
		return;
	}
	if (e->shutting_down || e->pid <= 0)
		return;
	e->shutting_down = true;
	rt_log(RT_INFO, "shutting down executor %s of framework %s (grace %g s)", e->id, e->fw_id, e->shutdown_grace);
	if (e->stream)
		send_simple(a, e, MESOS__V1__EXECUTOR__EVENT__TYPE__SHUTDOWN);
	else
		kill(-e->pid, SIGTERM);
	ev_timer_set(&e->kill_timer, e->shutdown_grace > 0 ? e->shutdown_grace : 0.001, 0.);
	ev_timer_start(a->loop, &e->kill_timer);
}

/* Forks the executor's command; 0, or -1 with the reason in msg. */
static int start_fetch(agent *a, a_executor *e, const Mesos__V1__CommandInfo *cmd, const char *user, char *msg,
                       size_t len);

static int start_executor(agent *a, a_executor *e, const Mesos__V1__ExecutorInfo *ei, const char *user, char *msg,
                          size_t len)
{
	agent_user as;
	if (agent_user_resolve(a, user, &as, msg, len) != 0)
		return -1;
	char fw[128], eid[128];
	agent_sanitize(e->fw_id, fw, sizeof fw);
	agent_sanitize(e->id, eid, sizeof eid);
	int n = snprintf(e->sandbox, sizeof e->sandbox, "%s/frameworks/%s/executors/%s/runs/%s", a->work_dir, fw, eid,
	                 e->container_id);
	if (n < 0 || (size_t)n >= sizeof e->sandbox) {
		snprintf(msg, len, "Sandbox path too long");
		return -1;
	}
	if (!ei->command || !ei->command->value) {
		snprintf(msg, len, "Executor has no command");
		return -1;
	}
	if (rt_mkdirs(e->sandbox) != 0) {
		snprintf(msg, len, "Cannot create sandbox %.200s: %s", e->sandbox, strerror(errno));
		return -1;
	}
	if (agent_user_own_sandbox(&as, e->sandbox, msg, len) != 0 ||
	    agent_volumes_link(a, ei->resources, ei->n_resources, e->sandbox, &as, msg, len) != 0)
		return -1;
	if (agent_checkpoint_executor_path(a, e) != 0)
		rt_log(RT_ERROR,
		       "executor %s: cannot make its checkpoint folder under %s/meta: it will not survive an "
		       "agent restart",
		       e->id, a->work_dir);
	/* Under a supervisor like a task's: it records the executor's exit,
	 * and kills it when no agent comes back in time. */
	char record[PATH_MAX];
	agent_exit_record_path(e->ckpt, record, sizeof record);
	if (ei->command->n_uris > 0 && !e->fetched)
		return start_fetch(a, e, ei->command, user, msg, len);
	agent_spawn_spec spec = {.sandbox = e->sandbox,
	                         .fetched = e->fetched,
	                         .user = &as,
	                         .cmd = ei->command,
	                         .fw_id = e->fw_id,
	                         .executor_id = e->id,
	                         .grace = e->shutdown_grace,
	                         .record = record[0] ? record : NULL,
	                         .recovery_timeout = agent_recovery_timeout(a)};
	/* The executor's pid is waited for: executors start rarely, and its
	 * process group is what every kill of it needs. */
	pid_t sup, pid = 0;
	int report_fd;
	if (agent_spawn(a, &spec, &sup, &report_fd, msg, len) != 0)
		return -1;
	int got = agent_spawn_read(report_fd, &pid);
	close(report_fd);
	if (got != 1) {
		snprintf(msg, len, "Cannot start the executor: %s", strerror(errno));
		kill(sup, SIGKILL);
		waitpid(sup, NULL, 0);
		return -1;
	}
	e->pid = pid;
	e->sup_pid = sup;
	agent_proc_alive(pid, &e->pid_start);
	agent_proc_alive(sup, &e->sup_start);
	/* On disk before any of its tasks' files name it. */
	agent_checkpoint_executor(a, e);
	ev_child_set(&e->child, sup, 0);
	ev_child_start(a->loop, &e->child);
	ev_timer_set(&e->register_timer, a->flags.executor_registration_timeout, 0.);
	ev_timer_start(a->loop, &e->register_timer);
	a->metrics.executors_launched++;
	rt_log(RT_INFO, "launched executor %s of framework %s as process %d in %s", e->id, e->fw_id, (int)pid,
	       e->sandbox);
	return 0;
}

/* The executor's tasks, which it never ran: TASK_FAILED with why. */
static void fail_tasks(agent *a, a_executor *e, const char *why)
{
	for (a_task *t = a->tasks; t; t = t->next)
		if (t->exec == e && !rt_task_state_terminal(t->state))
			agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED,
			                  MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED, why);
}

/* meso-fetcher has ended: on success the executor starts now (its files
 * given to its user first), else its tasks fail with the fetcher's reason. */
static void fetch_done(struct ev_loop *loop, ev_child *w, int revents)
{
	(void)revents;
	a_executor *e = w->data;
	agent *a = e->agent;
	ev_child_stop(loop, w);
	e->fetching = false;
	e->fetch_pid = 0;
	char msg[600];
	int st = w->rstatus;
	if (e->shutting_down) {
		snprintf(msg, sizeof msg, "Executor was shut down while its URIs were fetched");
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		agent_fetch_failure(e->sandbox, e->id, msg, sizeof msg);
	} else {
		e->fetched = true;
		agent_user as;
		if (agent_user_resolve(a, e->user, &as, msg, sizeof msg) == 0 && as.set)
			agent_give_tree(e->sandbox, as.uid, as.gid);
		Mesos__V1__ExecutorInfo *ei = mesos__v1__executor_info__unpack(NULL, e->info_len, e->info);
		int rc = ei ? start_executor(a, e, ei, e->user, msg, sizeof msg) : -1;
		if (ei)
			mesos__v1__executor_info__free_unpacked(ei, NULL);
		if (rc == 0)
			return; /* its tasks go to it when it subscribes */
	}
	rt_log(RT_WARN, "executor %s of framework %s: %s", e->id, e->fw_id, msg);
	fail_tasks(a, e, msg);
	report_exited(a, e->fw_id, e->id, true, 0);
	executor_free(a, e);
}

/* Fetches an executor's URIs into its sandbox without waiting (the agent
 * waits for an executor's pid, so its supervisor cannot fetch): meso-fetcher
 * runs as the agent's child, its output appended to the sandbox's stdout
 * and stderr; fetch_done starts the executor. 0, or -1 with msg. */
static int start_fetch(agent *a, a_executor *e, const Mesos__V1__CommandInfo *cmd, const char *user, char *msg,
                       size_t len)
{
	if (agent_fetch_check_cmd(a, cmd, e->id, msg, len) != 0)
		return -1;
	rt_arena *ar = rt_arena_create();
	char **argv = rt_arena_alloc(ar, (2 + AGENT_FETCH_OPTS + cmd->n_uris) * sizeof *argv);
	argv[0] = a->fetcher;
	size_t n = 1 + agent_fetch_args(a, e->sandbox, cmd, ar, argv + 1);
	argv[n] = NULL;
	char out[PATH_MAX + 16], err[PATH_MAX + 16];
	snprintf(out, sizeof out, "%s/stdout", e->sandbox);
	snprintf(err, sizeof err, "%s/stderr", e->sandbox);
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	agent_spawn_helper_init(&fa, &attr, e->sandbox, out, err);
	extern char **environ;
	pid_t pid;
	int rc = posix_spawn(&pid, a->fetcher, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	rt_arena_destroy(ar);
	if (rc != 0) {
		snprintf(msg, len, "Failed to fetch all URIs for container '%.100s': cannot run %.200s: %s", e->id,
		         a->fetcher, strerror(rc));
		return -1;
	}
	free(e->user);
	e->user = user ? rt_xstrdup(user) : NULL;
	e->fetching = true;
	e->fetch_pid = pid;
	ev_child_init(&e->fetch_child, fetch_done, pid, 0);
	e->fetch_child.data = e;
	ev_child_start(a->loop, &e->fetch_child);
	rt_log(RT_INFO, "executor %s of framework %s: fetching %zu URIs into %s", e->id, e->fw_id, cmd->n_uris,
	       e->sandbox);
	return 0;
}

/* A new executor record on the agent's list (no process yet). */
static a_executor *executor_new(agent *a, const char *fw_id, const char *id, double shutdown_grace)
{
	a_executor *e = rt_xcalloc(1, sizeof *e);
	e->agent = a;
	e->fw_id = rt_xstrdup(fw_id);
	e->id = rt_xstrdup(id);
	e->sup_fd = -1;
	e->shutdown_grace = shutdown_grace;
	ev_child_init(&e->child, child_cb, 0, 0);
	ev_timer_init(&e->kill_timer, kill_timer_cb, 1., 0.);
	ev_timer_init(&e->register_timer, register_timer_cb, 1., 0.);
	e->child.data = e->kill_timer.data = e->register_timer.data = e;
	e->next = a->executors;
	a->executors = e;
	return e;
}

static double grace_of(agent *a, const Mesos__V1__ExecutorInfo *ei)
{
	return ei->shutdown_grace_period ? (double)ei->shutdown_grace_period->nanoseconds / 1e9 : a->flags.kill_grace;
}

/* A task's own checkpoint file (its updates, whether it was delivered):
 * its sandbox is its executor's, so its name is its id and a random tail. */
static void task_ckpt_path(agent *a, a_task *t)
{
	char leaf[160];
	uint8_t u[16];
	rt_uuid_random(u);
	agent_sanitize(t->id, leaf, 140);
	size_t n = strlen(leaf);
	snprintf(leaf + n, sizeof leaf - n, "-%02x%02x%02x%02x", u[0], u[1], u[2], u[3]);
	if (agent_checkpoint_task_path(a, t, leaf) != 0)
		rt_log(RT_ERROR, "task %s: cannot make its checkpoint folder: it will not survive an agent restart",
		       t->id);
}

/* Why an executor takes no tasks: what its tasks get, and whether the
 * master is to hear that it exited (it was started for them and failed). */
typedef struct launch_refusal {
	Mesos__V1__TaskState state;
	int reason;
	char msg[300];
	bool exited;
} launch_refusal;

/* The executor a launch goes to: found, or made and started; NULL with
 * *r when it cannot take tasks. */
static a_executor *executor_for(agent *a, const char *fw_id, const Mesos__V1__ExecutorInfo *ei,
                                const Mesos__V1__FrameworkInfo *fi, const char *user, launch_refusal *r)
{
	a_executor *e = agent_executor_find(a, fw_id, ei->executor_id->value);
	if (e && e->shutting_down) {
		*r = (launch_refusal){.state = MESOS__V1__TASK_STATE__TASK_LOST,
		                      .reason = MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_TERMINATED,
		                      .msg = "Executor is shutting down"};
		return NULL;
	}
	if (e)
		return e;
	e = executor_new(a, fw_id, ei->executor_id->value, grace_of(a, ei));
	Mesos__V1__ExecutorInfo copy = *ei;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = (char *)fw_id;
	copy.framework_id = &fid;
	e->info_len = mesos__v1__executor_info__get_packed_size(&copy);
	e->info = rt_xmalloc(e->info_len ? e->info_len : 1);
	mesos__v1__executor_info__pack(&copy, e->info);
	if (fi) {
		e->fw_info_len = mesos__v1__framework_info__get_packed_size(fi);
		e->fw_info = rt_xmalloc(e->fw_info_len ? e->fw_info_len : 1);
		mesos__v1__framework_info__pack(fi, e->fw_info);
	}
	uint8_t u[16];
	rt_uuid_random(u);
	rt_uuid_format(u, e->container_id);
	if (start_executor(a, e, ei, user, r->msg, sizeof r->msg) != 0) {
		rt_log(RT_WARN, "executor %s of framework %s: %s", e->id, e->fw_id, r->msg);
		executor_free(a, e);
		r->state = MESOS__V1__TASK_STATE__TASK_FAILED;
		r->reason = MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED;
		r->exited = true;
		return NULL;
	}
	return e;
}

/* The tasks of a launch the executor cannot take end as r says. */
static void refuse_launch(agent *a, a_task **ts, size_t n, const char *fw_id, const char *exec_id,
                          const launch_refusal *r)
{
	for (size_t i = 0; i < n; i++) {
		ts[i]->exec = NULL;
		agent_task_update(a, ts[i], r->state, r->reason, r->msg);
	}
	if (r->exited)
		report_exited(a, fw_id, exec_id, true, 0);
}

/* The task is the executor's: in its sandbox, and checkpointed (so that
 * one still queued survives an agent restart too). */
static void attach(agent *a, a_executor *e, a_task *t)
{
	t->exec = e;
	snprintf(t->sandbox, sizeof t->sandbox, "%s", e->sandbox);
	agent_checkpoint_later(a, t, false);
}

/* Links the persistent volumes of the tasks into their executor's sandbox
 * before they reach it, as Mesos mounts a task's volumes into its
 * executor's container; false (r says why) when one cannot be. */
static bool link_task_volumes(agent *a, const a_executor *e, Mesos__V1__TaskInfo *const *tis, size_t n,
                              const char *user, launch_refusal *r)
{
	agent_user as;
	bool ok = agent_user_resolve(a, user, &as, r->msg, sizeof r->msg) == 0;
	for (size_t i = 0; i < n && ok; i++)
		ok = agent_volumes_link(a, tis[i]->resources, tis[i]->n_resources, e->sandbox, &as, r->msg,
		                        sizeof r->msg) == 0;
	if (ok)
		return true;
	rt_log(RT_WARN, "executor %s of framework %s: %s", e->id, e->fw_id, r->msg);
	r->state = MESOS__V1__TASK_STATE__TASK_FAILED;
	r->reason = MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED;
	return false;
}

void agent_executor_run(agent *a, a_task *t, const Mesos__V1__TaskInfo *ti, const Mesos__V1__FrameworkInfo *fi,
                        const char *user)
{
	task_ckpt_path(a, t);
	launch_refusal r = {0};
	a_executor *e = executor_for(a, t->fw_id, ti->executor, fi, user, &r);
	Mesos__V1__TaskInfo *one = (Mesos__V1__TaskInfo *)ti;
	if (!e || !link_task_volumes(a, e, &one, 1, user, &r)) {
		refuse_launch(a, &t, 1, t->fw_id, ti->executor->executor_id->value, &r);
		return;
	}
	attach(a, e, t);
	if (e->stream)
		send_launch(a, e, t);
}

void agent_executor_run_group(agent *a, const Meso__Agent__RunTaskGroup *rg)
{
	const char *fw = rg->framework_id->value;
	const Mesos__V1__ExecutorInfo *ei = rg->executor;
	uint64_t number = ++a->launch_groups;
	rt_log(RT_INFO, "task group of %zu tasks on custom executor %s of framework %s", rg->n_tasks,
	       ei->executor_id->value, fw);
	a_task **ts = rt_xcalloc(rg->n_tasks ? rg->n_tasks : 1, sizeof *ts);
	for (size_t i = 0; i < rg->n_tasks; i++) {
		ts[i] = agent_group_task_add(a, fw, rg->tasks[i], ei);
		ts[i]->launch_group = number;
		ts[i]->launch_index = (uint32_t)i;
		task_ckpt_path(a, ts[i]);
	}
	launch_refusal r = {0};
	a_executor *e = executor_for(a, fw, ei, rg->framework_info, rg->user, &r);
	if (!e || !link_task_volumes(a, e, rg->tasks, rg->n_tasks, rg->user, &r)) {
		refuse_launch(a, ts, rg->n_tasks, fw, ei->executor_id->value, &r);
	} else {
		for (size_t i = 0; i < rg->n_tasks; i++)
			attach(a, e, ts[i]);
		if (e->stream)
			send_launch_group(a, e, ts, rg->n_tasks);
	}
	free(ts);
}

void agent_executor_kill_task(agent *a, a_task *t, const Mesos__V1__KillPolicy *kp)
{
	a_executor *e = t->exec;
	if (rt_task_state_terminal(t->state))
		return;
	if (!t->launched && t->launch_group) {
		/* A queued group is delivered whole or not at all: Mesos kills
		 * every task of it. */
		for (a_task *o = a->tasks, *next; o; o = next) {
			next = o->next;
			if (o->exec == e && o->launch_group == t->launch_group && !o->launched &&
			    !rt_task_state_terminal(o->state))
				agent_task_update(a, o, MESOS__V1__TASK_STATE__TASK_KILLED,
				                  MESOS__V1__TASK_STATUS__REASON__REASON_TASK_KILLED_DURING_LAUNCH,
				                  "A task within the task group was killed before delivery to the "
				                  "executor");
		}
		return;
	}
	if (!t->launched) {
		/* Still queued for an executor that has not subscribed: Mesos
		 * drops it from the queue and reports it killed. */
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_KILLED,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_TASK_KILLED_DURING_LAUNCH,
		                  "Killed before delivery to the executor");
		return;
	}
	if (!e->stream) {
		rt_log(RT_WARN, "kill of task %s: executor %s is not connected; the framework may retry", t->id, e->id);
		return;
	}
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__Executor__Event__Kill k = MESOS__V1__EXECUTOR__EVENT__KILL__INIT;
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	tid.value = t->id;
	k.task_id = &tid;
	k.kill_policy = (Mesos__V1__KillPolicy *)kp;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__KILL;
	ev.kill = &k;
	send_event(a, e, &ev);
}

void agent_executor_acknowledged(agent *a, a_task *t, const uint8_t uuid[16])
{
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__Executor__Event__Acknowledged ack = MESOS__V1__EXECUTOR__EVENT__ACKNOWLEDGED__INIT;
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	tid.value = t->id;
	ack.task_id = &tid;
	ack.uuid.data = (uint8_t *)uuid;
	ack.uuid.len = 16;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__ACKNOWLEDGED;
	ev.acknowledged = &ack;
	send_event(a, t->exec, &ev);
}

void agent_executors_shutdown_framework(agent *a, const char *fw_id)
{
	for (a_executor *e = a->executors; e; e = e->next)
		if (strcmp(e->fw_id, fw_id) == 0)
			shutdown_executor(a, e);
}

bool agent_executor_shutdown(agent *a, const char *fw_id, const char *executor_id)
{
	for (a_executor *e = a->executors; e; e = e->next)
		if (strcmp(e->fw_id, fw_id) == 0 && strcmp(e->id, executor_id) == 0) {
			shutdown_executor(a, e);
			return true;
		}
	return false;
}

void agent_executor_message(agent *a, const Meso__Agent__ExecutorMessage *m)
{
	a_executor *e = agent_executor_find(a, m->framework_id->value, m->executor_id->value);
	if (!e || !e->stream) {
		rt_log(RT_DEBUG, "message for executor %s of framework %s dropped: not subscribed here",
		       m->executor_id->value, m->framework_id->value);
		return;
	}
	Mesos__V1__Executor__Event__Message msg = MESOS__V1__EXECUTOR__EVENT__MESSAGE__INIT;
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	msg.data = m->data;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__MESSAGE;
	ev.message = &msg;
	send_event(a, e, &ev);
}

static void heartbeat_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	agent *a = w->data;
	for (a_executor *e = a->executors; e; e = e->next)
		send_simple(a, e, MESOS__V1__EXECUTOR__EVENT__TYPE__HEARTBEAT);
}

static void stop_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	rt_log(RT_WARN, "executors still running after their grace period; stopping anyway");
	ev_break(loop, EVBREAK_ALL);
}

void agent_executors_init(agent *a)
{
	double hb = a->flags.executor_heartbeat_interval > 0 ? a->flags.executor_heartbeat_interval : 15.0;
	ev_timer_init(&a->exec_heartbeat_timer, heartbeat_cb, hb, hb);
	ev_timer_init(&a->stop_timer, stop_timer_cb, 1., 0.);
	a->exec_heartbeat_timer.data = a->stop_timer.data = a;
	ev_timer_start(a->loop, &a->exec_heartbeat_timer);
}

bool agent_executors_stop(agent *a)
{
	double longest = 0;
	for (a_executor *e = a->executors; e; e = e->next) {
		shutdown_executor(a, e);
		if (e->shutdown_grace > longest)
			longest = e->shutdown_grace;
	}
	if (!a->executors)
		return false;
	a->stopping = true;
	/* The kill timers fire after the grace; this one bounds the wait. */
	ev_timer_set(&a->stop_timer, longest + 1.0, 0.);
	ev_timer_start(a->loop, &a->stop_timer);
	return true;
}

void agent_executors_destroy(agent *a)
{
	ev_timer_stop(a->loop, &a->exec_heartbeat_timer);
	ev_timer_stop(a->loop, &a->stop_timer);
	while (a->executors) {
		a_executor *e = a->executors;
		if (e->pid > 0)
			kill(-e->pid, SIGKILL);
		executor_free(a, e);
	}
}

/* ------------------------------------------------------------ recovery */

a_executor *agent_executor_recover(agent *a, const Meso__Agent__ExecutorCheckpoint *c, const char *path)
{
	Mesos__V1__ExecutorInfo *ei =
	        mesos__v1__executor_info__unpack(NULL, c->executor_info.len, c->executor_info.data);
	if (!ei)
		return NULL; /* the decoder checked it */
	a_executor *e = executor_new(a, c->framework_id, ei->executor_id->value, grace_of(a, ei));
	mesos__v1__executor_info__free_unpacked(ei, NULL);
	e->info_len = c->executor_info.len;
	e->info = rt_xmalloc(e->info_len ? e->info_len : 1);
	memcpy(e->info, c->executor_info.data, e->info_len);
	if (c->has_framework_info) {
		e->fw_info_len = c->framework_info.len;
		e->fw_info = rt_xmalloc(e->fw_info_len ? e->fw_info_len : 1);
		memcpy(e->fw_info, c->framework_info.data, e->fw_info_len);
	}
	snprintf(e->container_id, sizeof e->container_id, "%s", c->container_id);
	snprintf(e->sandbox, sizeof e->sandbox, "%s", c->sandbox);
	snprintf(e->ckpt, sizeof e->ckpt, "%s", path);
	e->recovered = true;
	/* Pids of another boot mean nothing now. */
	bool same_boot = !c->boot_id || !a->boot_id[0] || strcmp(c->boot_id, a->boot_id) == 0;
	e->sup_pid = same_boot ? c->supervisor_pid : 0;
	e->sup_start = c->supervisor_start;
	e->pid = same_boot ? c->pid : 0;
	e->pid_start = c->pid_start;
	if (e->sup_pid > 0)
		e->sup_fd = agent_supervisor_adopt(a, e->sup_pid, e->sup_start, &e->sup_watch, sup_watch_cb, e);
	if (e->sup_fd >= 0) {
		/* Its connection broke with the old agent: as Mesos, it has
		 * --executor_reregistration_timeout to subscribe again. */
		ev_timer_set(&e->register_timer, a->flags.executor_reregistration_timeout, 0.);
		ev_timer_start(a->loop, &e->register_timer);
		a->metrics.executors_recovered++;
		rt_log(RT_INFO,
		       "recovered executor %s of framework %s: process %d, supervisor %d; waiting %g s for "
		       "it to subscribe again",
		       e->id, e->fw_id, (int)e->pid, (int)e->sup_pid, a->flags.executor_reregistration_timeout);
	} else {
		a->metrics.executors_recovered_ended++;
		rt_log(RT_WARN, "executor %s of framework %s ended while the agent was down%s", e->id, e->fw_id,
		       same_boot ? "" : " (the host rebooted)");
	}
	return e;
}

void agent_executors_recovered(agent *a)
{
	for (a_executor *e = a->executors, *next; e; e = next) {
		next = e->next;
		if (e->recovered && e->sup_fd < 0)
			executor_ended(a, e, false, 0);
	}
}

/* ------------------------------------------------------------ the API */

static void refuse(agent *a, rt_http_session *s, int status, const char *msg)
{
	rt_log(RT_DEBUG, "executor call from %s: %d %s", rt_http_session_peer(s), status, msg);
	rt_http_reply_text(s, status, msg);
}

static void stream_closed(rt_http_session *s, void *ud)
{
	a_executor *e = ud;
	e->stream = NULL;
	rt_log(RT_INFO, "executor %s of framework %s disconnected", e->id, e->fw_id);
}

/* What a (re-)subscribing executor says it has not had acknowledged,
 * against what the agent knows: its unacknowledged updates join their
 * tasks' queues unless already there (the agent may have received one just
 * before it restarted); a task it lists has reached it; a task the agent
 * sent it (launched) that it does not list and that never had an update
 * did not reach it: its LAUNCH was lost with the old connection, and the
 * task is TASK_LOST as Mesos reports it. Tasks never sent are launched after
 * SUBSCRIBED. */
static void reconcile(agent *a, a_executor *e, const Mesos__V1__Executor__Call__Subscribe *sub)
{
	for (size_t i = 0; i < sub->n_unacknowledged_updates; i++) {
		Mesos__V1__TaskStatus *st = sub->unacknowledged_updates[i]->status;
		a_task *t = agent_task_find(a, e->fw_id, st->task_id->value);
		if (!t || t->exec != e || !st->has_uuid || st->uuid.len != 16) {
			rt_log(RT_WARN,
			       "executor %s re-sent an update of task %s that is not its own, or without a uuid: "
			       "ignored",
			       e->id, st->task_id->value);
			continue;
		}
		bool queued = false;
		for (a_update *u = t->updates; u && !queued; u = u->next)
			queued = memcmp(u->uuid, st->uuid.data, 16) == 0;
		if (queued || t->fw_gone)
			continue;
		rt_log(RT_INFO, "executor %s re-sent an update of task %s it had no acknowledgement for (%s)", e->id,
		       t->id, rt_task_state_name(st->state));
		t->launched = true;
		agent_task_status(a, t, st);
	}
	for (a_task *t = a->tasks, *next; t; t = next) {
		next = t->next;
		if (t->exec != e || rt_task_state_terminal(t->state))
			continue;
		bool listed = false;
		for (size_t i = 0; i < sub->n_unacknowledged_tasks && !listed; i++)
			listed = strcmp(sub->unacknowledged_tasks[i]->task_id->value, t->id) == 0;
		if (listed && !t->launched) {
			t->launched = true;
			agent_checkpoint_later(a, t, false);
		} else if (!listed && t->launched && t->state == MESOS__V1__TASK_STATE__TASK_STAGING) {
			agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_LOST,
			                  MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_RESTARTED,
			                  "The executor does not know the task: its LAUNCH was lost when its "
			                  "connection to the agent broke");
		}
	}
}

static void subscribe(agent *a, a_executor *e, rt_http_session *s, bool json,
                      const Mesos__V1__Executor__Call__Subscribe *call)
{
	Mesos__V1__ExecutorInfo *ei = mesos__v1__executor_info__unpack(NULL, e->info_len, e->info);
	Mesos__V1__FrameworkInfo *fi =
	        e->fw_info ? mesos__v1__framework_info__unpack(NULL, e->fw_info_len, e->fw_info) : NULL;
	if (!ei) {
		refuse(a, s, 500, "Cannot decode the executor's ExecutorInfo");
		if (fi)
			mesos__v1__framework_info__free_unpacked(fi, NULL);
		return;
	}
	if (e->stream) {
		/* A new subscription replaces the old stream, as in Mesos. */
		end_stream(e);
	}
	e->stream = s;
	e->stream_json = json;
	ev_timer_stop(a->loop, &e->register_timer);
	rt_http_session_on_close(s, stream_closed, e);
	rt_http_stream_start(s, 200, json ? RT_API_JSON : RT_API_PROTOBUF, NULL);
	if (e->recovered && !e->subscribed) {
		a->metrics.executors_resubscribed++;
		rt_log(RT_INFO,
		       "executor %s of framework %s subscribed again after the agent's restart, from %s, with %zu "
		       "unacknowledged task(s) and %zu update(s)",
		       e->id, e->fw_id, rt_http_session_peer(s), call->n_unacknowledged_tasks,
		       call->n_unacknowledged_updates);
	} else {
		rt_log(RT_INFO, "executor %s of framework %s subscribed from %s", e->id, e->fw_id,
		       rt_http_session_peer(s));
	}
	e->subscribed = true;
	reconcile(a, e, call);

	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__FrameworkInfo fallback = MESOS__V1__FRAMEWORK_INFO__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__AgentInfo ai = MESOS__V1__AGENT_INFO__INIT;
	Mesos__V1__ContainerID cid = MESOS__V1__CONTAINER_ID__INIT;
	Mesos__V1__Executor__Event__Subscribed sub = MESOS__V1__EXECUTOR__EVENT__SUBSCRIBED__INIT;
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	fid.value = e->fw_id;
	fallback.user = "";
	fallback.name = "";
	fallback.id = &fid;
	ai.hostname = (char *)a->flags.hostname;
	ai.has_port = true;
	ai.port = rt_http_server_port(a->http);
	ai.resources = a->resources_pb;
	ai.n_resources = a->n_resources_pb;
	ai.attributes = a->attributes;
	ai.n_attributes = a->n_attributes;
	if (a->id) {
		aid.value = a->id;
		ai.id = &aid;
	}
	cid.value = e->container_id;
	sub.executor_info = ei;
	sub.framework_info = fi ? fi : &fallback;
	sub.agent_info = &ai;
	sub.container_id = &cid;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__SUBSCRIBED;
	ev.subscribed = &sub;
	send_event(a, e, &ev);
	mesos__v1__executor_info__free_unpacked(ei, NULL);
	if (fi)
		mesos__v1__framework_info__free_unpacked(fi, NULL);

	/* Queued tasks, oldest first (the task list is newest first). */
	size_t n = 0;
	for (a_task *t = a->tasks; t; t = t->next)
		n += t->exec == e && !t->launched && !rt_task_state_terminal(t->state);
	a_task **queued = rt_xcalloc(n ? n : 1, sizeof *queued);
	size_t k = n;
	for (a_task *t = a->tasks; t; t = t->next)
		if (t->exec == e && !t->launched && !rt_task_state_terminal(t->state))
			queued[--k] = t;
	/* A LAUNCH_GROUP's tasks go together, where its first one is. */
	a_task **group = rt_xcalloc(n ? n : 1, sizeof *group);
	for (size_t i = 0; i < n; i++) {
		if (queued[i]->launched)
			continue;
		if (!queued[i]->launch_group) {
			send_launch(a, e, queued[i]);
			continue;
		}
		/* In the group's order (a restarted agent reads its tasks in
		 * no particular order). */
		size_t g = 0;
		for (size_t j = i; j < n; j++)
			if (queued[j]->launch_group == queued[i]->launch_group)
				group[g++] = queued[j];
		qsort(group, g, sizeof *group, by_launch_index);
		send_launch_group(a, e, group, g);
	}
	free(group);
	free(queued);
}

static void update(agent *a, a_executor *e, rt_http_session *s, Mesos__V1__TaskStatus *st)
{
	a_task *t = agent_task_find(a, e->fw_id, st->task_id->value);
	if (!t || t->exec != e) {
		char msg[300];
		snprintf(msg, sizeof msg, "Task '%.100s' is not a task of executor '%.100s'", st->task_id->value,
		         e->id);
		refuse(a, s, 400, msg);
		return;
	}
	/* The update travels in one frame to the master; one the frame limit
	 * refuses would break the agent's connection at every retry. */
	if (mesos__v1__task_status__get_packed_size(st) > RT_FRAME_MAX_SIZE / 2) {
		char msg[200];
		snprintf(msg, sizeof msg, "TaskStatus of task '%.100s' is larger than %u bytes", st->task_id->value,
		         RT_FRAME_MAX_SIZE / 2);
		refuse(a, s, 413, msg);
		return;
	}
	for (a_update *u = t->updates; u; u = u->next) {
		if (memcmp(u->uuid, st->uuid.data, 16) == 0) {
			/* The executor retried an update still in flight. */
			rt_http_reply(s, 202, NULL, "", 0, NULL);
			return;
		}
	}
	agent_task_status(a, t, st);
	rt_http_reply(s, 202, NULL, "", 0, NULL);
}

static void message(agent *a, a_executor *e, const Mesos__V1__Executor__Call__Message *m)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Meso__Agent__ExecutorMessage em = MESO__AGENT__EXECUTOR_MESSAGE__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = e->fw_id;
	eid.value = e->id;
	em.framework_id = &fid;
	em.executor_id = &eid;
	em.data = m->data;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__EXECUTOR_MESSAGE;
	msg.executor_message = &em;
	agent_send(a, &msg);
}

/* Mesos's validateExecutorCall, for the calls we serve; NULL when valid. */
static const char *validate(const Call *c, char *buf, size_t len)
{
	if (!c->has_type || c->type == MESOS__V1__EXECUTOR__CALL__TYPE__UNKNOWN)
		return "Expecting 'type' to be present";
	switch (c->type) {
	case MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE:
		return c->subscribe ? NULL : "Expecting 'subscribe' to be present";
	case MESOS__V1__EXECUTOR__CALL__TYPE__MESSAGE:
		return c->message ? NULL : "Expecting 'message' to be present";
	case MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE: {
		if (!c->update)
			return "Expecting 'update' to be present";
		const Mesos__V1__TaskStatus *st = c->update->status;
		if (!st->has_uuid)
			return "Expecting 'uuid' to be present";
		if (st->uuid.len != 16) {
			snprintf(buf, len, "Invalid UUID: 'update.status.uuid' has %zu bytes, expecting 16",
			         st->uuid.len);
			return buf;
		}
		if (st->executor_id && strcmp(st->executor_id->value, c->executor_id->value) != 0) {
			snprintf(buf, len, "ExecutorID in Call: %.100s does not match ExecutorID in TaskStatus: %.100s",
			         c->executor_id->value, st->executor_id->value);
			return buf;
		}
		if (!st->has_source || st->source != MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR) {
			snprintf(buf, len,
			         "Received Call from executor %.100s of framework %.100s with invalid source, "
			         "expecting 'SOURCE_EXECUTOR'",
			         c->executor_id->value, c->framework_id->value);
			return buf;
		}
		if (st->state == MESOS__V1__TASK_STATE__TASK_STAGING) {
			snprintf(buf, len,
			         "Received TASK_STAGING from executor %.100s of framework %.100s which is not allowed",
			         c->executor_id->value, c->framework_id->value);
			return buf;
		}
		return NULL;
	}
	default:
		return NULL;
	}
}

void agent_executor_api(agent *a, rt_http_session *s, const rt_http_request *req)
{
	char msg[400], buf[300];
	int status;
	Call *c = (Call *)rt_api_decode_call(&mesos__v1__executor__call__descriptor, req, &status, msg, sizeof msg);
	if (!c) {
		if (status == 405)
			rt_http_reply(s, 405, "text/plain; charset=utf-8", "Expecting POST\n", 15, "Allow: POST\r\n");
		else
			refuse(a, s, status, msg);
		return;
	}
	a->metrics.executor_calls++;
	const char *why = validate(c, buf, sizeof buf);
	bool json = false;
	if (why) {
		snprintf(msg, sizeof msg, "Failed to validate Executor::Call: %s", why);
		refuse(a, s, 400, msg);
		goto out;
	}
	if (c->type == MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE &&
	    (status = rt_api_stream_encoding(req, &json, msg, sizeof msg)) != 0) {
		refuse(a, s, status, msg);
		goto out;
	}
	if (c->type == MESOS__V1__EXECUTOR__CALL__TYPE__HEARTBEAT) {
		rt_http_reply(s, 202, NULL, "", 0, NULL);
		goto out;
	}
	bool fw_known = false;
	for (a_executor *e = a->executors; e && !fw_known; e = e->next)
		fw_known = strcmp(e->fw_id, c->framework_id->value) == 0;
	for (a_task *t = a->tasks; t && !fw_known; t = t->next)
		fw_known = strcmp(t->fw_id, c->framework_id->value) == 0;
	if (!fw_known) {
		refuse(a, s, 400, "Framework cannot be found");
		goto out;
	}
	a_executor *e = agent_executor_find(a, c->framework_id->value, c->executor_id->value);
	if (!e) {
		refuse(a, s, 400, "Executor cannot be found");
		goto out;
	}
	if (!e->subscribed && c->type != MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE) {
		refuse(a, s, 403, "Executor is not subscribed");
		goto out;
	}
	switch (c->type) {
	case MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE:
		subscribe(a, e, s, json, c->subscribe);
		break;
	case MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE:
		update(a, e, s, c->update->status);
		break;
	case MESOS__V1__EXECUTOR__CALL__TYPE__MESSAGE:
		/* Forwarded in one frame: keep well inside the frame limit. */
		if (c->message->data.len > RT_FRAME_MAX_SIZE / 2) {
			refuse(a, s, 413, "Message data is larger than the agent forwards");
			break;
		}
		message(a, e, c->message);
		rt_http_reply(s, 202, NULL, "", 0, NULL);
		break;
	default:
		refuse(a, s, 501, "This call is not implemented by Meso");
		break;
	}
out:
	mesos__v1__executor__call__free_unpacked(c, NULL);
}

/* A request on a subscription stream's own connection: an ERROR event. */
void agent_executor_stream_request(agent *a, rt_http_session *s)
{
	for (a_executor *e = a->executors; e; e = e->next) {
		if (e->stream != s)
			continue;
		Mesos__V1__Executor__Event__Error err = MESOS__V1__EXECUTOR__EVENT__ERROR__INIT;
		Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
		err.message = "Received a request on the subscription stream's connection; send calls on another "
		              "connection";
		ev.has_type = true;
		ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__ERROR;
		ev.error = &err;
		send_event(a, e, &ev);
	}
}
