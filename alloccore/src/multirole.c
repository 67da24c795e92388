/*
 * multirole.c — multi-role frameworks (ac_mfw_*, Mesos's MULTI_ROLE): a
 * framework subscribed to several roles is one core framework per role, as
 * Mesos puts a framework in each of its roles' sorters. This file keeps the
 * mapping (framework -> its roles' core frameworks, and back) and the rule
 * for a dropped role that still holds resources (it stays, "removing",
 * until they are recovered). The top layer: above the entry points, it
 * calls their public functions and reads only whether a framework holds
 * anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hmap.h"
#include "multirole.h"
#include "names.h"
#include "pool.h"
#include "roles.h"
#include "state.h"

/* One role of a framework: its core framework, and whether it was dropped
 * (removing) while holding resources. */
typedef struct mrole {
	ac_fw_id fid;
	bool removing;
} mrole;

/* A multi-role framework. roles[0 .. nroles) are the subscribed roles in
 * the caller's order, then nremoving removing ones. */
typedef struct mfw {
	char *name;
	uint64_t tag;
	double weight;
	int32_t priority;
	bool active;
	bool named; /* its first core framework was made: later ones are NAME#ROLE */
	mrole *roles;
	uint32_t nroles, nremoving, cap;
} mfw;

struct ac__mfws {
	pool recs;  /* of mfw */
	hmap by_fw; /* core framework handle -> mfw slot */
};

static mfw *rec(const ac_core *c, uint32_t s)
{
	return ac__pool_at(&c->mfws->recs, s);
}

/* The tables, made on first use. 0 or AC_ENOMEM. */
static int tables(ac_core *c)
{
	if (c->mfws)
		return 0;
	struct ac__mfws *t = calloc(1, sizeof *t);
	if (!t)
		return AC_ENOMEM;
	ac__pool_init(&t->recs, sizeof(mfw));
	if (ac__hmap_init(&t->by_fw, 16)) {
		free(t);
		return AC_ENOMEM;
	}
	c->mfws = t;
	return 0;
}

static int resolve(const ac_core *c, ac_mfw_id id, uint32_t *s, ac_err *err)
{
	if (!c->mfws)
		return ac__fail(err, AC_ENOENT, "unknown framework");
	return ac__pool_resolve(&c->mfws->recs, id, "framework", s, err);
}

static const char *role_name(const ac_core *c, ac_fw_id fid)
{
	uint32_t f = ac__pool_slot(&c->fws, fid);
	return f ? ROLE(c, FW(c, f)->role)->name : "";
}

static bool holds_nothing(const ac_core *c, ac_fw_id fid)
{
	uint32_t f = ac__pool_slot(&c->fws, fid);
	return !f || !FW(c, f)->allocs_head;
}

/* Index of role `name` among the framework's roles, or -1. */
static int64_t role_index(const ac_core *c, const mfw *m, const char *name)
{
	for (uint32_t i = 0; i < m->nroles + m->nremoving; i++)
		if (strcmp(role_name(c, m->roles[i].fid), name) == 0)
			return i;
	return -1;
}

/* Checks roles[0..n): valid names, none twice. */
static int roles_check(const char *const *roles, size_t n, ac_err *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!roles[i])
			return ac__fail(err, AC_EINVAL, "role %zu is missing", i);
		int rc = ac__role_name_check(roles[i], strlen(roles[i]), err);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(roles[i], roles[j]) == 0)
				return ac__fail(err, AC_EINVAL, "role %s is named twice", roles[i]);
	}
	return 0;
}

/* Room for `need` roles in m. 0 or AC_ENOMEM. */
static int roles_room(mfw *m, uint32_t need)
{
	if (need <= m->cap)
		return 0;
	uint32_t cap = need < 4 ? 4 : need;
	mrole *r = realloc(m->roles, cap * sizeof *r);
	if (!r)
		return AC_ENOMEM;
	m->roles = r;
	m->cap = cap;
	return 0;
}

/* Makes the core framework of role `rname` for framework slot s: named as
 * the framework if it is its first, NAME#ROLE otherwise; inactive unless
 * `active`; with the framework's tag; in the reverse map. */
