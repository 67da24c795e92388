/*
 * test_master_offers.c — how a pass's offers leave the master (master.c):
 * not during the pass but in the loop's idle turns, one framework's OFFERS
 * event a turn, so that calls and agent frames are served between them; an
 * offer is unknown to the scheduler API until it has been sent, and one
 * rescinded before it was sent is dropped without a RESCIND. And when a
 * pass runs besides the periodic one, as Mesos decides: over every agent
 * when a framework subscribes, over an agent alone when it registers, and
 * not at all when resources come back (a decline, a task's end).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "master_harness.h"

/* The master's only outstanding offer to framework f. */
static m_offer *only_offer(mh *h, const mh_fw *f)
{
	m_fw *fw = master_fw_find(&h->m, f->id);
	assert_non_null(fw);
	assert_non_null(fw->offers);
	assert_null(fw->offers->fw_next);
	return fw->offers;
}

static void idle_turn(mh *h)
{
	assert_true(ev_is_active(&h->m.send_idle));
	ev_invoke(h->loop, &h->m.send_idle, EV_IDLE);
}

static void test_offers_go_out_one_framework_a_turn(void **state)
{
	fx *x = *state;
	mh_agent a2 = {.h = &x->h};
	mh_agent_register(&x->h, &x->a, NULL, "cpus:2;mem:256", NULL, 0);
	mh_agent_register(&x->h, &a2, NULL, "cpus:2;mem:256", NULL, 0);
	mh_fw g;
	mh_subscribe(&x->h, &x->f, "f", "web", false);
	mh_subscribe(&x->h, &g, "g", "web", false);

	master_allocate(&x->h.m);
	mh_expect_quiet(&x->f); /* nothing is sent during the pass */
	mh_expect_quiet(&g);
	m_offer *of = only_offer(&x->h, &x->f), *og = only_offer(&x->h, &g);
	assert_false(of->sent);

	/* Offer ids are guessable, but one not yet sent is no one's to answer. */
	assert_int_equal(mh_decline(&x->f, of->id, 5), 202);
	ac_counters c;
	ac_counters_get(x->h.m.core, &c);
	assert_int_equal(c.offers_declined, 0);
	assert_ptr_equal(only_offer(&x->h, &x->f), of);

	/* Each framework's event in its own turn, in the order of their first offers. */
	idle_turn(&x->h);
	assert_true(of->sent != og->sent);
	mh_fw *first = of->sent ? &x->f : &g, *second = of->sent ? &g : &x->f;
	const char *id;
	mh_offers(first, 1, &id, NULL);
	mh_expect_quiet(second);
	idle_turn(&x->h);
	mh_offers(second, 1, &id, NULL);
	assert_false(ev_is_active(&x->h.m.send_idle)); /* nothing left: the watcher stops */

	assert_int_equal(mh_decline(&x->f, of->id, 5), 202);
	ac_counters_get(x->h.m.core, &c);
	assert_int_equal(c.offers_declined, 1);
}

static void test_offer_rescinded_before_it_is_sent(void **state)
{
	fx *x = *state;
	mh_agent_register(&x->h, &x->a, NULL, "cpus:2;mem:256", NULL, 0);
	mh_subscribe(&x->h, &x->f, "f", "web", false);
	master_allocate(&x->h.m);
	assert_false(only_offer(&x->h, &x->f)->sent);

	mh_agent_close(&x->a); /* the agent's offers are rescinded */
	assert_null(master_fw_find(&x->h.m, x->f.id)->offers);
	assert_null(x->h.m.sendq);
	if (ev_is_active(&x->h.m.send_idle))
		idle_turn(&x->h);
	assert_false(ev_is_active(&x->h.m.send_idle));
	mh_expect_quiet(&x->f); /* neither OFFERS nor a RESCIND of what it never saw */
}

static void test_event_driven_passes(void **state)
{
	fx *x = *state;
	master *m = &x->h.m;
	mh_agent_register(&x->h, &x->a, NULL, "cpus:2;mem:256", NULL, 0);
	mh_subscribe(&x->h, &x->f, "f", "web", false);
	assert_true(m->alloc_all); /* a new framework: a pass over every agent, soon */
	assert_true(ev_is_active(&m->alloc_soon));
	mh_allocate(&x->h); /* the periodic pass covers it */
	assert_false(m->alloc_all);
	assert_false(ev_is_active(&m->alloc_soon));
	const char *o1, *a1;
	mh_offers(&x->f, 1, &o1, &a1);

	/* Declined resources and a task's end wait for the next pass. */
	assert_int_equal(mh_decline(&x->f, o1, 0), 202);
	assert_false(ev_is_active(&m->alloc_soon));

	/* A new agent: a pass over it alone (the first agent is free too, but
	 * not a candidate). */
	mh_agent a2 = {.h = &x->h};
	mh_agent_register(&x->h, &a2, NULL, "cpus:2;mem:256", NULL, 0);
	assert_false(m->alloc_all);
	assert_int_equal(m->ncands, 1);
	ev_invoke(x->h.loop, &m->alloc_soon, EV_TIMER);
	while (ev_is_active(&m->send_idle))
		ev_invoke(x->h.loop, &m->send_idle, EV_IDLE);
	const char *o2, *on;
	mh_offers(&x->f, 1, &o2, &on);
	assert_string_equal(on, a2.id);
	mh_expect_quiet(&x->f);

	Mesos__V1__TaskInfo *t[] = {mh_task(&x->h, "t1", a2.id, "cpus:1;mem:128", "true")};
	assert_int_equal(mh_accept(&x->f, &o2, 1, t, 1, 0), 202);
	meso__agent__agent_message__free_unpacked(mh_agent_expect(&a2, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK),
	                                          NULL);
	mh_agent_status(&a2, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_FINISHED, NULL);
	assert_null(master_task_find(m, master_fw_find(m, x->f.id), "t1"));
	assert_false(ev_is_active(&m->alloc_soon));
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_offers_go_out_one_framework_a_turn),
	        T(test_offer_rescinded_before_it_is_sent),
	        T(test_event_driven_passes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
