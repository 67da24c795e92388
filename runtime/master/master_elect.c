/*
 * master_elect.c — meso-master's part in the ZooKeeper election (--zk): it
 * contends with its MasterInfo JSON (rt_elect.h), follows the leader with a
 * detector, and while it is a standby redirects the scheduler API and the
 * agents to the leader. A leader that is demoted stops acting at once and
 * the process exits 1, as a Mesos master aborts; its supervisor restarts it
 * as a standby.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "master.h"
#include "rt_elect.h"
#include "rt_zk.h"

static void on_elected(void *ud)
{
	master *m = ud;
	rt_log(RT_INFO, "elected leading master; reading the registry");
	/* Quota, weights and agents' operator state first, as Mesos recovers
	 * its registry before it leads: master_lead follows. */
	master_registry_recover(m);
}

static void on_demoted(void *ud, const char *why)
{
	master *m = ud;
	rt_log(RT_ERROR, "no longer the leading master: %s; exiting so that a supervisor restarts us as a standby",
	       why);
	/* Stop acting now: requests still queued in this loop iteration are
	 * answered as by a standby with no known leader. */
	m->leading = false;
	m->demoted = true;
	m->leader_host[0] = 0;
	ev_timer_stop(m->loop, &m->alloc_timer);
	ev_timer_stop(m->loop, &m->alloc_soon);
	ev_idle_stop(m->loop, &m->send_idle);
	ev_timer_stop(m->loop, &m->heartbeat_timer);
	ev_timer_stop(m->loop, &m->agent_check_timer);
	ev_break(m->loop, EVBREAK_ALL);
}

static void on_leader(void *ud, const char *info)
{
	master *m = ud;
	char host[256];
	int port;
	if (!info || rt_master_info_address(info, host, sizeof host, &port) != 0) {
		if (!m->leading)
			rt_log(RT_INFO, "no leading master%s", info ? " (its node is unreadable)" : "");
		m->leader_host[0] = 0;
		return;
	}
	if (m->leading)
		return;
	snprintf(m->leader_host, sizeof m->leader_host, "%s", host);
	m->leader_port = port;
	rt_log(RT_INFO, "standby: the leading master is %s:%d", host, port);
}

int master_elect_start(master *m, char *err, size_t errlen)
{
	rt_zk_url url;
	if (rt_zk_url_parse(m->flags.zk, &url, err, errlen) != 0)
		return -1;
	m->zk = rt_zk_open(m->loop, url.hosts, (int)(m->flags.zk_session_timeout * 1000));
	if (!m->zk) {
		snprintf(err, errlen, "cannot open a ZooKeeper session to %s", url.hosts);
		return -1;
	}
	char *info = rt_master_info_json(m->id, m->flags.ip, rt_http_server_port(m->http), m->flags.hostname,
	                                 MASTER_VERSION);
	/* The ZooKeeper client notices a silent server after 2/3 of the session
	 * timeout; a quarter more and we stop leading: 11/12 of the timeout after
	 * our last contact, before the server can expire our session and let a
	 * standby take over (README "Running three masters"). */
	rt_contender_cb cb = {.elected = on_elected, .demoted = on_demoted, .ud = m};
	rt_contender_start(m->zk, url.path, info, m->flags.zk_session_timeout / 4, &cb);
	rt_detector_start(m->zk, url.path, on_leader, m);
	free(info);
	rt_log(RT_INFO, "standby: contending for leadership under %s at %s", url.path, url.hosts);
	return 0;
}

void master_elect_stop(master *m)
{
	if (m->zk) {
		/* Closing the session deletes our node at once: a standby takes
		 * over without waiting for the session to expire. */
		rt_zk_close(m->zk);
		m->zk = NULL;
	}
}

bool master_redirect(master *m, rt_http_session *s, const rt_http_request *req)
{
	if (m->leading)
		return false;
	m->metrics.standby_redirects++;
	if (!m->leader_host[0]) {
		rt_http_reply_text(s, 503, "No leader elected");
		return true;
	}
	/* Mesos's form: protocol-relative, the leader's hostname, our path. */
	char loc[1400];
	snprintf(loc, sizeof loc, "Location: //%s:%d%.700s%s%.300s\r\n", m->leader_host, m->leader_port, req->path,
	         req->query[0] ? "?" : "", req->query);
	rt_http_reply(s, 307, NULL, "", 0, loc);
	return true;
}

bool master_redirect_upgrade(master *m, const rt_http_request *req)
{
	if (m->leading)
		return false;
	m->metrics.standby_redirects++;
	/* Answered on the request's session (over TLS when it is), which then
	 * closes; the agent reconnects to the leader its own detector reports. */
	if (!m->leader_host[0]) {
		rt_http_reply_text(req->session, 503, "No leader elected");
	} else {
		char loc[1400];
		snprintf(loc, sizeof loc, "Location: //%s:%d%.1024s\r\nConnection: close\r\n", m->leader_host,
		         m->leader_port, req->path);
		rt_http_reply(req->session, 307, NULL, "", 0, loc);
	}
	return true;
}
