/*
 * agent_recover.c — what a starting agent does with its predecessor's
 * checkpoints (agent_checkpoint.c). With --recover=reconnect (the default)
 * it takes the predecessor's agent id, re-creates each checkpointed custom
 * executor and task, adopts those whose supervisor still runs (same pid
 * *and* start time, same boot), reports the end of those that ended
 * meanwhile from their exit records, and queues every unacknowledged update
 * again; the registration that follows carries the tasks and executors,
 * and the master keeps them. An adopted executor then has to SUBSCRIBE
 * again (agent_executors.c). A file that
 * cannot be read is moved to meta/corrupt/ with a clear error, and its task
 * is treated as unknown: its processes are killed as leftovers and the
 * master reports it lost. With --recover=cleanup the checkpoints are
 * removed and the predecessor's processes killed: a new agent.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

/* Moves an unusable checkpoint aside, for a post-mortem, out of the way of
 * the next start. */
static void quarantine(agent *a, const char *path, const char *why)
{
	char dir[PATH_MAX + 16], to[PATH_MAX + 600];
	snprintf(dir, sizeof dir, "%s/meta/corrupt", a->work_dir);
	rt_mkdirs(dir);
	const char *base = strrchr(path, '/');
	snprintf(to, sizeof to, "%s%s.%lld", dir, base ? base : "/file", (long long)time(NULL));
	a->metrics.checkpoints_corrupt++;
	if (rename(path, to) == 0)
		rt_log(RT_ERROR, "checkpoint %s is unusable (%s); moved to %s", path, why, to);
	else
		rt_log(RT_ERROR, "checkpoint %s is unusable (%s) and cannot be moved aside: %s", path, why,
		       strerror(errno));
}

static void recover_agent_id(agent *a, const char *meta)
{
	char path[PATH_MAX + 32], why[256];
	snprintf(path, sizeof path, "%s/agent", meta);
	rt_buf b;
	rt_buf_init(&b);
	if (agent_ckpt_read_file(path, &b, why, sizeof why) != 0) {
		if (errno != ENOENT)
			quarantine(a, path, why);
		rt_buf_free(&b);
		return;
	}
	Meso__Agent__AgentCheckpoint *c = (Meso__Agent__AgentCheckpoint *)agent_ckpt_unpack(
	        b.data, b.len, AGENT_CKPT_AGENT, &meso__agent__agent_checkpoint__descriptor, why, sizeof why);
	rt_buf_free(&b);
	if (!c || !c->agent_id[0]) {
		quarantine(a, path, c ? "empty agent id" : why);
		if (c)
			meso__agent__agent_checkpoint__free_unpacked(c, NULL);
		return;
	}
	a->id = rt_xstrdup(c->agent_id);
	meso__agent__agent_checkpoint__free_unpacked(c, NULL);
}

/* One executor file: an executor record, adopted or to be reported ended
 * once its tasks are back (agent_executors_recovered). */
static void recover_executor(agent *a, const char *path, int *adopted, int *ended)
{
	char why[256];
	rt_buf b;
	rt_buf_init(&b);
	Meso__Agent__ExecutorCheckpoint *c = NULL;
	if (agent_ckpt_read_file(path, &b, why, sizeof why) == 0)
		c = agent_executor_ckpt_decode(b.data, b.len, why, sizeof why);
	rt_buf_free(&b);
	if (!c) {
		quarantine(a, path, why);
		return;
	}
	Mesos__V1__ExecutorInfo *ei =
	        mesos__v1__executor_info__unpack(NULL, c->executor_info.len, c->executor_info.data);
	bool dup = ei && agent_executor_find(a, c->framework_id, ei->executor_id->value);
	if (ei)
		mesos__v1__executor_info__free_unpacked(ei, NULL);
	if (dup) {
		quarantine(a, path, "a second checkpoint of the same executor");
	} else {
		if (!a->id && c->agent_id && c->agent_id[0])
			a->id = rt_xstrdup(c->agent_id);
		a_executor *e = agent_executor_recover(a, c, path);
		if (e && e->sup_fd >= 0)
			(*adopted)++;
		else if (e)
			(*ended)++;
	}
	meso__agent__executor_checkpoint__free_unpacked(c, NULL);
}

