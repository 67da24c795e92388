/*
 * main.c — meso-sim, the command line of the simulator: parses options,
 * opens the workload (traces/), runs the simulation (sim.h), writes perf.json,
 * shows a progress line when stderr is a terminal, and runs the gnuplot
 * scripts of plots/ on request. Options and outputs: sim/README.md.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "alloccore/module.h"
#include "cli.h"
#include "manifest.h"
#include "sim/sim.h"

static const char usage[] = "usage: meso-sim run (--workload DIR | --machines FILE --tasks FILE | --trace KIND:PATH)\n"
                            "                    [options]\n"
                            "       meso-sim rerun DIR [--out DIR2]\n"
                            "       meso-sim sweep CONFIG [--jobs N] [--out DIR] [--no-plot] [--quiet]\n"
                            "                      [--retries N] [--on mesos://HOST:PORT [--execute PATH]\n"
                            "                      [--resources R]]\n"
                            "       meso-sim compare A B [--out DIR] [--alpha P] [--no-plot]\n"
                            "       meso-sim --help\n"
                            "\n"
                            "Replays a workload through the allocator core (alloccore) and writes the results.\n"
                            "\n"
                            "Workload (Meso's CSV format, traces/README.md):\n"
                            "  --workload DIR       DIR/machines.csv, DIR/tasks.csv, and DIR/frameworks.csv and\n"
                            "                       DIR/roles.csv when they exist\n"
                            "  --machines FILE      machine events: time,machine_id,event,cpus,mem[,disk,gpus]\n"
                            "  --tasks FILE         task submissions: submit_time,job_id,task_index,framework,\n"
                            "                       cpus,mem,duration[,disk,gpus,priority,gang,locality]\n"
                            "  --frameworks FILE    framework settings (default: every framework first seen in\n"
                            "                       the tasks, role *, weight 1, 5 s refuse, no latency)\n"
                            "  --roles FILE         role weights and quota\n"
                            "  --skip-bad-rows      skip malformed rows and count them (default: stop at the first)\n"
                            "\n"
                            "Public traces and the binary form (instead of the CSV workload):\n"
                            "  --trace google2011:DIR   Google cluster-data 2011: DIR/task_events (and\n"
                            "                       DIR/machine_events if present), plain or gzip\n"
                            "  --trace alibaba2018:DIR  Alibaba cluster-trace-v2018: DIR/batch_task.csv (and\n"
                            "                       DIR/machine_meta.csv), DAG dependencies honoured\n"
                            "  --trace bin:FILE     a binary workload written by meso-trace convert\n"
                            "  --by-job             google2011: one framework per job (default: per user)\n"
                            "\n"
                            "Simulation:\n"
                            "  --policy P           drf, priority, asset, random, or static (partitioning\n"
                            "                       baseline) (default drf), or module:PATH[:ARGS], a policy\n"
                            "                       module (alloccore/README.md, \"Policy modules\")\n"
                            "  --seed N             seed of the core's agent shuffle and random policy (default 0)\n"
                            "  --interval S         allocation interval in seconds (default 1)\n"
                            "  --until S            stop at simulated time S (default: when nothing is left)\n"
                            "  --gang-hold S        how long a framework hoards offers for a gang job (default 10)\n"
                            "  --locality-wait S    delay scheduling: wait for a preferred machine (default 5)\n"
                            "  --remote-slowdown F  a task with a machine preference placed elsewhere runs F\n"
                            "                       times longer, 1 <= F <= 1000 (default 1)\n"
                            "  --resubmit-lost      tasks lost with their machine are queued again (default: not)\n"
                            "\n"
                            "Output:\n"
                            "  --out DIR            output directory, created if needed (default out)\n"
                            "  --sample S           timeseries period in seconds (default 10)\n"
                            "  --plot               draw the PNGs with gnuplot (plots/*.gp) into DIR\n"
                            "  --plot-top N         the figures show the N largest frameworks and roles and\n"
                            "                       the rest as one band (default 10)\n"
                            "  --quiet              no progress line (it appears only on a terminal anyway)\n"
                            "  --tasks-out          also write tasks.csv, one row per task (tasks.csv.gz when\n"
                            "                       the workload's files pass 64 MB)\n"
                            "  --tasks-gz           the same, always gzip'd (tasks.csv.gz)\n"
                            "\n"
                            "Writes summary.json, timeseries.csv, utilization.csv, jobs.csv, perf.json and\n"
                            "manifest.json (what made the run, checksums of its inputs and outputs).\n"
                            "Exit status: 0 done, 1 I/O error, 2 bad input or usage.\n"
                            "\n"
                            "meso-sim rerun DIR runs DIR's manifest.json command again (into DIR.rerun or\n"
                            "DIR2) and says whether each output is byte-identical (exit 3 if not).\n"
                            "meso-sim sweep runs every combination of a config's values, several at a time,\n"
                            "resumably, into results.csv and aggregate.csv (95% CIs), here or, with --on, as\n"
                            "tasks of a Mesos cluster (through meso-execute); meso-sim compare shows\n"
                            "two runs or sweeps side by side with Welch's t-test (sim/README.md).\n";

/* The options of `meso-sim run`, by name (the usage text above lists them). */
typedef enum option_id {
	OPT_WORKLOAD,
	OPT_MACHINES,
	OPT_TASKS,
	OPT_FRAMEWORKS,
	OPT_ROLES,
	OPT_SKIP_BAD_ROWS,
	OPT_TRACE,
	OPT_BY_JOB,
	OPT_POLICY,
	OPT_SEED,
	OPT_INTERVAL,
	OPT_UNTIL,
	OPT_GANG_HOLD,
	OPT_LOCALITY_WAIT,
	OPT_REMOTE_SLOWDOWN,
	OPT_RESUBMIT_LOST,
	OPT_OUT,
	OPT_SAMPLE,
	OPT_PLOT,
	OPT_QUIET,
	OPT_TASKS_OUT,
	OPT_TASKS_GZ,
	OPT_PLOT_TOP,
} option_id;

