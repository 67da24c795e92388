/*
 * master_quota.c — quota and weights per role, as operators set them
 * (UPDATE_QUOTA, UPDATE_WEIGHTS, /quota, /weights): checked as Mesos 1.11
 * checks them, applied to alloccore at once (ac_role_set_quota,
 * ac_role_set_weight) with the outstanding offers rescinded so the next
 * pass follows them, and saved to the registry. Also the views of them
 * (GET_QUOTA, GET_WEIGHTS, GET_ROLES).
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "rt_resources.h"

typedef Mesos__V1__Quota__QuotaConfig QuotaConfig;

m_roleconf *master_roleconf_find(master *m, const char *role)
{
	m_roleconf *r;
	HASH_FIND_STR(m->roleconfs, role, r);
	return r;
}

static m_roleconf *roleconf_get(master *m, const char *role)
{
	m_roleconf *r = master_roleconf_find(m, role);
	if (!r) {
		r = rt_xcalloc(1, sizeof *r);
		r->role = rt_xstrdup(role);
		HASH_ADD_KEYPTR(hh, m->roleconfs, r->role, strlen(r->role), r);
	}
	return r;
}

static void roleconf_drop_if_empty(master *m, m_roleconf *r)
{
	if (r->weight > 0 || r->quota)
		return;
	HASH_DELETE(hh, m->roleconfs, r);
	free(r->role);
	free(r);
}

static int by_role(const m_roleconf *a, const m_roleconf *b)
{
	return strcmp(a->role, b->role);
}

void master_roleconfs_sort(master *m)
{
	HASH_SRT(hh, m->roleconfs, by_role);
}

void master_roleconfs_free(master *m)
{
	m_roleconf *r, *tmp;
	HASH_ITER(hh, m->roleconfs, r, tmp)
	{
		HASH_DELETE(hh, m->roleconfs, r);
		if (r->quota)
			mesos__v1__quota__quota_config__free_unpacked(r->quota, NULL);
		free(r->role);
		free(r);
	}
}

/* Mesos's roles::validate, as far as our roles go: the core's rules (no
 * empty or "." components, no spaces or control bytes), and no "*". */
static int role_check(master *m, const char *role, const char *what, char *msg, size_t len)
{
	ac_err err;
	if (!role || !*role) {
		snprintf(msg, len, "%s: Empty role name is invalid", what);
		return 400;
	}
	if (strcmp(role, "*") == 0) {
		snprintf(msg, len, "%s: Role '*' cannot be used", what);
		return 400;
	}
	if (ac_role_intern(m->core, role, &err) < 0) {
		snprintf(msg, len, "%s: Role '%.100s': %s", what, role, err.msg);
		return 400;
	}
	return 0;
}

/* Every outstanding offer goes back, so that the next pass follows the new
 * quota or weights (Mesos rescinds for them too); a pass follows soon. */
static void rescind_all(master *m)
{
	for (m_agent *a = m->agents; a; a = a->next) {
		if (!a->offers || a->deactivated)
			continue;
		ac_agent_deactivate(m->core, a->ac, NULL);
		ac_agent_activate(m->core, a->ac, NULL);
	}
	master_allocate_soon(m);
}

/* ------------------------------------------------------------------ quota */

typedef Mesos__V1__Quota__QuotaConfig__GuaranteesEntry Entry;

/* A buffer's text ("" when nothing was written). */
static const char *buf_str(const rt_buf *b)
{
	return b->data ? (const char *)b->data : "";
}

/* "{'cpus': 1, 'mem': 512}" of a map, as Mesos prints one. */
static void map_text(rt_buf *b, Entry *const *e, size_t n)
{
	rt_buf_printf(b, "{");
	for (size_t i = 0; i < n; i++)
		rt_buf_printf(b, "%s'%s': %g", i ? ", " : "", e[i]->key, e[i]->value ? e[i]->value->value : 0);
	rt_buf_printf(b, "}");
}

