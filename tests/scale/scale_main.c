/*
 * scale_main.c — meso-scale: from one process and one libev loop, N emulated
 * agents and F emulated frameworks against one meso-master. Flags, the open
 * file limit, the phases (agents register, frameworks subscribe, warm-up,
 * measurement window, --check), and the result: one plain line and --json.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "rt_flags.h"
#include "rt_resources.h"
#include "scale.h"

enum { SCRAPE_START, SCRAPE_PERIODIC, SCRAPE_END, SCRAPE_FINAL };
#define LAG_PERIOD_S       0.1
#define FDS_BESIDES_AGENTS 64 /* listening-free: stdio, the scrape, libev's own */

static void finish(scale *s);

void scale_protocol_error(scale *s, const char *fmt, ...)
{
	s->c.protocol_errors++;
	if (s->c.protocol_errors > SCALE_LOGGED)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rt_log(RT_WARN, "protocol error: %s%s", msg,
	       s->c.protocol_errors == SCALE_LOGGED ? " (further ones are counted, not logged)" : "");
}

void scale_samples_add(scale_samples *v, int64_t ns)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 4096;
		v->v = realloc(v->v, v->cap * sizeof *v->v);
		if (!v->v)
			abort();
	}
	v->v[v->n++] = ns;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

/* Nearest-rank quantile of sorted samples, in milliseconds (NAN if none). */
static double quantile_ms(const scale_samples *v, double q)
{
	if (!v->n)
		return NAN;
	size_t k = (size_t)ceil(q * (double)v->n);
	return (double)v->v[(k ? k : 1) - 1] / 1e6;
}

/* -------------------------------------------------------------- phases */

/* The counters and /proc now; the scrape of `purpose` fills e->m later. */
static void edge_take(scale *s, scale_edge *e, int purpose)
{
	e->t_ns = rt_mono_ns();
	e->c = s->c;
	scale_proc_read(s->cfg.master_pid, &e->p);
	e->self_cpu = scale_self_cpu();
	scale_scrape_start(s, purpose);
}

static void start_window(scale *s)
{
	s->phase = PHASE_WINDOW;
	s->loop_lag_max_s = 0;
	edge_take(s, &s->w0, SCRAPE_START);
	ev_timer_set(&s->scrape_timer, s->cfg.scrape_seconds, s->cfg.scrape_seconds);
	ev_timer_start(s->loop, &s->scrape_timer);
	ev_timer_set(&s->phase_timer, s->cfg.window_seconds, 0.);
	ev_timer_start(s->loop, &s->phase_timer);
	rt_log(RT_INFO, "measuring for %.0f s", s->cfg.window_seconds);
}

static void end_window(scale *s)
{
	s->phase = PHASE_FINISH;
	ev_timer_stop(s->loop, &s->scrape_timer);
	edge_take(s, &s->w1, SCRAPE_END);
}

static void phase_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	scale *s = w->data;
	switch (s->phase) {
	case PHASE_WARMUP:
		start_window(s);
		break;
	case PHASE_WINDOW:
		end_window(s);
		break;
	case PHASE_FINISH:
		/* --check waited for a finished task in vain. */
		rt_log(RT_WARN, "no task finished within %.0f s after the window", s->cfg.check_timeout_seconds);
		scale_scrape_start(s, SCRAPE_FINAL);
		break;
	default:
		break;
	}
}

void scale_abort(scale *s, const char *why)
{
	rt_log(RT_ERROR, "%s", why);
	s->exit_status = 1;
	finish(s);
}

static void setup_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	scale *s = w->data;
	if (s->phase == PHASE_AGENTS)
		rt_log(RT_ERROR, "only %d of %d agents registered within %.0f s", s->registered, s->cfg.agents,
		       s->cfg.setup_timeout_seconds);
	else
		rt_log(RT_ERROR, "only %d of %d frameworks subscribed within %.0f s", s->subscribed, s->cfg.frameworks,
		       s->cfg.setup_timeout_seconds);
	s->exit_status = 1;
	finish(s);
}

