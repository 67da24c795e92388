/*
 * common.h — small helpers the example policy modules share (header only:
 * a module links nothing of Meso's): a floating-point dominant share and
 * argument parsing. Modules see alloccore only through alloccore/policy.h.
 */
#ifndef MESO_POLICIES_COMMON_H
#define MESO_POLICIES_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloccore/policy.h"

/* The dominant share of held in the cluster over its weight (a module's
 * DRF: doubles are close enough for an experiment). */
static inline double pm_share(const ac_policy_view *v, const ac_policy_client *cl)
{
	double s = 0;
	for (int k = 0; k < v->nkinds; k++)
		if (v->total->v[k] > 0 && cl->held.v[k] > 0) {
			double x = (double)cl->held.v[k] / (double)v->total->v[k];
			s = x > s ? x : s;
		}
	return s / (cl->weight / 1000.0);
}

static inline int pm_cmp_double(double a, double b)
{
	return a < b ? -1 : a > b;
}

/* ARGS of the form "key=NUMBER[,key=NUMBER...]": each key in keys (n of
 * them) sets vals[i] (within [lo[i], hi[i]]); anything else is an error
 * with the reason in err. */
static inline int pm_args(const char *args, const char *const *keys, double *vals, const double *lo, const double *hi,
                          int n, ac_err *err)
{
	const char *p = args;
	while (*p) {
		const char *eq = strchr(p, '='), *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		int i = -1;
		for (int k = 0; k < n && eq && eq < end; k++)
			if ((size_t)(eq - p) == strlen(keys[k]) && !strncmp(p, keys[k], (size_t)(eq - p)))
				i = k;
		if (i < 0) {
			snprintf(err->msg, sizeof err->msg, "'%.*s': expected KEY=NUMBER with KEY one of %s%s%s",
			         (int)(end - p), p, keys[0], n > 1 ? ", " : "", n > 1 ? keys[1] : "");
			return err->code = AC_EINVAL;
		}
		char *stop;
		double x = strtod(eq + 1, &stop);
		if (stop != end || eq + 1 == end || !(x >= lo[i] && x <= hi[i])) {
			snprintf(err->msg, sizeof err->msg, "%s: expected a number from %g to %g, got '%.*s'", keys[i],
			         lo[i], hi[i], (int)(end - eq - 1), eq + 1);
			return err->code = AC_EINVAL;
		}
		vals[i] = x;
		p = *end ? end + 1 : end;
	}
	return 0;
}

#endif
