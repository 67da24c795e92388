/*
 * master_state.c — /state (JSON: agents, frameworks, tasks, offers, shares)
 * and /metrics (Prometheus text format) of the master.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "rt_resources.h"

static json_t *res_json(const master *m, const ac_resources *r)
{
	char text[1024];
	return json_string(rt_resources_text(m->core, r, text, sizeof text));
}

/* What the core knows of one of a framework's core frameworks (one per role). */
static void core_json(master *m, json_t *j, ac_fw_id ac)
{
	ac_fw_info info;
	if (ac_fw_info_get(m->core, ac, &info, NULL) != 0)
		return;
	json_object_set_new(j, "suppressed", json_boolean(info.suppressed));
	json_object_set_new(j, "dominant_share", json_real(info.dominant_share));
	json_object_set_new(j, "offers_received", json_integer((json_int_t)info.allocations));
	ac_resources r;
	ac_resources_from_vec(&r, &info.allocated);
	json_object_set_new(j, "allocated", res_json(m, &r));
	ac_resources_from_vec(&r, &info.offered);
	json_object_set_new(j, "offered", res_json(m, &r));
}

void master_serve_state(master *m, rt_http_session *s)
{
	json_t *root = json_object();
	json_object_set_new(root, "id", json_string(m->id));
	json_object_set_new(root, "hostname", json_string(m->flags.hostname));
	json_object_set_new(root, "port", json_integer(rt_http_server_port(m->http)));
	json_object_set_new(root, "uptime_secs", json_real((double)(rt_mono_ns() - m->start_ns) / 1e9));
	json_object_set_new(root, "policy", json_string(ac_core_policy(m->core)));
	json_object_set_new(root, "allocation_interval", json_real(m->flags.allocation_interval));
	/* A standby serves its own (empty) state rather than a redirect, so that
	 * operators can ask every master who leads. */
	json_object_set_new(root, "leading", json_boolean(m->leading));
	if (m->leading) {
		char self[300];
		snprintf(self, sizeof self, "%s:%d", m->flags.hostname, rt_http_server_port(m->http));
		json_object_set_new(root, "leader", json_string(self));
	} else if (m->leader_host[0]) {
		char other[300];
		snprintf(other, sizeof other, "%s:%d", m->leader_host, m->leader_port);
		json_object_set_new(root, "leader", json_string(other));
	} else {
		json_object_set_new(root, "leader", json_null());
	}

	json_t *agents = json_array();
	for (m_agent *a = m->agents; a; a = a->next) {
		ac_agent_info info;
		json_t *j = json_object();
		json_object_set_new(j, "id", json_string(a->id));
		json_object_set_new(j, "hostname", json_string(a->hostname ? a->hostname : ""));
		json_object_set_new(j, "port", json_integer(a->port));
		json_object_set_new(j, "connected", json_boolean(a->conn != NULL));
		json_object_set_new(j, "attributes", json_string(a->attributes ? a->attributes : ""));
		json_object_set_new(j, "resources", res_json(m, &a->total));
		if (ac_agent_info_get(m->core, a->ac, &info, NULL) == 0) {
			json_object_set_new(j, "free", res_json(m, &info.free));
			json_object_set_new(j, "offers", json_integer(info.offers));
		}
		json_array_append_new(agents, j);
	}
	json_object_set_new(root, "agents", agents);

	json_t *fws = json_array();
	for (m_fw *fw = m->fws; fw; fw = fw->next) {
		if (!master_can_view_fw(m, m->principal, fw))
			continue; /* view_frameworks */
		ac_fw_info info;
		json_t *j = json_object();
		json_object_set_new(j, "id", json_string(fw->id));
		json_object_set_new(j, "name", json_string(fw->name));
		json_object_set_new(j, "role", json_string(fw->role));
		json_object_set_new(j, "user", json_string(fw->user));
		json_object_set_new(j, "connected", json_boolean(fw->stream != NULL));
		json_object_set_new(j, "recovered", json_boolean(fw->recovered));
		json_object_set_new(j, "partition_aware", json_boolean(fw->partition_aware));
		json_object_set_new(j, "failover_timeout", json_real(fw->failover_timeout));
		ac_fw_id first = master_fw_core(m, fw);
		if (ac_fw_info_get(m->core, first, &info, NULL) == 0)
			json_object_set_new(j, "active", json_boolean(info.active));
		core_json(m, j, first);
		/* A MULTI_ROLE framework: the same for each role (the fields
		 * above are its first role's), then each role it dropped that
		 * its tasks still hold ("removing"). */
		json_t *roles = json_array();
		size_t nsub = master_fw_nroles(m, fw, false), nall = master_fw_nroles(m, fw, true);
		for (size_t i = 0; i < nall; i++) {
			json_t *r = json_object();
			ac_fw_id ac;
			json_object_set_new(r, "role", json_string(master_fw_role_at(m, fw, i, &ac)));
			if (i >= nsub)
				json_object_set_new(r, "removing", json_true());
			core_json(m, r, ac);
			json_array_append_new(roles, r);
		}
		json_object_set_new(j, "roles", roles);
		json_array_append_new(fws, j);
	}
	json_object_set_new(root, "frameworks", fws);

	json_t *tasks = json_array();
	for (m_task *t = m->tasks; t; t = t->next) {
		if (!master_can_view_fw(m, m->principal, t->fw) || !master_can_view_task(m, m->principal, t))
			continue; /* view_frameworks, view_tasks */
		json_t *j = json_object();
		json_object_set_new(j, "id", json_string(t->id));
		json_object_set_new(j, "name", json_string(t->name));
		json_object_set_new(j, "framework_id", json_string(t->fw->id));
		json_object_set_new(j, "agent_id", json_string(t->agent->id));
		json_object_set_new(j, "state", json_string(rt_task_state_name(t->state)));
		json_object_set_new(j, "resources", res_json(m, &t->res));
		if (t->executor_id)
			json_object_set_new(j, "executor_id", json_string(t->executor_id));
		json_array_append_new(tasks, j);
	}
	json_object_set_new(root, "tasks", tasks);

	json_t *execs = json_array();
	for (m_exec *e = m->execs; e; e = e->next) {
		if (!master_can_view_fw(m, m->principal, e->fw))
			continue;
		json_t *j = json_object();
		json_object_set_new(j, "id", json_string(e->id));
		json_object_set_new(j, "framework_id", json_string(e->fw->id));
		json_object_set_new(j, "agent_id", json_string(e->agent->id));
		json_object_set_new(j, "resources", res_json(m, &e->res));
		json_array_append_new(execs, j);
	}
	json_object_set_new(root, "executors", execs);

	json_t *offers = json_array();
	for (m_offer *o = m->offers; o; o = o->next) {
		if (!master_can_view_fw(m, m->principal, o->fw))
			continue;
		json_t *j = json_object();
		json_object_set_new(j, "id", json_string(o->id));
		json_object_set_new(j, "framework_id", json_string(o->fw->id));
		json_object_set_new(j, "agent_id", json_string(o->agent->id));
		json_object_set_new(j, "resources", res_json(m, &o->res));
		json_array_append_new(offers, j);
	}
	json_object_set_new(root, "offers", offers);

	char *text = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(root);
	size_t len = strlen(text);
	text[len] = '\n'; /* replaces the NUL; the length below excludes it */
	rt_http_reply(s, 200, "application/json", text, len + 1, NULL);
	free(text);
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

static void hist(rt_buf *b, const char *name, const char *help, const m_hist *h)
{
	rt_buf_printf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
	uint64_t cum = 0;
	for (int i = 0; i < M_HIST_BUCKETS; i++) {
		cum += h->count[i];
		rt_buf_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name, master_hist_bounds[i], (unsigned long long)cum);
	}
	rt_buf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.9f\n%s_count %llu\n", name, (unsigned long long)h->n,
	              name, h->sum, name, (unsigned long long)h->n);
	/* Exact quantiles of the last M_HIST_RECENT samples, as a summary of
	 * its own (a histogram may not carry quantiles). */
	size_t n = h->n < M_HIST_RECENT ? (size_t)h->n : M_HIST_RECENT;
	if (!n)
		return;
	double *v = rt_xmalloc(sizeof *v * n);
	memcpy(v, h->recent, sizeof *v * n);
	qsort(v, n, sizeof *v, cmp_double);
	rt_buf_printf(b, "# HELP %s_recent The same, over the last %d samples.\n# TYPE %s_recent summary\n", name,
	              M_HIST_RECENT, name);
	static const double qs[] = {0.5, 0.9, 0.99};
	for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
		size_t k = (size_t)(qs[i] * (double)n + 0.999999); /* nearest rank */
		rt_buf_printf(b, "%s_recent{quantile=\"%g\"} %.9f\n", name, qs[i], v[(k ? k : 1) - 1]);
	}
	free(v);
}