void scale_agent_registered(scale *s)
{
	s->registered++;
	s->handshaking--;
	if (s->phase != PHASE_AGENTS)
		return;
	while (s->handshaking < s->cfg.connect_burst && scale_agents_open_next(s))
		s->handshaking++;
	if (s->registered < s->cfg.agents)
		return;
	s->t_registered_ns = rt_mono_ns();
	rt_log(RT_INFO, "%d agents registered in %.2f s; subscribing %d frameworks", s->cfg.agents,
	       (double)(s->t_registered_ns - s->t_start_ns) / 1e9, s->cfg.frameworks);
	s->phase = PHASE_SUBSCRIBE;
	scale_fws_subscribe(s);
}

void scale_fw_subscribed(scale *s)
{
	s->subscribed++;
	if (s->phase != PHASE_SUBSCRIBE || s->subscribed < s->cfg.frameworks)
		return;
	s->t_subscribed_ns = rt_mono_ns();
	ev_timer_stop(s->loop, &s->setup_timer);
	s->phase = PHASE_WARMUP;
	rt_log(RT_INFO, "%d frameworks subscribed; warming up for %.0f s", s->cfg.frameworks, s->cfg.warmup_seconds);
	ev_timer_set(&s->phase_timer, s->cfg.warmup_seconds, 0.);
	ev_timer_start(s->loop, &s->phase_timer);
}

void scale_task_finished(scale *s)
{
	/* --check waits for the first finished task after the window. */
	if (s->phase == PHASE_FINISH && ev_is_active(&s->phase_timer) && !s->scrape) {
		ev_timer_stop(s->loop, &s->phase_timer);
		scale_scrape_start(s, SCRAPE_FINAL);
	}
}

/* The largest mean pass time between two scrapes (a pass's own time is
 * not in /metrics, only buckets, the sum and the count). */
static void note_alloc_between(scale *s, const scale_metrics *m)
{
	if (!m->ok || !s->m_last.ok)
		return;
	double dn = m->alloc_count - s->m_last.alloc_count, ds = m->alloc_sum - s->m_last.alloc_sum;
	if (dn > 0 && ds / dn > s->alloc_scrape_max_s)
		s->alloc_scrape_max_s = ds / dn;
}

void scale_scrape_done(scale *s, int purpose, const scale_metrics *m)
{
	switch (purpose) {
	case SCRAPE_START:
		s->w0.m = *m;
		s->m_last = *m;
		break;
	case SCRAPE_PERIODIC:
		note_alloc_between(s, m);
		if (m->ok)
			s->m_last = *m;
		break;
	case SCRAPE_END:
		note_alloc_between(s, m);
		s->w1.m = *m;
		if (m->ok)
			s->m_last = *m;
		if (s->cfg.check && s->c.f_finished == 0) {
			rt_log(RT_INFO, "no task finished yet: waiting up to %.0f s for one",
			       s->cfg.check_timeout_seconds);
			ev_timer_set(&s->phase_timer, s->cfg.check_timeout_seconds, 0.);
			ev_timer_start(s->loop, &s->phase_timer);
		} else {
			finish(s);
		}
		break;
	case SCRAPE_FINAL:
		if (m->ok)
			s->m_last = *m;
		finish(s);
		break;
	}
}

static void scrape_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	scale *s = w->data;
	if (!s->scrape)
		scale_scrape_start(s, SCRAPE_PERIODIC);
}

/* How late our own timers fire: the emulator's share of the latencies. */
static void lag_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	scale *s = w->data;
	static int64_t last;
	int64_t now = rt_mono_ns();
	if (last && s->phase == PHASE_WINDOW) {
		double lag = (double)(now - last) / 1e9 - LAG_PERIOD_S;
		if (lag > s->loop_lag_max_s)
			s->loop_lag_max_s = lag;
	}
	last = now;
}

