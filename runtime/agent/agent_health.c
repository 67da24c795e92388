/*
 * agent_health.c — health checks of command tasks (TaskInfo.health_check),
 * on the agent's loop: a timer per task; a COMMAND check is a process
 * (posix_spawn, its own process group, in the sandbox) watched with
 * ev_child; HTTP(S) and TCP checks are non-blocking connections to
 * 127.0.0.1 or [::1] watched with ev_io (HTTPS through rt_tls without
 * verifying the certificate, as Mesos's curl -k); each has a timeout timer. Results go through
 * agent_health_judge (Mesos's rules) and become TASK_RUNNING updates with
 * `healthy` and REASON_TASK_HEALTH_CHECK_STATUS_UPDATED; the failure that
 * reaches consecutive_failures kills the task.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"
#include "agent_health.h"
#include "rt_tls.h"

agent_health_verdict agent_health_judge(agent_health_state *s, bool ok, double since_start, double grace,
                                        unsigned max_failures)
{
	if (ok) {
		bool report = !s->known || !s->healthy;
		s->ever_healthy = s->known = s->healthy = true;
		s->failures = 0;
		return report ? AGENT_HEALTH_HEALTHY : AGENT_HEALTH_QUIET;
	}
	if (!s->ever_healthy && grace > 0 && since_start <= grace)
		return AGENT_HEALTH_QUIET;
	s->failures++;
	s->known = true;
	s->healthy = false;
	return s->failures >= (max_failures ? max_failures : 1) ? AGENT_HEALTH_KILL : AGENT_HEALTH_UNHEALTHY;
}

typedef struct a_health {
	agent *a;
	a_task *t;
	Mesos__V1__HealthCheck *hc; /* unpacked from the TaskInfo, owned */
	agent_health_state st;
	int64_t started_ns;
	ev_timer tick;    /* the next check */
	ev_timer timeout; /* of the check in flight */
	ev_child child;   /* a COMMAND check's process */
	ev_io io;         /* an HTTP or TCP check's socket */
	pid_t pid;
	int fd;
	rt_tls_conn *tls; /* an HTTPS check's TLS on fd */
	bool in_flight, connected, sent, killing;
	char resp[64]; /* the start of an HTTP answer: its status line */
	size_t got;
	char why[256]; /* the last failure */
} a_health;

static double or_default(bool has, double v, double def)
{
	return has ? v : def;
}

static void schedule(a_health *h, double after)
{
	ev_timer_stop(h->a->loop, &h->tick);
	ev_timer_set(&h->tick, after > 0 ? after : 0.001, 0.);
	ev_timer_start(h->a->loop, &h->tick);
}

/* Ends the check in flight: its process group killed, its socket closed. */
static void end_check(a_health *h)
{
	ev_timer_stop(h->a->loop, &h->timeout);
	if (h->pid > 0) {
		ev_child_stop(h->a->loop, &h->child);
		kill(-h->pid, SIGKILL);
		h->pid = 0;
	}
	if (h->fd >= 0) {
		ev_io_stop(h->a->loop, &h->io);
		rt_tls_close(h->tls);
		h->tls = NULL;
		close(h->fd);
		h->fd = -1;
	}
	h->in_flight = false;
}

/* A TASK_RUNNING update saying the check's result (agent_task_status adds
 * `healthy` from the state judged), only while the task runs. */
static void report(a_health *h, const char *message)
{
	if (h->t->state == MESOS__V1__TASK_STATE__TASK_RUNNING)
		agent_task_update(h->a, h->t, MESOS__V1__TASK_STATE__TASK_RUNNING,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, message);
}

/* One check's result, judged, reported, acted on; the next one is
 * scheduled interval_seconds after this one ended (Mesos). */
