/*
 * test_differential.c — the core against the reference allocator
 * (tests/reference/refalloc.c) on thousands of random operation sequences.
 *
 * Each operation is a line of text ("accept f1 s0 cpus:1;mem:512 1000"),
 * generated from the current state by a seeded generator and then executed on
 * both sides, so a failing sequence can be printed, replayed and shrunk. After
 * every operation the offers and rescinds reported must agree, both sides must
 * accept or both reject it (a rejected one must leave the core unchanged), and
 * the core's introspection must satisfy the accounting invariants and match
 * the reference.
 *
 * Environment: MESO_DIFF_SEQS (sequences, default 2000; 200 under ASan),
 * MESO_DIFF_OPS (ops per sequence, default 60), MESO_DIFF_SEED (first seed),
 * MESO_DIFF_KEEPGOING (report every failing seed, shrunk, then fail),
 * MESO_DIFF_REPLAY (a file of op lines, first line "config ...", to replay).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "alloccore/alloccore.h"
#include "reference/refalloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define DEFAULT_SEQS 200
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DEFAULT_SEQS 200
#endif
#endif
#ifndef DEFAULT_SEQS
#define DEFAULT_SEQS 2000
#endif

#define MAX_ENT   128 /* agents or frameworks ever added in one sequence */
#define MAX_EV    512
#define MAX_IDS   64
#define MAX_LINES 512
#define LINE      512
#define SNAP      (256 * 1024)
#define WHY       (2 * SNAP + 1024)
#define MS        ((ac_time)1000000)

static const char *const roles[] = {"*", "a", "a/b", "c", "a/d", "a/b/e"};
#define NROLES 6

/* What the sequences exercised, printed at the end (coverage at a glance). */
static struct {
	long ops, failed_ops, offers, rescinds, multi_answers, decline_each, overallocated;
	long settles, settle_accepts, settle_keeps, settle_declines, settle_gone;
} stats;

/* ------------------------------------------------------------------ state */

typedef struct seqcfg {
	char policy[16];
	int timeout_ms, interval_ms;
	char minalloc[40]; /* "default" means NULL */
} seqcfg;

typedef struct ent {
	char name[16];
	uint64_t id; /* core handle */
	int ref;     /* reference handle */
	bool live, active, suppressed;
} ent;

/* An event as reported by the core's hooks. */
typedef struct cev {
	bool rescind;
	int why;
	ac_fw_id fw;
	ac_agent_id agent;
	ac_resources res;
} cev;

typedef struct harness {
	ac_core *core;
	ref_alloc *ref;
	ent agents[MAX_ENT], fws[MAX_ENT];
	int nagents, nfws;
	ac_time now;
	cev ev[MAX_EV];
	int nev;
	ac_offer_id seen[1024]; /* offer ids reported, for stale-id operations */
	int nseen;
	ac_batch_id batches[MAX_ENT][4]; /* per framework, the last batches reported, newest first */
	uint64_t rng;
	int max_agents, max_fws; /* live at once, for the generator */
	char *snap_before, *snap_after;
} harness;

static uint64_t rnd64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int rnd(harness *h, int n)
{
	return (int)(rnd64(&h->rng) % (uint64_t)n);
}

static void on_offer(void *ud, const ac_offer_view *v)
{
	harness *h = ud;
	if (h->nev < MAX_EV)
		h->ev[h->nev++] = (cev){false, -1, v->fw, v->agent, *v->resources};
	if (h->nseen < (int)(sizeof h->seen / sizeof h->seen[0]))
		h->seen[h->nseen++] = v->id;
}

static void on_batch(void *ud, const ac_batch_view *b)
{
	harness *h = ud;
	for (int i = 0; i < h->nfws; i++)
		if (h->fws[i].live && h->fws[i].id == b->fw) {
			memmove(&h->batches[i][1], &h->batches[i][0], 3 * sizeof h->batches[i][0]);
			h->batches[i][0] = b->id;
		}
}

static void on_rescind(void *ud, const ac_offer_view *v, ac_rescind_reason why)
{
	harness *h = ud;
	if (h->nev < MAX_EV)
		h->ev[h->nev++] = (cev){true, (int)why, v->fw, v->agent, *v->resources};
}

static harness *harness_new(const seqcfg *c, uint64_t seed)
{
	harness *h = calloc(1, sizeof *h);
	ac_config cfg;
	ref_config rcfg;
	ac_hooks hooks = {on_offer, on_rescind, NULL};
	assert_non_null(h);
	hooks.ud = h;
	h->snap_before = malloc(SNAP);
	h->snap_after = malloc(SNAP);
	h->rng = seed;
	ac_config_default(&cfg);
	cfg.policy = c->policy;
	cfg.seed = seed;
	cfg.allocation_interval = c->interval_ms * MS;
	cfg.offer_timeout = c->timeout_ms * MS;
	cfg.min_allocatable = strcmp(c->minalloc, "default") ? c->minalloc : NULL;
	cfg.agent_order = AC_ORDER_ADDED;
	ac_err err = {0};
	if (ac_core_create(&cfg, &hooks, &h->core, &err))
		fail_msg("ac_core_create: %s", err.msg);
	ac_core_set_batch_hook(h->core, on_batch, h);
	rcfg = (ref_config){cfg.policy, cfg.allocation_interval, cfg.offer_timeout, cfg.min_allocatable};
	assert_int_equal(ref_create(h->core, &rcfg, &h->ref), 0);
	return h;
}

static void harness_free(harness *h)
{
	ref_destroy(h->ref);
	ac_core_destroy(h->core);
	free(h->snap_before);
	free(h->snap_after);
	free(h);
}

/* The live entry with that name, else the last dead one, else NULL. */
static ent *find(ent *v, int n, const char *name)
{
	ent *dead = NULL;
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].name, name)) {
			if (v[i].live)
				return &v[i];
			dead = &v[i];
		}
	return dead;
}

static const char *name_of(ent *v, int n, uint64_t id)
{
	for (int i = 0; i < n; i++)
		if (v[i].id == id)
			return v[i].name;
	return "?";
}

static const char *fmt(const harness *h, const ac_resources *r, char *buf, size_t len)
{
	ac_resources_format(h->core, r, buf, len);
	return buf[0] ? buf : "-";
}

/* Parses op text: "-" is the empty set. */
static int parse(harness *h, const char *text, ac_resources *out)
{
	return ac_resources_parse(h->core, strcmp(text, "-") ? text : "", out, NULL);
}

/* A bounded string builder. */
typedef struct sb {
	char *p;
	size_t n, cap;
} sb;

static void __attribute__((format(printf, 2, 3))) sbf(sb *s, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	if (s->n < s->cap) {
		int k = vsnprintf(s->p + s->n, s->cap - s->n, f, ap);
		s->n += k > 0 ? (size_t)k : 0;
	}
	va_end(ap);
}

static void vecf(sb *s, const ac_vec *v)
{
	for (int k = 0; k < AC_KINDS; k++)
		sbf(s, "%s%lld", k ? "," : "[", (long long)v->v[k]);
	sbf(s, "]");
}

/* ------------------------------------------------------- core snapshot */

