/*
 * cluster.c — builds the benchmark scenarios: the same agents and frameworks
 * on alloccore and on the reference allocator, an offer log filled by the
 * core's offer hook or a batch log by its bulk hook (preallocated, so
 * logging never allocates in a timed region), and Mesos's DeclineOffers
 * starting state (agents partly used).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

int64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_offer(void *ud, const ac_offer_view *v)
{
	offer_log *log = ud;
	if (log->n == log->cap) {
		log->overflow = true;
		return;
	}
	log->id[log->n] = v->id;
	log->fw[log->n] = v->fw;
	log->agent[log->n] = v->agent;
	log->n++;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	return p;
}

void core_res(core_cluster *cc, const char *text, ac_resources *out)
{
	ac_err err;
	if (ac_resources_parse(cc->core, text, out, &err)) {
		fprintf(stderr, "bench: bad resources '%s': %s\n", text, err.msg);
		exit(1);
	}
}

static void on_batch(void *ud, const ac_batch_view *v)
{
	batch_log *log = ud;
	if (log->n == log->cap) {
		log->overflow = true;
		return;
	}
	log->id[log->n++] = v->id;
}

static int cluster_init(core_cluster *cc, uint32_t nagents, uint32_t nfws, const char *shape, size_t log_cap, bool bulk)
{
	memset(cc, 0, sizeof *cc);
	ac_config cfg;
	ac_config_default(&cfg);
	cfg.seed = 42;
	ac_hooks hooks = {bulk ? NULL : on_offer, NULL, &cc->log};
	ac_err err;
	if (ac_core_create(&cfg, &hooks, &cc->core, &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return -1;
	}
	if (bulk) {
		ac_core_set_batch_hook(cc->core, on_batch, &cc->batches);
		cc->batches.cap = (size_t)nfws + 16;
		cc->batches.id = xcalloc(cc->batches.cap, sizeof *cc->batches.id);
	}
	cc->log.cap = log_cap;
	cc->log.id = xcalloc(log_cap, sizeof *cc->log.id);
	cc->log.fw = xcalloc(log_cap, sizeof *cc->log.fw);
	cc->log.agent = xcalloc(log_cap, sizeof *cc->log.agent);
	cc->agents = xcalloc(nagents, sizeof *cc->agents);
	cc->fws = xcalloc(nfws, sizeof *cc->fws);
	ac_resources total;
	core_res(cc, shape, &total);
	char name[32];
	for (uint32_t i = 0; i < nagents; i++) {
		snprintf(name, sizeof name, "agent-%u", i);
		/* tagged with their index, for the batch views */
		if (ac_agent_add(cc->core, name, &total, &cc->agents[i], &err) ||
		    ac_agent_set_tag(cc->core, cc->agents[i], i, &err))
			goto fail;
	}
	for (uint32_t i = 0; i < nfws; i++) {
		snprintf(name, sizeof name, "fw-%u", i);
		if (ac_fw_add(cc->core, name, NULL, &cc->fws[i], &err))
			goto fail;
	}
	cc->nagents = nagents;
	cc->nfws = nfws;
	return 0;
fail:
	fprintf(stderr, "bench: %s\n", err.msg);
	core_cluster_fini(cc);
	return -1;
}

int core_cluster_init(core_cluster *cc, uint32_t nagents, uint32_t nfws, const char *shape, size_t log_cap)
{
	return cluster_init(cc, nagents, nfws, shape, log_cap, false);
}

int core_cluster_init_bulk(core_cluster *cc, uint32_t nagents, uint32_t nfws, const char *shape)
{
	return cluster_init(cc, nagents, nfws, shape, 0, true);
}

size_t core_settle_all(core_cluster *cc, ac_time refuse)
{
	int total = 0;
	for (size_t i = 0; i < cc->batches.n; i++) {
		int n = ac_batch_settle(cc->core, cc->batches.id[i], NULL, 0, refuse, cc->now, NULL);
		if (n < 0)
			abort();
		total += n;
	}
	cc->batches.n = 0;
	return (size_t)total;
}

void core_cluster_fini(core_cluster *cc)
{
	ac_core_destroy(cc->core);
	free(cc->batches.id);
	free(cc->log.id);
	free(cc->log.fw);
	free(cc->log.agent);
	free(cc->agents);
	free(cc->fws);
	memset(cc, 0, sizeof *cc);
}

