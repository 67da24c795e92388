/*
 * refalloc.c — the reference allocator: alloccore/README.md written the
 * obvious way. There is no incremental state: free resources, shares, orders
 * and quota rooms are recomputed from the lists of agents, offers, holdings
 * and filters every time a decision needs them, and shares are compared as
 * exact rationals with a small fixed-width big integer.
 */
#include "reference/refalloc.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MINSETS 8
#define UNLIMITED   INT64_MAX
/* Evaluates an algebra call that cannot fail on a consistent state. */
#define MUST(x)                                                                                                        \
	do {                                                                                                           \
		int must_rc_ = (x);                                                                                    \
		assert(must_rc_ == 0);                                                                                 \
		(void)must_rc_;                                                                                        \
	} while (0)

enum policy { POL_DRF, POL_PRIORITY, POL_ASSET };

typedef struct ragent {
	char *name, *attrs;
	bool live;
	ac_resources total;
} ragent;

typedef struct rfw {
	char *name;
	int role;
	bool live, active, suppressed;
	uint32_t weight; /* thousandths */
	int32_t priority;
	uint64_t count; /* offers received: the tie-break */
} rfw;

typedef struct rrole {
	char *name;
	int parent; /* -1: top level */
	uint32_t weight;
	ac_quota quota;
	uint64_t count_sub, count_leaf;
} rrole;

typedef struct roffer {
	int fw, agent;
	ac_time created;
	ac_resources res;
} roffer;

/* What a framework holds (accepted) on an agent. */
typedef struct rholding {
	int fw, agent;
	ac_resources res;
} rholding;

typedef struct rfilter {
	int fw, agent;
	ac_time expiry;
	ac_resources res;
} rfilter;

struct ref_alloc {
	ac_core *names;
	enum policy policy;
	ac_time interval, timeout, clock;
	ac_vec minsets[MAX_MINSETS];
	int nminsets;
	ragent *agents;
	rfw *fws;
	rrole *roles;
	roffer *offers; /* outstanding, in creation order */
	rholding *holdings;
	rfilter *filters;
	ref_event *events;
	size_t nagents, nfws, nroles, noffers, nholdings, nfilters, nevents;
	size_t cap_agents, cap_fws, cap_roles, cap_offers, cap_holdings, cap_filters, cap_events;
};

/* ------------------------------------------------------------ small helpers */

/* Makes room for one more element; returns the (maybe moved) array or NULL. */
static void *grow(void *p, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return p;
	size_t c = *cap ? *cap * 2 : 16;
	void *q = realloc(p, c * elem);
	if (q)
		*cap = c;
	return q;
}

static char *dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* true when role path x is anc or lies below it. */
static bool path_within(const char *x, const char *anc)
{
	size_t n = strlen(anc);
	return strncmp(x, anc, n) == 0 && (x[n] == '\0' || x[n] == '/');
}

static const char *group_role(const ref_alloc *ref, const ac_group *g)
{
	const char *name = ac_role_name(ref->names, g->role);
	assert(name);
	return name;
}

static bool agent_ok(const ref_alloc *ref, int a)
{
	return a >= 0 && (size_t)a < ref->nagents && ref->agents[a].live;
}

static bool fw_ok(const ref_alloc *ref, int f)
{
	return f >= 0 && (size_t)f < ref->nfws && ref->fws[f].live;
}

static int weight_milli(double w, uint32_t *out)
{
	if (!isfinite(w) || w <= 0)
		return AC_EINVAL;
	if (w * 1000 > UINT32_MAX)
		return AC_ERANGE;
	long long m = llround(w * 1000);
	if (m < 1)
		return AC_EINVAL;
	*out = (uint32_t)m;
	return 0;
}

/* ------------------------------------------------ exact share comparison */

/* A 512-bit unsigned integer, little-endian limbs: enough for every product
 * of a held amount, cluster totals and a weight that a comparison needs. */
typedef struct big {
	uint64_t l[8];
} big;

/* A share num/den. Asset shares leave out the product of the totals, which
 * is common to every share compared. */
typedef struct share {
	big num, den;
} share;

static big big_of(unsigned __int128 v)
{
	big b = {{(uint64_t)v, (uint64_t)(v >> 64)}};
	return b;
}

static big big_mul(const big *a, const big *b)
{
	big r = {{0}};
	for (int i = 0; i < 8; i++) {
		unsigned __int128 carry = 0;
		for (int j = 0; i + j < 8; j++) {
			unsigned __int128 t = (unsigned __int128)a->l[i] * b->l[j] + r.l[i + j] + carry;
			r.l[i + j] = (uint64_t)t;
			carry = t >> 64;
		}
		assert(carry == 0);
	}
	return r;
}

static void big_add(big *a, const big *b)
{
	unsigned __int128 carry = 0;
	for (int i = 0; i < 8; i++) {
		unsigned __int128 t = (unsigned __int128)a->l[i] + b->l[i] + carry;
		a->l[i] = (uint64_t)t;
		carry = t >> 64;
	}
	assert(carry == 0);
}

static int big_cmp(const big *a, const big *b)
{
	for (int i = 7; i >= 0; i--)
		if (a->l[i] != b->l[i])
			return a->l[i] < b->l[i] ? -1 : 1;
	return 0;
}

static int share_cmp(const share *a, const share *b)
{
	big x = big_mul(&a->num, &b->den), y = big_mul(&b->num, &a->den);
	return big_cmp(&x, &y);
}

