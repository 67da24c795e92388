/*
 * preempt_priority.c — strict priority with preemption, as a policy
 * module: frameworks with a higher priority are served first (DRF share
 * among equals; roles by DRF share), and after every pass a framework
 * whose oldest waiting task has waited `wait` seconds or more asks the
 * caller (view->preempt) to take back, from the lowest-priority framework
 * below it that holds at least that task's request on one agent to give
 * that much back there. Two rules keep it from thrashing: the same victim
 * and agent are not asked again within `wait` seconds (the caller needs
 * time to act: the simulator kills at once, the master after a grace
 * period), and a framework that was a victim within the last `wait`
 * seconds asks for no preemption itself (its killed tasks, back in its
 * queue, would otherwise take the resources straight back when its
 * priority rose with them). And at most `max` requests per simulated
 * second in all, whatever the number of passes (each preemption frees an
 * agent, which makes a pass of its own). ARGS: wait=S (0..86400, default
 * 30), max=N requests per second (1..64, default 1).
 */
#include "common.h"

enum { RECENT = 64, MAX_ALLOCS = 4096 };

typedef struct prio {
	ac_time wait;
	int max;
	struct {
		ac_fw_id victim;
		ac_agent_id agent;
		ac_time at;
	} recent[RECENT];
	int next_recent;
	ac_time second; /* the second the budget is for */
	int used;       /* requests made in it */
	ac_policy_alloc allocs[MAX_ALLOCS];
} prio;

static void key(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k)
{
	(void)state;
	k->i[0] = cl->priority;
	k->d[1] = pm_share(v, cl);
}

static int cmp(void *state, const ac_policy_key *a, const ac_policy_key *b)
{
	(void)state;
	if (a->i[0] != b->i[0])
		return a->i[0] > b->i[0] ? -1 : 1;
	return pm_cmp_double(a->d[1], b->d[1]);
}

/* agent 0: on any agent. */
static bool asked_lately(const prio *st, ac_fw_id victim, ac_agent_id agent, ac_time now)
{
	for (int i = 0; i < RECENT; i++)
		if (st->recent[i].victim == victim && (!agent || st->recent[i].agent == agent) && st->recent[i].at &&
		    now - st->recent[i].at < st->wait)
			return true;
	return false;
}

static bool covers(const ac_vec *have, const ac_vec *need)
{
	for (int k = 0; k < AC_KINDS; k++)
		if (have->v[k] < need->v[k])
			return false;
	return true;
}

/* One request for starving framework f: the lowest-priority framework
 * below it that holds something not asked for lately. */
static bool ask_for(prio *st, const ac_policy_view *v, const ac_policy_client *f, const ac_policy_client *const *fws,
                    size_t n)
{
	/* victims from the lowest priority up */
	bool used[n ? n : 1];
	memset(used, 0, sizeof used);
	for (;;) {
		size_t vi = n;
		for (size_t i = 0; i < n; i++)
			if (!used[i] && fws[i]->priority < f->priority &&
			    (vi == n || fws[i]->priority < fws[vi]->priority))
				vi = i;
		if (vi == n)
			return false;
		used[vi] = true;
		size_t na = v->allocations(v, fws[vi]->fw, st->allocs, MAX_ALLOCS);
		for (size_t j = 0; j < na && j < MAX_ALLOCS; j++) {
			const ac_policy_alloc *al = &st->allocs[j];
			if (asked_lately(st, fws[vi]->fw, al->agent, v->now) || !covers(&al->scalars, &f->demand->next))
				continue;
			ac_vec amount = f->demand->next;
			if (v->preempt(v, fws[vi]->fw, al->agent, &amount, f->fw) < 0)
				return false;
			st->recent[st->next_recent].victim = fws[vi]->fw;
			st->recent[st->next_recent].agent = al->agent;
			st->recent[st->next_recent].at = v->now;
			st->next_recent = (st->next_recent + 1) % RECENT;
			return true;
		}
	}
}

static void preempt(void *state, const ac_policy_view *v)
{
	prio *st = state;
	size_t n;
	const ac_policy_client *const *fws = v->frameworks(v, &n);
	if (v->now / 1000000000 != st->second) {
		st->second = v->now / 1000000000;
		st->used = 0;
	}
	for (size_t i = 0; i < n && st->used < st->max; i++) {
		const ac_fw_demand *d = fws[i]->demand;
		if (d && d->tasks && v->now - d->submitted >= st->wait && !asked_lately(st, fws[i]->fw, 0, v->now) &&
		    ask_for(st, v, fws[i], fws, n))
			st->used++;
	}
}

static int create(const char *args, ac_policy *out, ac_err *err)
{
	static const char *const keys[] = {"wait", "max"};
	double vals[] = {30, 1}, lo[] = {0, 1}, hi[] = {86400, 64};
	if (pm_args(args, keys, vals, lo, hi, 2, err))
		return err->code;
	prio *st = calloc(1, sizeof *st);
	if (!st)
		return err->code = AC_ENOMEM;
	st->wait = (ac_time)(vals[0] * 1e9);
	st->max = (int)vals[1];
	*out = (ac_policy){.api_version = AC_POLICY_API_VERSION,
	                   .name = "preempt_priority",
	                   .flags = AC_POLICY_WANTS_DEMAND,
	                   .state = st,
	                   .key = key,
	                   .cmp = cmp,
	                   .preempt = preempt,
	                   .destroy = free};
	return 0;
}

AC_POLICY_EXPORT const ac_policy_module *meso_policy_module(void)
{
	static const ac_policy_module m = {AC_POLICY_API_VERSION, "preempt_priority", create};
	return &m;
}
