/*
 * rt_resources.c — Resource messages <-> alloccore sets (rt_resources.h).
 * The conversion goes through Mesos's resource text so that rounding, limits
 * and role checks are alloccore's own, written once.
 */
#include "rt_resources.h"

#include <jansson.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rt_pbjson.h"

static int fail(ac_err *err, int code, const char *msg, const char *name)
{
	if (err) {
		err->code = code;
		snprintf(err->msg, sizeof err->msg, "%s%s%s", msg, name ? ": " : "", name ? name : "");
	}
	return code;
}

int rt_resources_from_pb(ac_core *core, Mesos__V1__Resource *const *res, size_t n, ac_resources *out, ac_err *err)
{
	rt_buf text;
	rt_buf_init(&text);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const Mesos__V1__Resource *r = res[i];
		if (!r->name[0] || strpbrk(r->name, ":;()[]|, \t\n")) {
			rc = fail(err, AC_EINVAL, "invalid resource name", r->name);
			break;
		}
		const char *role = r->role;
		if (r->n_reservations > 0 && r->reservations[r->n_reservations - 1]->role)
			role = r->reservations[r->n_reservations - 1]->role;
		if (role && (strpbrk(role, "()[]:;|, \t\n") || !role[0])) {
			rc = fail(err, AC_EINVAL, "invalid role", role);
			break;
		}
		if (text.len)
			rt_buf_append(&text, ";", 1);
		rt_buf_printf(&text, "%s", r->name);
		if (role && strcmp(role, "*") != 0)
			rt_buf_printf(&text, "(%s)", role);
		rt_buf_append(&text, ":", 1);
		if (r->type == MESOS__V1__VALUE__TYPE__SCALAR && r->scalar) {
			double v = r->scalar->value;
			if (!isfinite(v) || v < 0 || v > (double)AC_AMOUNT_MAX_UNITS) {
				rc = fail(err, AC_ERANGE, "scalar amount out of range", r->name);
				break;
			}
			rt_buf_printf(&text, "%.4f", v);
		} else if (r->type == MESOS__V1__VALUE__TYPE__RANGES && r->ranges) {
			if (strcmp(r->name, "ports") != 0) {
				rc = fail(err, AC_EINVAL, "only 'ports' may be a range resource", r->name);
				break;
			}
			rt_buf_append(&text, "[", 1);
			for (size_t k = 0; k < r->ranges->n_range; k++) {
				const Mesos__V1__Value__Range *g = r->ranges->range[k];
				if (g->begin > g->end || g->end > 65535) {
					rc = fail(err, AC_ERANGE, "invalid port range", r->name);
					break;
				}
				rt_buf_printf(&text, "%s%llu-%llu", k ? "," : "", (unsigned long long)g->begin,
				              (unsigned long long)g->end);
			}
			rt_buf_append(&text, "]", 1);
		} else {
			rc = fail(err, AC_EINVAL, "unsupported resource type (scalars and port ranges only)", r->name);
		}
	}
	if (rc == 0) {
		rt_buf_append(&text, "", 1);
		rc = ac_resources_parse(core, (const char *)text.data, out, err);
	}
	rt_buf_free(&text);
	return rc;
}

static Mesos__V1__Resource *new_resource(rt_arena *a, const char *name, const char *role, const char *alloc_role)
{
	Mesos__V1__Resource *r = rt_arena_alloc(a, sizeof *r);
	mesos__v1__resource__init(r);
	r->name = rt_arena_strdup(a, name);
	r->role = rt_arena_strdup(a, role);
	if (alloc_role) {
		r->allocation_info = rt_arena_alloc(a, sizeof *r->allocation_info);
		mesos__v1__resource__allocation_info__init(r->allocation_info);
		r->allocation_info->role = rt_arena_strdup(a, alloc_role);
	}
	return r;
}

Mesos__V1__Resource **rt_resources_to_pb(const ac_core *core, const ac_resources *res, const char *alloc_role,
                                         rt_arena *a, size_t *n)
{
	size_t cap = (size_t)res->ngroups * (AC_KINDS + 1);
	Mesos__V1__Resource **out = rt_arena_alloc(a, cap * sizeof *out);
	*n = 0;
	for (uint32_t g = 0; g < res->ngroups; g++) {
		const ac_group *grp = &res->group[g];
		const char *role = grp->role ? ac_role_name(core, grp->role) : "*";
		for (int k = 0; k < AC_KINDS; k++) {
			const char *name = ac_kind_name(core, k);
			if (!name || grp->amount.v[k] == 0)
				continue;
			Mesos__V1__Resource *r = new_resource(a, name, role, alloc_role);
			r->type = MESOS__V1__VALUE__TYPE__SCALAR;
			r->scalar = rt_arena_alloc(a, sizeof *r->scalar);
			mesos__v1__value__scalar__init(r->scalar);
			r->scalar->value = (double)grp->amount.v[k] / AC_MILLI;
			out[(*n)++] = r;
		}
		if (grp->nports) {
			Mesos__V1__Resource *r = new_resource(a, "ports", role, alloc_role);
			r->type = MESOS__V1__VALUE__TYPE__RANGES;
			r->ranges = rt_arena_alloc(a, sizeof *r->ranges);
			mesos__v1__value__ranges__init(r->ranges);
			r->ranges->n_range = grp->nports;
			r->ranges->range = rt_arena_alloc(a, grp->nports * sizeof *r->ranges->range);
			for (uint32_t i = 0; i < grp->nports; i++) {
				Mesos__V1__Value__Range *rg = rt_arena_alloc(a, sizeof *rg);
				mesos__v1__value__range__init(rg);
				rg->begin = grp->ports[i].begin;
				rg->end = grp->ports[i].end;
				r->ranges->range[i] = rg;
			}
			out[(*n)++] = r;
		}
	}
	return out;
}

