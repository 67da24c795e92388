/*
 * test_http_loop.c — the HTTP server (runtime/src/rt_http.h) on a real libev
 * loop and loopback sockets, for what detached sessions cannot show: the
 * header, body, send and idle timeouts close dead connections, a client that
 * pipelines requests and never reads holds a bounded amount of output and
 * is closed, and accept() out of descriptors pauses instead of spinning,
 * then serves the waiting connection once a descriptor is free.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rt_http.h"
#include "rt_util.h"

static char big[10000]; /* the answer to GET /big */

static void handler(void *ud, rt_http_session *s, const rt_http_request *req)
{
	if (strcmp(req->path, "/big") == 0)
		rt_http_reply(s, 200, "text/plain", big, sizeof big, NULL);
	else
		rt_http_reply(s, 200, "text/plain", "ok", 2, NULL);
}

typedef struct world {
	struct ev_loop *loop;
	rt_http_server *srv;
	int client;
	bool client_closed; /* the server closed it: read() gave 0 or an error */
	char got[256];      /* the first bytes the client received */
	size_t ngot;
	size_t max_output; /* the most output the server held at one time */
	bool (*until)(struct world *);
} world;

static void start(world *w, const rt_http_limits *lim)
{
	memset(w, 0, sizeof *w);
	rt_log_init("test", RT_ERROR);
	w->loop = ev_loop_new(EVFLAG_AUTO);
	char err[128];
	w->srv = rt_http_server_create(w->loop, "127.0.0.1", 0, lim, handler, NULL, err, sizeof err);
	assert_non_null(w->srv);
	w->client = -1;
}

static void stop(world *w)
{
	if (w->client >= 0)
		close(w->client);
	rt_http_server_destroy(w->srv);
	ev_loop_destroy(w->loop);
}

static int dial(world *w)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)rt_http_server_port(w->srv))};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	return fd;
}

static void say(int fd, const char *text)
{
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
}

/* The client's side, watched by the loop: what it receives, and EOF. */
static void client_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	world *w = io->data;
	char buf[4096];
	ssize_t n = read(w->client, buf, sizeof buf);
	if (n <= 0) {
		w->client_closed = true;
		ev_io_stop(loop, io);
		return;
	}
	size_t room = sizeof w->got - 1 - w->ngot;
	memcpy(w->got + w->ngot, buf, (size_t)n < room ? (size_t)n : room);
	w->ngot += (size_t)n < room ? (size_t)n : room;
}

static void check_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	world *w = t->data;
	rt_http_stats st;
	rt_http_server_stats(w->srv, &st);
	if (st.output_bytes > w->max_output)
		w->max_output = st.output_bytes;
	if (w->until(w))
		ev_break(loop, EVBREAK_ONE);
}

static void guard_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	ev_break(loop, EVBREAK_ONE);
}

/* Runs the loop until the condition holds (checked every 5 ms) or 10 s
 * pass; returns the seconds it took. watch_client: read the client's
 * socket too (else it is left unread). */
static double run_until(world *w, bool (*until)(world *), bool watch_client)
{
	ev_io io;
	ev_timer check, guard;
	w->until = until;
	ev_io_init(&io, client_cb, w->client, EV_READ);
	io.data = w;
	if (watch_client)
		ev_io_start(w->loop, &io);
	ev_timer_init(&check, check_cb, 0.005, 0.005);
	check.data = w;
	ev_timer_start(w->loop, &check);
	ev_timer_init(&guard, guard_cb, 10., 0.);
	ev_timer_start(w->loop, &guard);
	int64_t t0 = rt_mono_ns();
	ev_run(w->loop, 0);
	ev_io_stop(w->loop, &io);
	ev_timer_stop(w->loop, &check);
	ev_timer_stop(w->loop, &guard);
	assert_true(until(w));
	return (double)(rt_mono_ns() - t0) / 1e9;
}

static bool answered(world *w)
{
	return strstr(w->got, "HTTP/1.1 200 OK") != NULL;
}