size_t core_decline_all(core_cluster *cc, ac_time refuse)
{
	size_t n = cc->log.n;
	for (size_t i = 0; i < n; i++)
		if (ac_offers_decline(cc->core, &cc->log.id[i], 1, refuse, cc->now, NULL))
			abort();
	cc->log.n = 0;
	return n;
}

int ref_cluster_init(ref_cluster *rc, uint32_t nagents, uint32_t nfws, const char *shape)
{
	memset(rc, 0, sizeof *rc);
	ac_err err;
	if (ac_core_create(NULL, NULL, &rc->names, &err) || ref_create(rc->names, NULL, &rc->ref)) {
		fprintf(stderr, "bench: cannot create the reference\n");
		return -1;
	}
	ac_resources total;
	if (ac_resources_parse(rc->names, shape, &total, &err))
		return -1;
	char name[32];
	for (uint32_t i = 0; i < nagents; i++) {
		snprintf(name, sizeof name, "agent-%u", i);
		if (ref_agent_add(rc->ref, name, &total) < 0)
			return -1;
	}
	for (uint32_t i = 0; i < nfws; i++) {
		snprintf(name, sizeof name, "fw-%u", i);
		if (ref_fw_add(rc->ref, name, "*", 0, 0) < 0)
			return -1;
	}
	rc->nagents = nagents;
	rc->nfws = nfws;
	return 0;
}

void ref_cluster_fini(ref_cluster *rc)
{
	ref_destroy(rc->ref);
	ac_core_destroy(rc->names);
	memset(rc, 0, sizeof *rc);
}

size_t ref_decline_all(ref_cluster *rc, ac_time refuse)
{
	size_t n;
	const ref_event *ev = ref_events(rc->ref, &n);
	size_t declined = 0;
	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind != REF_OFFER)
			continue;
		/* One decline answers all of a pair's offers; the next event of
		 * the same pair (none in these scenarios) would find none. */
		if (ref_decline(rc->ref, ev[i].fw, ev[i].agent, refuse, rc->now) == 0)
			declined++;
	}
	ref_events_clear(rc->ref);
	return declined;
}

/* cpus:16;mem:2014;disk:1024 plus 16 port ranges of 32 ports, 64 apart:
 * the agent's free ports are then 16 fragments too. */
static void mesos_used_text(char *buf, size_t len)
{
	int off = snprintf(buf, len, "%s;ports:[", MESOS_USED);
	for (int i = 0; i < 16; i++)
		off += snprintf(buf + off, len - (size_t)off, "%s%d-%d", i ? "," : "", 31000 + 64 * i,
		                31000 + 64 * i + 31);
	snprintf(buf + off, len - (size_t)off, "]");
}

int core_cluster_mesos_used(core_cluster *cc)
{
	char text[512];
	ac_resources used;
	ac_err err;
	mesos_used_text(text, sizeof text);
	core_res(cc, text, &used);
	for (uint32_t i = 0; i < cc->nagents; i++)
		if (ac_allocation_restore(cc->core, cc->fws[i % cc->nfws], cc->agents[i], &used, &err)) {
			fprintf(stderr, "bench: restore: %s\n", err.msg);
			return -1;
		}
	return 0;
}

/* The reference has no restore, so the state is built the way a cluster
 * gets there: agent i is allocated alone while only its owner (framework
 * i mod F) is unsuppressed, and the owner accepts the used part; the rest
 * goes back with no filter. */
int ref_cluster_mesos_used(ref_cluster *rc)
{
	char text[512];
	ac_resources used;
	ac_err err;
	mesos_used_text(text, sizeof text);
	if (ac_resources_parse(rc->names, text, &used, &err))
		return -1;
	for (uint32_t f = 0; f < rc->nfws; f++)
		ref_fw_suppress(rc->ref, (int)f);
	for (uint32_t a = 0; a < rc->nagents; a++) {
		int f = (int)(a % rc->nfws);
		ref_fw_revive(rc->ref, f);
		if (ref_allocate_agent(rc->ref, (int)a, rc->now) != 1)
			return -1;
		ref_events_clear(rc->ref);
		if (ref_accept(rc->ref, f, (int)a, &used, 0, rc->now))
			return -1;
		ref_fw_suppress(rc->ref, f);
	}
	for (uint32_t f = 0; f < rc->nfws; f++)
		ref_fw_revive(rc->ref, (int)f);
	return 0;
}