const char *rt_resources_text(const ac_core *core, const ac_resources *r, char *buf, size_t len)
{
	ac_resources_format(core, r, buf, len);
	return buf;
}

/* Scalars every Mesos resource map holds, 0 when absent. */
static const char *const model_scalars[] = {"cpus", "gpus", "mem", "disk"};
#define N_MODEL_SCALARS (sizeof model_scalars / sizeof *model_scalars)

json_t *rt_resources_model_new(void)
{
	json_t *map = json_object();
	for (size_t i = 0; i < N_MODEL_SCALARS; i++)
		json_object_set_new(map, model_scalars[i], json_real(0));
	return map;
}

typedef struct model_range {
	unsigned long long begin, end;
} model_range;

static int range_cmp(const void *pa, const void *pb)
{
	const model_range *a = pa, *b = pb;
	return a->begin < b->begin ? -1 : a->begin > b->begin;
}

/* Ranges as Mesos's v0 model writes them: sorted and coalesced, "[b-e, b-e]". */
static json_t *ranges_text(model_range *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, range_cmp);
	rt_buf b;
	rt_buf_init(&b);
	rt_buf_printf(&b, "[");
	for (size_t i = 0; i < n;) {
		unsigned long long begin = v[i].begin, end = v[i].end;
		for (i++; i < n && v[i].begin <= end + 1; i++)
			if (v[i].end > end)
				end = v[i].end;
		rt_buf_printf(&b, "%s%llu-%llu", b.len > 1 ? ", " : "", begin, end);
	}
	rt_buf_printf(&b, "]");
	json_t *t = json_stringn((const char *)b.data, b.len);
	rt_buf_free(&b);
	return t;
}

/* Adds a set to a v0 resource map: scalars are summed, ranges joined with
 * those already there (the map's text is ours: "[b-e, b-e]"). */
void rt_resources_model_add(const ac_core *core, json_t *map, const ac_resources *r)
{
	rt_arena *a = rt_arena_create();
	size_t n = 0;
	Mesos__V1__Resource **res = rt_resources_to_pb(core, r, NULL, a, &n);
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Resource *x = res[i];
		if (x->scalar) {
			json_t *old = json_object_get(map, x->name);
			double v = (old ? json_number_value(old) : 0) + x->scalar->value;
			json_object_set_new(map, x->name, json_real(v));
		} else if (x->ranges && x->ranges->n_range) {
			const char *old = json_string_value(json_object_get(map, x->name));
			size_t cap = x->ranges->n_range + (old ? strlen(old) / 4 + 1 : 0), k = 0;
			model_range *v = rt_xcalloc(cap, sizeof *v);
			for (const char *p = old ? old + 1 : NULL; p && *p && k < cap;) {
				unsigned long long b, e;
				int used = 0;
				if (sscanf(p, "%llu-%llu%n", &b, &e, &used) != 2)
					break;
				v[k++] = (model_range){b, e};
				p += used;
				p += strspn(p, ", ");
			}
			for (size_t j = 0; j < x->ranges->n_range && k < cap; j++)
				v[k++] = (model_range){x->ranges->range[j]->begin, x->ranges->range[j]->end};
			json_object_set_new(map, x->name, ranges_text(v, k));
			free(v);
		}
	}
	rt_arena_destroy(a);
}

json_t *rt_resources_model(const ac_core *core, const ac_resources *r)
{
	json_t *map = rt_resources_model_new();
	rt_resources_model_add(core, map, r);
	return map;
}

json_t *rt_resources_model_unreserved(const ac_core *core, const ac_resources *r)
{
	ac_resources u;
	ac_resources_init(&u);
	u.group[0] = r->group[0];
	return rt_resources_model(core, &u);
}

json_t *rt_resources_model_reserved(const ac_core *core, const ac_resources *r)
{
	json_t *out = json_object();
	for (uint32_t g = 1; g < r->ngroups; g++) {
		ac_resources one;
		ac_resources_init(&one);
		one.group[0] = r->group[g];
		one.group[0].role = 0;
		json_object_set_new(out, ac_role_name(core, r->group[g].role), rt_resources_model(core, &one));
	}
	return out;
}

json_t *rt_resources_full(Mesos__V1__Resource *const *res, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Resource *r = res[i];
		const char *role = r->n_reservations ? r->reservations[r->n_reservations - 1]->role : r->role;
		if (!role || !strcmp(role, "*"))
			continue;
		json_t *list = json_object_get(o, role);
		if (!list) {
			list = json_array();
			json_object_set_new(o, role, list);
		}
		json_array_append_new(list, rt_pbjson_from_message(&r->base));
	}
	return o;
}
