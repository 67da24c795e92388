/*
 * test_oom.c — out of memory at every allocation of a scenario.
 *
 * alloccore's contract (alloccore.h): a call that fails has changed nothing;
 * the allocation pass is the exception its message names — the offers made
 * before it ran out stand. Some steps fall back to ways that need no memory
 * (a sort in place, a full resort instead of a touch list), with the same
 * outcome (alloccore/README.md, "Errors"). This test links the core with
 * malloc, calloc and realloc wrapped (-Wl,--wrap): the scenario below runs
 * once to count the allocations its calls make, then once for each of them
 * with that one failing. Every call that fails with AC_ENOMEM must leave
 * what the API shows (every agent, framework, role and counter, as text) as
 * it was, a pass excepted; the books must balance after every call (what
 * the agents lack is what the frameworks and roles hold and are offered;
 * each framework's sums are those of its allocation records and of its
 * outstanding offers); and the call made again must succeed. Unless a pass
 * failed midway, the run must end exactly where the run without a failure
 * ended. ASan (the sanitizer build runs the unit tests) catches what a
 * failure path leaks or frees twice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloccore/alloccore.h"

/* ------------------------------------------------- allocations that fail */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static bool armed;        /* counting: inside a call of the core */
static long counted;      /* allocations asked for while armed */
static long fail_at = -1; /* the one that fails (its rank in counted), or -1 */

static bool granted(void)
{
	if (!armed)
		return true;
	return counted++ != fail_at;
}

void *__wrap_malloc(size_t n)
{
	return granted() ? __real_malloc(n) : NULL;
}

void *__wrap_calloc(size_t n, size_t size)
{
	return granted() ? __real_calloc(n, size) : NULL;
}

void *__wrap_realloc(void *p, size_t n)
{
	return granted() ? __real_realloc(p, n) : NULL;
}

/* ------------------------------------------------------------- the world */

enum { MAX_AGENTS = 8, MAX_FWS = 4, MAX_BATCHES = 64, MAX_TASKS = 256, DIGEST = 8192 };

typedef struct task {
	ac_fw_id fw;
	ac_agent_id agent;
} task;

typedef struct world {
	ac_core *core;
	ac_time now;
	ac_agent_id agents[MAX_AGENTS];
	size_t nagents;
	ac_fw_id fws[MAX_FWS];
	size_t nfws;
	ac_batch_id batches[MAX_BATCHES]; /* reported by the pass (the batch hook) */
	size_t nbatches;
	task tasks[MAX_TASKS], prev[MAX_TASKS]; /* accepted this round, and the last */
	size_t ntasks, nprev;
	int failures;     /* calls that ran out of memory */
	bool diverged;    /* a pass ran out midway: its offers stand */
	ac_resources one; /* the task every accept uses */
} world;

static void on_batch(void *ud, const ac_batch_view *v)
{
	world *w = ud;
	if (w->nbatches < MAX_BATCHES)
		w->batches[w->nbatches++] = v->id;
}

static void vec_put(char **p, char *end, const ac_vec *v)
{
	for (int k = 0; k < AC_KINDS && *p < end; k++)
		*p += snprintf(*p, (size_t)(end - *p), "%lld%c", (long long)v->v[k], k + 1 < AC_KINDS ? ',' : ' ');
}

/* The top-level roles the scenario uses (web/x is below web). */
static const char *const role_names[] = {"*", "web", "batch", "ml", "gpu"};

