/*
 * test_models.c — the framework models of the simulator, each on a tiny
 * in-memory workload whose outcome is known exactly: greedy packing,
 * tasks_per_offer, decline with refuse_seconds, suppress when idle and revive
 * on new work, gang jobs (start together; never-fitting ones are parked and
 * block nobody), delay scheduling, tasks that fit no machine, and machine loss.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sim.h"

#define S(x) ((int64_t)((x)*1e9))

typedef struct wl {
	tr_event ev[256];
	size_t n;
	tr_framework fw[4];
	size_t nfw;
} wl;

static void machine(wl *w, double t, const char *id, tr_kind kind, double cpus, double mem)
{
	tr_event *e = &w->ev[w->n++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->time_ns = S(t);
	e->machine = id;
	e->res.cpus = (int64_t)(cpus * 1000);
	e->res.mem_mb = (int64_t)(mem * 1000);
}

static tr_event *task(wl *w, double t, const char *job, uint32_t idx, const char *fw, double cpus, double mem,
                      double dur)
{
	tr_event *e = &w->ev[w->n++];
	memset(e, 0, sizeof *e);
	e->kind = TR_TASK_SUBMIT;
	e->time_ns = S(t);
	e->job = job;
	e->task_index = idx;
	e->framework = fw;
	e->res.cpus = (int64_t)(cpus * 1000);
	e->res.mem_mb = (int64_t)(mem * 1000);
	e->duration_ns = S(dur);
	return e;
}

static void framework(wl *w, const char *name, uint32_t per_offer, double refuse)
{
	tr_framework *f = &w->fw[w->nfw++];
	tr_framework_defaults(f);
	f->name = (char *)name;
	f->tasks_per_offer = per_offer;
	f->refuse_seconds = refuse;
}

typedef struct run {
	tr_source *src;
	sim *s;
	sim_stats st;
} run;

/* Runs w with cfg exactly as given. */
static void go_as_is(run *r, wl *w, const sim_config *cfg)
{
	tr_err terr;
	assert_int_equal(tr_memory_open(w->ev, w->n, w->fw, w->nfw, &r->src, &terr), 0);
	char err[512];
	if (sim_create(cfg, r->src, &r->s, err, sizeof err) < 0 || sim_run(r->s, err, sizeof err) < 0)
		fail_msg("sim: %s", err);
	sim_stats_get(r->s, &r->st);
}

/* Runs w with cfg_in (NULL: the defaults), keeping every task's record:
 * the tests ask for finished tasks' start times. */
static void go(run *r, wl *w, const sim_config *cfg_in)
{
	sim_config cfg;
	if (cfg_in)
		cfg = *cfg_in;
	else
		sim_config_default(&cfg);
	cfg.keep_tasks = true;
	go_as_is(r, w, &cfg);
}

static void done(run *r)
{
	sim_destroy(r->s);
	tr_source_destroy(r->src);
}

/* Greedy: one offer of 4 cpus takes four 1-cpu tasks at once; the other two
 * start when the first ones end (event-driven pass on the freed machine). */
static void test_greedy_packs_all_that_fit(void **state)
{
	wl w = {0};
	machine(&w, 0, "m", TR_MACHINE_ADD, 4, 4096);
	for (uint32_t i = 0; i < 6; i++)
		task(&w, 0, "j", i, "A", 1, 512, 10);
	run r;
	go(&r, &w, NULL);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(sim_task_start(r.s, "j", i), 0);
	assert_int_equal(sim_task_start(r.s, "j", 4), S(10));
	assert_int_equal(sim_task_start(r.s, "j", 5), S(10));
	assert_int_equal(r.st.tasks_finished, 6);
	assert_int_equal(r.st.end_ns, S(20));
	done(&r);
}

/* At most N tasks per offer: with refuse 0 the rest comes back at the next
 * allocation tick (1 s). */
static void test_tasks_per_offer(void **state)
{
	wl w = {0};
	framework(&w, "A", 2, 0);
	machine(&w, 0, "m", TR_MACHINE_ADD, 4, 4096);
	for (uint32_t i = 0; i < 4; i++)
		task(&w, 0, "j", i, "A", 1, 512, 10);
	run r;
	go(&r, &w, NULL);
	assert_int_equal(sim_task_start(r.s, "j", 0), 0);
	assert_int_equal(sim_task_start(r.s, "j", 1), 0);
	assert_int_equal(sim_task_start(r.s, "j", 2), S(1));
	assert_int_equal(sim_task_start(r.s, "j", 3), S(1));
	done(&r);
}