/* -------------------------------------------------------------- result */

typedef struct scale_result {
	double window_s;
	double offers_per_s, master_offers_per_s;
	double launch_p50_ms, launch_p99_ms, launch_max_ms;
	uint64_t launched, running, finished, lost, failed, errored;
	double agents_lost, removals;
	uint64_t disconnects, new_ids, failures;
	double rss_mb, hwm_mb, cpu_pct;
	double passes, alloc_mean_ms, alloc_p50_le_ms, alloc_p99_le_ms, alloc_scrape_max_ms;
	double alloc_recent_p50_ms, alloc_recent_p99_ms, master_launch_mean_ms;
	double self_cpu_pct, lag_max_ms;
} scale_result;

/* The upper bound (ms) of the bucket holding quantile q of the window's
 * passes, from the difference of two scrapes' cumulative buckets. */
static double bucket_quantile_ms(const scale_metrics *a, const scale_metrics *b, double q)
{
	if (!a->ok || !b->ok || a->nbuckets != b->nbuckets || !b->nbuckets)
		return NAN;
	double total = b->alloc_buckets[b->nbuckets - 1] - a->alloc_buckets[a->nbuckets - 1];
	if (total <= 0)
		return NAN;
	for (int i = 0; i < b->nbuckets; i++)
		if (b->alloc_buckets[i] - a->alloc_buckets[i] >= q * total)
			return b->alloc_le[i] * 1e3;
	return INFINITY;
}

static scale_result result_compute(scale *s)
{
	scale_result r;
	memset(&r, 0, sizeof r);
	const scale_counts *a = &s->w0.c, *b = &s->w1.c;
	const scale_metrics *ma = &s->w0.m, *mb = &s->w1.m;
	const scale_proc *pa = &s->w0.p, *pb = &s->w1.p;
	r.window_s = s->w1.t_ns ? (double)(s->w1.t_ns - s->w0.t_ns) / 1e9 : 0;
	double w = r.window_s > 0 ? r.window_s : NAN;
	r.offers_per_s = (double)(b->f_offers - a->f_offers) / w;
	r.master_offers_per_s = ma->ok && mb->ok ? (mb->offers_made - ma->offers_made) / w : NAN;
	qsort(s->launch.v, s->launch.n, sizeof *s->launch.v, cmp_i64);
	r.launch_p50_ms = quantile_ms(&s->launch, 0.50);
	r.launch_p99_ms = quantile_ms(&s->launch, 0.99);
	r.launch_max_ms = quantile_ms(&s->launch, 1.0);
	r.launched = b->f_launched - a->f_launched;
	r.running = b->f_running - a->f_running;
	r.finished = b->f_finished - a->f_finished;
	r.lost = b->f_lost - a->f_lost + b->f_gone - a->f_gone + b->f_dropped - a->f_dropped;
	r.failed = b->f_failed - a->f_failed;
	r.errored = b->f_error - a->f_error;
	/* Over the whole run: an agent lost in the warm-up counts too. */
	r.removals = s->m_last.ok ? s->m_last.removals : NAN;
	r.disconnects = s->c.a_disconnects;
	r.new_ids = s->c.a_new_ids;
	r.failures = s->c.f_agent_failures;
	r.agents_lost =
	        fmax(isnan(r.removals) ? 0 : r.removals, (double)(r.failures > r.new_ids ? r.failures : r.new_ids));
	r.rss_mb = pb->ok ? pb->rss_mb : NAN;
	r.hwm_mb = pb->ok ? pb->hwm_mb : NAN;
	r.cpu_pct = pa->ok && pb->ok ? 100 * (pb->cpu_seconds - pa->cpu_seconds) / w : NAN;
	r.passes = ma->ok && mb->ok ? mb->alloc_count - ma->alloc_count : NAN;
	r.alloc_mean_ms = r.passes > 0 ? 1e3 * (mb->alloc_sum - ma->alloc_sum) / r.passes : NAN;
	r.alloc_p50_le_ms = bucket_quantile_ms(ma, mb, 0.50);
	r.alloc_p99_le_ms = bucket_quantile_ms(ma, mb, 0.99);
	r.alloc_scrape_max_ms = s->alloc_scrape_max_s * 1e3;
	r.alloc_recent_p50_ms = mb->ok ? mb->alloc_recent_p50 * 1e3 : NAN;
	r.alloc_recent_p99_ms = mb->ok ? mb->alloc_recent_p99 * 1e3 : NAN;
	double dl = mb->launch_count - ma->launch_count;
	r.master_launch_mean_ms = ma->ok && mb->ok && dl > 0 ? 1e3 * (mb->launch_sum - ma->launch_sum) / dl : NAN;
	r.self_cpu_pct = 100 * (s->w1.self_cpu - s->w0.self_cpu) / w;
	r.lag_max_ms = s->loop_lag_max_s * 1e3;
	return r;
}

