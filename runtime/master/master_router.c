/*
 * master_router.c — the master's HTTP endpoints: which handler answers which
 * path and method. The scheduler API (master_sched.c), our /state and
 * /metrics (master_state.c), Mesos's /master/state and /metrics/snapshot
 * (master_mesos.c), /health, the web UI at / (master_webui.c); a standby
 * redirects what only the leader serves (master_elect.c). Every request is
 * authenticated first as its realm asks (master_auth.c). The agents'
 * upgrade request goes to master_agents.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "master.h"
#include "master_webui.h"

static void route(master *m, rt_http_session *s, const rt_http_request *req);

void master_http_handler(void *ud, rt_http_session *s, const rt_http_request *req)
{
	master *m = ud;
	if (rt_http_session_streaming(s)) {
		/* A request on a subscription stream's own connection (an operator
		 * stream has no ERROR event: it is ignored there). */
		for (m_fw *fw = m->fws; fw; fw = fw->next)
			if (fw->stream == s)
				master_send_error(m, fw,
				                  "Received a request on the subscription stream's connection; "
				                  "send calls on another connection");
		return;
	}
	/* Credentials first, as Mesos's libprocess checks them before routing;
	 * the principal is the request's for as long as it is served. */
	if (!master_http_authenticate(m, s, req))
		return;
	route(m, s, req);
	m->principal = NULL;
}

static void route(master *m, rt_http_session *s, const rt_http_request *req)
{
	const char *p = req->path;
	if (strcmp(p, "/api/v1/scheduler") == 0 || strcmp(p, "/master/api/v1/scheduler") == 0) {
		if (!master_redirect(m, s, req))
			master_scheduler_call(m, s, req);
	} else if (strcmp(p, "/api/v1") == 0 || strcmp(p, "/master/api/v1") == 0) {
		if (!master_redirect(m, s, req))
			master_operator_call(m, s, req);
	} else if (master_classic_serve(m, s, req)) {
		/* served */
	} else if (strcmp(p, "/master/state") == 0 || strcmp(p, "/master/state.json") == 0 ||
	           strcmp(p, "/metrics/snapshot") == 0) {
		/* As Mesos: a standby redirects the state endpoint to the leader
		 * but answers its own metrics (master/elected 0). */
		if (!rt_http_require_get(s, req)) {
			/* answered */
		} else if (strcmp(p, "/metrics/snapshot") == 0) {
			if (master_can_get_endpoint(m, s, "/metrics/snapshot"))
				master_serve_metrics_snapshot(m, s, req->query);
		} else if (!master_redirect(m, s, req))
			master_serve_mesos_state(m, s, req->query);
	} else if (strcmp(p, "/state") == 0 || strcmp(p, "/health") == 0 || strcmp(p, "/metrics") == 0) {
		if (!rt_http_require_get(s, req)) {
			/* answered */
		} else if (strcmp(p, "/state") == 0) {
			master_serve_state(m, s);
		} else if (strcmp(p, "/metrics") == 0) {
			if (master_can_get_endpoint(m, s, "/metrics"))
				master_serve_metrics(m, s);
		} else {
			rt_http_reply(s, 200, "text/plain; charset=utf-8", "ok\n", 3, NULL);
		}
	} else if (master_webui_serve(s, req)) {
		/* served: static, so a standby serves it too */
	} else {
		char msg[300];
		snprintf(msg, sizeof msg, "No such endpoint: %.200s", p);
		rt_http_reply_text(s, 404, msg);
	}
}