/* What the API shows of the core, as text. */
static void digest(const world *w, char *buf)
{
	char *p = buf, *end = buf + DIGEST;
	char text[1024];
	size_t cur = 0;
	ac_agent_id a;
	while ((a = ac_agent_next(w->core, &cur)) && p < end) {
		ac_agent_info ai;
		assert_int_equal(ac_agent_info_get(w->core, a, &ai, NULL), 0);
		ac_resources_format(w->core, &ai.total, text, sizeof text);
		p += snprintf(p, (size_t)(end - p), "agent %s total %s", ai.name, text);
		ac_resources_format(w->core, &ai.free, text, sizeof text);
		p += snprintf(p, (size_t)(end - p), " free %s offers %u%s\n", text, ai.offers,
		              ai.active ? "" : " inactive");
	}
	cur = 0;
	ac_fw_id f;
	while ((f = ac_fw_next(w->core, &cur)) && p < end) {
		ac_fw_info fi;
		assert_int_equal(ac_fw_info_get(w->core, f, &fi, NULL), 0);
		p += snprintf(p, (size_t)(end - p), "fw %s role %s weight %g %s%s allocated ", fi.name, fi.role,
		              fi.weight, fi.active ? "active" : "inactive", fi.suppressed ? " suppressed" : "");
		vec_put(&p, end, &fi.allocated);
		p += snprintf(p, (size_t)(end - p), "offered ");
		vec_put(&p, end, &fi.offered);
		p += snprintf(p, (size_t)(end - p), "allocations %llu\n", (unsigned long long)fi.allocations);
	}
	for (size_t r = 0; r < sizeof role_names / sizeof *role_names && p < end; r++) {
		ac_role_info ri;
		static const ac_vec zero = {{0}};
		/* Roles are interned, never removed (their ids are the
		 * callers'): one a failed call named may stay, empty. An empty
		 * role as made is shown as none. */
		if (ac_role_info_get(w->core, role_names[r], &ri, NULL) ||
		    (ri.frameworks == 0 && ri.weight == 1 && !memcmp(&ri.consumed, &zero, sizeof zero) &&
		     !memcmp(&ri.reserved, &zero, sizeof zero) && !memcmp(&ri.allocated, &zero, sizeof zero) &&
		     !memcmp(&ri.offered, &zero, sizeof zero) && !memcmp(&ri.quota.guarantee, &zero, sizeof zero) &&
		     ri.quota.limit_mask == 0))
			continue;
		p += snprintf(p, (size_t)(end - p), "role %s weight %g frameworks %u share %.9f consumed ", ri.name,
		              ri.weight, ri.frameworks, ri.dominant_share);
		vec_put(&p, end, &ri.consumed);
		p += snprintf(p, (size_t)(end - p), "reserved ");
		vec_put(&p, end, &ri.reserved);
		p += snprintf(p, (size_t)(end - p), "allocated ");
		vec_put(&p, end, &ri.allocated);
		p += snprintf(p, (size_t)(end - p), "offered ");
		vec_put(&p, end, &ri.offered);
		p += snprintf(p, (size_t)(end - p), "\n");
	}
	for (int k = 0; k < AC_KINDS && p < end; k++)
		p += snprintf(p, (size_t)(end - p), "kind %d %s\n", k,
		              ac_kind_name(w->core, k) ? ac_kind_name(w->core, k) : "-");
	ac_counters c;
	ac_counters_get(w->core, &c);
	if (p < end)
		snprintf(p, (size_t)(end - p),
		         "passes %llu made %llu accepted %llu declined %llu rescinded %llu filters %llu outstanding "
		         "%llu "
		         "unstored %llu\n",
		         (unsigned long long)c.passes, (unsigned long long)c.offers_made,
		         (unsigned long long)c.offers_accepted, (unsigned long long)c.offers_declined,
		         (unsigned long long)c.offers_rescinded, (unsigned long long)c.filters_created,
		         (unsigned long long)c.outstanding_offers, (unsigned long long)c.ports_unstored);
}

/* The core's books balance: per kind, what the agents lack (total - free)
 * is what the frameworks are offered and hold, and what the (top-level)
 * roles' sums say they are; each framework's allocated sum is the sum of
 * its allocation records, its offered sum that of its outstanding offers. */
