/*
 * harness.h — helpers shared by the alloccore unit tests: a core that
 * records the offers and rescinds it reports, and one-line resource parsing.
 * Header-only so that each test program stays one file.
 */
#ifndef MESO_TESTS_HARNESS_H
#define MESO_TESTS_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloccore/alloccore.h"

#define H_MAX_EVENTS 4096

typedef struct h_event {
	bool rescind;
	ac_offer_id id;
	ac_fw_id fw;
	ac_agent_id agent;
	ac_resources res;
	uint64_t fw_tag, agent_tag;
} h_event;

typedef struct harness {
	ac_core *core;
	h_event ev[H_MAX_EVENTS];
	size_t nev;
	ac_time now;
} harness;

static void h_on_offer(void *ud, const ac_offer_view *o)
{
	harness *h = ud;
	assert_true(h->nev < H_MAX_EVENTS);
	h->ev[h->nev++] = (h_event){false, o->id, o->fw, o->agent, *o->resources, o->fw_tag, o->agent_tag};
}

static void h_on_rescind(void *ud, const ac_offer_view *o, ac_rescind_reason why)
{
	harness *h = ud;
	(void)why;
	assert_true(h->nev < H_MAX_EVENTS);
	h->ev[h->nev++] = (h_event){true, o->id, o->fw, o->agent, *o->resources, o->fw_tag, o->agent_tag};
}

/* A core visiting agents in the order added, so outcomes are exact. */
static inline harness *h_new(const char *policy)
{
	static harness hs[4];
	static int next;
	harness *h = &hs[next++ % 4];
	memset(h, 0, sizeof *h);
	ac_config cfg;
	ac_config_default(&cfg);
	cfg.policy = policy;
	cfg.agent_order = AC_ORDER_ADDED;
	ac_hooks hooks = {h_on_offer, h_on_rescind, h};
	ac_err err = {0};
	int rc = ac_core_create(&cfg, &hooks, &h->core, &err);
	if (rc)
		fail_msg("ac_core_create: %s", err.msg);
	return h;
}

static inline void h_free(harness *h)
{
	ac_core_destroy(h->core);
	h->core = NULL;
}

static inline ac_resources h_res(harness *h, const char *text)
{
	ac_resources r;
	ac_err err = {0};
	if (ac_resources_parse(h->core, text, &r, &err))
		fail_msg("parse \"%s\": %s", text, err.msg);
	return r;
}

static inline const char *h_fmt(harness *h, const ac_resources *r)
{
	static char buf[8][512];
	static int i;
	char *b = buf[i++ % 8];
	ac_resources_format(h->core, r, b, 512);
	return b;
}

static inline ac_agent_id h_agent(harness *h, const char *name, const char *res)
{
	ac_agent_id id;
	ac_resources r = h_res(h, res);
	ac_err err = {0};
	if (ac_agent_add(h->core, name, &r, &id, &err))
		fail_msg("agent add %s: %s", name, err.msg);
	return id;
}

static inline ac_fw_id h_fw(harness *h, const char *name, const char *role, double weight, int priority)
{
	ac_fw_id id;
	ac_fw_opts o = {role, weight, priority};
	ac_err err = {0};
	if (ac_fw_add(h->core, name, &o, &id, &err))
		fail_msg("framework add %s: %s", name, err.msg);
	return id;
}

/* Runs one pass at h->now; returns the number of offers made. */
static inline int h_allocate(harness *h)
{
	ac_err err = {0};
	size_t before = h->nev;
	int n = ac_allocate(h->core, h->now, &err);
	if (n < 0)
		fail_msg("allocate: %s", err.msg);
	assert_int_equal((size_t)n, h->nev - before);
	return n;
}

static inline void h_advance(harness *h, double seconds)
{
	ac_err err = {0};
	h->now += (ac_time)(seconds * 1e9);
	if (ac_advance(h->core, h->now, &err) < 0)
		fail_msg("advance: %s", err.msg);
}

/* "F A RESOURCES" of event i, for compact assertions. */
static inline const char *h_line(harness *h, size_t i)
{
	static char buf[4][600];
	static int k;
	char *b = buf[k++ % 4];
	ac_fw_info fi;
	ac_agent_info ai;
	assert_int_equal(ac_fw_info_get(h->core, h->ev[i].fw, &fi, NULL), 0);
	assert_int_equal(ac_agent_info_get(h->core, h->ev[i].agent, &ai, NULL), 0);
	snprintf(b, 600, "%s %s %s %s", h->ev[i].rescind ? "rescind" : "offer", fi.name, ai.name,
	         h_fmt(h, &h->ev[i].res));
	return b;
}

/* Accepts `used` of every outstanding offer of fw on agent. */
static inline int h_accept(harness *h, ac_fw_id fw, ac_agent_id agent, const char *used, double refuse_s, ac_err *err)
{
	ac_offer_id ids[16];
	size_t n = ac_offers_of(h->core, fw, agent, ids, 16);
	ac_resources u = h_res(h, used);
	return ac_offers_accept(h->core, ids, n, &u, ac_refuse_from_seconds(refuse_s), h->now, err);
}

static inline int h_decline(harness *h, ac_fw_id fw, ac_agent_id agent, double refuse_s, ac_err *err)
{
	ac_offer_id ids[16];
	size_t n = ac_offers_of(h->core, fw, agent, ids, 16);
	return ac_offers_decline(h->core, ids, n, ac_refuse_from_seconds(refuse_s), h->now, err);
}

#endif