static int role_fw_add(ac_core *c, uint32_t s, const char *rname, bool active, ac_fw_id *out, ac_err *err)
{
	mfw *m = rec(c, s);
	size_t len = strlen(m->name) + strlen(rname) + 2;
	char *name = malloc(len);
	if (!name)
		return ac__fail(err, AC_ENOMEM, "out of memory");
	snprintf(name, len, m->named ? "%s#%s" : "%s", m->name, rname);
	ac_fw_opts opts = {.role = rname, .weight = m->weight, .priority = m->priority};
	ac_fw_id fid;
	int rc = ac_fw_add(c, name, &opts, &fid, err);
	free(name);
	if (rc)
		return rc;
	if (ac__hmap_put(&c->mfws->by_fw, fid, s)) {
		ac_fw_remove(c, fid, NULL);
		return ac__fail(err, AC_ENOMEM, "out of memory");
	}
	ac_fw_set_tag(c, fid, m->tag, NULL);
	if (!active)
		ac_fw_deactivate(c, fid, NULL);
	m->named = true;
	*out = fid;
	return 0;
}

static void role_fw_remove(ac_core *c, ac_fw_id fid)
{
	ac__hmap_del(&c->mfws->by_fw, fid);
	ac_fw_remove(c, fid, NULL);
}

/* Removes role i of m (a removing one that holds nothing), keeping order. */
static void role_drop(ac_core *c, mfw *m, uint32_t i)
{
	role_fw_remove(c, m->roles[i].fid);
	uint32_t n = m->nroles + m->nremoving;
	memmove(&m->roles[i], &m->roles[i + 1], (n - i - 1) * sizeof *m->roles);
	if (i < m->nroles)
		m->nroles--;
	else
		m->nremoving--;
}

static int prune(ac_core *c, mfw *m)
{
	int gone = 0;
	for (uint32_t i = m->nroles; i < m->nroles + m->nremoving;)
		if (holds_nothing(c, m->roles[i].fid)) {
			role_drop(c, m, i);
			gone++;
		} else {
			i++;
		}
	return gone;
}