static void result(a_health *h, bool ok, const char *why)
{
	end_check(h);
	const Mesos__V1__HealthCheck *hc = h->hc;
	double grace = or_default(hc->has_grace_period_seconds, hc->grace_period_seconds, 10.0);
	unsigned max = hc->has_consecutive_failures ? hc->consecutive_failures : 3;
	double since = (double)(rt_mono_ns() - h->started_ns) / 1e9;
	if (!ok)
		snprintf(h->why, sizeof h->why, "%s", why);
	char msg[400];
	switch (agent_health_judge(&h->st, ok, since, grace, max)) {
	case AGENT_HEALTH_QUIET:
		if (!ok)
			rt_log(RT_DEBUG, "task %s: health check failed within its grace period (ignored): %s", h->t->id,
			       why);
		break;
	case AGENT_HEALTH_HEALTHY:
		rt_log(RT_INFO, "task %s: healthy", h->t->id);
		report(h, "Health check passed");
		break;
	case AGENT_HEALTH_UNHEALTHY:
		snprintf(msg, sizeof msg, "Health check failed %u times consecutively: %s", h->st.failures, why);
		rt_log(RT_WARN, "task %s: %s", h->t->id, msg);
		report(h, msg);
		break;
	case AGENT_HEALTH_KILL:
		snprintf(msg, sizeof msg, "Health check failed %u times consecutively: %s; killing the task",
		         h->st.failures, why);
		rt_log(RT_WARN, "task %s: %s", h->t->id, msg);
		report(h, msg);
		h->killing = true;
		agent_task_kill(h->a, h->t, agent_task_kill_grace(h->a, h->t), false);
		return; /* no more checks */
	}
	/* At least 0.1 s apart: an interval of 0 would spawn checks
	 * back to back. */
	double interval = or_default(hc->has_interval_seconds, hc->interval_seconds, 10.0);
	schedule(h, interval < 0.1 ? 0.1 : interval);
}

static void timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop, (void)revents;
	a_health *h = w->data;
	char why[80];
	snprintf(why, sizeof why, "timed out after %g s", h->hc->has_timeout_seconds ? h->hc->timeout_seconds : 20.0);
	result(h, false, why);
}

static void child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	(void)loop, (void)revents;
	a_health *h = w->data;
	h->pid = 0; /* reaped: nothing to kill */
	ev_child_stop(h->a->loop, w);
	int st = w->rstatus;
	char why[80];
	if (WIFEXITED(st))
		snprintf(why, sizeof why, "the command exited with status %d", WEXITSTATUS(st));
	else
		snprintf(why, sizeof why, "the command was terminated by signal %d", WTERMSIG(st));
	result(h, WIFEXITED(st) && WEXITSTATUS(st) == 0, why);
}