/* JSON numbers: NAN (not measured) becomes null. */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(round(v * 1000) / 1000) : json_null();
}

/* Every counter over the whole run, for a look behind the window's numbers. */
static json_t *totals_json(const scale_counts *c)
{
	const struct {
		const char *name;
		uint64_t v;
	} t[] = {
	        {"agent_registrations", c->a_registrations},
	        {"agent_reregistrations", c->a_reregistrations},
	        {"agent_pings", c->a_pings},
	        {"run_tasks", c->a_run_tasks},
	        {"kill_tasks", c->a_kills},
	        {"shutdown_frameworks", c->a_shutdowns},
	        {"updates_sent", c->a_updates_sent},
	        {"updates_retried", c->a_updates_retried},
	        {"status_acks", c->a_acks},
	        {"stale_status_acks", c->a_stale_acks},
	        {"offer_events", c->f_offer_events},
	        {"offers", c->f_offers},
	        {"accept_calls", c->f_accepts},
	        {"offers_declined", c->f_declines},
	        {"decline_calls", c->f_decline_calls},
	        {"rescinds", c->f_rescinds},
	        {"tasks_launched", c->f_launched},
	        {"starting_updates", c->f_starting},
	        {"tasks_running", c->f_running},
	        {"tasks_finished", c->f_finished},
	        {"tasks_failed", c->f_failed},
	        {"tasks_killed", c->f_killed},
	        {"tasks_lost", c->f_lost},
	        {"tasks_error", c->f_error},
	        {"tasks_dropped", c->f_dropped},
	        {"tasks_gone", c->f_gone},
	        {"tasks_other_terminal", c->f_other_terminal},
	        {"stale_updates", c->f_stale_updates},
	        {"acknowledge_calls", c->f_acknowledges},
	        {"heartbeats", c->f_heartbeats},
	};
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		json_object_set_new(o, t[i].name, json_integer((json_int_t)t[i].v));
	return o;
}