/* drf: max over kinds with a non-zero total of held/total, over the weight.
 * asset: sum over the four fixed kinds of held/total, over the weight. */
static share share_of(const ref_alloc *ref, const ac_vec *held, const ac_vec *total, uint32_t weight)
{
	share s = {big_of(0), big_of(weight)};
	if (ref->policy == POL_ASSET) {
		for (int k = 0; k < AC_FIXED_KINDS; k++) {
			if (total->v[k] <= 0)
				continue;
			assert(held->v[k] >= 0);
			big term = big_of((uint64_t)held->v[k]);
			for (int j = 0; j < AC_FIXED_KINDS; j++) {
				big t = big_of((uint64_t)total->v[j]);
				if (j != k && total->v[j] > 0)
					term = big_mul(&term, &t);
			}
			big_add(&s.num, &term);
		}
		return s;
	}
	int best = -1;
	for (int k = 0; k < AC_KINDS; k++) {
		if (total->v[k] <= 0)
			continue;
		assert(held->v[k] >= 0);
		if (best < 0 || (unsigned __int128)held->v[k] * (uint64_t)total->v[best] >
		                        (unsigned __int128)held->v[best] * (uint64_t)total->v[k])
			best = k;
	}
	if (best >= 0) {
		s.num = big_of((uint64_t)held->v[best]);
		s.den = big_of((unsigned __int128)(uint64_t)total->v[best] * weight);
	}
	return s;
}

/* ---------------------------------------------------------------- roles */