/* The map as alloccore's resource text "cpus:1;mem:512". */
static void map_resources(rt_buf *b, Entry *const *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rt_buf_printf(b, "%s%s:%.3f", i ? ";" : "", e[i]->key, e[i]->value ? e[i]->value->value : 0);
}

static double map_get(Entry *const *e, size_t n, const char *key, bool *found)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i]->key, key) == 0) {
			*found = true;
			return e[i]->value ? e[i]->value->value : 0;
		}
	*found = false;
	return 0;
}

/* A vector of the core's scalars as "cpus:1; mem:512". */
static void vec_text(master *m, rt_buf *b, const ac_vec *v)
{
	bool first = true;
	for (int k = 0; k < AC_KINDS; k++) {
		const char *name = ac_kind_name(m->core, k);
		if (!name || v->v[k] == 0)
			continue;
		rt_buf_printf(b, "%s%s:%g", first ? "" : "; ", name, (double)v->v[k] / 1000.0);
		first = false;
	}
}

static int map_values_check(Entry *const *e, size_t n, const char *which, char *msg, size_t len)
{
	/* Mesos's bounds: 1 exabyte (in MB) for mem and disk, 1 trillion else. */
	const double exabyte_mb = 1024.0 * 1024 * 1024 * 1024, other = 1e12;
	for (size_t i = 0; i < n; i++) {
		double v = e[i]->value ? e[i]->value->value : NAN;
		bool big = strcmp(e[i]->key, "mem") == 0 || strcmp(e[i]->key, "disk") == 0;
		if (!isfinite(v) || v < 0) {
			snprintf(msg, len, "Invalid QuotaConfig: Invalid %s configuration {'%.60s': %g}: %s",
			         strcmp(which, "guarantees") == 0 ? "guarantee" : "limit", e[i]->key, v,
			         isfinite(v) ? "Negative values not supported"
			                     : "Infinite or NaN values not supported");
			return 400;
		}
		if (v > (big ? exabyte_mb : other)) {
			snprintf(msg, len,
			         "Invalid QuotaConfig: Invalid 'QuotaConfig.%s': {'%.60s': %g} is invalid: values "
			         "greater than %s are not supported",
			         which, e[i]->key, v, big ? "1 exabyte (1099511627776)" : "1 trillion (1000000000000)");
			return 400;
		}
	}
	return 0;
}

static int config_check(master *m, const QuotaConfig *c, bool force, char *msg, size_t len)
{
	char what[160];
	snprintf(what, sizeof what, "Invalid QuotaConfig: Invalid 'QuotaConfig.role'");
	int rc = role_check(m, c->role, what, msg, len);
	if (rc)
		return rc;
	if (strchr(c->role, '/')) {
		snprintf(msg, len, "Updating quota on nested role '%.100s' is not supported yet", c->role);
		return 400;
	}
	Entry *const *g = (Entry *const *)c->guarantees;
	Entry *const *l = (Entry *const *)c->limits;
	if ((rc = map_values_check(g, c->n_guarantees, "guarantees", msg, len)) ||
	    (rc = map_values_check(l, c->n_limits, "limits", msg, len)))
		return rc;
	/* Guarantees within limits: a name without a limit is unlimited. */
	for (size_t i = 0; i < c->n_guarantees; i++) {
		bool found;
		double lim = map_get(l, c->n_limits, g[i]->key, &found);
		if (found && g[i]->value && g[i]->value->value > lim) {
			rt_buf gt, lt;
			rt_buf_init(&gt);
			rt_buf_init(&lt);
			map_text(&gt, g, c->n_guarantees);
			map_text(&lt, l, c->n_limits);
			snprintf(msg, len,
			         "Invalid QuotaConfig: 'QuotaConfig.guarantees' %.200s is not contained within the "
			         "'QuotaConfig.limits' %.200s",
			         buf_str(&gt), buf_str(&lt));
			rt_buf_free(&gt);
			rt_buf_free(&lt);
			return 400;
		}
	}
	/* A limit below what the role already consumes needs force. Mesos's
	 * consumption is what is allocated (not offered: outstanding offers
	 * are rescinded by the update) plus unallocated reservations. */
	ac_role_info info;
	if (!force && ac_role_info_get(m->core, c->role, &info, NULL) == 0) {
		ac_vec_sub(&info.consumed, &info.offered);
		ac_vec_clamp0(&info.consumed);
		for (size_t i = 0; i < c->n_limits; i++) {
			for (int k = 0; k < AC_KINDS; k++) {
				const char *name = ac_kind_name(m->core, k);
				if (!name || strcmp(name, l[i]->key) != 0)
					continue;
				if ((double)info.consumed.v[k] / 1000.0 > l[i]->value->value + 1e-9) {
					rt_buf ct, lt;
					rt_buf_init(&ct);
					rt_buf_init(&lt);
					vec_text(m, &ct, &info.consumed);
					map_text(&lt, l, c->n_limits);
					snprintf(msg, len,
					         "Invalid QuotaConfig: Role '%.100s' is already consuming '%.200s'; "
					         "this "
					         "is more than the requested limits '%.200s' (use 'force' flag to "
					         "bypass "
					         "this check)",
					         c->role, buf_str(&ct), buf_str(&lt));
					rt_buf_free(&ct);
					rt_buf_free(&lt);
					return 400;
				}
			}
		}
	}
	return 0;
}

