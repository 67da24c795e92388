/*
 * sim.c — the simulator as sim/sim.h offers it: puts the three parts
 * together (the engine at the bottom, the framework models and the metrics
 * on top of it) and runs the loop, in which the engine's clock hands out the
 * next workload row or queued event and this file gives it to its owner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "metrics.h"
#include "models.h"

struct sim {
	sim_engine engine;
	sim_models models;
	sim_metrics metrics;
};

void sim_config_default(sim_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->policy = "drf";
	cfg->interval = AC_SECOND;
	cfg->sample = 10 * AC_SECOND;
	cfg->gang_hold = 10 * AC_SECOND;
	cfg->locality_wait = 5 * AC_SECOND;
	cfg->remote_slowdown = SIM_SLOWDOWN_ONE;
}

/* The models and the metrics keep state per framework: they catch up with
 * the frameworks the engine registered (at the start, and with a task row). */
static int frameworks_sync(sim *s)
{
	if (sim__models_sync(&s->models) < 0 || sim__metrics_sync(&s->metrics) < 0)
		return -1;
	return 0;
}

int sim_create(const sim_config *cfg, tr_source *src, sim **out, char *err, size_t errlen)
{
	sim *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*out = s;
	sim__models_init(&s->models, &s->engine);
	sim__metrics_init(&s->metrics, &s->engine);
	s->engine.watch = sim__metrics_watch(&s->metrics);
	if (sim__engine_init(&s->engine, cfg, src, err, errlen) < 0 || frameworks_sync(s) < 0 ||
	    sim__metrics_open(&s->metrics) < 0)
		return -1;
	return 0;
}

void sim_destroy(sim *s)
{
	if (!s)
		return;
	sim__metrics_free(&s->metrics);
	sim__models_free(&s->models);
	sim__engine_free(&s->engine);
	free(s);
}

/* A workload row: the engine records it, the models react to it. */
static void on_row(sim *s, const tr_event *ev)
{
	sim_engine *e = &s->engine;
	switch (ev->kind) {
	case TR_MACHINE_ADD:
		if (sim__engine_machine_add(e, ev) == 1)
			sim__models_unpark(&s->models);
		break;
	case TR_MACHINE_UPDATE:
		if (sim__engine_machine_update(e, ev) == 1)
			sim__models_unpark(&s->models);
		break;
	case TR_MACHINE_REMOVE:
		sim__engine_machine_remove(e, ev);
		for (size_t i = 0; i < e->nlost_tasks; i++)
			sim__models_requeue(&s->models, e->lost_tasks[i]);
		break;
	case TR_MACHINE_RESERVE:
	case TR_MACHINE_UNRESERVE:
		sim__engine_machine_reserve(e, ev, ev->kind == TR_MACHINE_RESERVE);
		break;
	case TR_TASK_SUBMIT: {
		uint32_t t = sim__engine_task_submit(e, ev);
		if (frameworks_sync(s) == 0 && t != SIM_NONE)
			sim__models_task_submitted(&s->models, t);
		break;
	}
	}
}

/* A pass (m SIM_NONE: the periodic one) for a policy that reads what the
 * models know (priorities, demands) or preempts: those first, then the
 * pass, then its preemptions carried out and the killed tasks queued
 * again (sim/README.md). Other policies take the plain calls. */
static void pass_with_policy(sim *s, uint32_t m)
{
	sim_engine *e = &s->engine;
	if (e->task_prio)
		sim__models_declare_priorities(&s->models);
	if (e->want_demand)
		sim__models_declare_demands(&s->models);
	if (m == SIM_NONE)
		sim_engine_tick(e);
	else
		sim__engine_alloc_agent(e, m);
	if (e->npreempts)
		sim__engine_preempt(e);
	for (size_t i = 0; i < e->npreempted; i++)
		sim__models_requeue(&s->models, e->preempted[i]);
	e->npreempted = 0;
}