static int write_json(const scale *s, const scale_result *r, const char *path)
{
	const scale_config *c = &s->cfg;
	json_t *cfg =
	        json_pack("{s:i, s:i, s:s, s:s, s:f, s:i, s:i, s:f, s:f, s:f, s:i}", "agents", c->agents, "frameworks",
	                  c->frameworks, "agent_resources", c->agent_resources, "task_resources", c->task_resources,
	                  "task_seconds", c->task_seconds, "backlog", c->backlog, "tasks_per_offer", c->tasks_per_offer,
	                  "refuse_seconds", c->refuse_seconds, "warmup_seconds", c->warmup_seconds, "window_seconds",
	                  c->window_seconds, "master_pid", c->master_pid);
	json_t *setup =
	        json_pack("{s:o, s:o}", "agents_registered_seconds",
	                  num(s->t_registered_ns ? (double)(s->t_registered_ns - s->t_start_ns) / 1e9 : NAN),
	                  "frameworks_subscribed_seconds",
	                  num(s->t_subscribed_ns ? (double)(s->t_subscribed_ns - s->t_registered_ns) / 1e9 : NAN));
	json_t *win = json_pack(
	        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "seconds", num(r->window_s),
	        "offers_per_second", num(r->offers_per_s), "master_offers_made_per_second", num(r->master_offers_per_s),
	        "launch_p50_ms", num(r->launch_p50_ms), "launch_p99_ms", num(r->launch_p99_ms), "launch_max_ms",
	        num(r->launch_max_ms), "launch_max_whole_run_ms", num((double)s->launch_max_all_ns / 1e6),
	        "launch_samples", (json_int_t)s->launch.n, "tasks_launched", (json_int_t)r->launched, "tasks_running",
	        (json_int_t)r->running, "tasks_finished", (json_int_t)r->finished, "tasks_lost", (json_int_t)r->lost,
	        "tasks_failed", (json_int_t)r->failed, "tasks_error", (json_int_t)r->errored);
	json_t *lost =
	        json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:o}", "agents_lost", num(r->agents_lost),
	                  "master_agent_removals", num(r->removals), "failure_events", (json_int_t)r->failures,
	                  "agents_back_with_new_id", (json_int_t)r->new_ids, "agent_disconnects",
	                  (json_int_t)r->disconnects, "master_silent_reconnects", (json_int_t)s->c.a_master_silent,
	                  "master_agents_disconnected", num(s->m_last.ok ? s->m_last.agents_disconnected : NAN));
	json_t *mst = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "rss_mb", num(r->rss_mb),
	                        "rss_peak_mb", num(r->hwm_mb), "cpu_percent", num(r->cpu_pct), "allocation_passes",
	                        num(r->passes), "allocation_mean_ms", num(r->alloc_mean_ms), "allocation_p50_bucket_ms",
	                        num(r->alloc_p50_le_ms), "allocation_p99_bucket_ms", num(r->alloc_p99_le_ms),
	                        "allocation_scrape_max_mean_ms", num(r->alloc_scrape_max_ms),
	                        "allocation_recent_p50_ms", num(r->alloc_recent_p50_ms), "allocation_recent_p99_ms",
	                        num(r->alloc_recent_p99_ms), "launch_mean_ms", num(r->master_launch_mean_ms));
	json_t *tool = json_pack("{s:o, s:o, s:I}", "cpu_percent", num(r->self_cpu_pct), "loop_lag_max_ms",
	                         num(r->lag_max_ms), "protocol_errors", (json_int_t)s->c.protocol_errors);
	json_t *root = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i}", "config", cfg, "setup", setup, "window",
	                         win, "agents", lost, "master", mst, "tool", tool, "totals", totals_json(&s->c),
	                         "exit_status", s->exit_status);
	int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(root);
	return rc;
}

static void print_result(const scale *s, const scale_result *r)
{
	printf("meso-scale: agents=%d frameworks=%d window_s=%.1f offers_per_s=%.0f launch_p50_ms=%.1f "
	       "launch_p99_ms=%.1f launch_max_ms=%.1f launched=%llu running=%llu finished=%llu agents_lost=%.0f "
	       "disconnects=%llu master_rss_mb=%.1f master_cpu_pct=%.0f alloc_mean_ms=%.2f alloc_p99_le_ms=%.2f "
	       "tool_cpu_pct=%.0f protocol_errors=%llu\n",
	       s->cfg.agents, s->cfg.frameworks, r->window_s, r->offers_per_s, r->launch_p50_ms, r->launch_p99_ms,
	       r->launch_max_ms, (unsigned long long)r->launched, (unsigned long long)r->running,
	       (unsigned long long)r->finished, r->agents_lost, (unsigned long long)r->disconnects, r->rss_mb,
	       r->cpu_pct, r->alloc_mean_ms, r->alloc_p99_le_ms, r->self_cpu_pct,
	       (unsigned long long)s->c.protocol_errors);
	fflush(stdout);
}