typedef struct option {
	const char *name;
	option_id id;
	bool takes_value;
} option;

static const option options[] = {
        {"--workload", OPT_WORKLOAD, true},
        {"--machines", OPT_MACHINES, true},
        {"--tasks", OPT_TASKS, true},
        {"--frameworks", OPT_FRAMEWORKS, true},
        {"--roles", OPT_ROLES, true},
        {"--skip-bad-rows", OPT_SKIP_BAD_ROWS, false},
        {"--trace", OPT_TRACE, true},
        {"--by-job", OPT_BY_JOB, false},
        {"--policy", OPT_POLICY, true},
        {"--seed", OPT_SEED, true},
        {"--interval", OPT_INTERVAL, true},
        {"--until", OPT_UNTIL, true},
        {"--gang-hold", OPT_GANG_HOLD, true},
        {"--locality-wait", OPT_LOCALITY_WAIT, true},
        {"--remote-slowdown", OPT_REMOTE_SLOWDOWN, true},
        {"--resubmit-lost", OPT_RESUBMIT_LOST, false},
        {"--out", OPT_OUT, true},
        {"--sample", OPT_SAMPLE, true},
        {"--plot", OPT_PLOT, false},
        {"--quiet", OPT_QUIET, false},
        {"--tasks-out", OPT_TASKS_OUT, false},
        {"--tasks-gz", OPT_TASKS_GZ, false},
        {"--plot-top", OPT_PLOT_TOP, true},
};

/* The option spelled exactly `arg`, or NULL. */
static const option *option_find(const char *arg)
{
	for (size_t i = 0; i < sizeof options / sizeof *options; i++)
		if (strcmp(arg, options[i].name) == 0)
			return &options[i];
	return NULL;
}

/* The policy module of --policy module:..., closed at exit: after the
 * simulator's cores, whose callbacks live in it. */
static ac_module *module;

static void close_module(void)
{
	ac_module_close(module);
}

int cli_run_option_kind(const char *name)
{
	char dashed[128];
	snprintf(dashed, sizeof dashed, "--%s", name);
	const option *o = option_find(dashed);
	return o ? o->takes_value : -1;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "meso-sim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(meso-sim --help lists the options)\n");
	return 2;
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct progress {
	double start, last;
	bool shown;
} progress;