/* Everything the introspection API shows, as text. */
static void snapshot(harness *h, char *out)
{
	sb s = {out, 0, SNAP};
	char b1[512], b2[512];
	size_t cur = 0;
	uint64_t id;
	ac_counters ct;
	ac_vec total;
	while ((id = ac_agent_next(h->core, &cur))) {
		ac_agent_info ai;
		if (ac_agent_info_get(h->core, id, &ai, NULL)) {
			sbf(&s, "agent %llu: info fails\n", (unsigned long long)id);
			continue;
		}
		sbf(&s, "agent %s [%s] total %s", ai.name, ai.attributes ? ai.attributes : "",
		    fmt(h, &ai.total, b1, sizeof b1));
		sbf(&s, " free %s offers %u\n", fmt(h, &ai.free, b2, sizeof b2), ai.offers);
	}
	cur = 0;
	while ((id = ac_fw_next(h->core, &cur))) {
		ac_fw_info fi;
		ac_offer_id ids[MAX_IDS];
		if (ac_fw_info_get(h->core, id, &fi, NULL)) {
			sbf(&s, "fw %llu: info fails\n", (unsigned long long)id);
			continue;
		}
		sbf(&s, "fw %s role %s w %g p %d act %d sup %d n %llu share %.12g al ", fi.name, fi.role, fi.weight,
		    fi.priority, fi.active, fi.suppressed, (unsigned long long)fi.allocations, fi.dominant_share);
		vecf(&s, &fi.allocated);
		sbf(&s, " of ");
		vecf(&s, &fi.offered);
		sbf(&s, "\n");
		size_t n = ac_offers_of(h->core, id, 0, ids, MAX_IDS);
		for (size_t i = 0; i < n && i < MAX_IDS; i++) {
			ac_offer_info oi;
			if (ac_offer_info_get(h->core, ids[i], &oi, NULL) == 0)
				sbf(&s, "  offer %llu agent %s t %lld %s\n", (unsigned long long)ids[i],
				    name_of(h->agents, h->nagents, oi.agent), (long long)oi.created,
				    fmt(h, &oi.resources, b1, sizeof b1));
		}
		size_t c2 = 0;
		uint64_t a;
		while ((a = ac_agent_next(h->core, &c2))) {
			ac_resources r;
			if (ac_allocation_get(h->core, id, a, &r, NULL) == 0 && !ac_resources_empty(&r))
				sbf(&s, "  holds %s on %s\n", fmt(h, &r, b1, sizeof b1),
				    name_of(h->agents, h->nagents, a));
		}
	}
	for (int r = 0; r < NROLES; r++) {
		ac_role_info ri;
		if (ac_role_info_get(h->core, roles[r], &ri, NULL))
			continue;
		sbf(&s, "role %s w %g fws %u g ", ri.name, ri.weight, ri.frameworks);
		vecf(&s, &ri.quota.guarantee);
		sbf(&s, " l ");
		vecf(&s, &ri.quota.limit);
		sbf(&s, " m %x al ", ri.quota.limit_mask);
		vecf(&s, &ri.allocated);
		sbf(&s, " of ");
		vecf(&s, &ri.offered);
		sbf(&s, " cons ");
		vecf(&s, &ri.consumed);
		sbf(&s, "\n");
	}
	ac_counters_get(h->core, &ct);
	sbf(&s, "counters %llu %llu %llu %llu %llu %llu %llu %llu\n", (unsigned long long)ct.passes,
	    (unsigned long long)ct.offers_made, (unsigned long long)ct.offers_accepted,
	    (unsigned long long)ct.offers_declined, (unsigned long long)ct.offers_rescinded,
	    (unsigned long long)ct.filtered_skips, (unsigned long long)ct.filters_created,
	    (unsigned long long)ct.outstanding_offers);
	ac_cluster_total(h->core, &total);
	sbf(&s, "total ");
	vecf(&s, &total);
	sbf(&s, " agents %zu fws %zu\n", ac_agent_count(h->core), ac_fw_count(h->core));
}

/* ------------------------------------------------- per-step invariants */

#define FAIL(...)                                                                                                      \
	do {                                                                                                           \
		snprintf(why, wlen, __VA_ARGS__);                                                                      \
		return -1;                                                                                             \
	} while (0)

static bool vec_negative(const ac_vec *v)
{
	for (int k = 0; k < AC_KINDS; k++)
		if (v->v[k] < 0)
			return true;
	return false;
}

static bool res_negative(const ac_resources *r)
{
	for (uint32_t g = 0; g < r->ngroups; g++)
		if (vec_negative(&r->group[g].amount))
			return true;
	return false;
}

static bool vec_eq(const ac_vec *a, const ac_vec *b)
{
	return memcmp(a, b, sizeof *a) == 0;
}

/* free + offered + allocated = total, except that unreserved scalars of an
 * agent shrunk below what is allocated stop at 0 free. */
static bool accounts(const ac_resources *total, const ac_resources *free_, const ac_resources *used)
{
	ac_resources sum = *free_, t = *total;
	if (ac_resources_add(&sum, used))
		return false;
	for (int k = 0; k < AC_KINDS; k++) {
		int64_t tot = total->group[0].amount.v[k], u = used->group[0].amount.v[k];
		if (u <= tot ? sum.group[0].amount.v[k] != tot : free_->group[0].amount.v[k] != 0)
			return false;
	}
	ac_vec_zero(&sum.group[0].amount);
	ac_vec_zero(&t.group[0].amount);
	return ac_resources_equal(&sum, &t);
}

static int check_state(harness *h, char *why, size_t wlen)
{
	char b1[512], b2[512];
	ac_vec off[MAX_ENT], alc[MAX_ENT];
	int live_agents = 0, live_fws = 0;
	memset(off, 0, sizeof off);
	memset(alc, 0, sizeof alc);
	for (int ai = 0; ai < h->nagents; ai++) {
		ent *A = &h->agents[ai];
		ac_agent_info info;
		ac_resources used, rfree;
		uint32_t noffers = 0;
		if (!A->live)
			continue;
		live_agents++;
		if (ac_agent_info_get(h->core, A->id, &info, NULL))
			FAIL("agent %s: info fails", A->name);
		ac_resources_init(&used);
		for (int fi = 0; fi < h->nfws; fi++) {
			ent *F = &h->fws[fi];
			ac_offer_id ids[MAX_IDS];
			ac_resources rr[MAX_IDS], al, ral;
			if (!F->live)
				continue;
			size_t n = ac_offers_of(h->core, F->id, A->id, ids, MAX_IDS);
			size_t rn = ref_offers(h->ref, F->ref, A->ref, rr, MAX_IDS);
			if (n != rn)
				FAIL("%s on %s: core has %zu offers, reference %zu", F->name, A->name, n, rn);
			for (size_t i = 0; i < n && i < MAX_IDS; i++) {
				ac_offer_info oi;
				ac_vec v;
				if (ac_offer_info_get(h->core, ids[i], &oi, NULL))
					FAIL("offer %llu listed but unknown", (unsigned long long)ids[i]);
				if (oi.fw != F->id || oi.agent != A->id)
					FAIL("offer %llu listed under the wrong pair", (unsigned long long)ids[i]);
				if (res_negative(&oi.resources))
					FAIL("offer %llu has a negative amount", (unsigned long long)ids[i]);
				fmt(h, &oi.resources, b1, sizeof b1);
				fmt(h, &rr[i], b2, sizeof b2);
				if (strcmp(b1, b2))
					FAIL("%s on %s offer #%zu: core %s, reference %s", F->name, A->name, i, b1, b2);
				if (ac_resources_add(&used, &oi.resources))
					FAIL("agent %s: offered+allocated overflow", A->name);
				ac_resources_scalars(&oi.resources, &v);
				ac_vec_add(&off[fi], &v);
				noffers++;
			}
			if (ac_allocation_get(h->core, F->id, A->id, &al, NULL))
				FAIL("%s on %s: allocation_get fails", F->name, A->name);
			assert_int_equal(ref_allocation(h->ref, F->ref, A->ref, &ral), 0);
			fmt(h, &al, b1, sizeof b1);
			fmt(h, &ral, b2, sizeof b2);
			if (strcmp(b1, b2))
				FAIL("%s holds on %s: core %s, reference %s", F->name, A->name, b1, b2);
			if (res_negative(&al))
				FAIL("%s holds a negative amount on %s", F->name, A->name);
			ac_vec v;
			ac_resources_scalars(&al, &v);
			ac_vec_add(&alc[fi], &v);
			if (ac_resources_add(&used, &al))
				FAIL("agent %s: offered+allocated overflow", A->name);
		}
		for (int k = 0; k < AC_KINDS; k++)
			if (used.group[0].amount.v[k] > info.total.group[0].amount.v[k]) {
				stats.overallocated++;
				break;
			}
		if (info.offers != noffers)
			FAIL("agent %s: info says %u offers, there are %u", A->name, info.offers, noffers);
		if (res_negative(&info.free))
			FAIL("agent %s: negative free", A->name);
		if (!accounts(&info.total, &info.free, &used))
			FAIL("agent %s: free %s + used %s != total %s", A->name, fmt(h, &info.free, b1, sizeof b1),
			     fmt(h, &used, b2, sizeof b2), "(see snapshot)");
		assert_int_equal(ref_agent_free(h->ref, A->ref, &rfree), 0);
		fmt(h, &info.free, b1, sizeof b1);
		fmt(h, &rfree, b2, sizeof b2);
		if (strcmp(b1, b2))
			FAIL("agent %s free: core %s, reference %s", A->name, b1, b2);
	}
	for (int fi = 0; fi < h->nfws; fi++) {
		ent *F = &h->fws[fi];
		ac_fw_info info;
		ac_vec ral, rof;
		if (!F->live)
			continue;
		live_fws++;
		if (ac_fw_info_get(h->core, F->id, &info, NULL))
			FAIL("fw %s: info fails", F->name);
		if (!vec_eq(&info.offered, &off[fi]) || !vec_eq(&info.allocated, &alc[fi]))
			FAIL("fw %s: info offered/allocated differ from the sums over its offers/allocations", F->name);
		if (vec_negative(&info.offered) || vec_negative(&info.allocated))
			FAIL("fw %s: negative offered/allocated", F->name);
		assert_int_equal(ref_fw_held(h->ref, F->ref, &ral, &rof), 0);
		if (!vec_eq(&info.offered, &rof) || !vec_eq(&info.allocated, &ral))
			FAIL("fw %s: offered/allocated differ from the reference's", F->name);
		if (info.allocations != ref_fw_allocations(h->ref, F->ref))
			FAIL("fw %s: allocations %llu, reference %llu", F->name, (unsigned long long)info.allocations,
			     (unsigned long long)ref_fw_allocations(h->ref, F->ref));
		if (info.active != F->active || info.suppressed != F->suppressed)
			FAIL("fw %s: active %d suppressed %d, expected %d %d", F->name, info.active, info.suppressed,
			     F->active, F->suppressed);
		double rs = ref_fw_dominant_share(h->ref, F->ref);
		if (!(fabs(info.dominant_share - rs) <= 1e-9 * (1 + rs)))
			FAIL("fw %s: dominant share %.12g, reference %.12g", F->name, info.dominant_share, rs);
		if (ac_offers_of(h->core, F->id, 0, NULL, 0) != ref_offers(h->ref, F->ref, -1, NULL, 0))
			FAIL("fw %s: offer count over all agents differs", F->name);
	}
	for (int r = 0; r < NROLES; r++) {
		ac_role_info ri;
		ac_vec rc;
		if (ac_role_info_get(h->core, roles[r], &ri, NULL))
			continue;
		ref_role_consumed(h->ref, roles[r], &rc);
		if (!vec_eq(&ri.consumed, &rc))
			FAIL("role %s: consumed differs from the reference's", roles[r]);
	}
	if (ac_agent_count(h->core) != (size_t)live_agents || ac_fw_count(h->core) != (size_t)live_fws)
		FAIL("agent/fw count: core %zu/%zu, expected %d/%d", ac_agent_count(h->core), ac_fw_count(h->core),
		     live_agents, live_fws);
	return 0;
}

