/*
 * test_election.c — leader election and detection against a real ZooKeeper
 * server: the lowest node leads, standbys take over in order when leaders
 * go, a standby watches only its predecessor, detectors follow the leader,
 * and a leader cut off from ZooKeeper stops leading within its bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_elect.h"
#include "rt_util.h"
#include "rt_zk.h"
#include "support/zkserver.h"

static zk_server server;
static struct ev_loop *loop;

typedef struct member {
	rt_zk *zk;
	rt_contender *c;
	char *info;
	int elected, demoted;
} member;

static void on_elected(void *ud)
{
	((member *)ud)->elected++;
}

static void on_demoted(void *ud, const char *why)
{
	((member *)ud)->demoted++;
}

typedef struct follower {
	char leader[1024];
	int changes;
} follower;

static void on_leader(void *ud, const char *leader)
{
	follower *f = ud;
	snprintf(f->leader, sizeof f->leader, "%s", leader ? leader : "");
	f->changes++;
}

static void timeout_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	*(int *)w->data = 1;
}

/* Runs the loop until cond(arg) holds or `seconds` pass; returns cond. */
static int run_until(int (*cond)(void *), void *arg, double seconds)
{
	int expired = 0;
	ev_timer t;
	ev_timer_init(&t, timeout_cb, seconds, 0);
	t.data = &expired;
	ev_timer_start(loop, &t);
	while (!cond(arg) && !expired)
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &t);
	return cond(arg);
}

static int elected(void *m)
{
	return ((member *)m)->elected > 0;
}
static int demoted(void *m)
{
	return ((member *)m)->demoted > 0;
}
static int has_node(void *m)
{
	return rt_contender_node(((member *)m)->c)[0] != 0;
}

static const char *path_for(const char *test)
{
	static char p[128];
	snprintf(p, sizeof p, "/meso-test/%s", test);
	return p;
}

static void member_start(member *m, const char *path, int n, double max_disconnect)
{
	char id[16], ip[32];
	snprintf(id, sizeof id, "m%d", n);
	snprintf(ip, sizeof ip, "127.0.0.%d", n + 1);
	m->info = rt_master_info_json(id, ip, 5050, NULL, "test");
	m->zk = rt_zk_open(loop, server.hosts, 4000);
	assert_non_null(m->zk);
	rt_contender_cb cb = {on_elected, on_demoted, m};
	m->c = rt_contender_start(m->zk, path, m->info, max_disconnect, &cb);
	/* Join one at a time so that sequence numbers follow n. */
	assert_true(run_until(has_node, m, 20));
}

static void member_stop(member *m)
{
	if (m->zk)
		rt_zk_close(m->zk);
	m->zk = NULL;
	free(m->info);
	m->info = NULL;
}

struct follow_arg {
	follower *f;
	const char *want;
};
static int follows(void *p)
{
	struct follow_arg *a = p;
	return strcmp(a->f->leader, a->want) == 0;
}

/* The lowest node leads; when it goes, the next one; a detector follows. */
static void test_lowest_leads_and_successors_take_over(void **state)
{
	const char *path = path_for("takeover");
	member m[3] = {0};
	for (int i = 0; i < 3; i++)
		member_start(&m[i], path, i, 10);
	assert_true(run_until(elected, &m[0], 20));
	follower f = {0};
	rt_zk *fz = rt_zk_open(loop, server.hosts, 4000);
	rt_detector_start(fz, path, on_leader, &f);
	struct follow_arg fa = {&f, m[0].info};
	assert_true(run_until(follows, &fa, 20));
	assert_int_equal(m[1].elected + m[2].elected, 0);

	member_stop(&m[0]); /* its ephemeral node goes with the session */
	assert_true(run_until(elected, &m[1], 20));
	assert_int_equal(m[2].elected, 0);
	fa.want = m[1].info;
	assert_true(run_until(follows, &fa, 20));

	member_stop(&m[1]);
	assert_true(run_until(elected, &m[2], 20));
	fa.want = m[2].info;
	assert_true(run_until(follows, &fa, 20));

	member_stop(&m[2]);
	fa.want = "";
	assert_true(run_until(follows, &fa, 20)); /* no leader */
	rt_zk_close(fz);
}

/* A standby whose predecessor (itself a standby) goes does not lead: it
 * lists the children again and watches its new predecessor. */
static void test_standby_watches_its_predecessor(void **state)
{
	const char *path = path_for("predecessor");
	member m[3] = {0};
	for (int i = 0; i < 3; i++)
		member_start(&m[i], path, i, 10);
	assert_true(run_until(elected, &m[0], 20));
	member_stop(&m[1]);
	/* Give the change time to reach m[2]; it must stay a standby. */
	assert_false(run_until(elected, &m[2], 1.0));
	member_stop(&m[0]);
	assert_true(run_until(elected, &m[2], 20));
	member_stop(&m[2]);
}

/* A leader cut off from ZooKeeper stops leading within max_disconnect. */
static void test_leader_without_zookeeper_is_demoted(void **state)
{
	const char *path = path_for("cutoff");
	member m = {0};
	member_start(&m, path, 0, 0.5);
	assert_true(run_until(elected, &m, 20));
	zk_server_kill(&server);
	ev_tstamp t0 = ev_time();
	assert_true(run_until(demoted, &m, 20));
	double took = ev_time() - t0;
	/* Detecting the lost connection takes up to 2/3 of the session
	 * timeout (4 s here), then the 0.5 s grace. */
	assert_true(took < 4.0 * 2 / 3 + 0.5 + 1.0);
	assert_false(rt_contender_leading(m.c));
	member_stop(&m);
	assert_int_equal(zk_server_restart(&server), 0);
}

static int setup(void **state)
{
	rt_log_init("test_election", RT_WARN);
	loop = ev_default_loop(0);
	return zk_server_start(&server);
}

static int teardown(void **state)
{
	zk_server_stop(&server);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lowest_leads_and_successors_take_over),
	        cmocka_unit_test(test_standby_watches_its_predecessor),
	        cmocka_unit_test(test_leader_without_zookeeper_is_demoted),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
