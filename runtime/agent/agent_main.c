/*
 * agent_main.c — meso-agent, the program: flags, the libev loop and signals.
 * Everything the agent does lives in the meso_agent library (agent.h).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "rt_auth.h"
#include "rt_flags.h"
#include "rt_logflags.h"
#include "rt_master_url.h"
#include "rt_resources.h"
#include "rt_tls.h"

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	agent *a = w->data;
	if (a->stopping) {
		ev_break(loop, EVBREAK_ALL); /* a second signal: at once */
		return;
	}
	rt_log(RT_INFO, "received signal %d; shutting down", w->signum);
	/* Executors get SHUTDOWN and their grace period first. */
	if (!agent_executors_stop(a))
		ev_break(loop, EVBREAK_ALL);
}

int main(int argc, char **argv)
{
	/* The same program supervises each task (agent_supervisor.c). */
	if (argc > 1 && strcmp(argv[1], "--supervise") == 0)
		return agent_supervise_main(argc, argv);
	agent_flags f = {
	        .master = NULL,
	        .ip = "127.0.0.1",
	        .port = 5051,
	        .hostname = NULL,
	        .resources = NULL, /* from the host (agent_resources.c) */
	        .attributes = NULL,
	        .work_dir = NULL,
	        .kill_grace = 3.0,
	        .retry_interval = 1.0,
	        .retry_max = 60.0,
	        .master_timeout = 10.0,
	        .reconnect_max = 5.0,
	        .zk = NULL,
	        .zk_session_timeout = 10.0,
	        .executor_registration_timeout = 60.0,
	        .executor_heartbeat_interval = 15.0,
	        .executor_reregistration_timeout = 2.0,
	        .recovery_timeout = 900.0,
	        .gc_delay = 7 * 86400.0,
	        .gc_disk_headroom = 0.1,
	        .disk_watch_interval = 60.0,
	        .fetcher_cache_dir = NULL,
	        .fetcher_cache_size = 2ull << 30, /* Mesos's default, 2GB */
	        .fetcher_stall_timeout = 60.0,
	};
	const char *isolation = "auto", *recover = "reconnect", *containerizers = "mesos", *launcher = NULL;
	bool systemd = false;
	rt_log_flags lf = {0};
	const char *credential = NULL, *principal = NULL, *secret = NULL;
	f.switch_user = geteuid() == 0;
	rt_flag flags[] = {
	        {"isolation", RT_FLAG_STRING, &isolation,
	         "auto (cgroups v2, else v1, else none) or none; or Mesos's isolator list: cgroups/* is auto, "
	         "posix/* and filesystem/posix none, others Meso lacks are logged and ignored"},
	        {"containerizers", RT_FLAG_STRING, &containerizers,
	         "Mesos's flag: only mesos (processes in cgroups) is there; docker is refused"},
	        {"launcher", RT_FLAG_STRING, &launcher, "Mesos's flag (posix or linux): accepted, no effect"},
	        {"systemd_enable_support", RT_FLAG_BOOL, &systemd,
	         "Mesos's flag: accepted, no effect (tasks outlive the agent through their supervisors)"},
	        {"master", RT_FLAG_STRING, &f.master,
	         "the master: HOST:PORT, master@HOST:PORT, zk://HOST:PORT[,...]/PATH (follow the leader elected "
	         "there) or file:///PATH holding one of those"},
	        {"zk", RT_FLAG_STRING, &f.zk, "zk://HOST:PORT[,...]/PATH: follow the elected master"},
	        {"zk_session_timeout", RT_FLAG_DURATION, &f.zk_session_timeout, "ZooKeeper session timeout, seconds"},
	        {"ip", RT_FLAG_STRING, &f.ip, "IPv4 address to listen on"},
	        {"port", RT_FLAG_INT, &f.port, "port of /state and /metrics (0: any free port)"},
	        {"hostname", RT_FLAG_STRING, &f.hostname, "hostname advertised in offers (default: --ip)"},
	        {"resources", RT_FLAG_STRING, &f.resources,
	         "resources offered, e.g. \"cpus:4;mem:8192;ports:[31000-32000]\"; each of cpus, mem, disk and "
	         "ports it does not name comes from the host as in Mesos (the CPUs; memory less 1 GB; work_dir's "
	         "filesystem less 5 GB; [31000-32000])"},
	        {"attributes", RT_FLAG_STRING, &f.attributes,
	         "attributes in Mesos's text form, e.g. \"rack:r1;zone:a;cores:8;ports:[1-9]\""},
	        {"executor_registration_timeout", RT_FLAG_DURATION, &f.executor_registration_timeout,
	         "seconds a custom executor has to subscribe before it is killed"},
	        {"executor_heartbeat_interval", RT_FLAG_DURATION, &f.executor_heartbeat_interval,
	         "seconds between HEARTBEAT events to executors"},
	        {"executor_reregistration_timeout", RT_FLAG_DURATION, &f.executor_reregistration_timeout,
	         "seconds an executor recovered from a killed agent has to subscribe again before it is "
	         "killed; also its longest retry interval (MESOS_SUBSCRIPTION_BACKOFF_MAX)"},
	        {"work_dir", RT_FLAG_STRING, &f.work_dir, "directory for sandboxes (required)"},
	        {"kill_grace", RT_FLAG_DURATION, &f.kill_grace, "seconds between SIGTERM and SIGKILL on a kill"},
	        {"executor_shutdown_grace_period", RT_FLAG_DURATION, &f.kill_grace, "Mesos's name for --kill_grace"},
	        {"status_retry_interval", RT_FLAG_DURATION, &f.retry_interval,
	         "first retry of an unacknowledged update, seconds (doubles)"},
	        {"status_retry_max", RT_FLAG_DURATION, &f.retry_max, "longest interval between retries, seconds"},
	        {"master_timeout", RT_FLAG_DURATION, &f.master_timeout,
	         "seconds of master silence before reconnecting"},
	        {"recover", RT_FLAG_STRING, &recover,
	         "reconnect: take over the tasks a killed agent on this work_dir left (its id, running tasks, "
	         "unacknowledged updates); cleanup: kill them and register as a new agent"},
	        {"recovery_timeout", RT_FLAG_DURATION, &f.recovery_timeout,
	         "seconds a task outlives its agent before its supervisor kills it (capped by the master's "
	         "--agent_reregister_timeout less --kill_grace and 1 s)"},
	        {"gc_delay", RT_FLAG_DURATION, &f.gc_delay,
	         "seconds a finished sandbox is kept at most (less as the disk fills: see --gc_disk_headroom)"},
	        {"gc_disk_headroom", RT_FLAG_DOUBLE, &f.gc_disk_headroom,
	         "fraction of the disk kept free: a finished sandbox goes after gc_delay * max(0, 1 - "
	         "headroom - usage)"},
	        {"disk_watch_interval", RT_FLAG_DURATION, &f.disk_watch_interval,
	         "seconds between disk usage checks and sandbox collections"},
	        {"fetcher_cache_dir", RT_FLAG_STRING, &f.fetcher_cache_dir,
	         "where URIs fetched with cache=true are kept for the next task (default WORK_DIR/fetch_cache)"},
	        {"fetcher_cache_size", RT_FLAG_BYTES, &f.fetcher_cache_size,
	         "size the fetcher's cache may reach; the least recently used files go first, and a file larger "
	         "than the whole cache goes to the sandbox without it (0: the cache is off)"},
	        {"fetcher_stall_timeout", RT_FLAG_DURATION, &f.fetcher_stall_timeout,
	         "seconds a URI's download may receive nothing before it fails"},
	        {"credential", RT_FLAG_STRING, &credential,
	         "file (or file:///path) with the agent's credential for the master, {\"principal\":..,\"secret\":..}"},
	        {"principal", RT_FLAG_STRING, &principal,
	         "the agent's principal (with --secret), instead of --credential"},
	        {"secret", RT_FLAG_STRING, &secret, "the secret that goes with --principal"},
	        {"switch_user", RT_FLAG_BOOL, &f.switch_user,
	         "run tasks as their user (CommandInfo.user, else FrameworkInfo.user); default: on when run as root"},
	        {"authenticate_http_readonly", RT_FLAG_BOOL, &f.authenticate_http_readonly,
	         "ask for HTTP Basic credentials on /state, /metrics and /files (--http_credentials)"},
	        {"authenticate_http_readwrite", RT_FLAG_BOOL, &f.authenticate_http_readwrite,
	         "ask for HTTP Basic credentials on the operator API /api/v1 (--http_credentials)"},
	        {"http_credentials", RT_FLAG_STRING, &f.http_credentials,
	         "credentials of the agent's HTTP clients, Mesos's JSON "
	         "{\"credentials\":[{\"principal\":..,\"secret\":..}]}"},
	        {"acls", RT_FLAG_STRING, &f.acls,
	         "Mesos's ACL JSON (or a file holding it); the agent enforces access_sandboxes on /files"},
	        RT_LOG_FLAG_ENTRIES(lf),
	};
	int rc = rt_flags_parse_env("meso-agent", "The Meso agent: registers with the master and runs its tasks.",
	                            "MESOS_", flags, sizeof flags / sizeof flags[0], argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	char isolation_ignored[512], why_iso[300];
	if (agent_isolation_parse(isolation, &isolation, isolation_ignored, sizeof isolation_ignored, why_iso,
	                          sizeof why_iso) != 0) {
		fprintf(stderr, "meso-agent: %s\n", why_iso);
		return 2;
	}
	if (strcmp(containerizers, "mesos") != 0) {
		fprintf(stderr, "meso-agent: --containerizers: '%s': Meso has only the mesos containerizer\n",
		        containerizers);
		return 2;
	}
	if (launcher && strcmp(launcher, "posix") != 0 && strcmp(launcher, "linux") != 0) {
		fprintf(stderr, "meso-agent: --launcher must be posix or linux\n");
		return 2;
	}
	if ((!f.master && !f.zk) || !f.work_dir) {
		fprintf(stderr, "meso-agent: --master (or --zk) and --work_dir are required (see --help)\n");
		return 2;
	}
	if (f.master && f.zk) {
		fprintf(stderr, "meso-agent: give --master or --zk, not both\n");
		return 2;
	}
	/* Every form Mesos's --master takes; what the agent cannot use (an
	 * HTTP URL, another scheme, no port) stops it here, not in a retry
	 * loop. The agent then takes the master's HOST:PORT or zk:// text. */
	rt_master_url where;
	char why[600];
	static char where_text[1200];
	if (rt_master_url_parse(f.master ? f.master : f.zk, &where, why, sizeof why) != 0) {
		fprintf(stderr, "meso-agent: %s\n", why);
		return 2;
	}
	if (f.zk && where.kind != RT_MASTER_ZK) {
		fprintf(stderr, "meso-agent: --zk: expected zk://HOST:PORT[,...]/PATH, got \"%s\"\n", f.zk);
		return 2;
	}
	rt_master_url_text(&where, where_text, sizeof where_text);
	f.master = where.kind == RT_MASTER_HOSTPORT ? where_text : NULL;
	f.zk = where.kind == RT_MASTER_ZK ? where_text : NULL;
	if (strcmp(recover, "reconnect") != 0 && strcmp(recover, "cleanup") != 0) {
		fprintf(stderr, "meso-agent: --recover must be reconnect or cleanup\n");
		return 2;
	}
	f.recover_cleanup = strcmp(recover, "cleanup") == 0;
	if (f.recovery_timeout < 0 || f.gc_delay < 0 || f.gc_disk_headroom < 0 || f.gc_disk_headroom > 1 ||
	    f.disk_watch_interval <= 0 || f.fetcher_stall_timeout < 1) {
		fprintf(stderr, "meso-agent: --recovery_timeout and --gc_delay must be >= 0, --gc_disk_headroom in "
		                "[0, 1], --disk_watch_interval > 0, --fetcher_stall_timeout >= 1\n");
		return 2;
	}
	if (f.retry_interval <= 0 || f.retry_max < f.retry_interval || f.master_timeout <= 0 ||
	    f.executor_registration_timeout <= 0 || f.executor_heartbeat_interval <= 0 ||
	    f.executor_reregistration_timeout <= 0) {
		fprintf(stderr, "meso-agent: retry intervals and timeouts must be > 0\n");
		return 2;
	}
	if (!f.hostname)
		f.hostname = f.ip;
	char cred_err[400], *cred_principal, *cred_secret;
	static char auth_header[700];
	if (rt_auth_client_credential(principal, secret, credential, &cred_principal, &cred_secret, cred_err,
	                              sizeof cred_err) != 0 ||
	    (cred_principal && !cred_secret)) {
		fprintf(stderr, "meso-agent: %s\n", cred_principal ? "--principal needs --secret" : cred_err);
		return 2;
	}
	if (cred_secret) {
		if (!rt_auth_basic_header(cred_principal, cred_secret, auth_header, sizeof auth_header)) {
			fprintf(stderr, "meso-agent: the credential is too long\n");
			return 2;
		}
		f.auth_header = auth_header;
	}
	free(cred_principal);
	free(cred_secret);
	if (f.switch_user && geteuid() != 0)
		fprintf(stderr, "meso-agent: --switch_user needs root; tasks will fail unless they run as this user\n");
	char log_err[600];
	if (rt_log_flags_apply("meso-agent", &lf, log_err, sizeof log_err) != 0) {
		fprintf(stderr, "meso-agent: %s\n", log_err);
		return 2;
	}
	if (isolation_ignored[0])
		rt_log(RT_WARN, "--isolation: Meso has no %s isolator; ignored", isolation_ignored);
	signal(SIGPIPE, SIG_IGN);

	/* TLS as Mesos's libprocess (LIBPROCESS_SSL_*): HTTPS served, and the
	 * master reached over TLS and verified with the CA file. */
	rt_tls_config tc;
	rt_tls *tls_server = NULL;
	bool tls = rt_tls_config_from_env(&tc);
	char err[256];
	if (tls) {
		f.tls_client = rt_tls_client_create(&tc, err, sizeof err);
		tls_server = f.tls_client ? rt_tls_server_create(&tc, err, sizeof err) : NULL;
		if (!tls_server) {
			rt_log(RT_ERROR, "TLS: %s", err);
			return 2;
		}
	}
	struct ev_loop *loop = ev_default_loop(EVFLAG_AUTO);
	static agent a;
	if (agent_init(&a, loop, &f, err, sizeof err) != 0) {
		rt_log(RT_ERROR, "%s", err);
		return 1;
	}
	if (tls_server)
		rt_http_server_set_tls(a.http, tls_server);
	if (agent_start(&a, isolation, err, sizeof err) != 0) {
		rt_log(RT_ERROR, "%s", err);
		return 1;
	}
	int port = rt_http_server_port(a.http);
	char path[PATH_MAX + 16], text[32];
	snprintf(path, sizeof path, "%s/agent.port", a.work_dir);
	snprintf(text, sizeof text, "%d\n", port);
	if (rt_file_write(path, text) != 0)
		rt_log(RT_WARN, "cannot write %s", path);
	char res[1024];
	rt_log(RT_INFO, "agent on %s:%d with %s, master %s, work_dir %s; isolation: %s", f.ip, port,
	       rt_resources_text(a.parser, &a.total, res, sizeof res), f.zk ? f.zk : f.master, a.work_dir,
	       agent_cgroups_name(&a));

	ev_signal sigterm, sigint;
	ev_signal_init(&sigterm, on_signal, SIGTERM);
	ev_signal_init(&sigint, on_signal, SIGINT);
	sigterm.data = sigint.data = &a;
	ev_signal_start(loop, &sigterm);
	ev_signal_start(loop, &sigint);
	ev_run(loop, 0);
	/* A stopped agent takes its tasks with it (and forgets their
	 * checkpoints); a killed one leaves them to the next agent on this
	 * work_dir, which adopts them (--recover=reconnect), and to their
	 * supervisors, which kill them after --recovery_timeout if no agent
	 * comes back. */
	for (a_task *t = a.tasks; t; t = t->next) {
		if (t->pid > 0)
			kill(-t->pid, SIGKILL);
		else if (t->sup_pid > 0)
			kill(t->sup_pid, SIGTERM); /* still starting it: it kills it */
	}
	agent_shutdown(&a);
	rt_tls_destroy(tls_server);
	rt_tls_destroy(f.tls_client);
	rt_log(RT_INFO, "stopped");
	return 0;
}
