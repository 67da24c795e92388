/*
 * resources.c — the algebra of resource sets: add, subtract, compare.
 *
 * A set is a short list of groups (unreserved first, then one per reservation
 * role in increasing id order), each with scalar amounts and port ranges kept
 * sorted, disjoint and non-adjacent. These run at the API boundary (offers,
 * accepts, agent updates), so they favour simplicity and never allocate:
 * results are built in a local copy and written back only on success.
 */
#include <assert.h>
#include <string.h>

#include "alloccore/alloccore.h"

void ac_resources_init(ac_resources *r)
{
	memset(r, 0, sizeof *r);
	r->ngroups = 1;
}

void ac_resources_from_vec(ac_resources *r, const ac_vec *v)
{
	/* only what the invariant lets a reader see: the offer path makes one
	 * of these per accept, decline with a filter and task end, where
	 * zeroing all groups' 800 bytes showed in the profiles */
	r->ngroups = 1;
	r->group[0].role = 0;
	r->group[0].nports = 0;
	r->group[0].amount = *v;
}

static bool group_empty(const ac_group *g)
{
	return g->nports == 0 && ac_vec_is_zero(&g->amount);
}

bool ac_resources_empty(const ac_resources *r)
{
	for (uint32_t i = 0; i < r->ngroups; i++)
		if (!group_empty(&r->group[i]))
			return false;
	return true;
}

/* The group of `role` in r, or NULL. */
static const ac_group *group_find(const ac_resources *r, uint32_t role)
{
	for (uint32_t i = 0; i < r->ngroups; i++)
		if (r->group[i].role == role)
			return &r->group[i];
	return NULL;
}

/* true when every port of b lies in a. Both lists are sorted and disjoint, and
 * a's ranges are non-adjacent, so each range of b must fit inside one range of
 * a: one forward walk over both decides it. */
static bool ports_subset(const ac_group *a, const ac_group *b)
{
	uint32_t i = 0;
	for (uint32_t j = 0; j < b->nports; j++) {
		while (i < a->nports && a->ports[i].end < b->ports[j].begin)
			i++;
		if (i == a->nports || a->ports[i].begin > b->ports[j].begin || a->ports[i].end < b->ports[j].end)
			return false;
	}
	return true;
}

bool ac_resources_contains(const ac_resources *a, const ac_resources *b)
{
	for (uint32_t j = 0; j < b->ngroups; j++) {
		const ac_group *gb = &b->group[j];
		if (group_empty(gb))
			continue;
		const ac_group *ga = group_find(a, gb->role);
		if (!ga || !ac_vec_fits(&gb->amount, &ga->amount) || !ports_subset(ga, gb))
			return false;
	}
	return true;
}

/* Appends [begin, end] to a sorted list being built in increasing order,
 * merging it into the last range when they overlap or touch. */
static int range_append(ac_group *g, uint32_t begin, uint32_t end)
{
	if (g->nports > 0) {
		ac_range *last = &g->ports[g->nports - 1];
		if ((uint64_t)last->end + 1 >= begin) {
			if (end > last->end)
				last->end = end;
			return AC_OK;
		}
	}
	if (g->nports == AC_MAX_RANGES)
		return AC_ENOSPC;
	g->ports[g->nports].begin = begin;
	g->ports[g->nports].end = end;
	g->nports++;
	return AC_OK;
}

/* out = a ∪ b for port lists, coalescing overlapping and adjacent ranges. */
static int ports_union(ac_group *out, const ac_group *a, const ac_group *b)
{
	uint32_t i = 0, j = 0;
	out->nports = 0;
	while (i < a->nports || j < b->nports) {
		const ac_range *next;
		if (j == b->nports || (i < a->nports && a->ports[i].begin <= b->ports[j].begin))
			next = &a->ports[i++];
		else
			next = &b->ports[j++];
		int rc = range_append(out, next->begin, next->end);
		if (rc)
			return rc;
	}
	return AC_OK;
}

/* out = a + b for one role's group; either side may be NULL (absent). */
static int group_add(ac_group *out, uint32_t role, const ac_group *a, const ac_group *b)
{
	static const ac_group none;
	if (!a)
		a = &none;
	if (!b)
		b = &none;
	out->role = role;
	for (int k = 0; k < AC_KINDS; k++)
		if (__builtin_add_overflow(a->amount.v[k], b->amount.v[k], &out->amount.v[k]))
			return AC_ERANGE;
	return ports_union(out, a, b);
}

