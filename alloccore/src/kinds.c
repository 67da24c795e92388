/*
 * kinds.c — the scalar kind names of a core (kinds.h).
 */
#include "kinds.h"

#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "state.h"

static const char *const fixed_kinds[AC_FIXED_KINDS] = {"cpus", "mem", "disk", "gpus"};

int ac__kinds_init(ac_core *c)
{
	for (int i = 0; i < AC_FIXED_KINDS; i++) {
		int k, rc = ac__kind_add(c, fixed_kinds[i], strlen(fixed_kinds[i]), &k);
		if (rc)
			return rc;
	}
	return 0;
}

void ac__kinds_fini(ac_core *c)
{
	for (int k = 0; k < c->nkinds; k++)
		free(c->kind_names[k]);
	c->nkinds = 0;
	c->wide = false;
	c->view.nkinds = 0;
	ac_vec_zero(&c->kind_bound);
}

int ac__kind_find(const ac_core *c, const char *name, size_t len)
{
	for (int k = 0; k < c->nkinds; k++)
		if (strlen(c->kind_names[k]) == len && memcmp(c->kind_names[k], name, len) == 0)
			return k;
	return -1;
}

int ac__kind_count(const ac_core *c)
{
	return c->nkinds;
}

/* The first kind past the fixed ones makes the core wide: the records
 * whose sums are split (vec.h) get their twins, lanes 4..7 zero, as they
 * are in every vector the core holds while narrow. All or nothing. */
static int widen(ac_core *c)
{
	struct {
		pool *p;
		uint32_t size;
	} twins[] = {{&c->agents, sizeof(agent_hi)},
	             {&c->allocs, sizeof(alloc_hi)},
	             {&c->fws, sizeof(fw_hi)},
	             {&c->batches, sizeof(batch_hi)}};
	size_t n = sizeof twins / sizeof *twins;
	for (size_t i = 0; i < n; i++)
		if (ac__pool_twin_on(twins[i].p, twins[i].size)) {
			while (i--)
				ac__pool_twin_off(twins[i].p);
			return AC_ENOMEM;
		}
	return 0;
}

int ac__kind_add(ac_core *c, const char *name, size_t len, int *k)
{
	if (c->nkinds >= AC_KINDS)
		return AC_ENOSPC;
	char *s = ac__str_dup_n(name, len);
	if (!s)
		return AC_ENOMEM;
	if (c->nkinds == AC_FIXED_KINDS && widen(c)) {
		free(s);
		return AC_ENOMEM;
	}
	c->kind_names[c->nkinds] = s;
	c->kind_bound.v[c->nkinds] = AC_AMOUNT_MAX_UNITS * AC_MILLI;
	*k = c->nkinds++;
	c->wide = c->nkinds > AC_FIXED_KINDS;
	c->view.nkinds = c->nkinds;
	return 0;
}

const char *ac_kind_name(const ac_core *c, int k)
{
	return k >= 0 && k < c->nkinds ? c->kind_names[k] : NULL;
}