/* A declines what does not fit its task and is not offered that machine
 * again for refuse_seconds: offers at 1, 6, 11, ..., 96, then 100 when B's
 * task ends. */
static void test_decline_with_refuse(void **state)
{
	wl w = {0};
	framework(&w, "A", 0, 5);
	framework(&w, "B", 0, 5);
	machine(&w, 0, "m", TR_MACHINE_ADD, 4, 4096);
	task(&w, 0, "b", 0, "B", 2, 512, 100);
	task(&w, 0.5, "a", 0, "A", 3, 512, 1);
	run r;
	go(&r, &w, NULL);
	assert_int_equal(sim_task_start(r.s, "a", 0), S(100));
	assert_int_equal(r.st.offers_made, 1 + 20 + 1);
	assert_int_equal(r.st.offers_declined, 20);
	assert_int_equal(r.st.end_ns, S(101));
	done(&r);
}

/* Suppress when idle: after its only task launched, A gets no more offers;
 * new work revives it and it is offered at the next tick. */
static void test_suppress_and_revive(void **state)
{
	wl w = {0};
	machine(&w, 0, "m", TR_MACHINE_ADD, 4, 4096);
	task(&w, 0, "j", 0, "A", 1, 512, 1);
	task(&w, 10, "k", 0, "A", 1, 512, 1);
	run r;
	go(&r, &w, NULL);
	assert_int_equal(sim_task_start(r.s, "k", 0), S(10));
	assert_int_equal(r.st.offers_made, 2);
	assert_int_equal(r.st.end_ns, S(11));
	done(&r);
}

/* A gang job needing both machines starts on both at once. */
static void test_gang_starts_together(void **state)
{
	wl w = {0};
	machine(&w, 0, "m1", TR_MACHINE_ADD, 4, 4096);
	machine(&w, 0, "m2", TR_MACHINE_ADD, 4, 4096);
	task(&w, 0, "g", 0, "A", 3, 512, 10)->gang = true;
	task(&w, 0, "g", 1, "A", 3, 512, 10)->gang = true;
	run r;
	go(&r, &w, NULL);
	assert_int_equal(sim_task_start(r.s, "g", 0), 0);
	assert_int_equal(sim_task_start(r.s, "g", 1), 0);
	assert_int_equal(r.st.jobs_finished, 1);
	done(&r);
}

/* A gang job waits (hoarding) while one machine is busy, and starts when it
 * frees up. */
static void test_gang_waits_for_room(void **state)
{
	wl w = {0};
	machine(&w, 0, "m1", TR_MACHINE_ADD, 4, 4096);
	machine(&w, 0, "m2", TR_MACHINE_ADD, 4, 4096);
	task(&w, 0, "b", 0, "B", 2, 512, 3);
	task(&w, 0.5, "g", 0, "A", 3, 512, 10)->gang = true;
	task(&w, 0.5, "g", 1, "A", 3, 512, 10)->gang = true;
	run r;
	go(&r, &w, NULL);
	assert_int_equal(sim_task_start(r.s, "b", 0), 0);
	assert_int_equal(sim_task_start(r.s, "g", 0), S(3));
	assert_int_equal(sim_task_start(r.s, "g", 1), S(3));
	done(&r);
}

/* A gang job larger than the cluster never starts, is reported as never
 * fitting, and does not keep others from running or the run from ending. */
static void test_gang_never_fits(void **state)
{
	wl w = {0};
	machine(&w, 0, "m1", TR_MACHINE_ADD, 4, 4096);
	machine(&w, 0, "m2", TR_MACHINE_ADD, 4, 4096);
	for (uint32_t i = 0; i < 3; i++)
		task(&w, 0, "g", i, "A", 3, 512, 10)->gang = true;
	task(&w, 0, "b", 0, "B", 1, 512, 5);
	task(&w, 1, "a", 0, "A", 1, 512, 5);
	run r;
	go(&r, &w, NULL);
	assert_int_equal(sim_task_start(r.s, "g", 0), -1);
	assert_int_equal(r.st.tasks_never_fit, 3);
	assert_int_equal(sim_task_start(r.s, "b", 0), 0);
	assert_int_equal(sim_task_start(r.s, "a", 0), S(1));
	assert_int_equal(r.st.tasks_finished, 2);
	assert_int_equal(r.st.end_ns, S(6));
	done(&r);
}

