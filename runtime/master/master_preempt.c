/*
 * master_preempt.c — carrying out the allocation policy's preemption
 * requests (alloccore/policy.h, (c)). Meso sends no inverse offers: the
 * master kills the victim framework's newest tasks on the agent until the
 * amount asked for is covered, with a KILL_TASK whose kill policy's grace
 * period is --preemption_grace_period (the agent sends SIGTERM, then
 * SIGKILL after it), and the framework sees TASK_KILLED as for a kill it
 * asked for. The resources come back to the allocator with the terminal
 * update, as for any task.
 */
#include <stdlib.h>

#include "master.h"

void master_preempt_hook(void *ud, const ac_preempt_request *r)
{
	/* Hooks may not call back into the core: the kills are sent after
	 * the pass (master_preempt_run). */
	master *m = ud;
	if (m->npreempts == m->preempts_cap) {
		size_t cap = m->preempts_cap ? 2 * m->preempts_cap : 8;
		ac_preempt_request *p = realloc(m->preempts, cap * sizeof *p);
		if (!p) {
			rt_log(RT_WARN, "preemption request dropped: out of memory");
			return;
		}
		m->preempts = p;
		m->preempts_cap = cap;
	}
	m->preempts[m->npreempts++] = *r;
}

static void kill_preempted(master *m, m_task *t)
{
	if (master_task_kill(m, t, (int64_t)(m->flags.preemption_grace * 1e9), false)) {
		t->preempted = true;
		m->preempt_kills++;
		rt_log(RT_INFO, "preempting task %s of framework %s on agent %s", t->id, t->fw->id, t->agent->id);
	}
}

void master_preempt_run(master *m)
{
	for (size_t i = 0; i < m->npreempts; i++) {
		const ac_preempt_request *r = &m->preempts[i];
		m_fw *fw = (m_fw *)(uintptr_t)r->victim_tag;
		m_agent *a = (m_agent *)(uintptr_t)r->agent_tag;
		ac_vec left = r->amount;
		/* an agent's tasks are newest first: the least work lost */
		for (m_task *t = a->tasks; t; t = t->agent_next) {
			bool more = false;
			for (int k = 0; k < AC_KINDS; k++)
				more |= left.v[k] > 0;
			if (!more)
				break;
			if (t->fw != fw || t->preempted)
				continue;
			ac_vec s;
			ac_resources_scalars(&t->res, &s);
			ac_vec_sub(&left, &s);
			kill_preempted(m, t);
		}
	}
	m->npreempts = 0;
}