static void show_progress(void *ud, double frac, ac_time now, uint64_t events)
{
	progress *p = ud;
	double t = wall_now();
	if (t - p->last < 0.5)
		return;
	p->last = t;
	double el = t - p->start;
	double eta = frac > 0.001 ? el * (1 - frac) / frac : 0;
	fprintf(stderr, "\rsimulated %.0f s  %5.1f%% of workload  %.2fM events/s  ETA %.0f s   ", (double)now / 1e9,
	        frac * 100, el > 0 ? (double)events / el / 1e6 : 0.0, eta);
	p->shown = true;
}

typedef struct warn_state {
	uint64_t n;
} warn_state;

static void warn_row(void *ud, const char *msg)
{
	warn_state *w = ud;
	if (w->n < 20)
		fprintf(stderr, "meso-sim: skipped: %s\n", msg);
	else if (w->n == 20)
		fprintf(stderr, "meso-sim: skipped more rows (counted in summary.json's bad_rows)\n");
	w->n++;
}

static int mkdir_p(const char *dir)
{
	char buf[4096];
	if (strlen(dir) >= sizeof buf)
		return -1;
	strcpy(buf, dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int run_plots(const char *out, int top_n)
{
	if (strchr(out, '\'')) {
		fprintf(stderr, "meso-sim: --plot: the output directory name must not contain a quote\n");
		return 1;
	}
	if (cli_plot_data(out, top_n) < 0)
		return 1;
	static const char *scripts[] = {"shares.gp", "utilization.gp", "utilization_roles.gp", "cdf.gp"};
	char expr[4200];
	snprintf(expr, sizeof expr, "outdir='%s'", out);
	for (size_t i = 0; i < sizeof scripts / sizeof *scripts; i++)
		if (cli_gnuplot(expr, scripts[i]) < 0)
			return 1;
	return 0;
}

static int parse_secs(const char *opt, const char *v, ac_time *out)
{
	int64_t ns;
	if (tr_parse_seconds(v, &ns) < 0) {
		fprintf(stderr, "meso-sim: %s: expected seconds as a plain decimal (e.g. 10 or 0.5), got '%s'\n", opt,
		        v);
		return -1;
	}
	*out = ns;
	return 0;
}

/* The workload's reader: --trace KIND:PATH, or the native CSV files. */
static int open_source(const char *trace, bool by_job, const tr_csv_config *tc, tr_source **src, tr_err *err)
{
	if (!trace)
		return tr_csv_open(tc, src, err);
	tr_open_config oc = {0};
	oc.frameworks_by_job = by_job;
	oc.skip_bad_rows = tc->skip_bad_rows;
	oc.warn = tc->warn;
	oc.warn_ud = tc->warn_ud;
	return tr_trace_open(trace, &oc, src, err);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("%s", "missing command (run)");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "rerun") == 0)
		return cli_rerun_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "sweep") == 0)
		return cli_sweep_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "compare") == 0)
		return cli_compare_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") != 0)
		return usage_error("unknown command '%s' (expected run, rerun, sweep or compare)", argv[1]);

	atexit(close_module);
	sim_config cfg;
	sim_config_default(&cfg);
	tr_csv_config tc = {0};
	const char *workload = NULL, *out = "out", *trace = NULL;
	bool plot = false, quiet = false, by_job = false, tasks_out = false, tasks_gz = false;
	int plot_top = 10;
	tr_csv_dir names;
	/* An option with a value given twice is refused: which one was meant
	 * (--seed 1 ... --seed 2) is not ours to guess. A switch may repeat
	 * (rerun adds --quiet to a command that may have it). */
	bool given[sizeof options / sizeof *options] = {false};
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return 0;
		}
		const option *o = option_find(a);
		if (!o)
			return usage_error("unknown option '%s'", a);
		const char *v = NULL;
		if (o->takes_value) {
			if (i + 1 >= argc)
				return usage_error("%s needs a value", a);
			if (given[o - options])
				return usage_error("%s is given twice: give each option once", a);
			given[o - options] = true;
			v = argv[++i];
		}
		int bad = 0;
		switch (o->id) {
		case OPT_PLOT:
			plot = true;
			break;
		case OPT_QUIET:
			quiet = true;
			break;
		case OPT_PLOT_TOP: {
			char *end;
			long n = strtol(v, &end, 10);
			if (!*v || *end || n < 1 || n > 100)
				return usage_error("--plot-top: expected 1 to 100, got '%s'", v);
			plot_top = (int)n;
			break;
		}
		case OPT_TASKS_GZ:
			tasks_gz = true;
			/* fall through */
		case OPT_TASKS_OUT:
			tasks_out = true;
			break;
		case OPT_SKIP_BAD_ROWS:
			cfg.skip_bad_rows = tc.skip_bad_rows = true;
			break;
		case OPT_BY_JOB:
			by_job = true;
			break;
		case OPT_RESUBMIT_LOST:
			cfg.resubmit_lost = true;
			break;
		case OPT_WORKLOAD:
			workload = v;
			break;
		case OPT_MACHINES:
			tc.machines = v;
			break;
		case OPT_TASKS:
			tc.tasks = v;
			break;
		case OPT_FRAMEWORKS:
			tc.frameworks = v;
			break;
		case OPT_ROLES:
			tc.roles = v;
			break;
		case OPT_POLICY:
			if (ac_module_spec(v)) {
				ac_err merr;
				if (ac_module_load(v, &module, &merr) < 0)
					return usage_error("--policy: %s", merr.msg);
				cfg.policy_module = module->desc;
				cfg.policy_args = module->args;
			} else if (strcmp(v, "drf") && strcmp(v, "priority") && strcmp(v, "asset") &&
			           strcmp(v, "random") && strcmp(v, "static")) {
				return usage_error("unknown policy '%s' (drf, priority, asset, random, static, "
				                   "module:PATH[:ARGS])",
				                   v);
			}
			cfg.policy = v;
			break;
		case OPT_SEED: {
			char *end;
			errno = 0;
			unsigned long long s = strtoull(v, &end, 10);
			if (!*v || *end || errno || *v == '-' || *v == '+' || *v == ' ')
				return usage_error("--seed: expected an unsigned 64-bit integer, got '%s'", v);
			cfg.seed = s;
			break;
		}
		case OPT_UNTIL:
			bad = parse_secs(a, v, &cfg.until);
			break;
		case OPT_SAMPLE:
			bad = parse_secs(a, v, &cfg.sample);
			break;
		case OPT_INTERVAL:
			bad = parse_secs(a, v, &cfg.interval);
			break;
		case OPT_GANG_HOLD:
			bad = parse_secs(a, v, &cfg.gang_hold);
			break;
		case OPT_LOCALITY_WAIT:
			bad = parse_secs(a, v, &cfg.locality_wait);
			break;
		case OPT_OUT:
			out = v;
			break;
		case OPT_TRACE:
			trace = v;
			break;
		case OPT_REMOTE_SLOWDOWN:
			/* a plain decimal, read as seconds are: exact billionths */
			if (tr_parse_seconds(v, &cfg.remote_slowdown) < 0 || cfg.remote_slowdown < SIM_SLOWDOWN_ONE ||
			    cfg.remote_slowdown > 1000 * SIM_SLOWDOWN_ONE)
				return usage_error(
				        "--remote-slowdown: expected a plain decimal from 1 to 1000, got '%s'", v);
			break;
		}
		if (bad)
			return 2;
	}
	if (workload)
		tr_csv_dir_fill(&tc, workload, &names);
	if (trace && (workload || tc.machines || tc.tasks || tc.frameworks || tc.roles))
		return usage_error("%s", "--trace replaces --workload, --machines, --tasks, --frameworks and --roles");
	if (trace && tr_trace_kind_of(trace) == TR_TRACE_NONE)
		return usage_error("--trace: expected google2011:DIR, alibaba2018:DIR or bin:FILE, got '%s'", trace);
	if (!trace && (!tc.machines || !tc.tasks))
		return usage_error("%s", "--machines and --tasks (or --workload, or --trace) are required");
	if (cfg.interval <= 0 || cfg.sample <= 0)
		return usage_error("%s", "--interval and --sample must be > 0");
	if (mkdir_p(out) < 0) {
		fprintf(stderr, "meso-sim: cannot create %s: %s\n", out, strerror(errno));
		return 1;
	}
	cfg.out_dir = out;
	warn_state ws = {0};
	tc.warn = warn_row;
	tc.warn_ud = &ws;
	cfg.warn = warn_row;
	cfg.warn_ud = &ws;
	tc.scan_frameworks = strcmp(cfg.policy, "static") == 0;
	progress pr = {0};
	if (!quiet && isatty(STDERR_FILENO)) {
		cfg.progress = show_progress;
		cfg.progress_ud = &pr;
	}

	/* what the run reads, for manifest.json: the CSV files, or the trace's
	 * file or folder (KIND:PATH) */
	cli_manifest man = {.out_dir = out, .argc = argc - 1, .argv = argv + 1, .started_utc = (long)time(NULL)};
	const char *csv_files[] = {tc.machines, tc.tasks, tc.frameworks, tc.roles};
	for (int i = 0; !trace && i < 4; i++)
		if (csv_files[i])
			man.inputs[man.ninputs++] = csv_files[i];
	if (trace)
		man.inputs[man.ninputs++] = strchr(trace, ':') + 1;
	if (tasks_out)
		cfg.tasks_out = tasks_gz || cli_inputs_bytes(man.inputs, man.ninputs) > (64u << 20) ? 2 : 1;

	double t0 = wall_now();
	pr.start = pr.last = t0;
	tr_source *src;
	tr_err terr;
	if (open_source(trace, by_job, &tc, &src, &terr) < 0) {
		fprintf(stderr, "meso-sim: %s\n", terr.msg);
		return terr.code == TR_EIO || terr.code == TR_ENOMEM ? 1 : 2;
	}
	char err[1024];
	sim *s = NULL;
	int rc = sim_create(&cfg, src, &s, err, sizeof err);
	if (rc == 0)
		rc = sim_run(s, err, sizeof err);
	if (pr.shown)
		fputc('\n', stderr);
	if (rc == 0)
		rc = sim_write_perf(s, wall_now() - t0, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "meso-sim: %s\n", err);
		sim_destroy(s);
		tr_source_destroy(src);
		return rc == -2 ? 1 : 2;
	}
	if (tr_source_info(src))
		printf("meso-sim: %s\n", tr_source_info(src));
	sim_stats st;
	sim_stats_get(s, &st);
	printf("meso-sim: %s, %.0f simulated seconds: %llu tasks submitted, %llu finished, %llu never fit; "
	       "%llu offers\n",
	       cfg.policy, (double)st.end_ns / 1e9, (unsigned long long)st.tasks_submitted,
	       (unsigned long long)st.tasks_finished, (unsigned long long)st.tasks_never_fit,
	       (unsigned long long)st.offers_made);
	printf("meso-sim: results in %s/ (summary.json, timeseries.csv, utilization.csv, jobs.csv, %sperf.json, "
	       "manifest.json)\n",
	       out,
	       cfg.tasks_out == 2 ? "tasks.csv.gz, "
	       : cfg.tasks_out    ? "tasks.csv, "
	                          : "");
	sim_destroy(s);
	tr_source_destroy(src);
	if (plot) {
		if (run_plots(out, plot_top) != 0)
			return 1;
		printf("meso-sim: plots in %s/ (shares.png, utilization.png, utilization_roles.png, cdf.png)\n", out);
	}
	/* last: a whole manifest says the run finished (meso-sim sweep resumes by it) */
	man.seed = cfg.seed;
	man.policy = cfg.policy;
	man.wall_seconds = wall_now() - t0;
	if (cli_manifest_write(&man, err, sizeof err) < 0) {
		fprintf(stderr, "meso-sim: %s\n", err);
		return 1;
	}
	return 0;
}