int ac_resources_add(ac_resources *a, const ac_resources *b)
{
	ac_resources sum;
	uint32_t i = 1, j = 1;
	int rc;

	assert(a->ngroups >= 1 && a->group[0].role == 0);
	assert(b->ngroups >= 1 && b->group[0].role == 0);
	ac_resources_init(&sum);
	rc = group_add(&sum.group[0], 0, &a->group[0], &b->group[0]);
	if (rc)
		return rc;
	/* Merge the reserved groups, both sorted by role id. */
	while (i < a->ngroups || j < b->ngroups) {
		const ac_group *ga = NULL, *gb = NULL;
		if (j == b->ngroups || (i < a->ngroups && a->group[i].role < b->group[j].role)) {
			ga = &a->group[i++];
		} else if (i == a->ngroups || b->group[j].role < a->group[i].role) {
			gb = &b->group[j++];
		} else {
			ga = &a->group[i++];
			gb = &b->group[j++];
		}
		ac_group g = {0};
		rc = group_add(&g, ga ? ga->role : gb->role, ga, gb);
		if (rc)
			return rc;
		if (group_empty(&g))
			continue;
		if (sum.ngroups == AC_MAX_GROUPS)
			return AC_ENOSPC;
		sum.group[sum.ngroups++] = g;
	}
	*a = sum;
	return AC_OK;
}

/* out = a's ports minus b's ports, where b's are a subset of a's: each range
 * of b then lies inside one range of a, and both lists are sorted. */
static int ports_diff(ac_group *out, const ac_group *a, const ac_group *b)
{
	uint32_t j = 0;
	int rc;
	out->nports = 0;
	for (uint32_t i = 0; i < a->nports; i++) {
		uint64_t cur = a->ports[i].begin, end = a->ports[i].end;
		for (; j < b->nports && b->ports[j].begin <= end; j++) {
			assert(b->ports[j].begin >= cur && b->ports[j].end <= end);
			if (b->ports[j].begin > cur && (rc = range_append(out, (uint32_t)cur, b->ports[j].begin - 1)))
				return rc;
			cur = (uint64_t)b->ports[j].end + 1;
		}
		if (cur <= end && (rc = range_append(out, (uint32_t)cur, (uint32_t)end)))
			return rc;
	}
	return AC_OK;
}

int ac_resources_sub(ac_resources *a, const ac_resources *b)
{
	ac_resources diff;

	if (!ac_resources_contains(a, b))
		return AC_EINVAL;
	ac_resources_init(&diff);
	diff.ngroups = 0;
	for (uint32_t i = 0; i < a->ngroups; i++) {
		const ac_group *ga = &a->group[i];
		const ac_group *gb = group_find(b, ga->role);
		ac_group g = *ga;
		if (gb) {
			/* Containment bounds each difference to [0, a]. */
			ac_vec_sub(&g.amount, &gb->amount);
			memset(g.ports, 0, sizeof g.ports);
			int rc = ports_diff(&g, ga, gb);
			if (rc)
				return rc;
		}
		/* Group 0 stays even when empty; reserved groups go. */
		if (i == 0 || !group_empty(&g))
			diff.group[diff.ngroups++] = g;
	}
	*a = diff;
	return AC_OK;
}

void ac_resources_scalars(const ac_resources *r, ac_vec *out)
{
	ac_vec_zero(out);
	/* Each group's amounts fit in int64 but their sum may not: saturate
	 * rather than wrap, so a huge set never reads as a small one. */
	for (uint32_t i = 0; i < r->ngroups; i++)
		for (int k = 0; k < AC_KINDS; k++)
			if (__builtin_add_overflow(out->v[k], r->group[i].amount.v[k], &out->v[k]))
				out->v[k] = r->group[i].amount.v[k] > 0 ? INT64_MAX : INT64_MIN;
}

bool ac_resources_equal(const ac_resources *a, const ac_resources *b)
{
	return ac_resources_contains(a, b) && ac_resources_contains(b, a);
}

int ac_resources_unreserved(const ac_resources *r, ac_resources *out)
{
	ac_resources_init(out);
	for (uint32_t g = 0; g < r->ngroups; g++) {
		ac_resources one;
		ac_resources_init(&one);
		one.group[0] = r->group[g];
		one.group[0].role = 0;
		int rc = ac_resources_add(out, &one);
		if (rc)
			return rc;
	}
	return 0;
}

uint64_t ac_resources_port_count(const ac_resources *r)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < r->ngroups; i++)
		for (uint32_t j = 0; j < r->group[i].nports; j++)
			n += (uint64_t)r->group[i].ports[j].end - r->group[i].ports[j].begin + 1;
	return n;
}