/* ------------------------------------------------------------ operations */

/* Outstanding offer ids of fw on agent. */
static size_t offer_ids(harness *h, const ent *F, const ent *A, ac_offer_id *ids)
{
	size_t n = ac_offers_of(h->core, F ? F->id : 0, A ? A->id : 0, ids, MAX_IDS);
	return n < MAX_IDS ? n : MAX_IDS;
}

static int compare_events(harness *h, int expect_why, char *why, size_t wlen)
{
	size_t n;
	const ref_event *rev = ref_events(h->ref, &n);
	char b1[512], b2[512];
	if (h->nev >= MAX_EV)
		FAIL("too many events");
	for (size_t i = 0; i < n || i < (size_t)h->nev; i++) {
		char c[640] = "(none)", r[640] = "(none)";
		if (i < (size_t)h->nev) {
			const cev *e = &h->ev[i];
			snprintf(c, sizeof c, "%s %s %s %s", e->rescind ? "rescind" : "offer",
			         name_of(h->fws, h->nfws, e->fw), name_of(h->agents, h->nagents, e->agent),
			         fmt(h, &e->res, b1, sizeof b1));
			if (e->rescind && expect_why >= 0 && e->why != expect_why)
				FAIL("event %zu: %s with reason %d, expected %d", i, c, e->why, expect_why);
		}
		if (i < n)
			snprintf(r, sizeof r, "%s %s %s %s", rev[i].kind == REF_OFFER ? "offer" : "rescind",
			         rev[i].fw_name, rev[i].agent_name, fmt(h, &rev[i].res, b2, sizeof b2));
		if (strcmp(c, r))
			FAIL("event %zu: core \"%s\", reference \"%s\" (core %d events, reference %zu)", i, c, r,
			     h->nev, n);
	}
	return 0;
}

static ac_time ms(const char *s)
{
	return (ac_time)strtoll(s, NULL, 10) * MS;
}

/* The newest batch of framework F still outstanding, with its view. */
static bool newest_batch(harness *h, const ent *F, ac_batch_view *v)
{
	int fi = (int)(F - h->fws);
	for (int k = 0; k < 4; k++)
		if (h->batches[fi][k] && ac_batch_view_get(h->core, h->batches[fi][k], v, NULL) == 0)
			return true;
	return false;
}

/* The agent entry of batch offer i (agents are tagged with index + 1). */
static ent *batch_agent(harness *h, const ac_batch_view *v, size_t i)
{
	return &h->agents[v->agent_tag[i] - 1];
}

/* "settle F REFUSE ANSWERS": F's newest batch answered with ac_batch_settle.
 * ANSWERS is "-" or "I=RES|I=keep|...": offer I accepted using RES, or left
 * outstanding; the batch's other outstanding offers are declined. The
 * reference answers the same pairs one by one: accepts in the order named,
 * then declines in batch order (the generator keeps every offer whose pair
 * has another offer outstanding, since the reference answers pairs whole).
 * Returns the core's code, with the reference's in *rr; INT32_MIN on a
 * harness failure (why filled). */