/* One task file: a task record with its updates, adopted or ended. */
static void recover_task(agent *a, const char *path, int *adopted, int *ended)
{
	char why[256];
	rt_buf b;
	rt_buf_init(&b);
	agent_task_ckpt c;
	if (agent_ckpt_read_file(path, &b, why, sizeof why) != 0 ||
	    agent_task_ckpt_decode(b.data, b.len, &c, why, sizeof why) != 0) {
		rt_buf_free(&b);
		quarantine(a, path, why);
		return;
	}
	rt_buf_free(&b);
	Meso__Agent__TaskCheckpoint *m = c.msg;
	if (agent_task_find(a, m->framework_id, c.task_id)) {
		quarantine(a, path, "a second checkpoint of the same task");
		agent_task_ckpt_free(&c);
		return;
	}
	if (!a->id && m->agent_id && m->agent_id[0]) {
		/* meta/agent was lost: every task file carries the id too. */
		a->id = rt_xstrdup(m->agent_id);
		rt_log(RT_WARN, "agent id %s recovered from the task checkpoint %s", a->id, path);
	}
	bool same_boot = !m->boot_id || !a->boot_id[0] || strcmp(m->boot_id, a->boot_id) == 0;
	a_task *t = agent_task_add(a, m->framework_id, c.task_id);
	t->info_len = m->task_info.len;
	t->info = rt_xmalloc(t->info_len);
	memcpy(t->info, m->task_info.data, t->info_len);
	t->state = m->state;
	snprintf(t->sandbox, sizeof t->sandbox, "%s", m->sandbox);
	snprintf(t->cg_mem, sizeof t->cg_mem, "%s", m->cgroup_mem ? m->cgroup_mem : "");
	snprintf(t->cg_cpu, sizeof t->cg_cpu, "%s", m->cgroup_cpu ? m->cgroup_cpu : "");
	snprintf(t->ckpt, sizeof t->ckpt, "%s", path);
	/* The next write appends, unless a write was cut short at the end:
	 * then the file is written whole again. */
	t->ckpt_size = c.used;
	t->ckpt_rewrite = c.torn;
	if (c.torn)
		rt_log(RT_WARN,
		       "checkpoint %s ends with a write cut short (the agent died in it): its last whole record "
		       "is used",
		       path);
	t->kill_requested = m->kill_requested;
	/* Pids of another boot mean nothing now. */
	t->sup_pid = same_boot ? m->supervisor_pid : 0;
	t->sup_start = m->supervisor_start;
	t->pid = same_boot ? m->pid : 0;
	t->pid_start = m->pid_start;
	for (size_t i = 0; i < c.n_updates; i++)
		agent_task_requeue(a, t, c.updates[i].uuid, c.updates[i].state, c.updates[i].frame, c.updates[i].len);
	char *exec_id = m->executor_id && m->executor_id[0] ? rt_xstrdup(m->executor_id) : NULL;
	t->launched = m->launched;
	t->launch_group = m->launch_group;
	t->launch_index = m->launch_group_index;
	if (t->launch_group > a->launch_groups)
		a->launch_groups = t->launch_group; /* numbers stay unique after the restart */
	if (m->group_executor_id && m->group_executor_id[0])
		agent_group_join(a, t, m->group_executor_id);
	agent_task_ckpt_free(&c);
	a->metrics.tasks_launched++;

	if (exec_id) {
		/* A custom executor's task: the executor (recovered first) is
		 * its process; what it does with the task is settled when it
		 * subscribes again, or ends. */
		t->exec = agent_executor_find(a, t->fw_id, exec_id);
		free(exec_id);
		if (t->exec || rt_task_state_terminal(t->state)) {
			if (!t->exec && !t->updates)
				agent_task_forget(a, t);
			return;
		}
		(*ended)++;
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_LOST,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_RESTARTED,
		                  "The task's executor could not be recovered (its checkpoint is missing or damaged)");
		return;
	}

	if (t->sup_pid > 0 && agent_task_adopt(a, t) == 0) {
		(*adopted)++;
		a->metrics.tasks_recovered++;
		rt_log(RT_INFO, "recovered task %s of framework %s: %s, process %d, supervisor %d", t->id, t->fw_id,
		       rt_task_state_name(t->state), (int)t->pid, (int)t->sup_pid);
		return;
	}
	if (rt_task_state_terminal(t->state) && t->sup_pid == 0 && t->pid == 0) {
		/* It had ended and been reported; only its updates wait. */
		if (!t->updates)
			agent_task_forget(a, t);
		return;
	}
	(*ended)++;
	a->metrics.tasks_recovered_ended++;
	rt_log(RT_WARN, "task %s of framework %s ended while the agent was down%s", t->id, t->fw_id,
	       same_boot ? "" : " (the host rebooted)");
	agent_task_ended(a, t, false, 0);
}