static void check_books(const world *w, int line)
{
	ac_vec lack = {{0}}, held = {{0}};
	size_t cur = 0;
	ac_agent_id a;
	while ((a = ac_agent_next(w->core, &cur))) {
		ac_agent_info ai;
		ac_vec t, fr;
		assert_int_equal(ac_agent_info_get(w->core, a, &ai, NULL), 0);
		ac_resources_scalars(&ai.total, &t);
		ac_resources_scalars(&ai.free, &fr);
		ac_vec_add(&lack, &t);
		ac_vec_sub(&lack, &fr);
	}
	cur = 0;
	ac_fw_id f;
	while ((f = ac_fw_next(w->core, &cur))) {
		ac_fw_info fi;
		assert_int_equal(ac_fw_info_get(w->core, f, &fi, NULL), 0);
		ac_vec_add(&held, &fi.allocated);
		ac_vec_add(&held, &fi.offered);
		ac_vec records = {{0}};
		size_t ac = 0;
		while ((a = ac_agent_next(w->core, &ac))) {
			ac_resources r;
			ac_vec s;
			assert_int_equal(ac_allocation_get(w->core, f, a, &r, NULL), 0);
			ac_resources_scalars(&r, &s);
			ac_vec_add(&records, &s);
		}
		if (memcmp(&records, &fi.allocated, sizeof records))
			fail_msg("line %d: framework %s: allocated sum and records differ", line, fi.name);
		ac_offer_id ids[64];
		size_t n = ac_offers_of(w->core, f, 0, ids, 64);
		assert_true(n <= 64);
		ac_vec offers = {{0}};
		for (size_t i = 0; i < n; i++) {
			ac_offer_info oi;
			ac_vec s;
			assert_int_equal(ac_offer_info_get(w->core, ids[i], &oi, NULL), 0);
			ac_resources_scalars(&oi.resources, &s);
			ac_vec_add(&offers, &s);
		}
		if (memcmp(&offers, &fi.offered, sizeof offers))
			fail_msg("line %d: framework %s: offered sum and outstanding offers differ", line, fi.name);
	}
	if (memcmp(&lack, &held, sizeof lack))
		fail_msg("line %d: what the agents lack is not what the frameworks hold and are offered", line);
	ac_vec by_role = {{0}};
	for (size_t r = 0; r < sizeof role_names / sizeof *role_names; r++) {
		ac_role_info ri;
		if (ac_role_info_get(w->core, role_names[r], &ri, NULL))
			continue;
		ac_vec_add(&by_role, &ri.allocated);
		ac_vec_add(&by_role, &ri.offered);
	}
	if (memcmp(&by_role, &held, sizeof held))
		fail_msg("line %d: the roles' sums are not what the frameworks hold and are offered", line);
}

/* A call of the core that failed for want of memory: nothing changed (a
 * pass: its offers stand), and the books balance. */
static void after_failure(world *w, const char *before, bool pass, int line)
{
	static char after[DIGEST];
	w->failures++;
	if (getenv("MESO_OOM_TRACE"))
		print_message("allocation %ld failed at line %d\n", fail_at, line);
	if (pass) {
		w->diverged = true;
	} else {
		digest(w, after);
		if (strcmp(before, after))
			fail_msg("line %d (allocation %ld failed): the call changed the core\nbefore:\n%s\nafter:\n%s",
			         line, fail_at, before, after);
	}
	check_books(w, line);
}

/* Runs expr (a call of the core returning an int) with allocations counted
 * and possibly failing; out of memory, checks it and runs expr again
 * without failure. The result is expr's. */
#define STEP(w, pass, expr)                                                                                            \
	__extension__({                                                                                                \
		static char before_[DIGEST];                                                                           \
		digest((w), before_);                                                                                  \
		armed = true;                                                                                          \
		int rc_ = (expr);                                                                                      \
		armed = false;                                                                                         \
		if (rc_ == AC_ENOMEM) {                                                                                \
			after_failure((w), before_, (pass), __LINE__);                                                 \
			rc_ = (expr);                                                                                  \
		}                                                                                                      \
		check_books((w), __LINE__);                                                                            \
		rc_;                                                                                                   \
	})