/* A task larger than any machine is never launched, never blocks the next
 * task of its framework, and is counted. */
static void test_task_never_fits(void **state)
{
	wl w = {0};
	machine(&w, 0, "m", TR_MACHINE_ADD, 4, 4096);
	task(&w, 0, "big", 0, "A", 64, 512, 10);
	task(&w, 0, "small", 0, "A", 1, 512, 10);
	run r;
	go(&r, &w, NULL);
	assert_int_equal(sim_task_start(r.s, "big", 0), -1);
	assert_int_equal(sim_task_start(r.s, "small", 0), 0);
	assert_int_equal(r.st.tasks_never_fit, 1);
	assert_int_equal(r.st.end_ns, S(10));
	done(&r);
}

/* Delay scheduling: a task preferring a machine that is not there waits
 * locality_wait (5 s) and then takes what it is offered. */
static void test_delay_scheduling(void **state)
{
	wl w = {0};
	framework(&w, "A", 0, 0);
	machine(&w, 0, "m1", TR_MACHINE_ADD, 4, 4096);
	task(&w, 0, "j", 0, "A", 1, 512, 1)->locality = "m2|m3";
	task(&w, 0, "k", 0, "A", 1, 512, 1);
	run r;
	go(&r, &w, NULL);
	assert_int_equal(sim_task_start(r.s, "k", 0), 0);
	assert_int_equal(sim_task_start(r.s, "j", 0), S(5));
	/* j ran, but not where it wanted: counted with a preference, not local. */
	assert_int_equal(r.st.tasks_launched_pref, 1);
	assert_int_equal(r.st.tasks_launched_local, 0);
	done(&r);
}

/* A task whose preferred machine is there starts on it at once and counts
 * as local. */
static void test_locality_counted(void **state)
{
	wl w = {0};
	framework(&w, "A", 0, 0);
	machine(&w, 0, "m1", TR_MACHINE_ADD, 4, 4096);
	machine(&w, 0, "m2", TR_MACHINE_ADD, 4, 4096);
	task(&w, 0, "j", 0, "A", 1, 512, 1)->locality = "m2";
	run r;
	go(&r, &w, NULL);
	assert_int_equal(sim_task_start(r.s, "j", 0), 0);
	assert_int_equal(r.st.tasks_launched_pref, 1);
	assert_int_equal(r.st.tasks_launched_local, 1);
	done(&r);
}

/* With no wait at all, a task whose data is on the offered machine still
 * goes before older tasks without a preference (delay scheduling launches
 * local tasks first). */
static void test_local_tasks_first(void **state)
{
	wl w = {0};
	framework(&w, "A", 0, 0);
	machine(&w, 0, "m2", TR_MACHINE_ADD, 1, 4096);
	task(&w, 0, "j", 0, "A", 1, 512, 10);
	task(&w, 0, "k", 0, "A", 1, 512, 10)->locality = "m2";
	sim_config cfg;
	sim_config_default(&cfg);
	cfg.locality_wait = 0;
	run r;
	go(&r, &w, &cfg);
	assert_int_equal(sim_task_start(r.s, "k", 0), 0);
	assert_int_equal(sim_task_start(r.s, "j", 0), S(10));
	assert_int_equal(r.st.tasks_launched_local, 1);
	done(&r);
}

/* A machine that leaves loses its tasks; with resubmit_lost they run again
 * elsewhere. */
static void test_machine_loss(void **state)
{
	for (int resubmit = 0; resubmit < 2; resubmit++) {
		wl w = {0};
		machine(&w, 0, "m1", TR_MACHINE_ADD, 4, 4096);
		task(&w, 0, "j", 0, "A", 4, 512, 10);
		machine(&w, 2, "m2", TR_MACHINE_ADD, 4, 4096);
		machine(&w, 3, "m1", TR_MACHINE_REMOVE, 0, 0);
		sim_config cfg;
		sim_config_default(&cfg);
		cfg.resubmit_lost = resubmit;
		run r;
		go(&r, &w, &cfg);
		assert_int_equal(r.st.tasks_lost, 1);
		assert_int_equal(r.st.tasks_launched, 1 + resubmit);
		assert_int_equal(r.st.tasks_finished, resubmit);
		assert_int_equal(r.st.jobs_finished, resubmit);
		assert_int_equal(r.st.offers_rescinded, 0);
		assert_int_equal(r.st.end_ns, resubmit ? S(13) : S(3));
		done(&r);
	}
}