static int exec_settle(harness *h, ent *F, const char *refuse_text, const char *answers, int *rr, char *why,
                       size_t wlen)
{
	/* a LINE holds at most LINE / 6 answers ("9=keep"); the generator
	 * names one for every offer of the batch it keeps or accepts */
	enum { MAXA = LINE / 6 };
	ac_batch_view v;
	static ac_batch_answer ans[MAXA];
	static ac_resources res[MAXA];
	bool named[MAX_ENT * 2] = {false};
	size_t na = 0;
	ac_time refuse = ms(refuse_text);
	if (!F || !newest_batch(h, F, &v)) {
		snprintf(why, wlen, "syntax: settle without a batch");
		return INT32_MIN;
	}
	/* the view's summed scalars are the offers' (ports and reservations
	 * included) */
	for (size_t i = 0; i < v.n; i++) {
		ac_offer_info oi;
		ac_vec sv, vs = ac_batch_scalars(&v, i);
		if (!v.live[i])
			continue;
		if (ac_offer_info_get(h->core, ac_batch_offer_id(v.id, i), &oi, NULL)) {
			snprintf(why, wlen, "batch: offer %zu live in the view but unknown", i);
			return INT32_MIN;
		}
		ac_resources_scalars(&oi.resources, &sv);
		if (memcmp(&sv, &vs, sizeof sv)) {
			snprintf(why, wlen, "batch: offer %zu's scalars in the view differ from its resources", i);
			return INT32_MIN;
		}
	}
	bool valid = true;
	char buf[LINE];
	snprintf(buf, sizeof buf, "%s", strcmp(answers, "-") ? answers : "");
	/* (the op line is split already: strtok is free) */
	for (char *t = strtok(buf, "|"); t; t = strtok(NULL, "|")) {
		char *eq = strchr(t, '=');
		if (!eq)
			continue;
		if (na == MAXA) {
			/* (an answer left out would be declined by the core alone
			 * but by the reference for its whole pair) */
			snprintf(why, wlen, "harness: more than %d answers in a settle", (int)MAXA);
			return INT32_MIN;
		}
		*eq = '\0';
		size_t i = strtoul(t, NULL, 10);
		ans[na].index = i;
		ans[na].used = NULL;
		if (strcmp(eq + 1, "keep")) {
			if (parse(h, eq + 1, &res[na]))
				continue;
			ans[na].used = &res[na];
		}
		if (i >= v.n || !v.live[i] || i >= MAX_ENT * 2 || named[i])
			valid = false;
		else
			named[i] = true;
		na++;
	}
	stats.settles++;
	if (!valid) {
		*rr = AC_EINVAL;
		snapshot(h, h->snap_before);
		return ac_batch_settle(h->core, v.id, ans, na, refuse, h->now, NULL);
	}
	*rr = 0;
	for (size_t k = 0; k < na && *rr == 0; k++) {
		if (!ans[k].used) {
			stats.settle_keeps++;
			continue;
		}
		stats.settle_accepts++;
		*rr = ref_accept(h->ref, F->ref, batch_agent(h, &v, ans[k].index)->ref, ans[k].used, refuse, h->now);
	}
	for (size_t i = 0; i < v.n && *rr == 0; i++) {
		if (!v.live[i]) {
			stats.settle_gone++;
			continue;
		}
		if (named[i])
			continue;
		stats.settle_declines++;
		*rr = ref_decline(h->ref, F->ref, batch_agent(h, &v, i)->ref, refuse, h->now);
	}
	if (*rr < 0) {
		snprintf(why, wlen, "harness: the reference refused a settle the generator thought valid (%d)", *rr);
		return INT32_MIN;
	}
	return ac_batch_settle(h->core, v.id, ans, na, refuse, h->now, NULL);
}

/* Executes one op line on both sides and checks the outcome. Returns 0, or
 * -1 with `why` (whose first word is the kind of failure). */