#define OK(w, expr)                                                                                                    \
	do {                                                                                                           \
		int rc__ = STEP(w, false, expr);                                                                       \
		if (rc__ < 0)                                                                                          \
			fail_msg("line %d: %s: %s", __LINE__, #expr, ac_strerror(rc__));                               \
	} while (0)

static ac_resources res(world *w, const char *text)
{
	ac_resources r;
	int rc;
	armed = true;
	rc = ac_resources_parse(w->core, text, &r, NULL);
	armed = false;
	if (rc == AC_ENOMEM) /* (a new kind's name: nothing to compare) */
		rc = ac_resources_parse(w->core, text, &r, NULL);
	if (rc)
		fail_msg("parse %s: %s", text, ac_strerror(rc));
	return r;
}

static void agent_add(world *w, const char *name, const char *text)
{
	ac_resources r = res(w, text);
	ac_agent_id id = 0;
	OK(w, ac_agent_add(w->core, name, &r, &id, NULL));
	OK(w, ac_agent_set_tag(w->core, id, w->nagents, NULL));
	w->agents[w->nagents++] = id;
}

static void fw_add(world *w, const char *name, const char *role)
{
	ac_fw_opts o = {role, 1, 0};
	ac_fw_id id = 0;
	OK(w, ac_fw_add(w->core, name, &o, &id, NULL));
	w->fws[w->nfws++] = id;
}

/* Drops the tasks of frameworks and agents that went (with what they
 * held). */
static void tasks_prune(world *w)
{
	size_t k = 0;
	for (size_t i = 0; i < w->nprev; i++) {
		ac_fw_info fi;
		ac_agent_info ai;
		if (!ac_fw_info_get(w->core, w->prev[i].fw, &fi, NULL) &&
		    !ac_agent_info_get(w->core, w->prev[i].agent, &ai, NULL))
			w->prev[k++] = w->prev[i];
	}
	w->nprev = k;
}

/* A round's pass, a second on (the batch hook notes its batches). */
static void round_begin(world *w)
{
	w->now += AC_SECOND;
	w->nbatches = 0;
	int n = STEP(w, true, ac_allocate(w->core, w->now, NULL));
	if (n < 0)
		fail_msg("ac_allocate: %s", ac_strerror(n));
	w->ntasks = 0;
}

/* A round's end: last round's tasks recovered, this round's kept. */
static void round_end(world *w)
{
	for (size_t i = 0; i < w->nprev; i++)
		OK(w, ac_recover(w->core, w->prev[i].fw, w->prev[i].agent, &w->one, NULL));
	memcpy(w->prev, w->tasks, sizeof *w->tasks * w->ntasks);
	w->nprev = w->ntasks;
}

/* One round: a pass; each batch's even offers accepted (one task each),
 * the others declined for 1.5 s (filters); last round's tasks recovered. */
static void round_of(world *w)
{
	round_begin(w);
	for (size_t b = 0; b < w->nbatches; b++) {
		ac_batch_view v;
		if (ac_batch_view_get(w->core, w->batches[b], &v, NULL))
			continue; /* answered or rescinded meanwhile */
		ac_batch_answer ans[MAX_AGENTS];
		size_t na = 0;
		for (size_t i = 0; i < v.n && na < MAX_AGENTS; i++) {
			ac_offer_info oi;
			if (!v.live[i] || i % 2 || w->ntasks + na >= MAX_TASKS ||
			    ac_offer_info_get(w->core, ac_batch_offer_id(v.id, i), &oi, NULL) ||
			    !ac_resources_contains(&oi.resources, &w->one))
				continue;
			ans[na++] = (ac_batch_answer){i, &w->one};
			w->tasks[w->ntasks + na - 1] = (task){v.fw, w->agents[v.agent_tag[i]]};
		}
		OK(w, ac_batch_settle(w->core, v.id, ans, na, AC_SECOND * 3 / 2, w->now, NULL));
		w->ntasks += na;
	}
	round_end(w);
}

/* One round answered offer by offer: each batch's first offer accepted
 * (one task) through ac_offers_accept, the others declined for 1.5 s
 * through ac_offers_decline. */
static void round_each(world *w)
{
	round_begin(w);
	for (size_t b = 0; b < w->nbatches; b++) {
		ac_batch_view v;
		if (ac_batch_view_get(w->core, w->batches[b], &v, NULL))
			continue;
		ac_offer_id rest[MAX_AGENTS];
		size_t nrest = 0;
		for (size_t i = 0; i < v.n; i++) {
			ac_offer_info oi;
			ac_offer_id id = ac_batch_offer_id(v.id, i);
			if (!v.live[i] || ac_offer_info_get(w->core, id, &oi, NULL))
				continue;
			if (i == 0 && w->ntasks < MAX_TASKS && ac_resources_contains(&oi.resources, &w->one)) {
				OK(w, ac_offers_accept(w->core, &id, 1, &w->one, 0, w->now, NULL));
				w->tasks[w->ntasks++] = (task){v.fw, w->agents[v.agent_tag[i]]};
			} else if (i == 1) {
				OK(w, ac_offers_decline(w->core, &id, 1, AC_SECOND * 3 / 2, w->now, NULL));
			} else if (nrest < MAX_AGENTS) {
				rest[nrest++] = id;
			}
		}
		if (nrest) /* (each with its own filter) */
			OK(w, ac_offers_decline_each(w->core, rest, nrest, AC_SECOND * 3 / 2, w->now, NULL));
	}
	round_end(w);
}

/* The scenario under a built-in policy; its final digest into out. */
static void scenario(world *w, const char *policy, char *out)
{
	memset(w, 0, sizeof *w);
	ac_config cfg;
	ac_config_default(&cfg);
	cfg.agent_order = AC_ORDER_ADDED;
	cfg.policy = policy;
	int rc;
	armed = true;
	rc = ac_core_create(&cfg, NULL, &w->core, NULL);
	armed = false;
	if (rc == AC_ENOMEM) {
		w->failures++;
		rc = ac_core_create(&cfg, NULL, &w->core, NULL);
	}
	assert_int_equal(rc, 0);
	ac_core_set_batch_hook(w->core, on_batch, w);
	w->one = res(w, "cpus:1;mem:64");
	agent_add(w, "a0", "cpus:4;mem:1024;disk:100");
	agent_add(w, "a1", "cpus:4;mem:1024;ports:[31000-31009]");
	agent_add(w, "a2", "cpus:8;mem:2048");
	fw_add(w, "f0", NULL);
	fw_add(w, "f1", NULL);
	fw_add(w, "web0", "web");
	round_of(w);
	/* a reservation, a fifth kind, a quota guarantee (stage 1 of the pass) */
	agent_add(w, "a3", "cpus:4;mem:1024;cpus(web):2;fpgas:2");
	ac_quota q;
	OK(w, ac_quota_parse(w->core, "cpus:2;mem:128", NULL, &q, NULL));
	OK(w, ac_role_set_quota(w->core, "web", &q, NULL));
	round_of(w);
	OK(w, ac_fw_suppress(w->core, w->fws[1], NULL));
	OK(w, ac_fw_set_weight(w->core, w->fws[0], 2, NULL));
	round_of(w);
	OK(w, ac_fw_revive(w->core, w->fws[1], NULL));
	OK(w, ac_agent_remove(w->core, w->agents[0], NULL));
	tasks_prune(w);
	agent_add(w, "a4", "cpus:2;mem:512;gpus:1");
	round_of(w);
	OK(w, ac_fw_remove(w->core, w->fws[1], NULL));
	tasks_prune(w);
	fw_add(w, "f2", NULL);
	OK(w, ac_fw_deactivate(w->core, w->fws[0], NULL));
	round_of(w);
	OK(w, ac_fw_activate(w->core, w->fws[0], NULL));
	round_of(w);
	/* reservations, a new total, attributes, a candidate set, timeouts */
	ac_resources rv = res(w, "cpus:1;mem:128");
	OK(w, ac_agent_reserve(w->core, w->agents[2], 0, "web", &rv, NULL));
	ac_resources grown = res(w, "cpus:10;mem:4096;cpus(web):1;mem(web):128");
	OK(w, ac_agent_update(w->core, w->agents[2], &grown, NULL));
	OK(w, ac_agent_set_attributes(w->core, w->agents[1], "rack:r1;zone:z2", NULL));
	OK(w, ac_core_set_offer_timeout(w->core, 3 * AC_SECOND, NULL));
	OK(w, ac_role_set_weight(w->core, "web", 3, NULL));
	OK(w, ac_core_set_min_allocatable(w->core, "cpus:0.5", NULL));
	round_each(w);
	w->now += AC_SECOND;
	w->nbatches = 0;
	if (STEP(w, true, ac_allocate_agents(w->core, &w->agents[1], 2, w->now, NULL)) < 0)
		fail_msg("ac_allocate_agents failed");
	w->now += 5 * AC_SECOND;
	OK(w, ac_advance(w->core, w->now, NULL)); /* the offers above time out */
	/* a multi-role framework, an allocation restored (a master's failover) */
	const char *roles[] = {"web", "batch"};
	ac_mfw_id m = 0;
	ac_fw_opts o = {NULL, 1, 0};
	OK(w, ac_mfw_add(w->core, "multi", roles, 2, &o, &m, NULL));
	const char *roles2[] = {"batch", "web", "ml"};
	OK(w, ac_mfw_update(w->core, m, roles2, 3, NULL));
	OK(w, ac_agent_deactivate(w->core, w->agents[3], NULL));
	const char *web[] = {"web"};
	OK(w, ac_mfw_suppress(w->core, m, web, 1, NULL));
	OK(w, ac_mfw_revive(w->core, m, NULL, 0, NULL));
	OK(w, ac_fw_set_priority(w->core, w->fws[0], 5, NULL));
	OK(w, ac_fw_set_tag(w->core, w->fws[2], 7, NULL));
	/* a refined reservation and back; a role the framework lacks,
	 * restored and then recovered (it goes with its last holding) */
	ac_resources half = res(w, "cpus:0.5");
	OK(w, ac_agent_move_reservation(w->core, w->agents[2], 0, "web", "web/x", &half, NULL));
	OK(w, ac_agent_move_reservation(w->core, w->agents[2], 0, "web/x", "web", &half, NULL));
	ac_fw_id gpu_fw = 0;
	ac_resources gpu = res(w, "gpus:1");
	OK(w, ac_mfw_restore(w->core, m, "gpu", w->agents[4], &gpu, &gpu_fw, NULL));
	bool gone = false;
	OK(w, ac_mfw_recover(w->core, gpu_fw, w->agents[4], &gpu, &gone, NULL));
	assert_true(gone);
	w->now += AC_SECOND;
	w->nbatches = 0;
	if (STEP(w, true, ac_allocate_agent(w->core, w->agents[1], w->now, NULL)) < 0)
		fail_msg("ac_allocate_agent failed");
	OK(w, ac_agent_unreserve(w->core, w->agents[2], 0, "web", &rv, NULL));
	OK(w, ac_allocation_restore(w->core, w->fws[0], w->agents[4], &w->one, NULL));
	w->prev[w->nprev++] = (task){w->fws[0], w->agents[4]};
	round_each(w);
	OK(w, ac_agent_activate(w->core, w->agents[3], NULL));
	round_of(w);
	OK(w, ac_mfw_remove(w->core, m, NULL));
	tasks_prune(w);
	round_of(w);
	digest(w, out);
	ac_core_destroy(w->core);
	w->core = NULL;
}

static void sweep(const char *policy)
{
	static world w;
	static char clean[DIGEST], out[DIGEST];
	fail_at = -1;
	counted = 0;
	scenario(&w, policy, clean);
	long total = counted;
	assert_true(total > 50); /* the scenario allocates: the sweep means something */
	assert_int_equal(w.failures, 0);
	long failed = 0, silent = 0, from = 0;
	/* MESO_OOM_AT=n: that allocation alone (with MESO_OOM_TRACE=1, the
	 * line of the call it failed) */
	if (getenv("MESO_OOM_AT")) {
		from = atol(getenv("MESO_OOM_AT"));
		total = from + 1;
	}
	for (long n = from; n < total; n++) {
		fail_at = n;
		counted = 0;
		scenario(&w, policy, out);
		failed += w.failures;
		if (!w.failures) {
			silent++; /* a fallback that needs no memory took over */
			if (getenv("MESO_OOM_TRACE"))
				print_message("allocation %ld: no call failed\n", n);
		}
		/* Failed calls made again, fallbacks taken: unless a pass
		 * failed midway (its offers stand), the run ends where the
		 * run without a failure ended. */
		if (!w.diverged && strcmp(out, clean))
			fail_msg("allocation %ld failed, yet the run ended elsewhere\nclean:\n%s\nthis run:\n%s", n,
			         clean, out);
	}
	fail_at = -1;
	print_message("%s: %ld allocations: %ld calls failed and changed nothing, %ld fell back without failing\n",
	              policy, total, failed, silent);
	assert_true(failed > 0);
}

/* Under each built-in policy (the state: its name): their keys and
 * passes allocate differently (random redraws per turn; asset keeps state
 * of its own). */
static void test_policy(void **state)
{
	sweep(*state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_prestate(test_policy, "drf"),
	        cmocka_unit_test_prestate(test_policy, "priority"),
	        cmocka_unit_test_prestate(test_policy, "random"),
	        cmocka_unit_test_prestate(test_policy, "asset"),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