static void finish(scale *s)
{
	if (s->phase == PHASE_DONE)
		return;
	if (s->phase != PHASE_FINISH && !s->exit_status)
		s->exit_status = 1;
	s->phase = PHASE_DONE;
	s->stopping = true;
	scale_result r = result_compute(s);
	if (s->cfg.check) {
		const char *why = r.agents_lost > 0          ? "an agent was marked lost"
		                  : s->c.a_disconnects > 0   ? "an agent lost its connection"
		                  : s->c.protocol_errors > 0 ? "protocol errors"
		                  : s->c.f_running == 0      ? "no task ever ran"
		                  : s->c.f_finished == 0     ? "no task ever finished"
		                  : isnan(r.removals)        ? "the master's /metrics could not be read"
		                                             : NULL;
		if (why) {
			rt_log(RT_ERROR, "check failed: %s", why);
			s->exit_status = 1;
		}
	}
	print_result(s, &r);
	if (s->cfg.json_path && write_json(s, &r, s->cfg.json_path) != 0) {
		rt_log(RT_ERROR, "cannot write %s", s->cfg.json_path);
		s->exit_status = 1;
	}
	ev_timer_stop(s->loop, &s->phase_timer);
	ev_timer_stop(s->loop, &s->scrape_timer);
	ev_timer_stop(s->loop, &s->lag_timer);
	ev_timer_stop(s->loop, &s->setup_timer);
	if (s->scrape)
		rt_http_client_cancel(s->scrape);
	scale_fws_close(s);
	scale_agents_close(s);
	ev_break(s->loop, EVBREAK_ALL);
}

/* SIGINT/SIGTERM: stop early, still printing what was measured. */
static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	scale *s = w->data;
	rt_log(RT_WARN, "signal %d: stopping", w->signum);
	if (s->phase == PHASE_WINDOW)
		end_window(s);
	s->exit_status = 1;
	finish(s);
}

/* ---------------------------------------------------------------- setup */

/* 10,000 agent sockets need more descriptors than the usual 1,024: take what
 * the hard limit allows, and say so when it is not enough. */
static int raise_fd_limit(int need)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur >= (rlim_t)need)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)need) {
		fprintf(stderr,
		        "meso-scale: needs %d file descriptors, but the hard limit (ulimit -Hn) is %llu; raise it "
		        "(as root, or in /etc/security/limits.conf) or emulate fewer agents\n",
		        need, (unsigned long long)rl.rlim_max);
		return -1;
	}
	rlim_t old = rl.rlim_cur;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? (rlim_t)need : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		fprintf(stderr, "meso-scale: cannot raise the open-file limit from %llu to %d\n",
		        (unsigned long long)old, need);
		return -1;
	}
	rt_log(RT_INFO, "raised the open-file limit from %llu to %llu", (unsigned long long)old,
	       (unsigned long long)rl.rlim_cur);
	return 0;
}

static int setup_resources(scale *s)
{
	ac_err err;
	ac_resources agent_total;
	if (ac_core_create(NULL, NULL, &s->parser, &err) != 0)
		return -1;
	if (ac_resources_parse(s->parser, s->cfg.agent_resources, &agent_total, &err) != 0) {
		fprintf(stderr, "meso-scale: --agent-resources: %s\n", err.msg);
		return -1;
	}
	if (ac_resources_parse(s->parser, s->cfg.task_resources, &s->task_need, &err) != 0 ||
	    ac_resources_empty(&s->task_need)) {
		fprintf(stderr, "meso-scale: --task-resources: %s\n",
		        ac_resources_empty(&s->task_need) ? "empty" : err.msg);
		return -1;
	}
	s->arena = rt_arena_create();
	s->agent_res_pb = rt_resources_to_pb(s->parser, &agent_total, NULL, s->arena, &s->n_agent_res_pb);
	s->task_res_pb = rt_resources_to_pb(s->parser, &s->task_need, NULL, s->arena, &s->n_task_res_pb);
	snprintf(s->task_command, sizeof s->task_command, "sleep %g", s->cfg.task_seconds);
	return 0;
}

