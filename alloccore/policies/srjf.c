/*
 * srjf.c — shortest remaining job first, as a policy module: frameworks
 * are served by the declared remaining time of their shortest waiting job
 * (ac_fw_demand.remaining; in the simulator the trace's task durations),
 * shortest first; frameworks with nothing waiting or no declared time
 * come after, by DRF share; roles by DRF share. ARGS: none.
 */
#include "common.h"

static void key(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k)
{
	(void)state;
	const ac_fw_demand *d = cl->demand;
	k->i[0] = d && d->tasks && d->remaining > 0 ? d->remaining : INT64_MAX;
	k->d[1] = pm_share(v, cl);
}

static int cmp(void *state, const ac_policy_key *a, const ac_policy_key *b)
{
	(void)state;
	if (a->i[0] != b->i[0])
		return a->i[0] < b->i[0] ? -1 : 1;
	return pm_cmp_double(a->d[1], b->d[1]);
}

static int create(const char *args, ac_policy *out, ac_err *err)
{
	if (*args) {
		snprintf(err->msg, sizeof err->msg, "takes no arguments, got '%s'", args);
		return err->code = AC_EINVAL;
	}
	*out = (ac_policy){.api_version = AC_POLICY_API_VERSION,
	                   .name = "srjf",
	                   .flags = AC_POLICY_WANTS_DEMAND,
	                   .key = key,
	                   .cmp = cmp};
	return 0;
}

AC_POLICY_EXPORT const ac_policy_module *meso_policy_module(void)
{
	static const ac_policy_module m = {AC_POLICY_API_VERSION, "srjf", create};
	return &m;
}