static void start_command(a_health *h)
{
	const Mesos__V1__CommandInfo *c = h->hc->command;
	bool shell = !c->has_shell || c->shell;
	char *sh_argv[] = {"sh", "-c", c->value, NULL};
	char **argv = shell ? sh_argv : NULL;
	char *one[] = {c->value, NULL};
	if (!shell)
		argv = c->n_arguments ? c->arguments : one;
	/* The check's environment: its own variables, a PATH, the sandbox. */
	size_t nv = c->environment ? c->environment->n_variables : 0;
	char **envp = rt_xcalloc(nv + 3, sizeof *envp);
	size_t n = 0;
	envp[n++] = rt_xstrdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	char *sb = NULL;
	if (asprintf(&sb, "MESOS_SANDBOX=%s", h->t->sandbox) > 0)
		envp[n++] = sb;
	for (size_t i = 0; i < nv; i++) {
		char *kv = NULL;
		const Mesos__V1__Environment__Variable *v = c->environment->variables[i];
		if (asprintf(&kv, "%s=%s", v->name, v->value ? v->value : "") > 0)
			envp[n++] = kv;
	}
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	/* Its own group: a timeout kills all of it. */
	agent_spawn_helper_init(&fa, &attr, h->t->sandbox, "/dev/null", "/dev/null");
	pid_t pid;
	int rc = posix_spawnp(&pid, shell ? "/bin/sh" : argv[0], &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	for (size_t i = 0; i < n; i++)
		free(envp[i]);
	free(envp);
	if (rc != 0) {
		char why[200];
		snprintf(why, sizeof why, "cannot run the command: %s", strerror(rc));
		result(h, false, why);
		return;
	}
	h->pid = pid;
	ev_child_set(&h->child, pid, 0);
	ev_child_start(h->a->loop, &h->child);
}

static bool status_ok(const Mesos__V1__HealthCheck__HTTPCheckInfo *http, int code)
{
	if (http->n_statuses == 0)
		return code >= 200 && code < 400; /* Mesos: 2xx and 3xx */
	for (size_t i = 0; i < http->n_statuses; i++)
		if ((int)http->statuses[i] == code)
			return true;
	return false;
}

/* The client side of HTTPS checks, made once: no certificate is checked
 * (Mesos runs curl -k), so a task may serve a self-signed one. */
static rt_tls *check_tls(void)
{
	static rt_tls *tls;
	if (!tls) {
		rt_tls_config c = {0};
		char err[300];
		tls = rt_tls_client_create(&c, err, sizeof err);
		if (!tls)
			rt_log(RT_ERROR, "HTTPS health checks: %s", err);
	}
	return tls;
}

static bool check_v6(const Mesos__V1__HealthCheck *hc)
{
	return hc->type == MESOS__V1__HEALTH_CHECK__TYPE__TCP
	               ? hc->tcp->has_protocol && hc->tcp->protocol == MESOS__V1__NETWORK_INFO__PROTOCOL__IPv6
	               : hc->http->has_protocol && hc->http->protocol == MESOS__V1__NETWORK_INFO__PROTOCOL__IPv6;
}

static bool check_https(const Mesos__V1__HealthCheck *hc)
{
	return hc->type == MESOS__V1__HEALTH_CHECK__TYPE__HTTP && hc->http->scheme &&
	       strcmp(hc->http->scheme, "https") == 0;
}

static unsigned check_port(const Mesos__V1__HealthCheck *hc)
{
	return hc->type == MESOS__V1__HEALTH_CHECK__TYPE__TCP ? hc->tcp->port : hc->http->port;
}

/* Where the check goes, for its messages: "127.0.0.1:8080", "[::1]:8080". */
static const char *check_where(const a_health *h, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u", check_v6(h->hc) ? "[::1]" : "127.0.0.1", check_port(h->hc));
	return buf;
}

static void watch(a_health *h, int events)
{
	ev_io_stop(h->a->loop, &h->io);
	ev_io_set(&h->io, h->fd, events);
	ev_io_start(h->a->loop, &h->io);
}

/* Connected (or not): a TCP check's answer; an HTTP(S) check goes on to
 * its TLS handshake and its request. */
static void on_writable(a_health *h)
{
	char why[300], where[64];
	if (!h->connected) {
		int err = 0;
		socklen_t len = sizeof err;
		getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			snprintf(why, sizeof why, "cannot connect to %s: %s", check_where(h, where, sizeof where),
			         strerror(err));
			result(h, false, why);
			return;
		}
		h->connected = true;
		if (h->hc->type == MESOS__V1__HEALTH_CHECK__TYPE__TCP) {
			result(h, true, NULL);
			return;
		}
		if (check_https(h->hc)) {
			rt_tls *tls = check_tls();
			h->tls = tls ? rt_tls_connect(tls, h->fd, check_v6(h->hc) ? "::1" : "127.0.0.1") : NULL;
			if (!h->tls) {
				result(h, false, "cannot start TLS");
				return;
			}
		}
	}
	if (h->tls && !rt_tls_ready(h->tls)) {
		int r = rt_tls_handshake(h->tls);
		if (r < 0) {
			snprintf(why, sizeof why, "TLS handshake with %s failed: %s",
			         check_where(h, where, sizeof where), rt_tls_error(h->tls));
			result(h, false, why);
			return;
		}
		if (r == 0) {
			watch(h, rt_tls_wants_write(h->tls) ? EV_WRITE : EV_READ);
			return;
		}
	}
	char req[600];
	const char *path = h->hc->http->path && h->hc->http->path[0] ? h->hc->http->path : "/";
	int n = snprintf(req, sizeof req,
	                 "GET %s%.400s HTTP/1.1\r\nHost: %s\r\nUser-Agent: meso-agent health "
	                 "check\r\nConnection: close\r\n\r\n",
	                 path[0] == '/' ? "" : "/", path, check_where(h, where, sizeof where));
	/* A request of a few hundred bytes on a fresh connection goes whole
	 * into the socket's buffer; anything less counts as a failure. */
	if (n < 0 || n >= (int)sizeof req || rt_sock_write(h->fd, h->tls, req, (size_t)n) != n) {
		result(h, false, "cannot send the request");
		return;
	}
	h->sent = true;
	watch(h, EV_READ);
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop, (void)revents;
	a_health *h = w->data;
	if (!h->sent) {
		on_writable(h);
		return;
	}
	/* Read until the status line is whole; with TLS, decrypted bytes may
	 * wait inside without a socket event. */
	ssize_t r;
	char *eol;
	do {
		r = rt_sock_read(h->fd, h->tls, h->resp + h->got, sizeof h->resp - 1 - h->got);
		if (r > 0)
			h->got += (size_t)r;
		h->resp[h->got] = '\0';
		eol = strstr(h->resp, "\r\n");
	} while (!eol && r > 0 && h->got < sizeof h->resp - 1 && h->tls && rt_tls_pending(h->tls) > 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (!eol && r > 0 && h->got < sizeof h->resp - 1)
		return; /* the status line is not whole yet */
	int code = 0;
	if (sscanf(h->resp, "HTTP/%*d.%*d %d", &code) != 1) {
		result(h, false, r < 0 && h->tls ? rt_tls_error(h->tls) : "the answer is not HTTP");
		return;
	}
	char why[300], where[64];
	snprintf(why, sizeof why, "%s://%s%s answered %d", h->tls ? "https" : "http",
	         check_where(h, where, sizeof where), h->hc->http->path ? h->hc->http->path : "/", code);
	result(h, status_ok(h->hc->http, code), why);
}

static void start_connect(a_health *h)
{
	bool v6 = check_v6(h->hc);
	unsigned port = check_port(h->hc);
	h->fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0) {
		char why[120];
		snprintf(why, sizeof why, "socket: %s", strerror(errno));
		result(h, false, why);
		return;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct sockaddr_in6 sa6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
	sa6.sin6_addr = in6addr_loopback;
	h->connected = h->sent = false;
	h->got = 0;
	int rc = v6 ? connect(h->fd, (struct sockaddr *)&sa6, sizeof sa6)
	            : connect(h->fd, (struct sockaddr *)&sa, sizeof sa);
	if (rc != 0 && errno != EINPROGRESS) {
		char why[160], where[64];
		snprintf(why, sizeof why, "cannot connect to %s: %s", check_where(h, where, sizeof where),
		         strerror(errno));
		result(h, false, why);
		return;
	}
	watch(h, EV_WRITE);
}

static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop, (void)revents;
	a_health *h = w->data;
	if (h->in_flight || h->killing)
		return;
	h->in_flight = true;
	const Mesos__V1__HealthCheck *hc = h->hc;
	ev_timer_set(&h->timeout, or_default(hc->has_timeout_seconds, hc->timeout_seconds, 20.0), 0.);
	ev_timer_start(h->a->loop, &h->timeout);
	switch (hc->type) {
	case MESOS__V1__HEALTH_CHECK__TYPE__COMMAND:
		start_command(h);
		break;
	default: /* HTTP, TCP */
		start_connect(h);
		break;
	}
}

