/*
 * agent_http.c — the agent's own HTTP endpoints: /state (tasks, executors,
 * unacknowledged updates), /metrics (Prometheus text), /health, and the
 * routing of /api/v1/executor to agent_executors.c, /api/v1 to
 * agent_operator.c and /files/... to agent_files.c.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "rt_resources.h"

static void serve_state(agent *a, rt_http_session *s)
{
	char text[1024];
	json_t *root = json_object();
	json_object_set_new(root, "id", a->id ? json_string(a->id) : json_null());
	char master[300];
	snprintf(master, sizeof master, "%s:%d", a->master_host, a->master_port);
	json_object_set_new(root, "master", a->master_host[0] ? json_string(master) : json_null());
	json_object_set_new(root, "master_id", a->master_id ? json_string(a->master_id) : json_null());
	json_object_set_new(root, "registered", json_boolean(a->registered));
	json_object_set_new(root, "hostname", json_string(a->flags.hostname));
	json_object_set_new(root, "port", json_integer(rt_http_server_port(a->http)));
	json_object_set_new(root, "work_dir", json_string(a->work_dir));
	json_object_set_new(root, "resources", json_string(rt_resources_text(a->parser, &a->total, text, sizeof text)));
	json_object_set_new(root, "isolation", json_string(agent_cgroups_name(a)));
	json_object_set_new(root, "recover", json_string(a->flags.recover_cleanup ? "cleanup" : "reconnect"));
	json_object_set_new(root, "recovery_seconds", json_real((double)a->recovered_ns / 1e9));
	json_object_set_new(root, "recovery_timeout", json_real(agent_recovery_timeout(a)));
	json_t *tasks = json_array();
	for (a_task *t = a->tasks; t; t = t->next) {
		size_t pending = 0;
		for (a_update *u = t->updates; u; u = u->next)
			pending++;
		json_t *j = json_object();
		json_object_set_new(j, "id", json_string(t->id));
		json_object_set_new(j, "framework_id", json_string(t->fw_id));
		json_object_set_new(j, "state", json_string(rt_task_state_name(t->state)));
		json_object_set_new(j, "pid", json_integer(t->pid));
		json_object_set_new(j, "supervisor_pid", json_integer(t->sup_pid));
		json_object_set_new(j, "recovered", json_boolean(t->adopted));
		json_object_set_new(j, "sandbox", json_string(t->sandbox));
		json_object_set_new(j, "unacknowledged_updates", json_integer((json_int_t)pending));
		if (t->exec)
			json_object_set_new(j, "executor_id", json_string(t->exec->id));
		json_array_append_new(tasks, j);
	}
	json_object_set_new(root, "tasks", tasks);
	json_t *execs = json_array();
	for (a_executor *e = a->executors; e; e = e->next) {
		size_t ntasks = 0;
		for (a_task *t = a->tasks; t; t = t->next)
			ntasks += t->exec == e;
		json_t *j = json_object();
		json_object_set_new(j, "id", json_string(e->id));
		json_object_set_new(j, "framework_id", json_string(e->fw_id));
		json_object_set_new(j, "container_id", json_string(e->container_id));
		json_object_set_new(j, "pid", json_integer(e->pid));
		json_object_set_new(j, "supervisor_pid", json_integer(e->sup_pid));
		json_object_set_new(j, "recovered", json_boolean(e->recovered));
		json_object_set_new(j, "subscribed", json_boolean(e->subscribed));
		json_object_set_new(j, "connected", json_boolean(e->stream != NULL));
		json_object_set_new(j, "sandbox", json_string(e->sandbox));
		json_object_set_new(j, "tasks", json_integer((json_int_t)ntasks));
		json_array_append_new(execs, j);
	}
	json_object_set_new(root, "executors", execs);
	char *out = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(root);
	size_t len = strlen(out);
	out[len] = '\n';
	rt_http_reply(s, 200, "application/json", out, len + 1, NULL);
	free(out);
}

static void serve_metrics(agent *a, rt_http_session *s)
{
	const agent_metrics *x = &a->metrics;
	size_t running = 0, pending = 0;
	for (a_task *t = a->tasks; t; t = t->next) {
		running += t->pid > 0;
		for (a_update *u = t->updates; u; u = u->next)
			pending++;
	}
	rt_buf b;
	rt_buf_init(&b);
	rt_buf_printf(&b,
	              "# HELP meso_agent_registered 1 while registered with a master.\n"
	              "# TYPE meso_agent_registered gauge\nmeso_agent_registered %d\n",
	              a->registered ? 1 : 0);
	rt_buf_printf(&b,
	              "# HELP meso_agent_tasks_running Task processes alive.\n"
	              "# TYPE meso_agent_tasks_running gauge\nmeso_agent_tasks_running %zu\n",
	              running);
	rt_buf_printf(&b,
	              "# HELP meso_agent_updates_pending Status updates not yet acknowledged.\n"
	              "# TYPE meso_agent_updates_pending gauge\nmeso_agent_updates_pending %zu\n",
	              pending);
	rt_buf_printf(
	        &b,
	        "# HELP meso_agent_tasks_total Tasks launched and ended, by state.\n"
	        "# TYPE meso_agent_tasks_total counter\n"
	        "meso_agent_tasks_total{state=\"launched\"} %llu\nmeso_agent_tasks_total{state=\"finished\"} %llu\n"
	        "meso_agent_tasks_total{state=\"failed\"} %llu\nmeso_agent_tasks_total{state=\"killed\"} %llu\n"
	        "meso_agent_tasks_total{state=\"lost\"} %llu\n",
	        (unsigned long long)x->tasks_launched, (unsigned long long)x->tasks_finished,
	        (unsigned long long)x->tasks_failed, (unsigned long long)x->tasks_killed,
	        (unsigned long long)x->tasks_lost);
	rt_buf_printf(&b,
	              "# HELP meso_agent_updates_total Status update frames, by kind.\n"
	              "# TYPE meso_agent_updates_total counter\n"
	              "meso_agent_updates_total{kind=\"sent\"} %llu\nmeso_agent_updates_total{kind=\"retried\"} %llu\n"
	              "meso_agent_updates_total{kind=\"acknowledged\"} %llu\n",
	              (unsigned long long)x->updates_sent, (unsigned long long)x->updates_retried,
	              (unsigned long long)x->updates_acked);
	rt_buf_printf(&b,
	              "# HELP meso_agent_registrations_total Registrations with a master.\n"
	              "# TYPE meso_agent_registrations_total counter\nmeso_agent_registrations_total %llu\n",
	              (unsigned long long)x->registrations);
	size_t nexec = 0;
	for (a_executor *e = a->executors; e; e = e->next)
		nexec++;
	rt_buf_printf(&b,
	              "# HELP meso_agent_executors Custom executors running.\n"
	              "# TYPE meso_agent_executors gauge\nmeso_agent_executors %zu\n"
	              "# HELP meso_agent_executors_launched_total Custom executors started.\n"
	              "# TYPE meso_agent_executors_launched_total counter\nmeso_agent_executors_launched_total %llu\n"
	              "# HELP meso_agent_executor_calls_total Calls received on /api/v1/executor.\n"
	              "# TYPE meso_agent_executor_calls_total counter\nmeso_agent_executor_calls_total %llu\n"
	              "# HELP meso_agent_executor_events_total Events sent to executors.\n"
	              "# TYPE meso_agent_executor_events_total counter\nmeso_agent_executor_events_total %llu\n",
	              nexec, (unsigned long long)x->executors_launched, (unsigned long long)x->executor_calls,
	              (unsigned long long)x->executor_events);
	rt_buf_printf(&b,
	              "# HELP meso_agent_leftovers_killed_total Processes of an earlier run killed at start.\n"
	              "# TYPE meso_agent_leftovers_killed_total counter\nmeso_agent_leftovers_killed_total %llu\n",
	              (unsigned long long)x->leftovers_killed);
	rt_buf_printf(&b,
	              "# HELP meso_agent_recovered_tasks_total Tasks taken over from a killed agent at start, by "
	              "outcome.\n"
	              "# TYPE meso_agent_recovered_tasks_total counter\n"
	              "meso_agent_recovered_tasks_total{outcome=\"running\"} %llu\n"
	              "meso_agent_recovered_tasks_total{outcome=\"ended\"} %llu\n"
	              "# HELP meso_agent_recovered_executors_total Custom executors taken over from a killed agent "
	              "at start, by outcome (resubscribed: of the running ones, those that subscribed again).\n"
	              "# TYPE meso_agent_recovered_executors_total counter\n"
	              "meso_agent_recovered_executors_total{outcome=\"running\"} %llu\n"
	              "meso_agent_recovered_executors_total{outcome=\"ended\"} %llu\n"
	              "meso_agent_recovered_executors_total{outcome=\"resubscribed\"} %llu\n"
	              "# HELP meso_agent_checkpoints_total Checkpoint files, by outcome.\n"
	              "# TYPE meso_agent_checkpoints_total counter\n"
	              "meso_agent_checkpoints_total{outcome=\"written\"} %llu\n"
	              "meso_agent_checkpoints_total{outcome=\"failed\"} %llu\n"
	              "meso_agent_checkpoints_total{outcome=\"corrupt\"} %llu\n"
	              "# HELP meso_agent_sandboxes_collected_total Finished sandboxes removed.\n"
	              "# TYPE meso_agent_sandboxes_collected_total counter\nmeso_agent_sandboxes_collected_total %llu\n"
	              "# HELP meso_agent_output_bytes_lost_total Task output the disk did not take.\n"
	              "# TYPE meso_agent_output_bytes_lost_total counter\nmeso_agent_output_bytes_lost_total %llu\n",
	              (unsigned long long)x->tasks_recovered, (unsigned long long)x->tasks_recovered_ended,
	              (unsigned long long)x->executors_recovered, (unsigned long long)x->executors_recovered_ended,
	              (unsigned long long)x->executors_resubscribed, (unsigned long long)x->checkpoints_written,
	              (unsigned long long)x->checkpoint_failures, (unsigned long long)x->checkpoints_corrupt,
	              (unsigned long long)x->sandboxes_collected, (unsigned long long)x->output_bytes_lost);
	rt_http_reply(s, 200, "text/plain; version=0.0.4", b.data, b.len, NULL);
	rt_buf_free(&b);
}

void agent_http_handler(void *ud, rt_http_session *s, const rt_http_request *req)
{
	agent *a = ud;
	if (rt_http_session_streaming(s)) {
		agent_executor_stream_request(a, s);
		return;
	}
	if (!agent_http_authenticate(a, s, req))
		return;
	/* Mesos's agent serves its API under its libprocess id too. */
	const char *path = req->path;
	if (strncmp(path, "/slave(1)/", 10) == 0)
		path += 9;
	if (strcmp(path, "/api/v1/executor") == 0) {
		agent_executor_api(a, s, req);
		return;
	}
	if (strcmp(path, "/api/v1") == 0) {
		agent_operator_call(a, s, req);
		return;
	}
	if (strcmp(req->path, "/metrics/snapshot") == 0) {
		if (rt_http_require_get(s, req))
			agent_serve_metrics_snapshot(a, s, req->query);
		return;
	}
	if (strcmp(req->path, "/slave(1)/state") == 0 || strcmp(req->path, "/slave(1)/state.json") == 0) {
		if (rt_http_require_get(s, req))
			agent_serve_mesos_state(a, s, req->query);
		return;
	}
	if (strcmp(path, "/flags") == 0) {
		if (rt_http_require_get(s, req))
			agent_serve_flags(a, s, req->query);
		return;
	}
	if (strncmp(req->path, "/files/", 7) == 0) {
		agent_files_http(a, s, req);
		return;
	}
	if (strcmp(req->path, "/state") != 0 && strcmp(req->path, "/metrics") != 0 &&
	    strcmp(req->path, "/health") != 0) {
		char msg[300];
		snprintf(msg, sizeof msg, "No such endpoint: %.200s", req->path);
		rt_http_reply_text(s, 404, msg);
	} else if (!rt_http_require_get(s, req)) {
		/* answered */
	} else if (strcmp(req->path, "/state") == 0) {
		serve_state(a, s);
	} else if (strcmp(req->path, "/metrics") == 0) {
		serve_metrics(a, s);
	} else {
		rt_http_reply(s, 200, "text/plain; charset=utf-8", "ok\n", 3, NULL);
	}
}