/* Parses a config into the core's quota (the checks passed). */
static int config_quota(master *m, const QuotaConfig *c, ac_quota *q, char *msg, size_t len)
{
	rt_buf g, l;
	rt_buf_init(&g);
	rt_buf_init(&l);
	map_resources(&g, (Entry *const *)c->guarantees, c->n_guarantees);
	map_resources(&l, (Entry *const *)c->limits, c->n_limits);
	rt_buf_append(&g, "", 1);
	rt_buf_append(&l, "", 1);
	ac_err err;
	int rc = ac_quota_parse(m->core, (const char *)g.data, c->n_limits ? (const char *)l.data : NULL, q, &err);
	rt_buf_free(&g);
	rt_buf_free(&l);
	if (rc != 0) {
		snprintf(msg, len, "Invalid QuotaConfig: role '%.100s': %s", c->role, err.msg);
		return 400;
	}
	return 0;
}

static QuotaConfig *config_copy(const QuotaConfig *c)
{
	size_t n = mesos__v1__quota__quota_config__get_packed_size(c);
	uint8_t *bytes = rt_xmalloc(n ? n : 1);
	mesos__v1__quota__quota_config__pack(c, bytes);
	QuotaConfig *copy = mesos__v1__quota__quota_config__unpack(NULL, n, bytes);
	free(bytes);
	return copy;
}