/* The DRF paper's example (progressive filling with one task per offer and
 * refuse 0): A runs 3 tasks and B 2. */
static void test_drf_example(void **state)
{
	wl w = {0};
	framework(&w, "A", 1, 0);
	framework(&w, "B", 1, 0);
	machine(&w, 0, "s1", TR_MACHINE_ADD, 9, 18432);
	for (uint32_t i = 0; i < 4; i++)
		task(&w, 0, "a", i, "A", 1, 4096, 100);
	for (uint32_t i = 0; i < 4; i++)
		task(&w, 0, "b", i, "B", 3, 1024, 100);
	sim_config cfg;
	sim_config_default(&cfg);
	cfg.until = S(50);
	run r;
	go(&r, &w, &cfg);
	assert_int_equal(sim_fw_launched(r.s, "A"), 3);
	assert_int_equal(sim_fw_launched(r.s, "B"), 2);
	assert_int_equal(sim_task_start(r.s, "a", 2), S(4));
	assert_int_equal(sim_task_start(r.s, "b", 1), S(3));
	done(&r);
}

/* Reusing the records of ended tasks changes no result: the same workload
 * (tasks that finish, a machine lost with its tasks, tasks resubmitted,
 * tasks that never fit) with and without keep_tasks gives the same counts
 * and end time, and far fewer records when they are reused. */
static void test_task_records_reused(void **state)
{
	for (int resubmit = 0; resubmit < 2; resubmit++) {
		sim_stats st[2];
		for (int keep = 0; keep < 2; keep++) {
			wl w = {0};
			machine(&w, 0, "m1", TR_MACHINE_ADD, 2, 4096);
			machine(&w, 0, "m2", TR_MACHINE_ADD, 2, 4096);
			task(&w, 0, "big", 0, "A", 64, 512, 10); /* never fits */
			for (uint32_t i = 0; i < 200; i++) {     /* one a second */
				if (i == 30)
					machine(&w, 30, "m2", TR_MACHINE_REMOVE, 0, 0);
				if (i == 60)
					machine(&w, 60, "m3", TR_MACHINE_ADD, 2, 4096);
				task(&w, i, i % 2 ? "j" : "k", i / 2, i % 2 ? "A" : "B", 1, 512, 1.5 + i % 3);
			}
			sim_config cfg;
			sim_config_default(&cfg);
			cfg.resubmit_lost = resubmit;
			cfg.keep_tasks = keep;
			run r;
			go_as_is(&r, &w, &cfg);
			st[keep] = r.st;
			assert_true(r.st.tasks_lost > 0);
			assert_int_equal(r.st.tasks_never_fit, 1);
			done(&r);
		}
		assert_int_equal(st[1].task_records, 201);
		assert_true(st[0].task_records < 20);
		assert_int_equal(st[0].end_ns, st[1].end_ns);
		assert_int_equal(st[0].events, st[1].events);
		assert_int_equal(st[0].offers_made, st[1].offers_made);
		assert_int_equal(st[0].offers_accepted, st[1].offers_accepted);
		assert_int_equal(st[0].tasks_launched, st[1].tasks_launched);
		assert_int_equal(st[0].tasks_finished, st[1].tasks_finished);
		assert_int_equal(st[0].tasks_lost, st[1].tasks_lost);
		assert_int_equal(st[0].jobs_finished, st[1].jobs_finished);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_greedy_packs_all_that_fit),
	        cmocka_unit_test(test_task_records_reused),
	        cmocka_unit_test(test_tasks_per_offer),
	        cmocka_unit_test(test_decline_with_refuse),
	        cmocka_unit_test(test_suppress_and_revive),
	        cmocka_unit_test(test_gang_starts_together),
	        cmocka_unit_test(test_gang_waits_for_room),
	        cmocka_unit_test(test_gang_never_fits),
	        cmocka_unit_test(test_task_never_fits),
	        cmocka_unit_test(test_delay_scheduling),
	        cmocka_unit_test(test_locality_counted),
	        cmocka_unit_test(test_local_tasks_first),
	        cmocka_unit_test(test_machine_loss),
	        cmocka_unit_test(test_drf_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