static int remove_entry(const char *dir, const char *name)
{
	char p[PATH_MAX + 256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return agent_remove_tree(p);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcmp(s + n - k, suffix) == 0;
}

/* Every NAME<suffix> file of every framework folder under dir, through fn;
 * NAME.tmp files (a write the predecessor never finished) are removed, and
 * exit records whose checkpoint is gone. */
static void recover_files(agent *a, const char *dir, const char *suffix,
                          void (*fn)(agent *, const char *, int *, int *), int *adopted, int *ended)
{
	DIR *d = opendir(dir);
	struct dirent *fe;
	while (d && (fe = readdir(d))) {
		if (fe->d_name[0] == '.')
			continue;
		char fwdir[PATH_MAX + 300];
		snprintf(fwdir, sizeof fwdir, "%s/%s", dir, fe->d_name);
		DIR *fd = opendir(fwdir);
		struct dirent *te;
		while (fd && (te = readdir(fd))) {
			char path[PATH_MAX + 600];
			snprintf(path, sizeof path, "%s/%s", fwdir, te->d_name);
			if (ends_with(te->d_name, suffix)) {
				fn(a, path, adopted, ended);
			} else if (ends_with(te->d_name, ".tmp")) {
				unlink(path);
			} else if (ends_with(te->d_name, ".exit")) {
				/* Kept while its checkpoint exists (read when it ends). */
				char ckpt[PATH_MAX + 600];
				snprintf(ckpt, sizeof ckpt, "%.*s%s", (int)(strlen(path) - 5), path, suffix);
				if (access(ckpt, F_OK) != 0)
					unlink(path);
			}
		}
		if (fd)
			closedir(fd);
		rmdir(fwdir); /* only when empty */
	}
	if (d)
		closedir(d);
}

void agent_recover(agent *a)
{
	char meta[PATH_MAX + 16], tasks[PATH_MAX + 32], execs[PATH_MAX + 32];
	snprintf(meta, sizeof meta, "%s/meta", a->work_dir);
	snprintf(tasks, sizeof tasks, "%s/tasks", meta);
	snprintf(execs, sizeof execs, "%s/executors", meta);
	if (a->flags.recover_cleanup) {
		rt_log(RT_INFO,
		       "--recover=cleanup: the predecessor's checkpoints are removed and its tasks killed; this "
		       "agent registers as a new one");
		remove_entry(meta, "tasks");
		remove_entry(meta, "executors");
		remove_entry(meta, "agent");
		rt_mkdirs(tasks);
		return;
	}
	if (rt_mkdirs(tasks) != 0) {
		rt_log(RT_ERROR, "cannot create %s: %s; tasks will not survive a restart", tasks, strerror(errno));
		return;
	}
	recover_agent_id(a, meta);
	/* Executors first: their tasks' files name them. */
	int exec_adopted = 0, exec_ended = 0, adopted = 0, ended = 0;
	recover_files(a, execs, ".executor", recover_executor, &exec_adopted, &exec_ended);
	recover_files(a, tasks, ".task", recover_task, &adopted, &ended);
	agent_executors_recovered(a);
	if (a->id) {
		agent_checkpoint_agent(a);
		rt_log(RT_INFO,
		       "recovered agent %s: %d task(s) running, %d ended while the agent was down; %d executor(s) "
		       "running, %d ended",
		       a->id, adopted, ended, exec_adopted, exec_ended);
	}
}
