/*
 * master_main.c — meso-master: flags, the libev loop, signals. Serves the v1
 * scheduler API, the agent protocol, /state, /metrics and /health on one port.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloccore/module.h"
#include "master.h"
#include "rt_flags.h"
#include "rt_logflags.h"
#include "rt_tls.h"

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	rt_log(RT_INFO, "received signal %d; shutting down", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

int main(int argc, char **argv)
{
	master_flags f;
	master_flags_default(&f);
	f.port = 5050;
	f.preemption_grace = 5.0;
	const char *policy = "drf";
	double header_timeout = RT_HTTP_HEADER_TIMEOUT, body_timeout = RT_HTTP_BODY_TIMEOUT,
	       send_timeout = RT_HTTP_SEND_TIMEOUT, idle_timeout = 0;
	int max_pending_output = RT_HTTP_MAX_OUTPUT_BYTES;
	rt_log_flags lf = {0};
	/* Mesos's flags with no counterpart here, accepted so that a Mesos
	 * master's command line runs unchanged (runtime/README.md, "Flags"). */
	int quorum = 0, max_ping_timeouts = 0;
	double ping_timeout = 0;
	const char *registry = NULL;
	rt_flag flags[] = {
	        {"ip", RT_FLAG_STRING, &f.ip, "IPv4 address to listen on"},
	        {"port", RT_FLAG_INT, &f.port, "port to listen on (0: any free port)"},
	        {"hostname", RT_FLAG_STRING, &f.hostname, "hostname advertised to frameworks (default: --ip)"},
	        {"work_dir", RT_FLAG_STRING, &f.work_dir, "directory for the master's files (master.port)"},
	        {"allocation_interval", RT_FLAG_DURATION, &f.allocation_interval, "seconds between allocation passes"},
	        {"offer_timeout", RT_FLAG_DURATION, &f.offer_timeout,
	         "seconds before an unanswered offer is rescinded (0: never)"},
	        {"agent_timeout", RT_FLAG_DURATION, &f.agent_timeout,
	         "seconds without a frame from a connected agent before it counts as disconnected"},
	        {"agent_reregister_timeout", RT_FLAG_DURATION, &f.agent_reregister_timeout,
	         "seconds a disconnected agent keeps its id and tasks; then it is removed and its tasks are lost"},
	        {"heartbeat_interval", RT_FLAG_DURATION, &f.heartbeat_interval, "seconds between HEARTBEAT events"},
	        {"zk", RT_FLAG_STRING, &f.zk,
	         "zk://HOST:PORT[,HOST:PORT...]/PATH: elect the leader among masters (default: lead at once)"},
	        {"zk_session_timeout", RT_FLAG_DURATION, &f.zk_session_timeout,
	         "ZooKeeper session timeout in seconds; a leader cut off for 11/12 of it exits"},
	        {"framework_recovery_timeout", RT_FLAG_DURATION, &f.framework_recovery_timeout,
	         "seconds a framework known only from its agents' tasks has to re-subscribe before they are killed"},
	        {"max_completed_frameworks", RT_FLAG_INT, &f.max_completed_frameworks,
	         "removed frameworks kept for /master/state's completed_frameworks (0: none)"},
	        {"max_completed_tasks_per_framework", RT_FLAG_INT, &f.max_completed_tasks_per_framework,
	         "terminal tasks kept per framework for /master/state's completed_tasks (0: none)"},
	        {"max_completed_tasks", RT_FLAG_INT, &f.max_completed_tasks,
	         "terminal tasks kept in all, over every framework (the oldest go first; 0: none)"},
	        {"max_frameworks", RT_FLAG_INT, &f.max_frameworks,
	         "frameworks known at once, connected or not; a new one at the limit takes the place of the one "
	         "disconnected the longest, or is refused if all are connected"},
	        {"http_header_timeout", RT_FLAG_DURATION, &header_timeout,
	         "seconds from a request's first byte to the end of its headers before the connection is closed "
	         "(0: no limit)"},
	        {"http_body_timeout", RT_FLAG_DURATION, &body_timeout,
	         "seconds from the end of a request's headers to the end of its body (0: no limit)"},
	        {"http_send_timeout", RT_FLAG_DURATION, &send_timeout,
	         "seconds a connection may leave answers or events unread before it is closed (0: no limit)"},
	        {"http_idle_timeout", RT_FLAG_DURATION, &idle_timeout,
	         "seconds a connection may stay quiet, no request in progress, before it is closed (0: no "
	         "limit, as Mesos; TCP keepalive still closes one whose peer vanished)"},
	        {"http_max_pending_output", RT_FLAG_INT, &max_pending_output,
	         "bytes of answers a connection may leave unread: at it, its further requests wait; a "
	         "subscription stream that far behind gets an ERROR event and is closed"},
	        {"authenticate_frameworks", RT_FLAG_BOOL, &f.authenticate_frameworks,
	         "frameworks must authenticate (HTTP Basic on the scheduler API, against --credentials)"},
	        {"authenticate", RT_FLAG_BOOL, &f.authenticate_frameworks,
	         "the older name of --authenticate_frameworks"},
	        {"authenticate_agents", RT_FLAG_BOOL, &f.authenticate_agents,
	         "agents must authenticate (their --credential) before they register"},
	        {"authenticate_http_readonly", RT_FLAG_BOOL, &f.authenticate_http_readonly,
	         "the read-only endpoints (/state, /master/state, /metrics, /metrics/snapshot, /roles, /flags, "
	         "/maintenance/status) need HTTP Basic credentials"},
	        {"authenticate_http_readwrite", RT_FLAG_BOOL, &f.authenticate_http_readwrite,
	         "the read-write endpoints (/api/v1, /teardown, /quota, /weights, /machine/*, "
	         "/maintenance/schedule) need HTTP Basic credentials"},
	        {"credentials", RT_FLAG_STRING, &f.credentials,
	         "file (or file:///path) of accepted credentials: "
	         "{\"credentials\":[{\"principal\":..,\"secret\":..}]}"},
	        {"acls", RT_FLAG_STRING, &f.acls,
	         "Mesos's ACLs as JSON, or a file (or file:///path) holding them (see runtime/README.md, "
	         "\"Security\")"},
	        RT_LOG_FLAG_ENTRIES(lf),
	        {"cluster", RT_FLAG_STRING, &f.cluster,
	         "the cluster's name for people, shown in /master/state as in Mesos"},
	        {"agent_ping_timeout", RT_FLAG_DURATION, &ping_timeout,
	         "Mesos's flag (default there 15secs): with --max_agent_ping_timeouts (5), their product becomes "
	         "--agent_timeout"},
	        {"max_agent_ping_timeouts", RT_FLAG_INT, &max_ping_timeouts, "Mesos's flag: see --agent_ping_timeout"},
	        {"registry", RT_FLAG_STRING, &registry,
	         "Mesos's flag: replicated_log or in_memory; Meso's registry is in ZooKeeper with --zk, else in "
	         "memory, whatever it says"},
	        {"quorum", RT_FLAG_INT, &quorum,
	         "Mesos's replicated log quorum: accepted, no effect (ZooKeeper holds the registry)"},
	        {"policy", RT_FLAG_STRING, &policy,
	         "allocation policy: drf, priority, asset, random, or module:PATH[:ARGS] (alloccore/README.md)"},
	        {"preemption_grace_period", RT_FLAG_DURATION, &f.preemption_grace,
	         "seconds a task the policy preempts has between SIGTERM and SIGKILL"},
	};
	int rc = rt_flags_parse_env("meso-master",
	                            "The Meso master: allocates with alloccore, serves the Mesos v1 "
	                            "scheduler API and the agents.",
	                            "MESOS_", flags, sizeof flags / sizeof flags[0], argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (f.allocation_interval <= 0 || f.agent_timeout <= 0 || f.heartbeat_interval <= 0 || f.port < 0 ||
	    f.port > 65535 || f.zk_session_timeout <= 0 || f.framework_recovery_timeout <= 0 ||
	    f.agent_reregister_timeout <= 0) {
		fprintf(stderr, "meso-master: intervals and timeouts must be > 0 and the port in 0..65535\n");
		return 2;
	}
	if (f.max_completed_frameworks < 0 || f.max_completed_tasks_per_framework < 0 || f.max_completed_tasks < 0) {
		fprintf(stderr, "meso-master: --max_completed_frameworks, --max_completed_tasks_per_framework and "
		                "--max_completed_tasks must be >= 0\n");
		return 2;
	}
	if (f.max_frameworks < 1 || max_pending_output < 4096 || header_timeout < 0 || body_timeout < 0 ||
	    send_timeout < 0 || idle_timeout < 0) {
		fprintf(stderr, "meso-master: --max_frameworks must be >= 1, --http_max_pending_output >= 4096 and "
		                "the --http_*_timeout flags >= 0\n");
		return 2;
	}
	/* The policy's module lives as long as the process (the core's
	 * callbacks are in it); a bad one, or bad ARGS, stops here. */
	ac_module *module = NULL;
	if (ac_module_spec(policy)) {
		ac_err merr;
		if (ac_module_load(policy, &module, &merr) < 0) {
			fprintf(stderr, "meso-master: --policy: %s\n", merr.msg);
			return 2;
		}
		f.policy_module = module->desc;
		f.policy_args = module->args;
	} else {
		f.policy = policy;
	}
	if (f.preemption_grace < 0) {
		fprintf(stderr, "meso-master: --preemption_grace_period must be >= 0\n");
		return 2;
	}
	/* 0 on the command line is "no limit", which rt_http spells < 0. */
	f.http.header_timeout = header_timeout > 0 ? header_timeout : -1;
	f.http.body_timeout = body_timeout > 0 ? body_timeout : -1;
	f.http.send_timeout = send_timeout > 0 ? send_timeout : -1;
	f.http.idle_timeout = idle_timeout > 0 ? idle_timeout : -1;
	f.http.max_output_bytes = (size_t)max_pending_output;
	if (!f.hostname)
		f.hostname = f.ip;
	if (quorum < 0 || max_ping_timeouts < 0 ||
	    (registry && strcmp(registry, "replicated_log") != 0 && strcmp(registry, "in_memory") != 0)) {
		fprintf(stderr, "meso-master: --quorum and --max_agent_ping_timeouts must be > 0, --registry "
		                "replicated_log or in_memory\n");
		return 2;
	}
	if (ping_timeout > 0 || max_ping_timeouts > 0)
		f.agent_timeout =
		        (ping_timeout > 0 ? ping_timeout : 15) * (max_ping_timeouts > 0 ? max_ping_timeouts : 5);
	char log_err[600];
	if (rt_log_flags_apply("meso-master", &lf, log_err, sizeof log_err) != 0) {
		fprintf(stderr, "meso-master: %s\n", log_err);
		return 2;
	}
	if (quorum || registry)
		rt_log(RT_INFO, "--quorum/--registry: Meso keeps its registry in %s; the flags have no effect",
		       f.zk ? "ZooKeeper (--zk)" : "memory (no --zk)");
	signal(SIGPIPE, SIG_IGN);

	struct ev_loop *loop = ev_default_loop(EVFLAG_AUTO);
	master m;
	char err[256];
	if (master_init(&m, loop, &f, err, sizeof err) != 0) {
		rt_log(RT_ERROR, "%s", err);
		return 1;
	}
	/* HTTPS as Mesos's libprocess: LIBPROCESS_SSL_ENABLED and its files. */
	rt_tls_config tc;
	rt_tls *tls = NULL;
	if (rt_tls_config_from_env(&tc)) {
		tls = rt_tls_server_create(&tc, err, sizeof err);
		if (!tls) {
			rt_log(RT_ERROR, "TLS: %s", err);
			master_shutdown(&m);
			return 2;
		}
		rt_http_server_set_tls(m.http, tls);
		rt_log(RT_INFO, "TLS: serving HTTPS%s (certificate %s)",
		       tc.downgrade ? " and plain HTTP (LIBPROCESS_SSL_SUPPORT_DOWNGRADE)" : " only", tc.cert_file);
	}
	int port = rt_http_server_port(m.http);
	if (f.work_dir) {
		char path[4096], text[32];
		if (rt_mkdirs(f.work_dir) != 0) {
			rt_log(RT_ERROR, "cannot create work_dir %s", f.work_dir);
			return 1;
		}
		snprintf(path, sizeof path, "%s/master.port", f.work_dir);
		snprintf(text, sizeof text, "%d\n", port);
		if (rt_file_write(path, text) != 0)
			rt_log(RT_WARN, "cannot write %s", path);
	}
	if (f.zk && master_elect_start(&m, err, sizeof err) != 0) {
		rt_log(RT_ERROR, "--zk: %s", err);
		master_shutdown(&m);
		return 2;
	}
	rt_log(RT_INFO, "master %s listening on %s:%d (allocation every %.3g s, agent timeout %.3g s, policy %s)", m.id,
	       f.ip, port, f.allocation_interval, f.agent_timeout, ac_core_policy(m.core));

	ev_signal sigterm, sigint;
	ev_signal_init(&sigterm, on_signal, SIGTERM);
	ev_signal_init(&sigint, on_signal, SIGINT);
	ev_signal_start(loop, &sigterm);
	ev_signal_start(loop, &sigint);
	ev_run(loop, 0);
	bool demoted = m.demoted;
	master_shutdown(&m);
	rt_tls_destroy(tls);
	ac_module_close(module);
	ev_loop_destroy(loop);
	rt_log(RT_INFO, "stopped");
	return demoted ? 1 : 0;
}
