/*
 * agent_groups.c — task groups on the default executor (LAUNCH_GROUP; a
 * group on a custom executor goes to that executor, agent_executors.c):
 * Meso has no default-executor process; the agent itself plays its part.
 * Each task of a group runs as a command task (its own supervisor, sandbox
 * and cgroup), and the agent applies Mesos's default executor rules to the
 * tasks of each group: they start together; when one ends FAILED or KILLED
 * the others of its group are killed (so a KILL of one kills its group);
 * when the last task of the executor's groups has ended the executor
 * "exits" (EXECUTOR_EXITED to the master, which frees the executor's
 * resources). Tasks checkpoint their executor's id and their group's number
 * (TaskCheckpoint.group_executor_id, launch_group), so a restarted agent
 * rebuilds each group around the tasks it adopts.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

struct a_group {
	struct a_group *next;
	char *fw_id;
	char *exec_id;
	uint64_t number; /* the LAUNCH_GROUP's number on this agent (a_task.launch_group); 0: from an
	                    old checkpoint, every such task of the executor is one group */
	unsigned live;   /* tasks of the group not yet terminal */
	bool killing;    /* one failed or was killed: the others are going */
};

static bool same_executor(const a_group *g, const char *fw_id, const char *exec_id)
{
	return strcmp(g->fw_id, fw_id) == 0 && strcmp(g->exec_id, exec_id) == 0;
}

/* Whether a group of the executor other than g has a task not ended. */
static bool executor_busy(const agent *a, const a_group *g)
{
	for (const a_group *o = a->groups; o; o = o->next)
		if (o != g && o->live > 0 && same_executor(o, g->fw_id, g->exec_id))
			return true;
	return false;
}

const char *agent_group_executor_id(const a_group *g)
{
	return g->exec_id;
}

a_group *agent_group_next(const a_group *g)
{
	return g->next;
}

const char *agent_group_framework_id(const a_group *g)
{
	return g->fw_id;
}

static a_group *group_get(agent *a, const char *fw_id, const char *exec_id, uint64_t number)
{
	for (a_group *g = a->groups; g; g = g->next)
		if (g->number == number && same_executor(g, fw_id, exec_id))
			return g;
	a_group *g = rt_xcalloc(1, sizeof *g);
	g->fw_id = rt_xstrdup(fw_id);
	g->exec_id = rt_xstrdup(exec_id);
	g->number = number;
	g->next = a->groups;
	a->groups = g;
	return g;
}

static void group_free(agent *a, a_group *g)
{
	for (a_group **p = &a->groups; *p; p = &(*p)->next)
		if (*p == g) {
			*p = g->next;
			break;
		}
	free(g->fw_id);
	free(g->exec_id);
	free(g);
}

Mesos__V1__ExecutorInfo *agent_group_executor_info(agent *a, const a_group *g)
{
	/* A group whose tasks have all ended has exited: not reported, the
	 * master frees the executor if it still charges it (its
	 * EXECUTOR_EXITED may have been lost with the predecessor). */
	if (g->live == 0)
		return NULL;
	/* One entry per executor: the first of its live groups on the list. */
	for (const a_group *o = a->groups; o != g; o = o->next)
		if (o->live > 0 && same_executor(o, g->fw_id, g->exec_id))
			return NULL;
	for (a_task *t = a->tasks; t; t = t->next) {
		if (t->group != g || !t->info || t->fw_gone)
			continue;
		Mesos__V1__TaskInfo *ti = mesos__v1__task_info__unpack(NULL, t->info_len, t->info);
		if (!ti)
			continue;
		Mesos__V1__ExecutorInfo *ei = ti->executor;
		ti->executor = NULL;
		mesos__v1__task_info__free_unpacked(ti, NULL);
		if (ei)
			return ei;
	}
	return NULL;
}

void agent_group_join(agent *a, a_task *t, const char *exec_id)
{
	a_group *g = group_get(a, t->fw_id, exec_id, t->launch_group);
	t->group = g;
	if (!rt_task_state_terminal(t->state))
		g->live++;
}

a_task *agent_group_task_add(agent *a, const char *fw_id, const Mesos__V1__TaskInfo *ti,
                             const Mesos__V1__ExecutorInfo *ei)
{
	a_task *t = agent_task_add(a, fw_id, ti->task_id->value);
	Mesos__V1__TaskInfo copy = *ti;
	if (!copy.executor)
		copy.executor = (Mesos__V1__ExecutorInfo *)ei;
	t->info_len = mesos__v1__task_info__get_packed_size(&copy);
	t->info = rt_xmalloc(t->info_len);
	mesos__v1__task_info__pack(&copy, t->info);
	a->metrics.tasks_launched++;
	return t;
}