/* The check as the master validated it; false (logged) for one this agent
 * cannot run, which is then not run. */
static bool runnable(const a_task *t, const Mesos__V1__HealthCheck *hc)
{
	bool ok = (hc->type == MESOS__V1__HEALTH_CHECK__TYPE__COMMAND && hc->command && hc->command->value) ||
	          (hc->type == MESOS__V1__HEALTH_CHECK__TYPE__HTTP && hc->http) ||
	          (hc->type == MESOS__V1__HEALTH_CHECK__TYPE__TCP && hc->tcp);
	if (!ok)
		rt_log(RT_WARN, "task %s: its health check cannot be run (type %d without its field); not checked",
		       t->id, (int)hc->type);
	return ok;
}

void agent_health_start(agent *a, a_task *t)
{
	if (t->health || t->exec || !t->info)
		return;
	Mesos__V1__TaskInfo *ti = mesos__v1__task_info__unpack(NULL, t->info_len, t->info);
	if (!ti)
		return;
	Mesos__V1__HealthCheck *hc = ti->health_check;
	if (!hc || !runnable(t, hc)) {
		mesos__v1__task_info__free_unpacked(ti, NULL);
		return;
	}
	/* Keep the check alone: repacked from the TaskInfo, freed with it. */
	size_t len = mesos__v1__health_check__get_packed_size(hc);
	uint8_t *buf = rt_xmalloc(len ? len : 1);
	mesos__v1__health_check__pack(hc, buf);
	mesos__v1__task_info__free_unpacked(ti, NULL);
	a_health *h = rt_xcalloc(1, sizeof *h);
	h->hc = mesos__v1__health_check__unpack(NULL, len, buf);
	free(buf);
	h->a = a;
	h->t = t;
	h->fd = -1;
	h->started_ns = rt_mono_ns();
	ev_timer_init(&h->tick, tick_cb, 1., 0.);
	ev_timer_init(&h->timeout, timeout_cb, 1., 0.);
	ev_child_init(&h->child, child_cb, 0, 0);
	ev_io_init(&h->io, io_cb, 0, EV_WRITE);
	h->tick.data = h->timeout.data = h->child.data = h->io.data = h;
	t->health = h;
	schedule(h, or_default(h->hc->has_delay_seconds, h->hc->delay_seconds, 15.0));
}

void agent_health_stop_checks(agent *a, a_task *t)
{
	a_health *h = t->health;
	if (!h)
		return;
	end_check(h);
	ev_timer_stop(a->loop, &h->tick);
}

void agent_health_stop(agent *a, a_task *t)
{
	a_health *h = t->health;
	if (!h)
		return;
	agent_health_stop_checks(a, t);
	mesos__v1__health_check__free_unpacked(h->hc, NULL);
	free(h);
	t->health = NULL;
}

int agent_health_known(const a_task *t)
{
	const a_health *h = t->health;
	return h && h->st.known ? h->st.healthy : -1;
}

const char *agent_health_kill_reason(const a_task *t)
{
	const a_health *h = t->health;
	return h && h->killing ? h->why : NULL;
}