static int exec_line(harness *h, const char *line, char *why, size_t wlen)
{
	char buf[LINE], *argv[8];
	int argc = 0, rc = 0, rr = 0, expect_why = -1;
	ac_resources r1;
	ac_offer_id ids[2 * MAX_IDS + 1];
	snprintf(buf, sizeof buf, "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 8; t = strtok(NULL, " "))
		argv[argc++] = t;
	if (argc == 0)
		return 0;
	const char *op = argv[0];
/* The reference runs first, so the core is snapshotted only when the
 * reference rejects the op: then the core must reject it and change nothing. */
#define BOTH(core_call, ref_call)                                                                                      \
	do {                                                                                                           \
		rr = (ref_call);                                                                                       \
		if (rr < 0)                                                                                            \
			snapshot(h, h->snap_before);                                                                   \
		rc = (core_call);                                                                                      \
	} while (0)
#define ARGS(n)                                                                                                        \
	do {                                                                                                           \
		if (argc != (n) + 1)                                                                                   \
			FAIL("syntax: %s", line);                                                                      \
	} while (0)
	ent *A = NULL, *F = NULL;
	/* Operations name a framework first, then an agent, when they need both. */
	if (!strncmp(op, "fw_", 3) || !strcmp(op, "accept") || !strcmp(op, "decline") || !strcmp(op, "recover") ||
	    !strcmp(op, "accept_dup") || !strcmp(op, "settle"))
		F = argc > 1 ? find(h->fws, h->nfws, argv[1]) : NULL;
	if (!strncmp(op, "agent_", 6) || !strcmp(op, "allocate_agent"))
		A = argc > 1 ? find(h->agents, h->nagents, argv[1]) : NULL;
	if (!strcmp(op, "accept") || !strcmp(op, "decline") || !strcmp(op, "recover") || !strcmp(op, "accept_dup"))
		A = argc > 2 ? find(h->agents, h->nagents, argv[2]) : NULL;
	uint64_t fid = F ? F->id : 0, aid = A ? A->id : 0;
	int fref = F ? F->ref : -1, aref = A ? A->ref : -1;

	/* Parsing names roles, which the snapshot lists: parse op texts first. */
	for (int i = 1; i < argc; i++)
		if (strchr(argv[i], ':'))
			parse(h, argv[i], &r1);
	h->nev = 0;
	ref_events_clear(h->ref);

	if (!strcmp(op, "agent_add")) {
		ARGS(2);
		if (parse(h, argv[2], &r1) || h->nagents == MAX_ENT)
			return 0;
		ac_agent_id id = 0;
		BOTH(ac_agent_add(h->core, argv[1], &r1, &id, NULL), ref_agent_add(h->ref, argv[1], &r1));
		if (rc == 0 && rr >= 0) {
			/* the tag names the entry, for batch views */
			assert_int_equal(ac_agent_set_tag(h->core, id, (uint64_t)h->nagents + 1, NULL), 0);
			h->agents[h->nagents] = (ent){"", id, rr, true, true, false};
			snprintf(h->agents[h->nagents++].name, sizeof h->agents[0].name, "%s", argv[1]);
		}
	} else if (!strcmp(op, "agent_remove")) {
		ARGS(1);
		BOTH(ac_agent_remove(h->core, aid, NULL), ref_agent_remove(h->ref, aref));
		expect_why = AC_RESCIND_AGENT_REMOVED;
		if (rc == 0 && rr == 0)
			A->live = false;
	} else if (!strcmp(op, "agent_update")) {
		ARGS(2);
		if (parse(h, argv[2], &r1))
			return 0;
		BOTH(ac_agent_update(h->core, aid, &r1, NULL), ref_agent_update(h->ref, aref, &r1));
		expect_why = AC_RESCIND_AGENT_UPDATED;
	} else if (!strcmp(op, "agent_attr")) {
		ARGS(2);
		BOTH(ac_agent_set_attributes(h->core, aid, argv[2], NULL),
		     ref_agent_set_attributes(h->ref, aref, argv[2]));
	} else if (!strcmp(op, "fw_add")) {
		ARGS(4);
		if (h->nfws == MAX_ENT)
			return 0;
		ac_fw_opts o = {argv[2], atof(argv[3]), atoi(argv[4])};
		ac_fw_id id = 0;
		BOTH(ac_fw_add(h->core, argv[1], &o, &id, NULL),
		     ref_fw_add(h->ref, argv[1], argv[2], o.weight, o.priority));
		if (rc == 0 && rr >= 0) {
			h->fws[h->nfws] = (ent){"", id, rr, true, true, false};
			snprintf(h->fws[h->nfws++].name, sizeof h->fws[0].name, "%s", argv[1]);
		}
	} else if (!strcmp(op, "fw_remove")) {
		ARGS(1);
		BOTH(ac_fw_remove(h->core, fid, NULL), ref_fw_remove(h->ref, fref));
		expect_why = AC_RESCIND_FW_REMOVED;
		if (rc == 0 && rr == 0)
			F->live = false;
	} else if (!strcmp(op, "fw_activate") || !strcmp(op, "fw_deactivate")) {
		ARGS(1);
		bool on = !strcmp(op, "fw_activate");
		BOTH(on ? ac_fw_activate(h->core, fid, NULL) : ac_fw_deactivate(h->core, fid, NULL),
		     on ? ref_fw_activate(h->ref, fref) : ref_fw_deactivate(h->ref, fref));
		expect_why = AC_RESCIND_FW_DEACTIVATED;
		if (rc == 0 && rr == 0)
			F->active = on;
	} else if (!strcmp(op, "fw_suppress") || !strcmp(op, "fw_revive")) {
		ARGS(1);
		bool sup = !strcmp(op, "fw_suppress");
		BOTH(sup ? ac_fw_suppress(h->core, fid, NULL) : ac_fw_revive(h->core, fid, NULL),
		     sup ? ref_fw_suppress(h->ref, fref) : ref_fw_revive(h->ref, fref));
		if (rc == 0 && rr == 0)
			F->suppressed = sup;
	} else if (!strcmp(op, "fw_weight")) {
		ARGS(2);
		BOTH(ac_fw_set_weight(h->core, fid, atof(argv[2]), NULL),
		     ref_fw_set_weight(h->ref, fref, atof(argv[2])));
	} else if (!strcmp(op, "role_weight")) {
		ARGS(2);
		BOTH(ac_role_set_weight(h->core, argv[1], atof(argv[2]), NULL),
		     ref_role_set_weight(h->ref, argv[1], atof(argv[2])));
	} else if (!strcmp(op, "role_quota") || !strcmp(op, "role_quota_neg")) {
		ac_quota q;
		memset(&q, 0, sizeof q);
		if (!strcmp(op, "role_quota")) {
			ARGS(3);
			if (ac_quota_parse(h->core, strcmp(argv[2], "-") ? argv[2] : NULL,
			                   strcmp(argv[3], "-") ? argv[3] : NULL, &q, NULL))
				return 0;
		} else {
			ARGS(1);
			q.guarantee.v[AC_CPUS] = -1000;
		}
		BOTH(ac_role_set_quota(h->core, argv[1], &q, NULL), ref_role_set_quota(h->ref, argv[1], &q));
	} else if (!strcmp(op, "set_timeout") || !strcmp(op, "set_interval")) {
		ARGS(1);
		bool to = !strcmp(op, "set_timeout");
		BOTH(to ? ac_core_set_offer_timeout(h->core, ms(argv[1]), NULL)
		        : ac_core_set_interval(h->core, ms(argv[1]), NULL),
		     to ? ref_set_offer_timeout(h->ref, ms(argv[1])) : ref_set_interval(h->ref, ms(argv[1])));
	} else if (!strcmp(op, "set_min")) {
		ARGS(1);
		const char *text = strcmp(argv[1], "default") ? strcmp(argv[1], "''") ? argv[1] : "" : NULL;
		BOTH(ac_core_set_min_allocatable(h->core, text, NULL), ref_set_min_allocatable(h->ref, text));
	} else if (!strcmp(op, "allocate")) {
		ARGS(0);
		BOTH(ac_allocate(h->core, h->now, NULL), ref_allocate(h->ref, h->now));
	} else if (!strcmp(op, "allocate_at")) {
		/* A pass at a later (or, invalid, earlier) time moves the clock. */
		ARGS(1);
		ac_time t = h->now + ms(argv[1]);
		BOTH(ac_allocate(h->core, t, NULL), ref_allocate(h->ref, t));
		if (rc >= 0 && rr >= 0)
			h->now = t;
	} else if (!strcmp(op, "allocate_agent")) {
		ARGS(1);
		BOTH(ac_allocate_agent(h->core, aid, h->now, NULL), ref_allocate_agent(h->ref, aref, h->now));
	} else if (!strcmp(op, "advance")) {
		ARGS(1);
		ac_time t = h->now + ms(argv[1]);
		BOTH(ac_advance(h->core, t, NULL), ref_advance(h->ref, t));
		expect_why = AC_RESCIND_TIMEOUT;
		if (rc >= 0 && rr >= 0)
			h->now = t;
	} else if (!strcmp(op, "accept") || !strcmp(op, "decline")) {
		bool acc = !strcmp(op, "accept");
		ARGS(acc ? 4 : 3);
		size_t n = offer_ids(h, F, A, ids);
		if (!F || !A || n == 0) { /* no offer: id 0 is never valid */
			ids[0] = 0;
			n = 1;
		}
		if (acc && parse(h, argv[3], &r1))
			return 0;
		ac_time refuse = ms(argv[acc ? 4 : 3]);
		stats.multi_answers += n > 1;
		/* a lone offer is declined either way (by the id's parity):
		 * ac_offers_decline_each must equal ac_offers_decline then */
		bool each = !acc && n == 1 && (ids[0] & 1);
		stats.decline_each += each;
		BOTH(acc    ? ac_offers_accept(h->core, ids, n, &r1, refuse, h->now, NULL)
		     : each ? ac_offers_decline_each(h->core, ids, n, refuse, h->now, NULL)
		            : ac_offers_decline(h->core, ids, n, refuse, h->now, NULL),
		     acc ? ref_accept(h->ref, fref, aref, &r1, refuse, h->now)
		         : ref_decline(h->ref, fref, aref, refuse, h->now));
	} else if (!strcmp(op, "recover")) {
		ARGS(3);
		if (parse(h, argv[3], &r1))
			return 0;
		BOTH(ac_recover(h->core, fid, aid, &r1, NULL), ref_recover(h->ref, fref, aref, &r1));
	} else if (!strcmp(op, "accept_dup")) {
		/* The same offer twice in one accept: an error. */
		ARGS(2);
		size_t n = offer_ids(h, F, A, ids);
		if (!F || !A || n == 0)
			return 0;
		ids[n] = ids[0];
		ac_resources_init(&r1);
		BOTH(ac_offers_accept(h->core, ids, n + 1, &r1, 0, h->now, NULL), AC_EINVAL);
	} else if (!strcmp(op, "accept_mixed")) {
		/* Offers of two different (framework, agent) pairs: an error. */
		ARGS(4);
		ent *F2 = find(h->fws, h->nfws, argv[3]), *A2 = find(h->agents, h->nagents, argv[4]);
		F = find(h->fws, h->nfws, argv[1]);
		A = find(h->agents, h->nagents, argv[2]);
		if (!F || !A || !F2 || !A2 || (F == F2 && A == A2))
			return 0;
		size_t n = offer_ids(h, F, A, ids), n2 = offer_ids(h, F2, A2, ids + MAX_IDS);
		if (n == 0 || n2 == 0)
			return 0;
		memmove(ids + n, ids + MAX_IDS, n2 * sizeof *ids);
		ac_resources_init(&r1);
		BOTH(ac_offers_accept(h->core, ids, n + n2, &r1, 0, h->now, NULL), AC_EINVAL);
	} else if (!strcmp(op, "settle")) {
		ARGS(3);
		rc = exec_settle(h, F, argv[2], argv[3], &rr, why, wlen);
		if (rc == INT32_MIN)
			return -1;
	} else if (!strcmp(op, "decline_id")) {
		/* An id that is not outstanding (answered, rescinded or never made). */
		ARGS(1);
		ac_offer_info oi;
		ids[0] = strtoull(argv[1], NULL, 10);
		if (ac_offer_info_get(h->core, ids[0], &oi, NULL) == 0)
			return 0;
		BOTH(ac_offers_decline(h->core, ids, 1, 0, h->now, NULL), AC_ENOENT);
	} else {
		FAIL("syntax: unknown op %s", op);
	}

	stats.ops++;
	stats.failed_ops += rc < 0;
	for (int i = 0; i < h->nev; i++)
		h->ev[i].rescind ? stats.rescinds++ : stats.offers++;
	if ((rc < 0) != (rr < 0))
		FAIL("rc: core returned %d (%s), reference %d (%s)", rc, ac_strerror(rc < 0 ? rc : 0), rr,
		     ac_strerror(rr < 0 ? rr : 0));
	if (rc < 0) {
		snapshot(h, h->snap_after);
		if (h->nev)
			FAIL("changed: failing op reported %d events", h->nev);
		if (strcmp(h->snap_before, h->snap_after))
			FAIL("changed: failing op (%s) changed the core:\n--- before\n%s--- after\n%s", ac_strerror(rc),
			     h->snap_before, h->snap_after);
	} else if (compare_events(h, expect_why, why, wlen)) {
		return -1;
	}
	return check_state(h, why, wlen);
#undef ARGS
#undef BOTH
}

/* ------------------------------------------------------------ generation */

static const char *pick(harness *h, const char *const *v, int n)
{
	return v[rnd(h, n)];
}

static void gen_total(harness *h, char *out, size_t len)
{
	static const char *const cpus[] = {"1", "2", "4", "8", "0.5", "1.5", "3", "0"};
	static const char *const mem[] = {"512", "1024", "2048", "4096", "16", "8192", "100.5"};
	static const struct {
		const char *role, *text;
	} resv[] = {{"a", "cpus(a):1;mem(a):512"},  {"a", "cpus(a):0.5"}, {"a/b", "cpus(a/b):1;mem(a/b):256"},
	            {"c", "cpus(c):2;mem(c):1024"}, {"c", "mem(c):64"},   {"a", "cpus(a):1;ports(a):[32000-32003]"}};
	sb s = {out, 0, len};
	const char *c = pick(h, cpus, 8);
	if (strcmp(c, "0"))
		sbf(&s, "cpus:%s;", c);
	sbf(&s, "mem:%s", pick(h, mem, 7));
	if (rnd(h, 4) == 0)
		sbf(&s, ";disk:%s", rnd(h, 2) ? "1024" : "100");
	if (rnd(h, 10) == 0)
		sbf(&s, ";gpus:1");
	if (rnd(h, 10) == 0)
		sbf(&s, ";net:%d", 100 * (1 + rnd(h, 3)));
	if (rnd(h, 3) == 0)
		sbf(&s, rnd(h, 2) ? ";ports:[31000-31005]" : ";ports:[31000-31002,31007-31009]");
	/* Up to two reservations, for distinct roles. */
	int r1 = rnd(h, 12), r2 = rnd(h, 12);
	if (r1 < 6)
		sbf(&s, ";%s", resv[r1].text);
	if (r2 < 6 && (r1 >= 6 || strcmp(resv[r1].role, resv[r2].role)))
		sbf(&s, ";%s", resv[r2].text);
}

/* A random part of r: each amount kept whole, halved or dropped, ports kept,
 * dropped or cut to their first port. */
static void gen_part(harness *h, const ac_resources *r, bool nonempty, char *out, size_t len)
{
	ac_resources p = *r;
	int mode = rnd(h, 6);
	for (uint32_t g = 0; mode > 1 && g < p.ngroups; g++) {
		for (int k = 0; k < AC_KINDS; k++)
			p.group[g].amount.v[k] = p.group[g].amount.v[k] * rnd(h, 3) / 2;
		int pm = rnd(h, 3);
		if (pm == 0)
			p.group[g].nports = 0;
		else if (pm == 1 && p.group[g].nports) {
			p.group[g].nports = 1;
			p.group[g].ports[0].end = p.group[g].ports[0].begin;
		}
	}
	if (mode == 1 && !nonempty)
		ac_resources_init(&p);
	ac_resources_format(h->core, &p, out, len);
	if (!out[0])
		snprintf(out, len, "%s", nonempty ? "cpus:0.001" : "-");
}

static ent *live_pick(harness *h, ent *v, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += v[i].live;
	if (k == 0)
		return NULL;
	k = rnd(h, k);
	for (int i = 0; i < n; i++)
		if (v[i].live && k-- == 0)
			return &v[i];
	return NULL;
}

static int live_count(const ent *v, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += v[i].live;
	return k;
}

/* A fresh name, or now and then the name of a removed entity. */
static void new_name(harness *h, const ent *v, int n, char prefix, int *next, char *out, size_t len)
{
	for (int i = 0; i < n && rnd(h, 4) == 0; i++)
		if (!v[i].live && !find((ent *)v, n, v[i].name)->live) {
			snprintf(out, len, "%s", v[i].name);
			return;
		}
	snprintf(out, len, "%c%d", prefix, (*next)++);
}

/* A random (framework, agent) pair with outstanding offers, or false. */
static bool pick_offered(harness *h, ent **F, ent **A)
{
	int n = 0;
	for (int f = 0; f < h->nfws; f++)
		for (int a = 0; h->fws[f].live && a < h->nagents; a++)
			if (h->agents[a].live && ac_offers_of(h->core, h->fws[f].id, h->agents[a].id, NULL, 0) &&
			    rnd(h, ++n) == 0) { /* reservoir sampling: each pair equally likely */
				*F = &h->fws[f];
				*A = &h->agents[a];
			}
	return n > 0;
}

static bool pick_held(harness *h, ent **F, ent **A, ac_resources *held)
{
	for (int tries = 0; tries < 20; tries++) {
		*F = live_pick(h, h->fws, h->nfws);
		*A = live_pick(h, h->agents, h->nagents);
		if (*F && *A && ac_allocation_get(h->core, (*F)->id, (*A)->id, held, NULL) == 0 &&
		    !ac_resources_empty(held))
			return true;
	}
	return false;
}

static void offered_sum(harness *h, ent *F, ent *A, ac_resources *sum)
{
	ac_offer_id ids[MAX_IDS];
	size_t n = offer_ids(h, F, A, ids);
	ac_resources_init(sum);
	for (size_t i = 0; i < n; i++) {
		ac_offer_info oi;
		if (ac_offer_info_get(h->core, ids[i], &oi, NULL) == 0)
			ac_resources_add(sum, &oi.resources);
	}
}

static const char *refuse_ms(harness *h)
{
	static const char *const v[] = {"0", "0", "500", "1000", "2500", "5000", "30000"};
	return pick(h, v, 7);
}

/* An operation that must fail. */
static void gen_invalid(harness *h, char *out, size_t len)
{
	ent *F, *A, *F2, *A2;
	ac_resources r;
	char b[320];
	switch (rnd(h, 14)) {
	case 0: /* accept more than offered */
		if (!pick_offered(h, &F, &A))
			break;
		offered_sum(h, F, A, &r);
		if (rnd(h, 2))
			r.group[0].amount.v[rnd(h, 2)] += 1;
		else if (r.group[0].nports < AC_MAX_RANGES)
			r.group[0].ports[r.group[0].nports++] = (ac_range){40000, 40000};
		snprintf(out, len, "accept %s %s %s 1000", F->name, A->name, fmt(h, &r, b, sizeof b));
		return;
	case 1: /* answer where there is no offer */
		F = live_pick(h, h->fws, h->nfws);
		A = live_pick(h, h->agents, h->nagents);
		if (!F || !A || ac_offers_of(h->core, F->id, A->id, NULL, 0))
			break;
		snprintf(out, len, rnd(h, 2) ? "decline %s %s 1000" : "accept %s %s - 0", F->name, A->name);
		return;
	case 2: /* a stale or unknown offer id */
		snprintf(out, len, "decline_id %llu",
		         h->nseen && rnd(h, 4) ? (unsigned long long)h->seen[rnd(h, h->nseen)] : 987654321ULL);
		return;
	case 3:
		if (!pick_offered(h, &F, &A) || !pick_offered(h, &F2, &A2) || (F == F2 && A == A2))
			break;
		snprintf(out, len, "accept_mixed %s %s %s %s", F->name, A->name, F2->name, A2->name);
		return;
	case 4:
		if (!pick_offered(h, &F, &A))
			break;
		snprintf(out, len, "accept_dup %s %s", F->name, A->name);
		return;
	case 5: /* recover more than held */
		if (!pick_held(h, &F, &A, &r))
			break;
		r.group[0].amount.v[AC_MEM] += 1000;
		snprintf(out, len, "recover %s %s %s", F->name, A->name, fmt(h, &r, b, sizeof b));
		return;
	case 6: /* unknown or removed names */
		snprintf(out, len, "%s nosuch", rnd(h, 2) ? "fw_remove" : "agent_remove");
		return;
	case 7:
		for (int i = 0; i < h->nfws; i++)
			if (!h->fws[i].live) {
				static const char *const ops[] = {"fw_suppress", "fw_revive", "fw_activate",
				                                  "fw_remove"};
				snprintf(out, len, "%s %s", pick(h, ops, 4), h->fws[i].name);
				return;
			}
		for (int i = 0; i < h->nagents; i++)
			if (!h->agents[i].live) {
				snprintf(out, len, "allocate_agent %s", h->agents[i].name);
				return;
			}
		snprintf(out, len, "recover nosuch nosuch cpus:1");
		return;
	case 8: /* duplicate names */
		if ((F = live_pick(h, h->fws, h->nfws)))
			snprintf(out, len, "fw_add %s * 1 0", F->name);
		else
			break;
		return;
	case 9:
		if ((A = live_pick(h, h->agents, h->nagents)))
			snprintf(out, len, "agent_add %s cpus:1;mem:64", A->name);
		else
			break;
		return;
	case 10: {
		static const char *const bad[] = {"a//b", "/a", "a/", "a/*"};
		snprintf(out, len, rnd(h, 2) ? "fw_add fbad %s 1 0" : "role_weight %s 2", pick(h, bad, 4));
		return;
	}
	case 11:
		if (rnd(h, 2) && (F = live_pick(h, h->fws, h->nfws)))
			snprintf(out, len, "fw_weight %s %s", F->name, rnd(h, 2) ? "-1" : "0");
		else
			snprintf(out, len, "role_weight %s %s", pick(h, roles, NROLES), rnd(h, 2) ? "-2" : "0");
		return;
	case 12:
		snprintf(out, len, "%s -%d", rnd(h, 2) ? "advance" : "allocate_at", 1 + rnd(h, 1000));
		return;
	case 13:
		snprintf(out, len, "role_quota_neg %s", pick(h, roles + 1, NROLES - 1));
		return;
	}
	snprintf(out, len, "fw_remove nosuch");
}

static void gen_quota(harness *h, char *out, size_t len)
{
	/* Guarantee <= limit wherever both are set. */
	static const char *const pairs[][2] = {
	        {"cpus:1", "-"},
	        {"cpus:2;mem:1024", "-"},
	        {"-", "cpus:2"},
	        {"-", "mem:1024"},
	        {"cpus:1", "cpus:2"},
	        {"mem:512", "mem:512"},
	        {"-", "cpus:0"},
	        {"-", "-"},
	        {"cpus:4", "cpus:6"},
	        {"cpus:0.5", "cpus:1"},
	        {"cpus:1;mem:256", "mem:2048"},
	};
	int p = rnd(h, 11);
	snprintf(out, len, "role_quota %s %s %s", pick(h, roles, NROLES), pairs[p][0], pairs[p][1]);
}

/* A settle of a random framework's newest batch (false when none has one):
 * each offer accepted in part, kept or declined; kept whenever its pair has
 * another offer outstanding. One in ten is invalid (an offer named twice). */
static bool gen_settle(harness *h, char *out, size_t len)
{
	ent *F = live_pick(h, h->fws, h->nfws);
	ac_batch_view v;
	if (!F || !newest_batch(h, F, &v))
		return false;
	sb s = {out, 0, len};
	sbf(&s, "settle %s %s ", F->name, refuse_ms(h));
	size_t start = s.n;
	int accepts = 0;
	for (size_t i = 0; i < v.n; i++) {
		if (!v.live[i])
			continue;
		ent *A = batch_agent(h, &v, i);
		bool alone = ac_offers_of(h->core, F->id, A->id, NULL, 0) == 1;
		int what = alone ? rnd(h, 3) : 2;
		if (what == 0 && accepts < 4) {
			ac_offer_info oi;
			char b[320];
			if (ac_offer_info_get(h->core, ac_batch_offer_id(v.id, i), &oi, NULL))
				continue;
			gen_part(h, &oi.resources, false, b, sizeof b);
			sbf(&s, "%s%zu=%s", s.n > start ? "|" : "", i, strcmp(b, "-") ? b : "");
			accepts++;
		} else if (what == 2 || what == 0) {
			sbf(&s, "%s%zu=keep", s.n > start ? "|" : "", i);
		}
	}
	if (rnd(h, 10) == 0)
		sbf(&s, "%s%zu=keep|%zu=keep", s.n > start ? "|" : "", v.n, v.n); /* invalid */
	if (s.n == start)
		sbf(&s, "-");
	return s.n < len;
}

static void gen_op(harness *h, char *out, size_t len, int *next_agent, int *next_fw)
{
	static const char *const weights[] = {"1", "2", "0.5", "3", "1.5"};
	static const char *const dts[] = {"0", "100", "500", "1000", "1000", "2500", "5000"};
	char b[320], total[200], nm[16];
	ent *F, *A;
	ac_resources r;
	for (;;) {
		if (rnd(h, 100) < 8 && gen_settle(h, out, len))
			return;
		int x = rnd(h, 100);
		if (x < 14) {
			snprintf(out, len, "allocate");
		} else if (x < 16) {
			snprintf(out, len, "allocate_at %s", pick(h, dts, 7));
		} else if (x < 20) {
			if (!(A = live_pick(h, h->agents, h->nagents)))
				continue;
			snprintf(out, len, "allocate_agent %s", A->name);
		} else if (x < 28) {
			snprintf(out, len, "advance %s", pick(h, dts, 7));
		} else if (x < 42) {
			if (!pick_offered(h, &F, &A))
				continue;
			offered_sum(h, F, A, &r);
			gen_part(h, &r, false, b, sizeof b);
			snprintf(out, len, "accept %s %s %s %s", F->name, A->name, b, refuse_ms(h));
		} else if (x < 50) {
			if (!pick_offered(h, &F, &A))
				continue;
			snprintf(out, len, "decline %s %s %s", F->name, A->name, refuse_ms(h));
		} else if (x < 57) {
			if (!pick_held(h, &F, &A, &r))
				continue;
			gen_part(h, &r, true, b, sizeof b);
			snprintf(out, len, "recover %s %s %s", F->name, A->name, b);
		} else if (x < 62) {
			if (live_count(h->agents, h->nagents) >= h->max_agents)
				continue;
			gen_total(h, total, sizeof total);
			new_name(h, h->agents, h->nagents, 's', next_agent, nm, sizeof nm);
			snprintf(out, len, "agent_add %s %s", nm, total);
		} else if (x < 64) {
			if (!(A = live_pick(h, h->agents, h->nagents)))
				continue;
			snprintf(out, len, "agent_remove %s", A->name);
		} else if (x < 67) {
			if (!(A = live_pick(h, h->agents, h->nagents)))
				continue;
			gen_total(h, total, sizeof total);
			snprintf(out, len, "agent_update %s %s", A->name, total);
		} else if (x < 69) {
			if (!(A = live_pick(h, h->agents, h->nagents)))
				continue;
			snprintf(out, len, "agent_attr %s rack:r%d", A->name, rnd(h, 2));
		} else if (x < 73) {
			if (live_count(h->fws, h->nfws) >= h->max_fws)
				continue;
			new_name(h, h->fws, h->nfws, 'f', next_fw, nm, sizeof nm);
			snprintf(out, len, "fw_add %s %s %s %d", nm, pick(h, roles, NROLES),
			         rnd(h, 3) ? "1" : pick(h, weights, 5), rnd(h, 3));
		} else if (x < 75) {
			if (!(F = live_pick(h, h->fws, h->nfws)))
				continue;
			snprintf(out, len, "fw_remove %s", F->name);
		} else if (x < 82) {
			static const char *const ops[] = {"fw_activate", "fw_deactivate", "fw_suppress", "fw_revive"};
			if (!(F = live_pick(h, h->fws, h->nfws)))
				continue;
			snprintf(out, len, "%s %s", pick(h, ops, 4), F->name);
		} else if (x < 84) {
			if (!(F = live_pick(h, h->fws, h->nfws)))
				continue;
			snprintf(out, len, "fw_weight %s %s", F->name, pick(h, weights, 5));
		} else if (x < 86) {
			snprintf(out, len, "role_weight %s %s", pick(h, roles, NROLES), pick(h, weights, 5));
		} else if (x < 89) {
			gen_quota(h, out, len);
		} else if (x < 90) {
			static const char *const mins[] = {"default", "''", "cpus:1;mem:64|mem:512", "mem:1024",
			                                   "ports:[1-2]"};
			static const char *const times[] = {"0", "500", "1000", "3000", "-1000"};
			int k = rnd(h, 3);
			snprintf(out, len, "%s %s",
			         k == 0   ? "set_min"
			         : k == 1 ? "set_timeout"
			                  : "set_interval",
			         k == 0 ? pick(h, mins, 5) : pick(h, times, 5));
		} else {
			gen_invalid(h, out, len);
		}
		return;
	}
}

/* --------------------------------------------------------------- running */

static void config_of(uint64_t seed, seqcfg *c)
{
	static const char *const pol[] = {"drf", "priority", "asset"};
	static const char *const mins[] = {"default", "default", "default", "", "cpus:1;mem:64|mem:512"};
	uint64_t s = seed ^ 0x5eed;
	snprintf(c->policy, sizeof c->policy, "%s", pol[seed % 3]);
	c->timeout_ms = rnd64(&s) % 3 == 0 ? 3000 : 0;
	c->interval_ms = rnd64(&s) % 4 == 0 ? 2000 : 1000;
	snprintf(c->minalloc, sizeof c->minalloc, "%s", mins[rnd64(&s) % 5]);
}

static void config_line(const seqcfg *c, char *out, size_t len)
{
	snprintf(out, len, "config %s %d %d %s", c->policy, c->timeout_ms, c->interval_ms,
	         c->minalloc[0] ? c->minalloc : "''");
}

static int config_parse(const char *line, seqcfg *c)
{
	char mins[40];
	if (sscanf(line, "config %15s %d %d %39s", c->policy, &c->timeout_ms, &c->interval_ms, mins) != 4)
		return -1;
	snprintf(c->minalloc, sizeof c->minalloc, "%s", strcmp(mins, "''") ? mins : "");
	return 0;
}

/* Replays lines on a fresh pair; returns the index of the failing line (why
 * filled) or -1. */
static int replay(const seqcfg *c, char lines[][LINE], int n, char *why, size_t wlen)
{
	harness *h = harness_new(c, 1);
	int bad = -1;
	for (int i = 0; i < n && bad < 0; i++)
		if (exec_line(h, lines[i], why, wlen))
			bad = i;
	harness_free(h);
	return bad;
}

static bool same_kind(const char *a, const char *b)
{
	size_t n = strcspn(a, " :");
	return strncmp(a, b, n) == 0 && (b[n] == ' ' || b[n] == ':');
}

/* Removes chunks of lines (halving their size) while the same kind of
 * failure persists; lines after the failing one go at once. */
static int shrink(const seqcfg *c, char lines[][LINE], int n, const char *kind)
{
	static char trial[MAX_LINES][LINE];
	static char why[WHY];
	for (int round = 0; round < 2; round++)
		for (int chunk = n / 2 > 0 ? n / 2 : 1; chunk >= 1; chunk /= 2)
			for (int start = 0; start < n;) {
				int m = 0;
				for (int i = 0; i < n; i++)
					if (i < start || i >= start + chunk)
						memcpy(trial[m++], lines[i], LINE);
				int bad = replay(c, trial, m, why, sizeof why);
				if (bad >= 0 && same_kind(kind, why)) {
					n = bad + 1;
					memcpy(lines, trial, (size_t)n * LINE);
				} else {
					start += chunk;
				}
			}
	return n;
}

static void report(const seqcfg *c, char lines[][LINE], int n, const char *why, uint64_t seed)
{
	char cl[LINE];
	config_line(c, cl, sizeof cl);
	fprintf(stderr, "\n=== differential mismatch (seed %llu) after %d ops: %s\n%s\n", (unsigned long long)seed, n,
	        why, cl);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "%s\n", lines[i]);
	fprintf(stderr, "=== end\n");
}

