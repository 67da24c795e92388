/*
 * bad_version.c — a policy module built for another API version (999):
 * every program must refuse it, naming both versions (tests/policies).
 */
#include "alloccore/policy.h"

static int create(const char *args, ac_policy *out, ac_err *err)
{
	(void)args, (void)out, (void)err;
	return AC_EINVAL; /* never reached: refused first */
}

AC_POLICY_EXPORT const ac_policy_module *meso_policy_module(void)
{
	static const ac_policy_module m = {999, "bad_version", create};
	return &m;
}