int master_quota_update(master *m, QuotaConfig *const *configs, size_t n, bool force, char *msg, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		int rc = config_check(m, configs[i], force, msg, len);
		if (rc)
			return rc;
	}
	ac_quota *q = rt_xcalloc(n ? n : 1, sizeof *q);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		rc = config_quota(m, configs[i], &q[i], msg, len);
	if (!rc && !force) {
		/* The guarantees of every role after the update within the
		 * cluster's capacity (every registered agent, connected or not). */
		ac_vec sum, cap;
		ac_vec_zero(&sum);
		for (m_roleconf *r = m->roleconfs; r; r = r->hh.next) {
			bool replaced = false;
			for (size_t i = 0; i < n; i++)
				replaced |= strcmp(configs[i]->role, r->role) == 0;
			ac_quota old;
			if (!replaced && r->quota && config_quota(m, r->quota, &old, msg, len) == 0)
				ac_vec_add(&sum, &old.guarantee);
		}
		for (size_t i = 0; i < n; i++)
			ac_vec_add(&sum, &q[i].guarantee);
		ac_cluster_total(m->core, &cap);
		if (!ac_vec_fits(&sum, &cap)) {
			rt_buf st, ct;
			rt_buf_init(&st);
			rt_buf_init(&ct);
			vec_text(m, &st, &sum);
			vec_text(m, &ct, &cap);
			snprintf(
			        msg, len,
			        "Invalid QuotaConfig: total quota guarantees '%.200s' exceed cluster capacity '%.200s' "
			        "(use 'force' flag to bypass this check)",
			        buf_str(&st), buf_str(&ct));
			rt_buf_free(&st);
			rt_buf_free(&ct);
			rc = 400;
		}
	}
	if (rc) {
		free(q);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		ac_err err;
		if (ac_role_set_quota(m->core, configs[i]->role, &q[i], &err) != 0) {
			/* Cannot be after config_quota; the ones before stay set. */
			snprintf(msg, len, "Invalid QuotaConfig: role '%.100s': %s", configs[i]->role, err.msg);
			rc = 400;
			break;
		}
		m_roleconf *r = roleconf_get(m, configs[i]->role);
		if (r->quota)
			mesos__v1__quota__quota_config__free_unpacked(r->quota, NULL);
		r->quota = configs[i]->n_guarantees || configs[i]->n_limits ? config_copy(configs[i]) : NULL;
		rt_log(RT_INFO, "quota of role %s %s", r->role, r->quota ? "set" : "removed");
		roleconf_drop_if_empty(m, r);
	}
	free(q);
	if (n) {
		rescind_all(m);
		master_registry_save(m);
	}
	return rc;
}

/* ---------------------------------------------------------------- weights */

int master_weights_update(master *m, Mesos__V1__WeightInfo *const *infos, size_t n, char *msg, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		char what[200];
		snprintf(what, sizeof what, "Failed to validate update weights request JSON: Invalid role '%.100s'",
		         infos[i]->role ? infos[i]->role : "");
		int rc = role_check(m, infos[i]->role, what, msg, len);
		if (rc)
			return rc;
		if (!(infos[i]->weight > 0) || !isfinite(infos[i]->weight)) {
			snprintf(msg, len,
			         "Failed to validate update weights request JSON for role '%.100s': Invalid weight "
			         "'%g': "
			         "Weights must be positive",
			         infos[i]->role, infos[i]->weight);
			return 400;
		}
	}
	for (size_t i = 0; i < n; i++) {
		ac_err err;
		if (ac_role_set_weight(m->core, infos[i]->role, infos[i]->weight, &err) != 0) {
			snprintf(msg, len, "Failed to update weight of role '%.100s': %s", infos[i]->role, err.msg);
			return 400;
		}
		roleconf_get(m, infos[i]->role)->weight = infos[i]->weight;
		rt_log(RT_INFO, "weight of role %s set to %g", infos[i]->role, infos[i]->weight);
	}
	if (n) {
		rescind_all(m);
		master_registry_save(m);
	}
	return 0;
}

/* ------------------------------------------------------------------ views */

static Mesos__V1__Resource *scalar_resource(rt_arena *a, const char *name, double v)
{
	Mesos__V1__Resource *r = rt_arena_alloc(a, sizeof *r);
	mesos__v1__resource__init(r);
	r->name = (char *)name;
	r->type = MESOS__V1__VALUE__TYPE__SCALAR;
	r->scalar = rt_arena_alloc(a, sizeof *r->scalar);
	mesos__v1__value__scalar__init(r->scalar);
	r->scalar->value = v;
	return r;
}