/* One random sequence; returns true when both sides agreed throughout. */
static bool run_seed(uint64_t seed, int nops)
{
	static char lines[MAX_LINES][LINE];
	static char why[WHY];
	seqcfg c;
	int n = 0, next_agent = 0, next_fw = 0, bad = -1;
	config_of(seed, &c);
	harness *h = harness_new(&c, seed);
	/* A third of the sequences start with quotas on one to three roles, so
	 * that stage 1 and the headroom are exercised often. */
	/* One sequence in 25 runs on a larger cluster, to exercise the core's
	 * growing arrays, hash maps and incremental orders. */
	h->max_agents = seed % 25 ? 6 : 40;
	h->max_fws = seed % 25 ? 5 : 24;
	int agents = 1 + rnd(h, h->max_agents), fws = 1 + rnd(h, h->max_fws), quotas = rnd(h, 3) ? 0 : 1 + rnd(h, 3);
	for (int i = 0; i < agents + fws + quotas; i++) {
		char total[200];
		if (i >= agents + fws) {
			gen_quota(h, lines[n], LINE);
		} else if (i < agents) {
			gen_total(h, total, sizeof total);
			snprintf(lines[n], LINE, "agent_add s%d %s", next_agent++, total);
		} else {
			snprintf(lines[n], LINE, "fw_add f%d %s %s %d", next_fw++, roles[rnd(h, NROLES)],
			         rnd(h, 2) ? "1" : "2", rnd(h, 3));
		}
		if (exec_line(h, lines[n++], why, sizeof why)) {
			bad = n - 1;
			break;
		}
	}
	for (int i = 0; bad < 0 && i < (seed % 25 ? nops : 2 * nops) && n < MAX_LINES; i++) {
		gen_op(h, lines[n], LINE, &next_agent, &next_fw);
		if (exec_line(h, lines[n++], why, sizeof why))
			bad = n - 1;
	}
	harness_free(h);
	if (bad < 0)
		return true;
	report(&c, lines, bad + 1, why, seed);
	char kind[64];
	snprintf(kind, sizeof kind, "%.40s", why);
	int m = shrink(&c, lines, bad + 1, kind);
	replay(&c, lines, m, why, sizeof why);
	fprintf(stderr, "--- shrunk to %d ops:\n", m);
	report(&c, lines, m, why, seed);
	return false;
}

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtol(v, NULL, 10) : dflt;
}