int ac_mfw_add(ac_core *c, const char *name, const char *const *roles, size_t n, const ac_fw_opts *opts, ac_mfw_id *out,
               ac_err *err)
{
	int rc = ac__name_check("framework", name, err);
	if (rc || (rc = roles_check(roles, n, err)))
		return rc;
	if (n > UINT32_MAX / 2)
		return ac__fail(err, AC_ERANGE, "too many roles");
	if (tables(c))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	uint32_t s;
	if (ac__pool_alloc(&c->mfws->recs, &s))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	mfw *m = rec(c, s);
	m->name = ac__str_dup(name);
	m->weight = opts ? opts->weight : 0;
	m->priority = opts ? opts->priority : 0;
	m->active = true;
	if (!m->name || roles_room(m, (uint32_t)n)) {
		free(m->name);
		free(m->roles);
		ac__pool_release(&c->mfws->recs, s);
		return ac__fail(err, AC_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		ac_fw_id fid;
		if ((rc = role_fw_add(c, s, roles[i], true, &fid, err))) {
			m = rec(c, s);
			while (m->nroles)
				role_fw_remove(c, m->roles[--m->nroles].fid);
			free(m->name);
			free(m->roles);
			ac__pool_release(&c->mfws->recs, s);
			return rc;
		}
		m = rec(c, s);
		m->roles[m->nroles++] = (mrole){.fid = fid};
	}
	if (out)
		*out = ac__pool_handle(&c->mfws->recs, s);
	return 0;
}

int ac_mfw_remove(ac_core *c, ac_mfw_id id, ac_err *err)
{
	uint32_t s;
	int rc = resolve(c, id, &s, err);
	if (rc)
		return rc;
	mfw *m = rec(c, s);
	for (uint32_t i = 0; i < m->nroles + m->nremoving; i++)
		role_fw_remove(c, m->roles[i].fid);
	free(m->name);
	free(m->roles);
	ac__pool_release(&c->mfws->recs, s);
	return 0;
}

int ac_mfw_update(ac_core *c, ac_mfw_id id, const char *const *roles, size_t n, ac_err *err)
{
	uint32_t s;
	int rc = resolve(c, id, &s, err);
	if (rc || (rc = roles_check(roles, n, err)))
		return rc;
	if (n == 0)
		return ac__fail(err, AC_EINVAL, "a framework needs at least one role");
	mfw *m = rec(c, s);
	uint32_t old = m->nroles + m->nremoving;
	if (n > UINT32_MAX / 2)
		return ac__fail(err, AC_ERANGE, "too many roles");
	/* The new list is built beside the old one: the named roles, then the
	 * removing ones; at most n + old entries. */
	mrole *next = calloc(n + old, sizeof *next);
	uint8_t *kept = calloc(old ? old : 1, 1);
	uint8_t *made = calloc(n, 1);
	if (!next || !kept || !made || roles_room(m, (uint32_t)(n + old))) {
		free(next), free(kept), free(made);
		return ac__fail(err, AC_ENOMEM, "out of memory");
	}
	for (size_t j = 0; j < n && !rc; j++) {
		int64_t i = role_index(c, m, roles[j]);
		if (i >= 0) {
			next[j] = (mrole){.fid = m->roles[i].fid};
			kept[i] = 1;
		} else if (!(rc = role_fw_add(c, s, roles[j], m->active, &next[j].fid, err))) {
			made[j] = 1;
		}
		m = rec(c, s);
	}
	if (rc) { /* nothing else changed yet */
		for (size_t j = 0; j < n; j++)
			if (made[j])
				role_fw_remove(c, next[j].fid);
		if (!m->nroles && !m->nremoving) /* its first may be made again */
			m->named = false;
		free(next), free(kept), free(made);
		return rc;
	}
	uint32_t k = (uint32_t)n;
	for (uint32_t i = 0; i < old; i++) {
		mrole r = m->roles[i];
		if (kept[i]) {
			if (r.removing && m->active) /* named again */
				ac_fw_activate(c, r.fid, NULL);
		} else if (r.removing || !holds_nothing(c, r.fid)) {
			if (!r.removing)
				ac_fw_deactivate(c, r.fid, NULL); /* its offers go; what it holds stays */
			next[k++] = (mrole){.fid = r.fid, .removing = true};
		} else {
			role_fw_remove(c, r.fid);
		}
	}
	memcpy(m->roles, next, k * sizeof *next);
	m->nroles = (uint32_t)n;
	m->nremoving = k - (uint32_t)n;
	prune(c, m);
	free(next), free(kept), free(made);
	return 0;
}

/* (De)activates the subscribed roles; removing ones stay inactive. */
static int set_active(ac_core *c, ac_mfw_id id, bool active, ac_err *err)
{
	uint32_t s;
	int rc = resolve(c, id, &s, err);
	if (rc)
		return rc;
	mfw *m = rec(c, s);
	m->active = active;
	for (uint32_t i = 0; i < m->nroles; i++)
		(active ? ac_fw_activate : ac_fw_deactivate)(c, m->roles[i].fid, NULL);
	return 0;
}

int ac_mfw_deactivate(ac_core *c, ac_mfw_id id, ac_err *err)
{
	return set_active(c, id, false, err);
}

int ac_mfw_activate(ac_core *c, ac_mfw_id id, ac_err *err)
{
	return set_active(c, id, true, err);
}

/* Suppresses or revives the named subscribed roles (all when n == 0),
 * after checking every name. */
static int suppress(ac_core *c, ac_mfw_id id, const char *const *roles, size_t n, bool on, ac_err *err)
{
	uint32_t s;
	int rc = resolve(c, id, &s, err);
	if (rc)
		return rc;
	const mfw *m = rec(c, s);
	for (size_t j = 0; j < n; j++) {
		int64_t i = roles[j] ? role_index(c, m, roles[j]) : -1;
		if (i < 0 || m->roles[i].removing)
			return ac__fail(err, AC_ENOENT, "%s is not a role framework %s is subscribed to",
			                roles[j] ? roles[j] : "(null)", m->name);
	}
	for (uint32_t i = 0; i < m->nroles; i++) {
		if (n) {
			const char *r = role_name(c, m->roles[i].fid);
			size_t j = 0;
			while (j < n && strcmp(roles[j], r) != 0)
				j++;
			if (j == n)
				continue;
		}
		if (on)
			ac_fw_suppress(c, m->roles[i].fid, NULL);
		else
			ac_fw_revive(c, m->roles[i].fid, NULL);
	}
	return 0;
}

int ac_mfw_suppress(ac_core *c, ac_mfw_id id, const char *const *roles, size_t n, ac_err *err)
{
	return suppress(c, id, roles, n, true, err);
}

int ac_mfw_revive(ac_core *c, ac_mfw_id id, const char *const *roles, size_t n, ac_err *err)
{
	return suppress(c, id, roles, n, false, err);
}

int ac_mfw_set_tag(ac_core *c, ac_mfw_id id, uint64_t tag, ac_err *err)
{
	uint32_t s;
	int rc = resolve(c, id, &s, err);
	if (rc)
		return rc;
	mfw *m = rec(c, s);
	m->tag = tag;
	for (uint32_t i = 0; i < m->nroles + m->nremoving; i++)
		ac_fw_set_tag(c, m->roles[i].fid, tag, NULL);
	return 0;
}

int ac_mfw_recover(ac_core *c, ac_fw_id fid, ac_agent_id aid, const ac_resources *res, bool *gone, ac_err *err)
{
	int rc = ac_recover(c, fid, aid, res, err);
	if (gone)
		*gone = false;
	if (rc || !c->mfws || !holds_nothing(c, fid))
		return rc;
	const uint32_t *s = ac__hmap_get(&c->mfws->by_fw, fid);
	if (!s)
		return 0;
	mfw *m = rec(c, *s);
	int64_t i = role_index(c, m, role_name(c, fid));
	if (i >= 0 && m->roles[i].removing) {
		role_drop(c, m, (uint32_t)i);
		if (gone)
			*gone = true;
	}
	return 0;
}

int ac_mfw_prune(ac_core *c, ac_mfw_id id, ac_err *err)
{
	uint32_t s;
	int rc = resolve(c, id, &s, err);
	return rc ? rc : prune(c, rec(c, s));
}

int ac_mfw_restore(ac_core *c, ac_mfw_id id, const char *rname, ac_agent_id aid, const ac_resources *res, ac_fw_id *out,
                   ac_err *err)
{
	uint32_t s;
	int rc = resolve(c, id, &s, err);
	if (rc || (rc = roles_check(&rname, 1, err)))
		return rc;
	mfw *m = rec(c, s);
	int64_t i = role_index(c, m, rname);
	ac_fw_id fid;
	if (i >= 0) {
		fid = m->roles[i].fid;
		if ((rc = ac_allocation_restore(c, fid, aid, res, err)))
			return rc;
	} else {
		bool was_named = m->named;
		if (roles_room(m, m->nroles + m->nremoving + 1))
			return ac__fail(err, AC_ENOMEM, "out of memory");
		if ((rc = role_fw_add(c, s, rname, false, &fid, err)))
			return rc;
		if ((rc = ac_allocation_restore(c, fid, aid, res, err))) {
			role_fw_remove(c, fid);
			rec(c, s)->named = was_named;
			return rc;
		}
		m = rec(c, s);
		m->roles[m->nroles + m->nremoving++] = (mrole){.fid = fid, .removing = true};
	}
	if (out)
		*out = fid;
	return 0;
}

int ac_mfw_info_get(const ac_core *c, ac_mfw_id id, ac_mfw_info *out, ac_err *err)
{
	uint32_t s;
	int rc = resolve(c, id, &s, err);
	if (rc)
		return rc;
	const mfw *m = rec(c, s);
	*out = (ac_mfw_info){
	        .name = m->name, .tag = m->tag, .active = m->active, .nroles = m->nroles, .nremoving = m->nremoving};
	return 0;
}

const char *ac_mfw_role_at(const ac_core *c, ac_mfw_id id, size_t i, ac_fw_id *fid, bool *removing)
{
	uint32_t s;
	if (resolve(c, id, &s, NULL))
		return NULL;
	const mfw *m = rec(c, s);
	if (i >= (size_t)m->nroles + m->nremoving)
		return NULL;
	if (fid)
		*fid = m->roles[i].fid;
	if (removing)
		*removing = m->roles[i].removing;
	return role_name(c, m->roles[i].fid);
}

ac_fw_id ac_mfw_role_fw(const ac_core *c, ac_mfw_id id, const char *rname)
{
	uint32_t s;
	if (!rname || resolve(c, id, &s, NULL))
		return 0;
	const mfw *m = rec(c, s);
	int64_t i = role_index(c, m, rname);
	return i < 0 ? 0 : m->roles[i].fid;
}

ac_mfw_id ac_mfw_of(const ac_core *c, ac_fw_id fid, const char **rname)
{
	const uint32_t *s = c->mfws ? ac__hmap_get(&c->mfws->by_fw, fid) : NULL;
	if (!s || !ac__pool_slot(&c->fws, fid))
		return 0;
	if (rname)
		*rname = role_name(c, fid);
	return ac__pool_handle(&c->mfws->recs, *s);
}

void ac__mfws_free(ac_core *c)
{
	struct ac__mfws *t = c->mfws;
	if (!t)
		return;
	for (uint32_t s = 1; s < t->recs.n; s++)
		if (ac__pool_live(&t->recs, s)) {
			free(rec(c, s)->name);
			free(rec(c, s)->roles);
		}
	ac__pool_fini(&t->recs);
	ac__hmap_fini(&t->by_fw);
	free(t);
	c->mfws = NULL;
}

size_t ac__mfws_bytes(const ac_core *c)
{
	const struct ac__mfws *t = c->mfws;
	if (!t)
		return 0;
	size_t n = sizeof *t + ac__hmap_bytes(&t->by_fw) + (size_t)t->recs.cap * (sizeof(mfw) + 2 * sizeof(uint32_t));
	for (uint32_t s = 1; s < t->recs.n; s++)
		if (ac__pool_live(&t->recs, s))
			n += strlen(rec(c, s)->name) + 1 + rec(c, s)->cap * sizeof(mrole);
	return n;
}