static void counter(rt_buf *b, const char *name, const char *help, uint64_t v)
{
	rt_buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name, (unsigned long long)v);
}

static void gauge(rt_buf *b, const char *name, const char *help, double v)
{
	rt_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", name, help, name, name, v);
}

void master_serve_metrics(master *m, rt_http_session *s)
{
	const master_metrics *x = &m->metrics;
	rt_buf b;
	rt_buf_init(&b);
	size_t connected = 0, nagents = 0, fw_connected = 0, nfw = 0, ntasks = 0, noffers = 0;
	for (m_agent *a = m->agents; a; a = a->next) {
		nagents++;
		connected += a->conn != NULL;
	}
	for (m_fw *f = m->fws; f; f = f->next) {
		nfw++;
		fw_connected += f->stream != NULL;
	}
	for (m_task *t = m->tasks; t; t = t->next)
		ntasks++;
	for (m_offer *o = m->offers; o; o = o->next)
		noffers++;
	gauge(&b, "meso_master_uptime_seconds", "Seconds since the master started.",
	      (double)(rt_mono_ns() - m->start_ns) / 1e9);
	gauge(&b, "meso_master_leader", "1 while this master leads, 0 while it is a standby.", m->leading ? 1 : 0);
	counter(&b, "meso_master_standby_redirects_total", "Requests answered 307 or 503 while a standby.",
	        m->metrics.standby_redirects);
	counter(&b, "meso_master_frameworks_recovered_total", "Frameworks first known from their agents' tasks.",
	        m->metrics.frameworks_recovered);
	rt_buf_printf(&b,
	              "# HELP meso_master_agents Registered agents.\n# TYPE meso_master_agents gauge\n"
	              "meso_master_agents{state=\"connected\"} %zu\nmeso_master_agents{state=\"disconnected\"} %zu\n",
	              connected, nagents - connected);
	rt_buf_printf(&b,
	              "# HELP meso_master_frameworks Known frameworks.\n# TYPE meso_master_frameworks gauge\n"
	              "meso_master_frameworks{state=\"connected\"} %zu\n"
	              "meso_master_frameworks{state=\"disconnected\"} %zu\n",
	              fw_connected, nfw - fw_connected);
	gauge(&b, "meso_master_tasks_active", "Tasks not yet terminal.", (double)ntasks);
	gauge(&b, "meso_master_offers_outstanding", "Offers sent and not yet answered.", (double)noffers);
	rt_buf_printf(&b, "# HELP meso_master_tasks_total Tasks by terminal state (and launched).\n"
	                  "# TYPE meso_master_tasks_total counter\n");
	const struct {
		const char *state;
		uint64_t v;
	} ts[] = {{"launched", x->tasks_launched}, {"finished", x->tasks_finished}, {"failed", x->tasks_failed},
	          {"killed", x->tasks_killed},     {"lost", x->tasks_lost},         {"error", x->tasks_error},
	          {"dropped", x->tasks_dropped}};
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
		rt_buf_printf(&b, "meso_master_tasks_total{state=\"%s\"} %llu\n", ts[i].state,
		              (unsigned long long)ts[i].v);
	rt_buf_printf(&b, "# HELP meso_master_calls_total Scheduler API calls by type.\n"
	                  "# TYPE meso_master_calls_total counter\n");
	for (int t = 1; t < 32; t++) {
		if (!x->calls[t])
			continue;
		const ProtobufCEnumValue *v =
		        protobuf_c_enum_descriptor_get_value(&mesos__v1__scheduler__call__type__descriptor, t);
		rt_buf_printf(&b, "meso_master_calls_total{type=\"%s\"} %llu\n", v ? v->name : "OTHER",
		              (unsigned long long)x->calls[t]);
	}
	counter(&b, "meso_master_call_errors_total", "Scheduler calls answered with an HTTP error.",
	        x->http_errors_4xx);
	counter(&b, "meso_master_agent_registrations_total", "Agent registrations.", x->agent_registrations);
	counter(&b, "meso_master_agent_reregistrations_total", "Agent re-registrations.", x->agent_reregistrations);
	counter(&b, "meso_master_agent_removals_total", "Agents removed (lost).", x->agent_removals);
	counter(&b, "meso_master_framework_subscriptions_total", "SUBSCRIBE calls served.", x->framework_subscriptions);
	counter(&b, "meso_master_framework_removals_total", "Frameworks removed.", x->framework_removals);
	counter(&b, "meso_master_status_updates_total", "Status updates received from agents.", x->status_updates);
	counter(&b, "meso_master_acknowledgements_total", "ACKNOWLEDGE calls forwarded.", x->acknowledgements);
	counter(&b, "meso_master_events_total", "Events written to subscription streams.", x->events_sent);
	ac_counters c;
	ac_counters_get(m->core, &c);
	counter(&b, "meso_allocator_passes_total", "Allocation passes.", c.passes);
	counter(&b, "meso_allocator_offers_made_total", "Offers made.", c.offers_made);
	counter(&b, "meso_allocator_offers_accepted_total", "Offers accepted.", c.offers_accepted);
	counter(&b, "meso_allocator_offers_declined_total", "Offers declined.", c.offers_declined);
	counter(&b, "meso_allocator_offers_rescinded_total", "Offers rescinded.", c.offers_rescinded);
	counter(&b, "meso_allocator_filtered_skips_total", "Framework skipped on an agent by a filter.",
	        c.filtered_skips);
	counter(&b, "meso_allocator_ports_unstored_total",
	        "Ports not given back to an agent's free set: more ranges than a set holds (should stay 0).",
	        c.ports_unstored);
	rt_http_stats hs;
	rt_http_server_stats(m->http, &hs);
	gauge(&b, "meso_master_http_connections", "HTTP connections open (agents' framed ones not included).",
	      (double)hs.sessions);
	gauge(&b, "meso_master_http_pending_output_bytes", "Answers and events written and not yet read by peers.",
	      (double)hs.output_bytes);
	rt_buf_printf(&b,
	              "# HELP meso_master_http_timeouts_total HTTP connections closed by a timeout.\n"
	              "# TYPE meso_master_http_timeouts_total counter\n"
	              "meso_master_http_timeouts_total{kind=\"header\"} %llu\n"
	              "meso_master_http_timeouts_total{kind=\"body\"} %llu\n"
	              "meso_master_http_timeouts_total{kind=\"send\"} %llu\n"
	              "meso_master_http_timeouts_total{kind=\"idle\"} %llu\n",
	              (unsigned long long)hs.header_timeouts, (unsigned long long)hs.body_timeouts,
	              (unsigned long long)hs.send_timeouts, (unsigned long long)hs.idle_timeouts);
	counter(&b, "meso_master_http_accept_pauses_total", "Times accepting paused for want of file descriptors.",
	        hs.accept_pauses);
	counter(&b, "meso_master_http_output_stalls_total",
	        "Times a connection's requests waited for its unread answers.", hs.output_stalls);
	counter(&b, "meso_master_streams_dropped_total",
	        "Subscription streams closed with an ERROR for leaving too much unread.", x->streams_dropped);
	rt_lag_stats ls;
	rt_lag_stats_get(m->lag, &ls);
	counter(&b, "meso_master_loop_stalls_total", "Turns of the event loop that held it for 50 ms or more.",
	        ls.stalls);
	gauge(&b, "meso_master_loop_stall_longest_seconds", "The longest such turn.", (double)ls.longest_ns / 1e9);
	gauge(&b, "meso_master_reconcile_queued", "Task ids of RECONCILE calls waiting to be answered.",
	      (double)m->recon_ids);
	counter(&b, "meso_master_reconcile_refused_total", "RECONCILE calls answered 429.", x->reconcile_refused);
	counter(&b, "meso_master_agent_removals_deferred_total",
	        "Agent checks that kept a silent agent because the master itself had been busy.",
	        x->agent_removals_deferred);
	counter(&b, "meso_master_frameworks_evicted_total",
	        "Disconnected frameworks removed to make room under --max_frameworks.", x->frameworks_evicted);
	counter(&b, "meso_master_subscriptions_refused_total", "SUBSCRIBE calls refused with an ERROR event.",
	        x->subscriptions_refused);
	gauge(&b, "meso_master_completed_tasks", "Completed tasks kept, over all frameworks.", (double)m->ndone_tasks);
	hist(&b, "meso_master_allocation_seconds", "Duration of one allocation pass (the offer path).",
	     &x->alloc_latency);
	hist(&b, "meso_master_launch_seconds", "ACCEPT received to TASK_RUNNING forwarded.", &x->launch_latency);
	rt_http_reply(s, 200, "text/plain; version=0.0.4", b.data, b.len, NULL);
	rt_buf_free(&b);
}