Mesos__V1__Quota__QuotaStatus *master_view_quota(master *m, rt_arena *a)
{
	Mesos__V1__Quota__QuotaStatus *st = rt_arena_alloc(a, sizeof *st);
	mesos__v1__quota__quota_status__init(st);
	master_roleconfs_sort(m);
	size_t n = HASH_COUNT(m->roleconfs);
	st->configs = rt_arena_alloc(a, (n + 1) * sizeof *st->configs);
	st->infos = rt_arena_alloc(a, (n + 1) * sizeof *st->infos);
	for (m_roleconf *r = m->roleconfs; r; r = r->hh.next) {
		if (!r->quota)
			continue;
		st->configs[st->n_configs++] = r->quota;
		/* The deprecated form: the guarantees as resources. */
		if (!r->quota->n_guarantees)
			continue;
		Mesos__V1__Quota__QuotaInfo *qi = rt_arena_alloc(a, sizeof *qi);
		mesos__v1__quota__quota_info__init(qi);
		qi->role = r->role;
		qi->guarantee = rt_arena_alloc(a, r->quota->n_guarantees * sizeof *qi->guarantee);
		for (size_t i = 0; i < r->quota->n_guarantees; i++) {
			Entry *e = r->quota->guarantees[i];
			qi->guarantee[qi->n_guarantee++] = scalar_resource(a, e->key, e->value ? e->value->value : 0);
		}
		st->infos[st->n_infos++] = qi;
	}
	return st;
}

size_t master_view_weights(master *m, rt_arena *a, Mesos__V1__WeightInfo ***out)
{
	master_roleconfs_sort(m);
	Mesos__V1__WeightInfo **v = rt_arena_alloc(a, (HASH_COUNT(m->roleconfs) + 1) * sizeof *v);
	size_t n = 0;
	for (m_roleconf *r = m->roleconfs; r; r = r->hh.next) {
		if (!(r->weight > 0))
			continue;
		Mesos__V1__WeightInfo *w = rt_arena_alloc(a, sizeof *w);
		mesos__v1__weight_info__init(w);
		w->weight = r->weight;
		w->role = r->role;
		v[n++] = w;
	}
	*out = v;
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t master_view_role_names(master *m, rt_arena *a, char ***out)
{
	size_t cap = HASH_COUNT(m->roleconfs) + 1, n = 0;
	for (m_fw *fw = m->fws; fw; fw = fw->next)
		cap += master_fw_nroles(m, fw, true);
	char **names = rt_arena_alloc(a, cap * sizeof *names);
	for (m_fw *fw = m->fws; fw; fw = fw->next)
		for (size_t i = 0; i < master_fw_nroles(m, fw, true); i++)
			names[n++] = (char *)master_fw_role_at(m, fw, i, NULL);
	for (m_roleconf *r = m->roleconfs; r; r = r->hh.next)
		names[n++] = r->role;
	qsort(names, n, sizeof *names, cmp_str);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || strcmp(names[k - 1], names[i]) != 0)
			names[k++] = names[i];
	*out = names;
	return k;
}

size_t master_view_roles(master *m, rt_arena *a, Mesos__V1__Role ***out)
{
	char **names;
	size_t n = master_view_role_names(m, a, &names);
	Mesos__V1__Role **v = rt_arena_alloc(a, (n + 1) * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		Mesos__V1__Role *r = rt_arena_alloc(a, sizeof *r);
		mesos__v1__role__init(r);
		r->name = names[i];
		m_roleconf *c = master_roleconf_find(m, names[i]);
		r->weight = c && c->weight > 0 ? c->weight : 1.0;
		size_t nf = 0;
		for (m_fw *fw = m->fws; fw; fw = fw->next)
			nf += master_fw_has_role(m, fw, names[i], true);
		r->frameworks = rt_arena_alloc(a, (nf + 1) * sizeof *r->frameworks);
		for (m_fw *fw = m->fws; fw; fw = fw->next) {
			if (!master_fw_has_role(m, fw, names[i], true))
				continue;
			Mesos__V1__FrameworkID *id = rt_arena_alloc(a, sizeof *id);
			mesos__v1__framework_id__init(id);
			id->value = fw->id;
			r->frameworks[r->n_frameworks++] = id;
		}
		ac_role_info info;
		if (ac_role_info_get(m->core, names[i], &info, NULL) == 0) {
			ac_resources res;
			ac_resources_from_vec(&res, &info.allocated);
			r->resources = rt_resources_to_pb(m->core, &res, NULL, a, &r->n_resources);
		}
		v[i] = r;
	}
	*out = v;
	return n;
}