static bool role_valid(const char *s)
{
	size_t n = strlen(s);
	if (strcmp(s, "*") == 0)
		return true;
	if (n == 0 || s[0] == '/' || s[n - 1] == '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == '*' || (s[i] == '/' && s[i + 1] == '/'))
			return false;
	return true;
}

static int role_find(const ref_alloc *ref, const char *name)
{
	for (size_t r = 0; r < ref->nroles; r++)
		if (strcmp(ref->roles[r].name, name) == 0)
			return (int)r;
	return -1;
}

/* Index of a role, added (with its ancestors) when new; or a negative code. */
static int role_get(ref_alloc *ref, const char *name)
{
	int r = role_find(ref, name), parent = -1;
	if (r >= 0)
		return r;
	if (!role_valid(name))
		return AC_EINVAL;
	const char *slash = strrchr(name, '/');
	if (slash) {
		char *pname = dup(name);
		if (!pname)
			return AC_ENOMEM;
		pname[slash - name] = '\0';
		parent = role_get(ref, pname);
		free(pname);
		if (parent < 0)
			return parent;
	}
	rrole *roles = grow(ref->roles, &ref->cap_roles, ref->nroles, sizeof *roles);
	if (!roles)
		return AC_ENOMEM;
	ref->roles = roles;
	rrole *nr = &roles[ref->nroles];
	memset(nr, 0, sizeof *nr);
	nr->name = dup(name);
	if (!nr->name)
		return AC_ENOMEM;
	nr->parent = parent;
	nr->weight = 1000;
	return (int)ref->nroles++;
}

static bool role_in_subtree(const ref_alloc *ref, int r, int top)
{
	for (; r >= 0; r = ref->roles[r].parent)
		if (r == top)
			return true;
	return false;
}

/* ---------------------------------------------- offers, holdings, filters */

static int event_push(ref_alloc *ref, ref_event_kind kind, int f, int a, const ac_resources *res)
{
	ref_event *ev = grow(ref->events, &ref->cap_events, ref->nevents, sizeof *ev);
	if (!ev)
		return AC_ENOMEM;
	ref->events = ev;
	ev[ref->nevents++] = (ref_event){kind, f, a, ref->fws[f].name, ref->agents[a].name, *res};
	return 0;
}

static void offer_remove(ref_alloc *ref, size_t i, bool rescind)
{
	if (rescind)
		MUST(event_push(ref, REF_RESCIND, ref->offers[i].fw, ref->offers[i].agent, &ref->offers[i].res));
	memmove(&ref->offers[i], &ref->offers[i + 1], (ref->noffers - i - 1) * sizeof *ref->offers);
	ref->noffers--;
}

/* Rescinds, oldest first, the offers of fw f (or any, -1) on agent a (or any). */
static void offers_rescind(ref_alloc *ref, int f, int a)
{
	for (size_t i = 0; i < ref->noffers;) {
		const roffer *o = &ref->offers[i];
		if ((f < 0 || o->fw == f) && (a < 0 || o->agent == a))
			offer_remove(ref, i, true);
		else
			i++;
	}
}

/* Sum of the outstanding offers of f on a; returns how many there are. */
static size_t offers_sum(const ref_alloc *ref, int f, int a, ac_resources *sum)
{
	size_t n = 0;
	ac_resources_init(sum);
	for (size_t i = 0; i < ref->noffers; i++)
		if (ref->offers[i].fw == f && ref->offers[i].agent == a) {
			MUST(ac_resources_add(sum, &ref->offers[i].res));
			n++;
		}
	return n;
}

static int holding_find(const ref_alloc *ref, int f, int a)
{
	for (size_t i = 0; i < ref->nholdings; i++)
		if (ref->holdings[i].fw == f && ref->holdings[i].agent == a)
			return (int)i;
	return -1;
}

static void holding_remove(ref_alloc *ref, size_t i)
{
	memmove(&ref->holdings[i], &ref->holdings[i + 1], (ref->nholdings - i - 1) * sizeof *ref->holdings);
	ref->nholdings--;
}

/* Drops what fw f (or any, -1) holds on agent a (or any). */
static void holdings_drop(ref_alloc *ref, int f, int a)
{
	for (size_t i = 0; i < ref->nholdings;)
		if ((f < 0 || ref->holdings[i].fw == f) && (a < 0 || ref->holdings[i].agent == a))
			holding_remove(ref, i);
		else
			i++;
}

static int holding_add(ref_alloc *ref, int f, int a, const ac_resources *res)
{
	int h = holding_find(ref, f, a);
	if (ac_resources_empty(res))
		return 0;
	if (h >= 0)
		return ac_resources_add(&ref->holdings[h].res, res);
	rholding *hs = grow(ref->holdings, &ref->cap_holdings, ref->nholdings, sizeof *hs);
	if (!hs)
		return AC_ENOMEM;
	ref->holdings = hs;
	hs[ref->nholdings++] = (rholding){f, a, *res};
	return 0;
}

static void filters_drop(ref_alloc *ref, int f, int a)
{
	for (size_t i = 0; i < ref->nfilters;)
		if ((f < 0 || ref->filters[i].fw == f) && (a < 0 || ref->filters[i].agent == a))
			ref->filters[i] = ref->filters[--ref->nfilters];
		else
			i++;
}

static int filter_add(ref_alloc *ref, int f, int a, const ac_resources *res, ac_time refuse, ac_time now)
{
	if (refuse == 0)
		return 0;
	rfilter *fs = grow(ref->filters, &ref->cap_filters, ref->nfilters, sizeof *fs);
	if (!fs)
		return AC_ENOMEM;
	ref->filters = fs;
	fs[ref->nfilters++] = (rfilter){f, a, now + (refuse > ref->interval ? refuse : ref->interval), *res};
	return 0;
}

static bool filtered(const ref_alloc *ref, int f, int a, const ac_resources *cand, ac_time now)
{
	for (size_t i = 0; i < ref->nfilters; i++) {
		const rfilter *fl = &ref->filters[i];
		if (fl->fw == f && fl->agent == a && now < fl->expiry && ac_resources_contains(&fl->res, cand))
			return true;
	}
	return false;
}

/* ------------------------------------------------------- derived state */

/* total - offered - allocated; unreserved scalars stop at 0 when the agent
 * shrank below what is allocated. */
static void agent_free(const ref_alloc *ref, int a, ac_resources *out)
{
	ac_resources used, rest;
	ac_resources_init(&used);
	for (size_t i = 0; i < ref->noffers; i++)
		if (ref->offers[i].agent == a)
			MUST(ac_resources_add(&used, &ref->offers[i].res));
	for (size_t i = 0; i < ref->nholdings; i++)
		if (ref->holdings[i].agent == a)
			MUST(ac_resources_add(&used, &ref->holdings[i].res));
	*out = ref->agents[a].total;
	rest = used;
	ac_vec_zero(&out->group[0].amount);
	ac_vec_zero(&rest.group[0].amount);
	MUST(ac_resources_sub(out, &rest));
	for (int k = 0; k < AC_KINDS; k++) {
		int64_t d = ref->agents[a].total.group[0].amount.v[k] - used.group[0].amount.v[k];
		out->group[0].amount.v[k] = d > 0 ? d : 0;
	}
}

static void cluster_total(const ref_alloc *ref, ac_vec *out)
{
	ac_vec_zero(out);
	for (size_t a = 0; a < ref->nagents; a++)
		if (ref->agents[a].live) {
			ac_vec v;
			ac_resources_scalars(&ref->agents[a].total, &v);
			ac_vec_add(out, &v);
		}
}

/* Scalars fw f holds: accepted, and in outstanding offers. */
static void fw_held(const ref_alloc *ref, int f, ac_vec *allocated, ac_vec *offered)
{
	ac_vec v;
	ac_vec_zero(allocated);
	ac_vec_zero(offered);
	for (size_t i = 0; i < ref->noffers; i++)
		if (ref->offers[i].fw == f) {
			ac_resources_scalars(&ref->offers[i].res, &v);
			ac_vec_add(offered, &v);
		}
	for (size_t i = 0; i < ref->nholdings; i++)
		if (ref->holdings[i].fw == f) {
			ac_resources_scalars(&ref->holdings[i].res, &v);
			ac_vec_add(allocated, &v);
		}
}

/* Quota consumption of the role named `name`: everything reserved for its
 * subtree on any agent, plus unreserved scalars its frameworks hold. */
static void consumption(const ref_alloc *ref, const char *name, ac_vec *out)
{
	ac_vec_zero(out);
	for (size_t a = 0; a < ref->nagents; a++) {
		const ac_resources *t = &ref->agents[a].total;
		for (uint32_t g = 1; ref->agents[a].live && g < t->ngroups; g++)
			if (path_within(group_role(ref, &t->group[g]), name))
				ac_vec_add(out, &t->group[g].amount);
	}
	for (size_t i = 0; i < ref->noffers; i++)
		if (path_within(ref->roles[ref->fws[ref->offers[i].fw].role].name, name))
			ac_vec_add(out, &ref->offers[i].res.group[0].amount);
	for (size_t i = 0; i < ref->nholdings; i++)
		if (path_within(ref->roles[ref->fws[ref->holdings[i].fw].role].name, name))
			ac_vec_add(out, &ref->holdings[i].res.group[0].amount);
}

/* max(0, guarantee - consumption) of role r. */
static void unmet(const ref_alloc *ref, int r, ac_vec *out)
{
	ac_vec_zero(out);
	if (ac_vec_is_zero(&ref->roles[r].quota.guarantee))
		return;
	ac_vec cons;
	consumption(ref, ref->roles[r].name, &cons);
	*out = ref->roles[r].quota.guarantee;
	ac_vec_sub(out, &cons);
	ac_vec_clamp0(out);
}

static void vec_max(ac_vec *a, const ac_vec *b)
{
	for (int k = 0; k < AC_KINDS; k++)
		a->v[k] = a->v[k] > b->v[k] ? a->v[k] : b->v[k];
}

/* min over r and its ancestors that limit a kind of max(0, limit - consumption). */
static void limit_room(const ref_alloc *ref, int r, ac_vec *room)
{
	for (int k = 0; k < AC_KINDS; k++)
		room->v[k] = UNLIMITED;
	for (; r >= 0; r = ref->roles[r].parent) {
		const ac_quota *q = &ref->roles[r].quota;
		if (!q->limit_mask)
			continue;
		ac_vec cons;
		consumption(ref, ref->roles[r].name, &cons);
		for (int k = 0; k < AC_KINDS; k++) {
			int64_t left = q->limit.v[k] - cons.v[k];
			if ((q->limit_mask >> k & 1) && (left > 0 ? left : 0) < room->v[k])
				room->v[k] = left > 0 ? left : 0;
		}
	}
}

/* max over r and its ancestors of unmet. */
static void guarantee_room(const ref_alloc *ref, int r, ac_vec *room)
{
	ac_vec_zero(room);
	for (; r >= 0; r = ref->roles[r].parent) {
		ac_vec u;
		unmet(ref, r, &u);
		vec_max(room, &u);
	}
}

/* req(r) = max(unmet(r), sum of req over r's children). */
static void required_of(const ref_alloc *ref, int r, ac_vec *out)
{
	ac_vec kids, u;
	ac_vec_zero(&kids);
	for (size_t c = 0; c < ref->nroles; c++)
		if (ref->roles[c].parent == r) {
			ac_vec t;
			required_of(ref, (int)c, &t);
			ac_vec_add(&kids, &t);
		}
	unmet(ref, r, &u);
	*out = kids;
	vec_max(out, &u);
}

static bool any_guarantee(const ref_alloc *ref)
{
	for (size_t r = 0; r < ref->nroles; r++)
		if (!ac_vec_is_zero(&ref->roles[r].quota.guarantee))
			return true;
	return false;
}

/* max(0, free unreserved scalars of all agents - required headroom). Without
 * guarantees nothing is required, and one agent's free part never exceeds
 * the sum, so the cut cannot bite: unlimited. */
static void surplus_headroom(const ref_alloc *ref, ac_vec *out)
{
	if (!any_guarantee(ref)) {
		for (int k = 0; k < AC_KINDS; k++)
			out->v[k] = UNLIMITED;
		return;
	}
	ac_vec_zero(out);
	for (size_t a = 0; a < ref->nagents; a++)
		if (ref->agents[a].live) {
			ac_resources fr;
			agent_free(ref, (int)a, &fr);
			ac_vec_add(out, &fr.group[0].amount);
		}
	for (size_t r = 0; r < ref->nroles; r++)
		if (ref->roles[r].parent < 0) {
			ac_vec req;
			required_of(ref, (int)r, &req);
			ac_vec_sub(out, &req);
		}
	ac_vec_clamp0(out);
}

static bool allocatable(const ref_alloc *ref, const ac_resources *r)
{
	ac_vec sum;
	if (ac_resources_empty(r))
		return false;
	if (ref->nminsets == 0)
		return true;
	ac_resources_scalars(r, &sum);
	for (int s = 0; s < ref->nminsets; s++)
		if (ac_vec_fits(&ref->minsets[s], &sum))
			return true;
	return false;
}

/* ---------------------------------------------------------------- ordering */

typedef struct client {
	share s;
	uint64_t count;
	int32_t priority;
	const char *name;
	int id; /* role (subtree or leaf) or framework */
	bool leaf;
} client;

static int client_cmp(const void *pa, const void *pb)
{
	const client *a = pa, *b = pb;
	if (a->priority != b->priority)
		return a->priority > b->priority ? -1 : 1;
	int c = share_cmp(&a->s, &b->s);
	if (c)
		return c;
	if (a->count != b->count)
		return a->count < b->count ? -1 : 1;
	return strcmp(a->name, b->name);
}

typedef struct walk {
	const ref_alloc *ref;
	ac_vec total;
	ac_vec *held; /* per framework: offered + allocated */
	int *out;
	size_t n;
} walk;

/* Sums what the frameworks of role r (or of r's subtree) hold; false when
 * there are none. */
static bool role_held(const walk *w, int r, bool subtree, ac_vec *held)
{
	bool any = false;
	ac_vec_zero(held);
	for (size_t f = 0; f < w->ref->nfws; f++) {
		int fr = w->ref->fws[f].role;
		if (w->ref->fws[f].live && (subtree ? role_in_subtree(w->ref, fr, r) : fr == r)) {
			ac_vec_add(held, &w->held[f]);
			any = true;
		}
	}
	return any;
}

static client client_of(const walk *w, const ac_vec *held, uint32_t weight, uint64_t count, int32_t priority,
                        const char *name, int id, bool leaf)
{
	client c = {share_of(w->ref, held, &w->total, weight), count, priority, name, id, leaf};
	return c;
}

/* Appends the frameworks below role `parent` (-1: the root) in policy order:
 * its children (child subtrees and parent's virtual leaf) are sorted, then
 * walked; a virtual leaf sorts and appends parent's own frameworks. */
static void walk_role(walk *w, int parent)
{
	const ref_alloc *ref = w->ref;
	client *cs = malloc((ref->nroles + ref->nfws + 1) * sizeof *cs);
	size_t n = 0;
	ac_vec held;
	assert(cs);
	for (size_t r = 0; r < ref->nroles; r++) {
		const rrole *R = &ref->roles[r];
		if (R->parent == parent && role_held(w, (int)r, true, &held))
			cs[n++] = client_of(w, &held, R->weight, R->count_sub, 0, R->name, (int)r, false);
	}
	if (parent >= 0 && role_held(w, parent, false, &held)) {
		const rrole *R = &ref->roles[parent];
		cs[n++] = client_of(w, &held, R->weight, R->count_leaf, 0, R->name, parent, true);
	}
	qsort(cs, n, sizeof *cs, client_cmp);
	for (size_t i = 0; i < n; i++) {
		if (!cs[i].leaf) {
			walk_role(w, cs[i].id);
			continue;
		}
		client *fs = malloc((ref->nfws + 1) * sizeof *fs);
		size_t m = 0;
		assert(fs);
		for (size_t f = 0; f < ref->nfws; f++) {
			const rfw *F = &ref->fws[f];
			int32_t priority = ref->policy == POL_PRIORITY ? F->priority : 0;
			if (F->live && F->role == parent)
				fs[m++] =
				        client_of(w, &w->held[f], F->weight, F->count, priority, F->name, (int)f, true);
		}
		qsort(fs, m, sizeof *fs, client_cmp);
		for (size_t j = 0; j < m; j++)
			w->out[w->n++] = fs[j].id;
		free(fs);
	}
	free(cs);
}

/* Every live framework in policy order, as of now; returns the count. */
static size_t order_now(const ref_alloc *ref, int *out)
{
	ac_vec *held = malloc((ref->nfws + 1) * sizeof *held), offered;
	walk w = {ref, {{0}}, held, out, 0};
	assert(held);
	cluster_total(ref, &w.total);
	for (size_t f = 0; f < ref->nfws; f++) {
		fw_held(ref, (int)f, &held[f], &offered);
		ac_vec_add(&held[f], &offered);
	}
	walk_role(&w, -1);
	free(held);
	return w.n;
}

/* -------------------------------------------------------------- allocation */

/* Adds res to what fw f got on agent a in this pass (offers made since
 * index `first`), or makes the pass's offer for the pair and counts it. */
static void give(ref_alloc *ref, int f, int a, const ac_resources *res, ac_time now, size_t first)
{
	for (size_t i = first; i < ref->noffers; i++)
		if (ref->offers[i].fw == f && ref->offers[i].agent == a) {
			MUST(ac_resources_add(&ref->offers[i].res, res));
			return;
		}
	roffer *os = grow(ref->offers, &ref->cap_offers, ref->noffers, sizeof *os);
	assert(os);
	ref->offers = os;
	os[ref->noffers++] = (roffer){f, a, now, *res};
	rfw *F = &ref->fws[f];
	F->count++;
	ref->roles[F->role].count_leaf++;
	for (int r = F->role; r >= 0; r = ref->roles[r].parent)
		ref->roles[r].count_sub++;
}

/* One agent's turn in one stage. The order is taken once, now, and walked to
 * the end: offers made during the turn change shares, but only the next
 * agent's order sees that. */
static void turn(ref_alloc *ref, int a, int stage, ac_time now, size_t first)
{
	int *order = malloc((ref->nfws + 1) * sizeof *order);
	size_t n;
	assert(order);
	n = order_now(ref, order);
	for (size_t i = 0; i < n; i++) {
		int f = order[i];
		const rfw *F = &ref->fws[f];
		const char *rname = ref->roles[F->role].name;
		ac_vec groom = {{0}}, lroom, head, cut;
		ac_resources fr, cand;
		if (!F->active || F->suppressed)
			continue;
		if (stage == 1) {
			guarantee_room(ref, F->role, &groom);
			if (!ac_vec_any_positive(&groom))
				continue;
		}
		/* available: free unreserved plus free reserved for R or an ancestor. */
		agent_free(ref, a, &fr);
		ac_resources_init(&cand);
		cand.group[0] = fr.group[0];
		for (uint32_t g = 1; g < fr.ngroups; g++)
			if (path_within(rname, group_role(ref, &fr.group[g])))
				cand.group[cand.ngroups++] = fr.group[g];
		if (ac_resources_empty(&cand))
			continue;
		limit_room(ref, F->role, &lroom);
		surplus_headroom(ref, &head);
		cut = cand.group[0].amount;
		if (stage == 1) {
			ac_vec extra = cut, room = lroom;
			ac_vec_min(&cut, &groom);
			ac_vec_min(&cut, &lroom);
			if (!ac_vec_any_positive(&cut))
				continue;
			ac_vec_sub(&extra, &cut);
			ac_vec_sub(&room, &cut);
			ac_vec_min(&extra, &room);
			ac_vec_min(&extra, &head);
			ac_vec_clamp0(&extra);
			ac_vec_add(&cut, &extra);
		} else {
			ac_vec_min(&cut, &lroom);
			ac_vec_min(&cut, &head);
		}
		cand.group[0].amount = cut;
		if (!allocatable(ref, &cand) || filtered(ref, f, a, &cand, now))
			continue;
		give(ref, f, a, &cand, now, first);
	}
	free(order);
}

static int pass(ref_alloc *ref, int only, ac_time now)
{
	size_t first = ref->noffers;
	if (now < ref->clock)
		return AC_ESTATE;
	ref->clock = now;
	for (int stage = any_guarantee(ref) ? 1 : 2; stage <= 2; stage++)
		for (size_t a = 0; a < ref->nagents; a++)
			if (ref->agents[a].live && (only < 0 || (int)a == only))
				turn(ref, (int)a, stage, now, first);
	for (size_t i = first; i < ref->noffers; i++)
		MUST(event_push(ref, REF_OFFER, ref->offers[i].fw, ref->offers[i].agent, &ref->offers[i].res));
	return (int)(ref->noffers - first);
}

int ref_allocate(ref_alloc *ref, ac_time now)
{
	return pass(ref, -1, now);
}

int ref_allocate_agent(ref_alloc *ref, int agent, ac_time now)
{
	if (!agent_ok(ref, agent))
		return AC_ENOENT;
	return pass(ref, agent, now);
}

int ref_advance(ref_alloc *ref, ac_time now)
{
	int n = 0;
	if (now < ref->clock)
		return AC_ESTATE;
	ref->clock = now;
	for (size_t i = 0; ref->timeout > 0 && i < ref->noffers;)
		if (now - ref->offers[i].created >= ref->timeout) {
			offer_remove(ref, i, true);
			n++;
		} else {
			i++;
		}
	return n;
}

/* ------------------------------------------------------------ lifecycle */

/* Parses "cpus:0.01|mem:32" (NULL: that default): any one set held whole
 * suffices. Unreserved scalars only (Mesos would also count ports). Sets
 * nothing on failure. */
static int minsets_parse(ref_alloc *ref, const char *text)
{
	ac_vec sets[MAX_MINSETS];
	int n = 0;
	for (text = text ? text : "cpus:0.01|mem:32"; *text;) {
		const char *bar = strchr(text, '|');
		size_t len = bar ? (size_t)(bar - text) : strlen(text);
		char piece[256];
		ac_resources r;
		if (len >= sizeof piece || n == MAX_MINSETS)
			return AC_EINVAL;
		memcpy(piece, text, len);
		piece[len] = '\0';
		int rc = ac_resources_parse(ref->names, piece, &r, NULL);
		if (rc)
			return rc;
		if (r.ngroups > 1 || ac_resources_port_count(&r)) /* unreserved scalars only */
			return AC_EINVAL;
		ac_resources_scalars(&r, &sets[n++]);
		text += len + (bar != NULL);
	}
	memcpy(ref->minsets, sets, sizeof sets);
	ref->nminsets = n;
	return 0;
}

int ref_create(ac_core *names, const ref_config *cfg, ref_alloc **out)
{
	ref_config dflt = {0};
	int rc;
	if (!cfg)
		cfg = &dflt;
	const char *pol = cfg->policy ? cfg->policy : "drf";
	ref_alloc *ref = calloc(1, sizeof *ref);
	if (!ref)
		return AC_ENOMEM;
	ref->names = names;
	ref->policy = !strcmp(pol, "asset") ? POL_ASSET : !strcmp(pol, "priority") ? POL_PRIORITY : POL_DRF;
	ref->interval = cfg->allocation_interval ? cfg->allocation_interval : AC_SECOND;
	ref->timeout = cfg->offer_timeout;
	rc = strcmp(pol, "drf") && ref->policy == POL_DRF ? AC_EINVAL : minsets_parse(ref, cfg->min_allocatable);
	if (rc || ref->interval < 0 || ref->timeout < 0) {
		free(ref);
		return rc ? rc : AC_EINVAL;
	}
	*out = ref;
	return 0;
}

int ref_set_offer_timeout(ref_alloc *ref, ac_time timeout)
{
	if (timeout < 0)
		return AC_EINVAL;
	ref->timeout = timeout;
	return 0;
}

int ref_set_interval(ref_alloc *ref, ac_time interval)
{
	if (interval <= 0)
		return AC_EINVAL;
	ref->interval = interval;
	return 0;
}

int ref_set_min_allocatable(ref_alloc *ref, const char *text)
{
	return minsets_parse(ref, text);
}

void ref_destroy(ref_alloc *ref)
{
	if (!ref)
		return;
	for (size_t a = 0; a < ref->nagents; a++) {
		free(ref->agents[a].name);
		free(ref->agents[a].attrs);
	}
	for (size_t f = 0; f < ref->nfws; f++)
		free(ref->fws[f].name);
	for (size_t r = 0; r < ref->nroles; r++)
		free(ref->roles[r].name);
	free(ref->agents);
	free(ref->fws);
	free(ref->roles);
	free(ref->offers);
	free(ref->holdings);
	free(ref->filters);
	free(ref->events);
	free(ref);
}

int ref_agent_add(ref_alloc *ref, const char *name, const ac_resources *total)
{
	for (size_t a = 0; a < ref->nagents; a++)
		if (ref->agents[a].live && !strcmp(ref->agents[a].name, name))
			return AC_EEXIST;
	ragent *as = grow(ref->agents, &ref->cap_agents, ref->nagents, sizeof *as);
	if (!as)
		return AC_ENOMEM;
	ref->agents = as;
	ragent *ag = &as[ref->nagents];
	*ag = (ragent){dup(name), dup(""), true, *total};
	if (!ag->name || !ag->attrs) {
		free(ag->name);
		free(ag->attrs);
		return AC_ENOMEM;
	}
	return (int)ref->nagents++;
}

int ref_agent_remove(ref_alloc *ref, int agent)
{
	if (!agent_ok(ref, agent))
		return AC_ENOENT;
	offers_rescind(ref, -1, agent);
	holdings_drop(ref, -1, agent);
	filters_drop(ref, -1, agent);
	ref->agents[agent].live = false;
	return 0;
}

int ref_agent_update(ref_alloc *ref, int agent, const ac_resources *total)
{
	if (!agent_ok(ref, agent))
		return AC_ENOENT;
	/* Allocated reserved resources and ports must still fit; unreserved
	 * scalars may fall short. */
	ac_resources held, room = *total;
	ac_resources_init(&held);
	for (size_t i = 0; i < ref->nholdings; i++)
		if (ref->holdings[i].agent == agent)
			MUST(ac_resources_add(&held, &ref->holdings[i].res));
	ac_vec_zero(&held.group[0].amount);
	ac_vec_zero(&room.group[0].amount);
	if (!ac_resources_contains(&room, &held))
		return AC_EINVAL;
	offers_rescind(ref, -1, agent);
	ref->agents[agent].total = *total;
	return 0;
}

int ref_agent_set_attributes(ref_alloc *ref, int agent, const char *attributes)
{
	if (!agent_ok(ref, agent))
		return AC_ENOENT;
	if (!strcmp(ref->agents[agent].attrs, attributes))
		return 0;
	char *copy = dup(attributes);
	if (!copy)
		return AC_ENOMEM;
	free(ref->agents[agent].attrs);
	ref->agents[agent].attrs = copy;
	filters_drop(ref, -1, agent);
	return 0;
}

int ref_fw_add(ref_alloc *ref, const char *name, const char *role_name, double weight, int32_t priority)
{
	uint32_t w = 1000;
	int rc = weight == 0 ? 0 : weight_milli(weight, &w);
	if (rc)
		return rc;
	for (size_t f = 0; f < ref->nfws; f++)
		if (ref->fws[f].live && !strcmp(ref->fws[f].name, name))
			return AC_EEXIST;
	int r = role_get(ref, role_name ? role_name : "*");
	if (r < 0)
		return r;
	rfw *fs = grow(ref->fws, &ref->cap_fws, ref->nfws, sizeof *fs);
	if (!fs)
		return AC_ENOMEM;
	ref->fws = fs;
	fs[ref->nfws] = (rfw){dup(name), r, true, true, false, w, priority, 0};
	if (!fs[ref->nfws].name)
		return AC_ENOMEM;
	return (int)ref->nfws++;
}

int ref_fw_remove(ref_alloc *ref, int f)
{
	if (!fw_ok(ref, f))
		return AC_ENOENT;
	offers_rescind(ref, f, -1);
	holdings_drop(ref, f, -1);
	filters_drop(ref, f, -1);
	ref->fws[f].live = false;
	return 0;
}

int ref_fw_activate(ref_alloc *ref, int f)
{
	if (!fw_ok(ref, f))
		return AC_ENOENT;
	ref->fws[f].active = true;
	return 0;
}

int ref_fw_deactivate(ref_alloc *ref, int f)
{
	if (!fw_ok(ref, f))
		return AC_ENOENT;
	offers_rescind(ref, f, -1);
	filters_drop(ref, f, -1);
	ref->fws[f].active = false;
	return 0;
}

int ref_fw_suppress(ref_alloc *ref, int f)
{
	if (!fw_ok(ref, f))
		return AC_ENOENT;
	ref->fws[f].suppressed = true;
	return 0;
}

int ref_fw_revive(ref_alloc *ref, int f)
{
	if (!fw_ok(ref, f))
		return AC_ENOENT;
	filters_drop(ref, f, -1);
	ref->fws[f].suppressed = false;
	return 0;
}

int ref_fw_set_weight(ref_alloc *ref, int f, double weight)
{
	if (!fw_ok(ref, f))
		return AC_ENOENT;
	return weight_milli(weight, &ref->fws[f].weight);
}

int ref_role_set_weight(ref_alloc *ref, const char *role_name, double weight)
{
	uint32_t w;
	int rc = weight_milli(weight, &w);
	if (rc)
		return rc;
	int r = role_get(ref, role_name);
	if (r < 0)
		return r;
	ref->roles[r].weight = w;
	return 0;
}

/* limit on kind k of role r, or -1 when it has none. */
static int64_t limit_of(const rrole *r, int k)
{
	return (r->quota.limit_mask >> k & 1) ? r->quota.limit.v[k] : -1;
}

int ref_role_set_quota(ref_alloc *ref, const char *role_name, const ac_quota *quota)
{
	if (quota->limit_mask >> AC_KINDS)
		return AC_EINVAL;
	for (int k = 0; k < AC_KINDS; k++)
		if (quota->guarantee.v[k] < 0 || quota->limit.v[k] < 0)
			return AC_ERANGE;
	if (!role_valid(role_name))
		return AC_EINVAL;
	/* A guarantee no limit on the role or above it allows is rejected;
	 * every existing role is compared with the new quota by name. */
	rrole self = {.quota = *quota};
	size_t len = strlen(role_name);
	for (int k = 0; k < AC_KINDS; k++)
		if (limit_of(&self, k) >= 0 && quota->guarantee.v[k] > quota->limit.v[k])
			return AC_EINVAL;
	for (size_t i = 0; i < ref->nroles; i++) {
		const rrole *o = &ref->roles[i];
		size_t olen = strlen(o->name);
		bool ancestor = olen < len && strncmp(o->name, role_name, olen) == 0 && role_name[olen] == '/';
		bool descendant = len < olen && strncmp(o->name, role_name, len) == 0 && o->name[len] == '/';
		for (int k = 0; k < AC_KINDS; k++) {
			if (ancestor && limit_of(o, k) >= 0 && quota->guarantee.v[k] > o->quota.limit.v[k])
				return AC_EINVAL;
			if (descendant && limit_of(&self, k) >= 0 && o->quota.guarantee.v[k] > quota->limit.v[k])
				return AC_EINVAL;
		}
	}
	int r = role_get(ref, role_name);
	if (r < 0)
		return r;
	ref->roles[r].quota = *quota;
	return 0;
}

/* ---------------------------------------------------------------- answers */

int ref_accept(ref_alloc *ref, int f, int a, const ac_resources *used, ac_time refuse, ac_time now)
{
	ac_resources sum, rest;
	if (!fw_ok(ref, f) || !agent_ok(ref, a) || offers_sum(ref, f, a, &sum) == 0)
		return AC_ENOENT;
	if (refuse < 0)
		return AC_EINVAL;
	if (now < ref->clock)
		return AC_ESTATE;
	rest = sum;
	if (ac_resources_sub(&rest, used))
		return AC_EINVAL;
	int h = holding_find(ref, f, a);
	if (h >= 0) {
		ac_resources t = ref->holdings[h].res;
		if (ac_resources_add(&t, used))
			return AC_ENOSPC;
	}
	MUST(holding_add(ref, f, a, used));
	for (size_t i = 0; i < ref->noffers;)
		if (ref->offers[i].fw == f && ref->offers[i].agent == a)
			offer_remove(ref, i, false);
		else
			i++;
	return ac_resources_empty(&rest) ? 0 : filter_add(ref, f, a, &rest, refuse, now);
}

int ref_decline(ref_alloc *ref, int f, int a, ac_time refuse, ac_time now)
{
	ac_resources sum;
	if (!fw_ok(ref, f) || !agent_ok(ref, a) || offers_sum(ref, f, a, &sum) == 0)
		return AC_ENOENT;
	if (refuse < 0)
		return AC_EINVAL;
	if (now < ref->clock)
		return AC_ESTATE;
	for (size_t i = 0; i < ref->noffers;)
		if (ref->offers[i].fw == f && ref->offers[i].agent == a)
			offer_remove(ref, i, false);
		else
			i++;
	return filter_add(ref, f, a, &sum, refuse, now);
}

int ref_recover(ref_alloc *ref, int f, int a, const ac_resources *res)
{
	if (!fw_ok(ref, f) || !agent_ok(ref, a))
		return AC_ENOENT;
	int h = holding_find(ref, f, a);
	if (ac_resources_empty(res))
		return 0;
	if (h < 0 || !ac_resources_contains(&ref->holdings[h].res, res))
		return AC_EINVAL;
	MUST(ac_resources_sub(&ref->holdings[h].res, res));
	if (ac_resources_empty(&ref->holdings[h].res))
		holding_remove(ref, (size_t)h);
	return 0;
}

/* ---------------------------------------------------------- introspection */

const ref_event *ref_events(const ref_alloc *ref, size_t *n)
{
	*n = ref->nevents;
	return ref->events;
}

void ref_events_clear(ref_alloc *ref)
{
	ref->nevents = 0;
}

int ref_agent_free(const ref_alloc *ref, int agent, ac_resources *out)
{
	if (!agent_ok(ref, agent))
		return AC_ENOENT;
	agent_free(ref, agent, out);
	return 0;
}

int ref_fw_held(const ref_alloc *ref, int f, ac_vec *allocated, ac_vec *offered)
{
	if (!fw_ok(ref, f))
		return AC_ENOENT;
	fw_held(ref, f, allocated, offered);
	return 0;
}

uint64_t ref_fw_allocations(const ref_alloc *ref, int f)
{
	return fw_ok(ref, f) ? ref->fws[f].count : 0;
}

double ref_fw_dominant_share(const ref_alloc *ref, int f)
{
	ac_vec allocated, offered, total;
	double best = 0;
	if (ref_fw_held(ref, f, &allocated, &offered))
		return 0;
	ac_vec_add(&allocated, &offered);
	cluster_total(ref, &total);
	for (int k = 0; k < AC_KINDS; k++)
		if (total.v[k] > 0 && (double)allocated.v[k] / (double)total.v[k] > best)
			best = (double)allocated.v[k] / (double)total.v[k];
	return best;
}

int ref_allocation(const ref_alloc *ref, int f, int a, ac_resources *out)
{
	if (!fw_ok(ref, f) || !agent_ok(ref, a))
		return AC_ENOENT;
	int h = holding_find(ref, f, a);
	if (h >= 0)
		*out = ref->holdings[h].res;
	else
		ac_resources_init(out);
	return 0;
}

size_t ref_offers(const ref_alloc *ref, int f, int agent, ac_resources *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < ref->noffers; i++)
		if (ref->offers[i].fw == f && (agent < 0 || ref->offers[i].agent == agent)) {
			if (n < cap)
				out[n] = ref->offers[i].res;
			n++;
		}
	return n;
}

void ref_role_consumed(const ref_alloc *ref, const char *role_name, ac_vec *out)
{
	consumption(ref, role_name, out);
}
