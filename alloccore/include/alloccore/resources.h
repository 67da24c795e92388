/*
 * alloccore/resources.h — exact resource amounts, port ranges and resource sets.
 *
 * Scalars are fixed-point integers in thousandths of a unit (Mesos rounds to
 * three decimals too), so sums never drift. A resource set is a list of groups:
 * group 0 is unreserved, the others are reserved for one role each.
 */
#ifndef ALLOCCORE_RESOURCES_H
#define ALLOCCORE_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Scalar kinds. The first four are fixed; up to four more names (any other
 * scalar name in resource text) are registered per core on first use. */
enum {
	AC_CPUS = 0,
	AC_MEM = 1,  /* MB */
	AC_DISK = 2, /* MB */
	AC_GPUS = 3,
	AC_FIXED_KINDS = 4,
	AC_KINDS = 8,
};

#define AC_MILLI 1000 /* fixed-point scale: 1 cpu = 1000 */
/* Largest amount of one kind in one entry of resource text (in units, not
 * thousandths). Bounds every sum so that cluster totals cannot overflow. */
#define AC_AMOUNT_MAX_UNITS 1000000000000LL /* 1e12 */
#define AC_MAX_GROUPS       4               /* unreserved + up to 3 reservation roles per set */
#define AC_MAX_RANGES       16              /* disjoint port ranges per group */
#define AC_KIND_NAME_MAX    64              /* bytes in a scalar kind name */

/* One amount per scalar kind, in thousandths. */
typedef struct ac_vec {
	int64_t v[AC_KINDS];
} ac_vec;

/* Inclusive port range [begin, end]. */
typedef struct ac_range {
	uint32_t begin, end;
} ac_range;

/* The resources of one reservation role (role 0: unreserved). Ports are kept
 * sorted, disjoint and non-adjacent. */
typedef struct ac_group {
	uint32_t role; /* 0 = unreserved ("*"), else an id from ac_role_intern() */
	uint32_t nports;
	ac_vec amount;
	ac_range ports[AC_MAX_RANGES];
} ac_group;

/* A resource set. Invariant: ngroups >= 1, group[0].role == 0, the other
 * groups have distinct roles in increasing id order and are non-empty. */
typedef struct ac_resources {
	uint32_t ngroups;
	ac_group group[AC_MAX_GROUPS];
} ac_resources;

/* --- Vectors: the hot path. All are branch-free loops over AC_KINDS. --- */
static inline void ac_vec_zero(ac_vec *a)
{
	for (int k = 0; k < AC_KINDS; k++)
		a->v[k] = 0;
}
static inline void ac_vec_add(ac_vec *a, const ac_vec *b)
{
	for (int k = 0; k < AC_KINDS; k++)
		a->v[k] += b->v[k];
}
static inline void ac_vec_sub(ac_vec *a, const ac_vec *b)
{
	for (int k = 0; k < AC_KINDS; k++)
		a->v[k] -= b->v[k];
}
/* true when need <= have in every kind. */
static inline bool ac_vec_fits(const ac_vec *need, const ac_vec *have)
{
	int ok = 1;
	for (int k = 0; k < AC_KINDS; k++)
		ok &= need->v[k] <= have->v[k];
	return ok;
}
static inline bool ac_vec_is_zero(const ac_vec *a)
{
	int64_t any = 0;
	for (int k = 0; k < AC_KINDS; k++)
		any |= a->v[k];
	return any == 0;
}
/* true when some kind is > 0. The sign bit of -v & ~v is set exactly when
 * v > 0 (INT64_MIN included: its negation wraps to itself): unsigned
 * arithmetic that compilers turn into vector code even where there is no
 * 64-bit vector compare (SSE2). */
static inline bool ac_vec_any_positive(const ac_vec *a)
{
	uint64_t any = 0;
	for (int k = 0; k < AC_KINDS; k++) {
		uint64_t u = (uint64_t)a->v[k];
		any |= (0 - u) & ~u;
	}
	return any >> 63;
}
/* a = min(a, b) per kind. */
static inline void ac_vec_min(ac_vec *a, const ac_vec *b)
{
	for (int k = 0; k < AC_KINDS; k++)
		a->v[k] = a->v[k] < b->v[k] ? a->v[k] : b->v[k];
}
/* a = max(a, 0) per kind (branch-free: negative values are masked off). */
static inline void ac_vec_clamp0(ac_vec *a)
{
	for (int k = 0; k < AC_KINDS; k++) {
		uint64_t u = (uint64_t)a->v[k], neg = 0 - (u >> 63);
		a->v[k] = (int64_t)(u & ~neg);
	}
}

/* --- Resource sets --- */

/* Empty set: one empty unreserved group. */
void ac_resources_init(ac_resources *r);
/* Only unreserved scalars, from a vector. Writes ngroups and group[0]'s
 * role, ports and amount only: the groups past ngroups are left as they
 * were (no reader looks at them). */
void ac_resources_from_vec(ac_resources *r, const ac_vec *v);
/* true when no scalar is non-zero and no port is present. */
bool ac_resources_empty(const ac_resources *r);
/* true when every entry of b fits in the same group of a (scalar <=, ports
 * subset). Reserved resources never stand in for unreserved ones. */
bool ac_resources_contains(const ac_resources *a, const ac_resources *b);
/* a += b. Fails (AC_ENOSPC) without changing a if the result would need more
 * groups or port ranges than the fixed capacity, or AC_ERANGE on overflow. */
int ac_resources_add(ac_resources *a, const ac_resources *b);
/* a -= b. Fails (AC_EINVAL) without changing a unless a contains b, or
 * AC_ENOSPC if splitting a port range needs more ranges than fit. */
int ac_resources_sub(ac_resources *a, const ac_resources *b);
/* Sum of the scalars of every group (what DRF counts). */
void ac_resources_scalars(const ac_resources *r, ac_vec *out);
/* true when both sets hold exactly the same resources. */
bool ac_resources_equal(const ac_resources *a, const ac_resources *b);
/* Number of ports in all groups. */
uint64_t ac_resources_port_count(const ac_resources *r);
/* The same resources unreserved: every group's scalars and ports summed
 * into out's one group. 0, or as ac_resources_add (out then holds the
 * groups summed so far). */
int ac_resources_unreserved(const ac_resources *r, ac_resources *out);

#ifdef __cplusplus
}
#endif
#endif