static void core_matches_reference(void **state)
{
	(void)state;
	long seqs = env_long("MESO_DIFF_SEQS", DEFAULT_SEQS), ops = env_long("MESO_DIFF_OPS", 60);
	long first = env_long("MESO_DIFF_SEED", 1);
	bool keepgoing = env_long("MESO_DIFF_KEEPGOING", 0) != 0;
	int failures = 0;
	for (long s = first; s < first + seqs; s++) {
		if (!run_seed((uint64_t)s, (int)ops)) {
			failures++;
			if (!keepgoing)
				break;
		}
	}
	fprintf(stderr,
	        "differential: %ld sequences x %ld ops from seed %ld, %d failing (%ld ops run, %ld rejected by "
	        "both, %ld offers, %ld rescinds, %ld answers of several offers, %ld declines through decline_each, %ld "
	        "over-allocated agent "
	        "states; %ld batch settles: %ld accepts, %ld kept, %ld declines, %ld offers gone before)\n",
	        seqs, ops, first, failures, stats.ops, stats.failed_ops, stats.offers, stats.rescinds,
	        stats.multi_answers, stats.decline_each, stats.overallocated, stats.settles, stats.settle_accepts,
	        stats.settle_keeps, stats.settle_declines, stats.settle_gone);
	assert_true(stats.decline_each > 0);
	assert_true(stats.settle_accepts > 0 && stats.settle_keeps > 0 && stats.settle_declines > 0 &&
	            stats.settle_gone > 0);
	assert_int_equal(failures, 0);
}

/* Replays MESO_DIFF_REPLAY (a "config" line, then op lines) when set. */
static void replay_file(void **state)
{
	(void)state;
	static char lines[MAX_LINES][LINE];
	const char *path = getenv("MESO_DIFF_REPLAY");
	static char why[WHY];
	char cl[LINE];
	seqcfg c;
	int n = 0;
	if (!path || !*path)
		skip();
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(cl, sizeof cl, f));
	assert_int_equal(config_parse(cl, &c), 0);
	while (n < MAX_LINES && fgets(lines[n], LINE, f)) {
		lines[n][strcspn(lines[n], "\n")] = '\0';
		if (lines[n][0] && lines[n][0] != '#')
			n++;
	}
	fclose(f);
	int bad = replay(&c, lines, n, why, sizeof why);
	if (bad >= 0) {
		report(&c, lines, bad + 1, why, 0);
		fail_msg("replay fails at line %d", bad + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(core_matches_reference),
	        cmocka_unit_test(replay_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