static int64_t first_answer_ns;

/* Answered, and a second passed since then (the loop ran all along). */
static bool answered_after_a_second(world *w)
{
	if (!answered(w))
		return false;
	if (!first_answer_ns)
		first_answer_ns = rt_mono_ns();
	return w->client_closed || rt_mono_ns() - first_answer_ns >= 1000000000;
}

static bool client_closed(world *w)
{
	return w->client_closed;
}

static rt_http_stats stats(world *w)
{
	rt_http_stats st;
	rt_http_server_stats(w->srv, &st);
	return st;
}

static void test_header_timeout_closes_a_slow_request(void **state)
{
	world w;
	rt_http_limits lim = {.header_timeout = 0.2, .idle_timeout = 30};
	start(&w, &lim);
	w.client = dial(&w);
	say(w.client, "GET /sta"); /* and nothing more: slowloris */
	double took = run_until(&w, client_closed, true);
	assert_true(took >= 0.19 && took < 5);
	assert_int_equal(stats(&w).header_timeouts, 1);
	assert_int_equal(stats(&w).sessions, 0);
	stop(&w);
}

static void test_quiet_kept_alive_connection_stays_by_default(void **state)
{
	world w;
	rt_http_limits lim = {.header_timeout = 0.1, .body_timeout = 0.1, .send_timeout = 0.1};
	start(&w, &lim);
	/* A connection that says nothing (opened up front, as Mesos's
	 * libraries open their calls connection) and one quiet after a
	 * request, for 10 times every deadline there is: both stay, and answer. */
	int silent = dial(&w);
	w.client = dial(&w);
	say(w.client, "GET /a HTTP/1.1\r\n\r\n");
	double took = run_until(&w, answered_after_a_second, true);
	assert_true(took >= 1.0);
	assert_false(w.client_closed);
	say(w.client, "GET /b HTTP/1.1\r\n\r\n");
	w.ngot = 0;
	w.got[0] = 0;
	run_until(&w, answered, true);
	close(w.client);
	w.client = silent;
	w.ngot = 0;
	w.got[0] = 0;
	say(w.client, "GET /c HTTP/1.1\r\n\r\n");
	run_until(&w, answered, true);
	stop(&w);
}

static void test_body_timeout_closes_a_short_body(void **state)
{
	world w;
	rt_http_limits lim = {.body_timeout = 0.2, .idle_timeout = 30};
	start(&w, &lim);
	w.client = dial(&w);
	say(w.client, "POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\n123");
	double took = run_until(&w, client_closed, true);
	assert_true(took >= 0.19 && took < 5);
	assert_int_equal(stats(&w).body_timeouts, 1);
	stop(&w);
}

static void test_idle_timeout_closes_a_quiet_connection(void **state)
{
	world w;
	rt_http_limits lim = {.idle_timeout = 0.2};
	start(&w, &lim);
	w.client = dial(&w);
	say(w.client, "GET /a HTTP/1.1\r\n\r\n");
	double took = run_until(&w, client_closed, true);
	assert_non_null(strstr(w.got, "HTTP/1.1 200 OK")); /* answered, then idle */
	assert_true(took >= 0.19 && took < 5);
	assert_int_equal(stats(&w).idle_timeouts, 1);
	stop(&w);
}

static bool stalled(world *w)
{
	return stats(w).output_stalls > 0;
}

static bool no_sessions(world *w)
{
	return stats(w).sessions == 0;
}