/* A queued event, to the part that scheduled it. */
static void on_event(sim *s, const sim_event *ev)
{
	sim_engine *e = &s->engine;
	switch (ev->kind) {
	case EV_TICK:
		if (e->policy_extras)
			pass_with_policy(s, SIM_NONE);
		else
			sim_engine_tick(e);
		break;
	case EV_SAMPLE:
		if (sim__metrics_sample(&s->metrics) == 0)
			sim__engine_push(e, e->now + e->cfg.sample, EV_SAMPLE, 0, 0);
		break;
	case EV_DECISION:
		sim__models_decide(&s->models, ev->a);
		break;
	case EV_TASK_END:
		sim__engine_task_end(e, ev->a, ev->b);
		break;
	case EV_ALLOC_AGENT:
		if (e->policy_extras)
			pass_with_policy(s, ev->a);
		else
			sim__engine_alloc_agent(e, ev->a);
		break;
	case EV_GANG_HOLD:
		sim__models_gang_hold_end(&s->models, ev->a, ev->b);
		break;
	}
}

int sim_run(sim *s, char *err, size_t errlen)
{
	sim_engine *e = &s->engine;
	e->err = err;
	e->errlen = errlen;
	if (e->failed)
		return -1;
	sim__engine_start(e);
	sim__engine_push(e, 0, EV_SAMPLE, 0, 0);
	sim_event ev;
	while (!e->failed) {
		int step = sim_engine_next(e, &ev);
		if (step < 0)
			return step;
		if (step == SIM_STEP_END)
			break;
		if (step == SIM_STEP_ROW)
			on_row(s, &e->row);
		else
			on_event(s, &ev);
		sim_engine_step_done(e, step);
		if (sim_engine_idle(e) && !sim__models_startable(&s->models)) {
			if (e->is_static)
				sim__models_park_unfit(&s->models);
			break;
		}
		if (e->cfg.progress && (e->events & 0xffff) == 0)
			e->cfg.progress(e->cfg.progress_ud, tr_source_progress(e->src), e->now, e->events);
	}
	if (e->failed)
		return -1;
	e->bad_rows += tr_source_bad_rows(e->src);
	sim_stats st;
	sim_stats_get(s, &st);
	return sim__metrics_write_final(&s->metrics, &st, sim__models_waiting(&s->models));
}

int sim_write_perf(sim *s, double wall_seconds, char *err, size_t errlen)
{
	s->engine.err = err;
	s->engine.errlen = errlen;
	sim_stats st;
	sim_stats_get(s, &st);
	return sim__metrics_write_perf(&s->metrics, &st, wall_seconds);
}

void sim_stats_get(const sim *s, sim_stats *out)
{
	const sim_engine *e = &s->engine;
	memset(out, 0, sizeof *out);
	out->end_ns = e->now;
	out->events = e->events;
	out->task_records = e->ntasks;
	for (uint32_t i = 0; i < e->ncores; i++) {
		ac_counters c;
		ac_counters_get(e->cores[i].core, &c);
		out->offers_made += c.offers_made;
		out->offers_accepted += c.offers_accepted;
		out->offers_declined += c.offers_declined;
		out->offers_rescinded += c.offers_rescinded;
	}
	out->tasks_submitted = e->submitted;
	out->tasks_launched = e->launched;
	out->tasks_launched_pref = e->launched_pref;
	out->tasks_launched_local = e->launched_local;
	out->tasks_finished = e->finished;
	out->tasks_lost = e->lost;
	out->tasks_never_fit = sim__models_never_fit(&s->models);
	out->jobs_submitted = e->job_names.n;
	for (size_t j = 0; j < e->job_names.n; j++)
		out->jobs_finished += e->jobs[j].finish_ns >= 0;
	out->bad_rows = e->bad_rows;
}

int64_t sim_fw_launched(const sim *s, const char *name)
{
	uint32_t f = sim__names_find(&s->engine.fw_names, name);
	return f == SIM_NONE ? -1 : (int64_t)s->engine.fws[f].launched;
}

int64_t sim_fw_running(const sim *s, const char *name)
{
	uint32_t f = sim__names_find(&s->engine.fw_names, name);
	return f == SIM_NONE ? -1 : (int64_t)s->engine.fws[f].running;
}

ac_time sim_task_start(const sim *s, const char *job, uint32_t index)
{
	const sim_engine *e = &s->engine;
	uint32_t j = sim__names_find(&e->job_names, job);
	if (j == SIM_NONE)
		return -2;
	for (size_t t = 0; t < e->ntasks; t++)
		if (e->tasks[t].state != T_FREE && e->tasks[t].job == j && e->tasks[t].index == index)
			return e->tasks[t].start_ns;
	return -2;
}