void agent_group_run(agent *a, const Meso__Agent__RunTaskGroup *rg)
{
	const char *fw = rg->framework_id->value;
	const char *exec_id = rg->executor->executor_id->value;
	for (size_t i = 0; i < rg->n_tasks; i++)
		if (agent_task_find(a, fw, rg->tasks[i]->task_id->value)) {
			rt_log(RT_WARN,
			       "task group of executor %s of framework %s: task %s already exists; group ignored",
			       exec_id, fw, rg->tasks[i]->task_id->value);
			return;
		}
	if (rg->executor->has_type && rg->executor->type == MESOS__V1__EXECUTOR_INFO__TYPE__CUSTOM) {
		agent_executor_run_group(a, rg);
		return;
	}
	a_group *g = group_get(a, fw, exec_id, ++a->launch_groups);
	rt_log(RT_INFO, "task group of %zu tasks on default executor %s of framework %s", rg->n_tasks, exec_id, fw);
	/* Every task is known before any starts: a launch that fails at
	 * once (its update sent) then kills the rest, as one group. */
	a_task **ts = rt_xcalloc(rg->n_tasks ? rg->n_tasks : 1, sizeof *ts);
	for (size_t i = 0; i < rg->n_tasks; i++) {
		a_task *t = agent_group_task_add(a, fw, rg->tasks[i], rg->executor);
		t->group = g;
		t->launch_group = g->number;
		t->launch_index = (uint32_t)i;
		g->live++;
		ts[i] = t;
	}
	for (size_t i = 0; i < rg->n_tasks; i++)
		if (!g->killing)
			agent_task_launch(a, ts[i], rg->tasks[i], rg->user);
		else
			agent_task_update(a, ts[i], MESOS__V1__TASK_STATE__TASK_KILLED, -1,
			                  "Killed before it started: another task of its group failed");
	free(ts);
}

/* Kills every task of the group but `but` that has not ended. */
static void kill_others(agent *a, a_group *g, const a_task *but)
{
	for (a_task *t = a->tasks; t; t = t->next) {
		if (t->group != g || t == but || rt_task_state_terminal(t->state))
			continue;
		if (t->pid > 0 || t->report_fd >= 0)
			agent_task_kill(a, t, agent_task_kill_grace(a, t), false);
	}
}

void agent_group_kill(agent *a, a_task *t)
{
	a_group *g = t->group;
	if (!g->killing) {
		rt_log(RT_INFO, "killing the task group of executor %s (a KILL of task %s)", g->exec_id, t->id);
		g->killing = true;
	}
	kill_others(a, g, t);
}

void agent_group_task_ended(agent *a, a_task *t, Mesos__V1__TaskState state)
{
	a_group *g = t->group;
	if (g->live > 0)
		g->live--;
	if (!g->killing && (state == MESOS__V1__TASK_STATE__TASK_FAILED ||
	                    state == MESOS__V1__TASK_STATE__TASK_KILLED || state == MESOS__V1__TASK_STATE__TASK_LOST)) {
		/* Mesos's default executor: a task that fails or is killed takes
		 * its group with it. */
		rt_log(RT_INFO, "task %s of the group of executor %s ended %s: killing the others", t->id, g->exec_id,
		       rt_task_state_name(state));
		g->killing = true;
		kill_others(a, g, t);
	}
	if (g->live == 0) {
		/* The group is done. When it was the executor's last, the
		 * executor exits, and its resources go back once the master
		 * hears it. */
		if (!executor_busy(a, g)) {
			rt_log(RT_INFO, "default executor %s of framework %s: its last task ended; it exits",
			       g->exec_id, g->fw_id);
			agent_executor_report_exited(a, g->fw_id, g->exec_id, 0);
		}
		for (a_task *o = a->tasks; o; o = o->next)
			if (o->group == g && o != t)
				o->group = NULL; /* already ended: no group to report to */
		t->group = NULL;
		group_free(a, g);
	}
}

void agent_group_forget(agent *a, a_task *t)
{
	a_group *g = t->group;
	t->group = NULL;
	if (!g)
		return;
	if (!rt_task_state_terminal(t->state) && g->live > 0)
		g->live--;
	for (a_task *o = a->tasks; o; o = o->next)
		if (o->group == g)
			return;
	group_free(a, g);
}