static void test_client_that_never_reads_is_bounded_then_closed(void **state)
{
	world w;
	rt_http_limits lim = {.max_output_bytes = 64 << 10, .send_timeout = 0.3};
	start(&w, &lim);
	w.client = dial(&w);
	int small = 4096;
	setsockopt(w.client, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	fcntl(w.client, F_SETFL, O_NONBLOCK);
	/* 2,000 pipelined requests for 10 kB each: 20 MB of answers if all
	 * were served. */
	const char *get = "GET /big HTTP/1.1\r\n\r\n";
	for (int i = 0; i < 2000; i++)
		if (write(w.client, get, strlen(get)) < 0)
			break; /* our send buffer is full: the server stopped reading */
	run_until(&w, stalled, false);
	run_until(&w, no_sessions, false);
	assert_true(w.max_output <= (64 << 10) + sizeof big + 200);
	assert_int_equal(stats(&w).send_timeouts, 1);
	stop(&w);
}

static size_t answers; /* "HTTP/1.1 200" seen by the client so far */

static bool all_answered(world *w)
{
	return answers >= 200;
}

static void count_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	world *w = io->data;
	char buf[65536];
	ssize_t n = read(w->client, buf, sizeof buf);
	for (ssize_t i = 0; i + 12 <= n; i++)
		answers += memcmp(buf + i, "HTTP/1.1 200", 12) == 0;
}

static void test_pipelined_requests_all_served_in_turns(void **state)
{
	world w;
	start(&w, NULL);
	w.client = dial(&w);
	/* 200 requests in one write: served RT_HTTP_REQUESTS_PER_TURN at a
	 * time, every one of them answered. */
	char req[200 * 24 + 1] = "";
	for (int i = 0; i < 200; i++)
		strcat(req, "GET /a HTTP/1.1\r\n\r\n");
	say(w.client, req);
	ev_io io;
	ev_io_init(&io, count_cb, w.client, EV_READ);
	io.data = &w;
	ev_io_start(w.loop, &io);
	answers = 0;
	run_until(&w, all_answered, false);
	ev_io_stop(w.loop, &io);
	assert_int_equal(answers, 200);
	stop(&w);
}

static bool paused(world *w)
{
	return stats(w).accept_pauses >= 3;
}

static void test_accept_out_of_descriptors_pauses_then_serves(void **state)
{
	world w;
	start(&w, NULL);
	struct rlimit old, low;
	getrlimit(RLIMIT_NOFILE, &old);
	/* Use up every descriptor under a low limit, keeping the client's. */
	w.client = dial(&w);
	low.rlim_cur = 64;
	low.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	int fill[64], nfill = 0;
	while (nfill < 64 && (fill[nfill] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		nfill++;
	assert_true(nfill > 0 && errno == EMFILE);
	say(w.client, "GET /a HTTP/1.1\r\n\r\n");
	/* Three pauses of 10, 20 and 40 ms, not thousands of failed accepts. */
	run_until(&w, paused, true);
	assert_true(stats(&w).accept_errors <= 4);
	assert_int_equal(stats(&w).accepted, 0);
	close(fill[--nfill]);
	run_until(&w, answered, true);
	assert_int_equal(stats(&w).accepted, 1);
	while (nfill)
		close(fill[--nfill]);
	setrlimit(RLIMIT_NOFILE, &old);
	stop(&w);
}

static void test_ratelimit_allows_one_line_per_interval(void **state)
{
	rt_ratelimit r = {0};
	uint64_t held = 99;
	assert_true(rt_ratelimit_allow(&r, 1000, 100, &held));
	assert_int_equal(held, 0);
	for (int i = 0; i < 5; i++)
		assert_false(rt_ratelimit_allow(&r, 1050, 100, &held));
	assert_true(rt_ratelimit_allow(&r, 1100, 100, &held));
	assert_int_equal(held, 5); /* the next line says how many were held back */
}

int main(void)
{
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + i % 26);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_header_timeout_closes_a_slow_request),
	        cmocka_unit_test(test_quiet_kept_alive_connection_stays_by_default),
	        cmocka_unit_test(test_body_timeout_closes_a_short_body),
	        cmocka_unit_test(test_idle_timeout_closes_a_quiet_connection),
	        cmocka_unit_test(test_client_that_never_reads_is_bounded_then_closed),
	        cmocka_unit_test(test_pipelined_requests_all_served_in_turns),
	        cmocka_unit_test(test_accept_out_of_descriptors_pauses_then_serves),
	        cmocka_unit_test(test_ratelimit_allows_one_line_per_interval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
