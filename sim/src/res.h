/*
 * res.h — private: resource amounts as the simulator keeps them, NRES int64
 * thousandths (cpus, mem, disk, gpus, in alloccore's kind order), and the
 * few comparisons the engine and the models make on them.
 */
#ifndef SIM_RES_H
#define SIM_RES_H

#include <stdbool.h>
#include <stdint.h>

#define NRES 4 /* cpus, mem, disk, gpus: the kinds a workload names (AC_CPUS .. AC_GPUS) */

/* need <= have in every kind. No early exit: the four compares are cheaper
 * than the branches. */
static inline bool sim_res_fits(const int64_t need[NRES], const int64_t have[NRES])
{
	int ok = 1;
	for (int k = 0; k < NRES; k++)
		ok &= need[k] <= have[k];
	return ok;
}

static inline void sim_res_sub(int64_t a[NRES], const int64_t b[NRES])
{
	for (int k = 0; k < NRES; k++)
		a[k] -= b[k];
}

static inline bool sim_res_is_zero(const int64_t a[NRES])
{
	int64_t any = 0;
	for (int k = 0; k < NRES; k++)
		any |= a[k];
	return any == 0;
}

#endif
