/*
 * packing.c — a packing-aware policy module (Tetris, Grandl et al.,
 * SIGCOMM 2014): on each agent's turn, among the first `window`
 * frameworks of the DRF order, the one whose next task's demand vector
 * aligns best with the agent's free vector (the dot product of the two,
 * each kind divided by the agent's total) gets the agent; frameworks whose
 * next task does not fit, or that declared no demand, only after those
 * that fit. window=1 is DRF. ARGS: window=N (1..32, default 8).
 */
#include "common.h"

typedef struct packing {
	int window;
} packing;

static void key(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k)
{
	(void)state;
	k->d[0] = pm_share(v, cl);
}

static int cmp(void *state, const ac_policy_key *a, const ac_policy_key *b)
{
	(void)state;
	return pm_cmp_double(a->d[0], b->d[0]);
}

/* The alignment of d's next task with the agent's free resources, or -1
 * when it declared none or the task does not fit. */
static double alignment(const ac_policy_view *v, const ac_policy_agent *a, const ac_policy_client *cl,
                        const ac_vec *offer)
{
	const ac_fw_demand *d = cl->demand;
	if (!d || !d->tasks)
		return -1;
	double score = 0;
	for (int k = 0; k < v->nkinds; k++) {
		if (d->next.v[k] > offer->v[k])
			return -1;
		if (a->total->v[k] > 0)
			score += (double)d->next.v[k] / (double)a->total->v[k] * (double)offer->v[k] /
			         (double)a->total->v[k];
	}
	return score;
}

static int pick(void *state, const ac_policy_view *v, const ac_policy_agent *a, const ac_policy_client *const *fws,
                size_t n, ac_vec *amount)
{
	const packing *st = state;
	int best = 0;
	double best_score = -1;
	for (size_t i = 0; i < n && i < (size_t)st->window; i++) {
		double s = alignment(v, a, fws[i], amount);
		if (s > best_score) {
			best_score = s;
			best = (int)i;
		}
	}
	return best; /* none fits: the first in DRF order, as DRF would */
}

static int create(const char *args, ac_policy *out, ac_err *err)
{
	static const char *const keys[] = {"window"};
	double vals[] = {8}, lo[] = {1}, hi[] = {AC_POLICY_PICK_MAX};
	if (pm_args(args, keys, vals, lo, hi, 1, err))
		return err->code;
	packing *st = malloc(sizeof *st);
	if (!st)
		return err->code = AC_ENOMEM;
	st->window = (int)vals[0];
	*out = (ac_policy){.api_version = AC_POLICY_API_VERSION,
	                   .name = "packing",
	                   .flags = AC_POLICY_WANTS_DEMAND,
	                   .state = st,
	                   .key = key,
	                   .cmp = cmp,
	                   .pick = pick,
	                   .destroy = free};
	return 0;
}

AC_POLICY_EXPORT const ac_policy_module *meso_policy_module(void)
{
	static const ac_policy_module m = {AC_POLICY_API_VERSION, "packing", create};
	return &m;
}