int main(int argc, char **argv)
{
	static scale s;
	scale_config *c = &s.cfg;
	const char *master = NULL, *log_level = "info";
	*c = (scale_config){
	        .agents = 100,
	        .frameworks = 10,
	        .agent_resources = "cpus:8;mem:16384",
	        .task_resources = "cpus:1;mem:1024",
	        .task_seconds = 10,
	        .backlog = 20,
	        .tasks_per_offer = 2,
	        .refuse_seconds = 5,
	        .warmup_seconds = 10,
	        .window_seconds = 30,
	        .connect_burst = 256,
	        .setup_timeout_seconds = 120,
	        .status_retry_seconds = 1.0,
	        .status_retry_max_seconds = 60.0,
	        .master_timeout_seconds = 10.0,
	        .reconnect_max_seconds = 5.0,
	        .scrape_seconds = 1.0,
	        .check_timeout_seconds = 60,
	};
	rt_flag flags[] = {
	        {"master", RT_FLAG_STRING, &master, "master HOST:PORT (required)"},
	        {"agents", RT_FLAG_INT, &c->agents, "emulated agents (connections)"},
	        {"frameworks", RT_FLAG_INT, &c->frameworks, "emulated v1 frameworks"},
	        {"agent-resources", RT_FLAG_STRING, &c->agent_resources, "resources each agent registers with"},
	        {"task-resources", RT_FLAG_STRING, &c->task_resources, "resources of each task"},
	        {"task-seconds", RT_FLAG_DOUBLE, &c->task_seconds, "how long a task runs (its command: sleep N)"},
	        {"backlog", RT_FLAG_INT, &c->backlog, "tasks each framework keeps queued or running"},
	        {"tasks-per-offer", RT_FLAG_INT, &c->tasks_per_offer, "most tasks launched on one offer (1-64)"},
	        {"refuse-seconds", RT_FLAG_DOUBLE, &c->refuse_seconds, "filters.refuse_seconds of DECLINE and ACCEPT"},
	        {"warmup", RT_FLAG_DOUBLE, &c->warmup_seconds, "seconds after the last SUBSCRIBED before measuring"},
	        {"seconds", RT_FLAG_DOUBLE, &c->window_seconds, "length of the measurement window"},
	        {"master-pid", RT_FLAG_INT, &c->master_pid, "the master's pid, for its RSS and CPU (/proc)"},
	        {"json", RT_FLAG_STRING, &c->json_path, "also write the result as JSON to this file"},
	        {"connect-burst", RT_FLAG_INT, &c->connect_burst, "agent handshakes in flight while registering"},
	        {"setup-timeout", RT_FLAG_DOUBLE, &c->setup_timeout_seconds,
	         "seconds for all agents to register and all frameworks to subscribe"},
	        {"status-retry", RT_FLAG_DOUBLE, &c->status_retry_seconds,
	         "first retry of an unacknowledged update, seconds (doubles; meso-agent's default)"},
	        {"status-retry-max", RT_FLAG_DOUBLE, &c->status_retry_max_seconds, "longest retry interval, seconds"},
	        {"master-timeout", RT_FLAG_DOUBLE, &c->master_timeout_seconds,
	         "seconds of master silence before an agent reconnects"},
	        {"scrape", RT_FLAG_DOUBLE, &c->scrape_seconds, "seconds between GET /metrics in the window"},
	        {"check", RT_FLAG_INT, &c->check,
	         "1: exit 1 if an agent is lost or disconnected, on a protocol error, or if no task runs and finishes"},
	        {"check-timeout", RT_FLAG_DOUBLE, &c->check_timeout_seconds,
	         "with --check 1: seconds to wait after the window for a first finished task"},
	        {"log-level", RT_FLAG_STRING, &log_level, "debug, info, warning or error"},
	};
	int rc = rt_flags_parse("meso-scale",
	                        "Emulates many agents and frameworks against one meso-master and measures it.", flags,
	                        sizeof flags / sizeof flags[0], argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (!master || rt_hostport_parse(master, c->host, sizeof c->host, &c->port) != 0) {
		fprintf(stderr, "meso-scale: --master HOST:PORT is required (see --help)\n");
		return 2;
	}
	if (c->agents < 1 || c->frameworks < 1 || c->backlog < 1 || c->tasks_per_offer < 1 || c->tasks_per_offer > 64 ||
	    c->connect_burst < 1 || c->window_seconds <= 0 || c->scrape_seconds <= 0 || c->status_retry_seconds <= 0 ||
	    c->status_retry_max_seconds < c->status_retry_seconds) {
		fprintf(stderr, "meso-scale: --agents, --frameworks, --backlog, --connect-burst >= 1, "
		                "--tasks-per-offer 1-64, --seconds, --scrape and retries > 0\n");
		return 2;
	}
	int level = strcmp(log_level, "debug") == 0     ? RT_DEBUG
	            : strcmp(log_level, "warning") == 0 ? RT_WARN
	            : strcmp(log_level, "error") == 0   ? RT_ERROR
	                                                : RT_INFO;
	rt_log_init("meso-scale", level);
	/* Each agent is a socket, each framework two (stream, calls). */
	if (raise_fd_limit(c->agents + 2 * c->frameworks + FDS_BESIDES_AGENTS) != 0)
		return 2;
	if (setup_resources(&s) != 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	s.loop = ev_default_loop(EVFLAG_AUTO);
	rt_buf_init(&s.scrape_body);
	ev_timer_init(&s.phase_timer, phase_cb, 1., 0.);
	ev_timer_init(&s.scrape_timer, scrape_cb, 1., 1.);
	ev_timer_init(&s.lag_timer, lag_cb, LAG_PERIOD_S, LAG_PERIOD_S);
	ev_timer_init(&s.setup_timer, setup_timeout_cb, c->setup_timeout_seconds, 0.);
	s.phase_timer.data = s.scrape_timer.data = s.lag_timer.data = s.setup_timer.data = &s;
	ev_timer_start(s.loop, &s.lag_timer);
	ev_timer_start(s.loop, &s.setup_timer);
	ev_signal sigint, sigterm;
	ev_signal_init(&sigint, on_signal, SIGINT);
	ev_signal_init(&sigterm, on_signal, SIGTERM);
	sigint.data = sigterm.data = &s;
	ev_signal_start(s.loop, &sigint);
	ev_signal_start(s.loop, &sigterm);
	scale_agents_create(&s);
	scale_fws_create(&s);
	s.phase = PHASE_AGENTS;
	s.t_start_ns = rt_mono_ns();
	rt_log(RT_INFO, "%d agents (%s) and %d frameworks against %s:%d", c->agents, c->agent_resources, c->frameworks,
	       c->host, c->port);
	while (s.handshaking < c->connect_burst && scale_agents_open_next(&s))
		s.handshaking++;
	ev_run(s.loop, 0);
	/* Let the closes reach the master's socket buffers, then free. */
	ev_run(s.loop, EVRUN_NOWAIT);
	scale_fws_destroy(&s);
	scale_agents_destroy(&s);
	rt_buf_free(&s.scrape_body);
	free(s.launch.v);
	rt_arena_destroy(s.arena);
	ac_core_destroy(s.parser);
	return s.exit_status;
}
