/*
 * sweep.c — `meso-sim sweep CONFIG`: every combination of the values a
 * key=value config lists (run options, generator parameters, seeds), each
 * run a `meso-sim run` child process in a folder of its own (or, with --on,
 * a task of a Mesos cluster: sweep_on.c), --jobs at a time, a failed one
 * tried again --retries times; finished runs (a whole manifest.json) are
 * skipped, so an interrupted sweep resumes. Then results.csv (a row per
 * run), aggregate.csv (mean, sd, 95% CI per configuration over the seeds)
 * and a gnuplot figure per metric. Format and outputs: sim/README.md, "meso-sim sweep".
 */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_stats.h"
#include "manifest.h"
#include "sweep_on.h"
#include "traces/traces.h"

/* Generator parameters (meso-trace gen's options), as gen.NAME keys. */
static const char *const gen_keys[] = {"gen.machines",     "gen.tasks", "gen.seed", "gen.empty-start",
                                       "gen.standing-cap", "gen.load",  NULL};

typedef struct sweep_key {
	char *name; /* as in the config: a run option without dashes, or gen.NAME */
	char *opt;  /* --NAME */
	char **vals;
	size_t nvals;
	int kind; /* run option: 1 takes a value, 0 flag; 2 generator parameter */
	int line;
} sweep_key;

typedef enum run_state { RUN_TODO, RUN_SKIPPED, RUN_RUNNING, RUN_DONE, RUN_FAILED, RUN_RETRY } run_state;

typedef struct sweep_run {
	size_t *pick; /* a value index per key */
	char name[160];
	char dir[PATH_MAX + 200];
	pid_t pid;
	run_state state;
	int attempts, status; /* started so far; the last one's exit status */
	double retry_at;      /* RUN_RETRY: not started again before (now_s()) */
	char why[200];        /* on a cluster: the last attempt's end (sweep_on.h) */
} sweep_run;

typedef struct sweep {
	sweep_key *keys;
	size_t nkeys;
	char confdir[PATH_MAX]; /* runs start here: the config's relative paths hold */
	char out[PATH_MAX];     /* absolute */
	sweep_run *runs;
	size_t nruns;
	int jobs;
	int retries;     /* a failed run is started again this many times */
	cli_cluster *on; /* --on: runs are tasks of this cluster; NULL: here */
	bool plot, quiet;
} sweep;

#define fail(...) cli_fail("meso-sim sweep", __VA_ARGS__)

/* ------------------------------------------------------------ config */

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int add_val(sweep_key *k, const char *v)
{
	char **p = realloc(k->vals, (k->nvals + 1) * sizeof *p);
	if (!p)
		return -1;
	k->vals = p;
	if (!(k->vals[k->nvals] = strdup(v)))
		return -1;
	k->nvals++;
	return 0;
}

/* A..B (non-negative integers, B >= A, at most 100,000): the integers. */
static int add_range_or_val(sweep_key *k, const char *v, const char *path, int line)
{
	/* a range is digits..digits; anything else (a path with "../") is a
	 * value */
	const char *dots = strstr(v, "..");
	if (!dots || !isdigit((unsigned char)v[0]) || strspn(v, "0123456789") != (size_t)(dots - v) ||
	    strspn(dots + 2, "0123456789") != strlen(dots + 2))
		return add_val(k, v);
	char *e1, *e2;
	unsigned long long a = strtoull(v, &e1, 10), b = strtoull(dots + 2, &e2, 10);
	if (e1 != dots || *e2 || !isdigit((unsigned char)v[0]) || !isdigit((unsigned char)dots[2]) || b < a ||
	    b - a >= 100000)
		return fail("%s:%d: %s: expected a range A..B of integers (B >= A), got '%s'", path, line, k->name, v);
	char buf[32];
	for (unsigned long long i = a; i <= b; i++) {
		snprintf(buf, sizeof buf, "%llu", i);
		if (add_val(k, buf) < 0)
			return -1;
	}
	return 0;
}

static bool is_gen_key(const char *name)
{
	for (int i = 0; gen_keys[i]; i++)
		if (strcmp(name, gen_keys[i]) == 0)
			return true;
	return false;
}

static bool flag_value(const char *v, bool *on)
{
	if (!strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "1"))
		return *on = true;
	if (!strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "0"))
		return !(*on = false);
	return false;
}

static int parse_config(sweep *sw, const char *path, char *out_key, size_t out_cap)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return fail("%s: cannot read: %s", path, strerror(errno));
	char line[8192];
	int ln = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		ln++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = fail("%s:%d: expected KEY = VALUE[, VALUE...], got '%s'", path, ln, s);
			break;
		}
		*eq = '\0';
		char *key = trim(s), *vals = trim(eq + 1);
		if (!*vals) {
			rc = fail("%s:%d: %s has no value", path, ln, key);
			break;
		}
		for (size_t i = 0; i < sw->nkeys; i++)
			if (strcmp(sw->keys[i].name, key) == 0)
				rc = fail("%s:%d: %s is given twice (first on line %d)", path, ln, key,
				          sw->keys[i].line);
		if (rc)
			break;
		if (strcmp(key, "out") == 0) {
			snprintf(out_key, out_cap, "%s", vals);
			continue;
		}
		int kind = is_gen_key(key) ? 2 : cli_run_option_kind(key);
		if (kind < 0 || !strcmp(key, "out") || !strcmp(key, "plot") || !strcmp(key, "quiet") ||
		    !strcmp(key, "help")) {
			rc = fail("%s:%d: unknown key '%s' (a meso-sim run option without its dashes, as policy or "
			          "remote-slowdown; gen.machines, gen.tasks, gen.seed, gen.empty-start, "
			          "gen.standing-cap, gen.load; or out)",
			          path, ln, key);
			break;
		}
		sweep_key *k = realloc(sw->keys, (sw->nkeys + 1) * sizeof *k);
		if (!k) {
			rc = fail("out of memory");
			break;
		}
		sw->keys = k;
		k = &sw->keys[sw->nkeys++];
		memset(k, 0, sizeof *k);
		k->kind = kind;
		k->line = ln;
		if (!(k->name = strdup(key)) || !(k->opt = malloc(strlen(key) + 3))) {
			rc = fail("out of memory");
			break;
		}
		sprintf(k->opt, "--%s", key);
		for (char *tok = vals; rc == 0 && tok;) {
			char *comma = strchr(tok, ',');
			if (comma)
				*comma = '\0';
			char *v = trim(tok);
			bool on;
			if (!*v)
				rc = fail("%s:%d: %s: an empty value in the list", path, ln, key);
			else if (strchr(v, '"'))
				rc = fail("%s:%d: %s: a value must not contain '\"'", path, ln, key);
			else if (kind == 0 && !flag_value(v, &on))
				rc = fail("%s:%d: %s is a flag: expected true or false, got '%s'", path, ln, key, v);
			else if (add_range_or_val(k, v, path, ln) < 0)
				rc = -1;
			tok = comma ? comma + 1 : NULL;
		}
	}
	fclose(f);
	return rc;
}

static const sweep_key *find_key(const sweep *sw, const char *name)
{
	for (size_t i = 0; i < sw->nkeys; i++)
		if (strcmp(sw->keys[i].name, name) == 0)
			return &sw->keys[i];
	return NULL;
}

static int check_workload(const sweep *sw, const char *path)
{
	bool gen = false;
	for (size_t i = 0; i < sw->nkeys; i++)
		gen |= sw->keys[i].kind == 2;
	bool given =
	        find_key(sw, "workload") || find_key(sw, "trace") || find_key(sw, "machines") || find_key(sw, "tasks");
	if (gen && given)
		return fail("%s: gen.* keys generate the workload: they exclude workload, trace, machines and tasks",
		            path);
	if (gen && (!find_key(sw, "gen.machines") || !find_key(sw, "gen.tasks")))
		return fail("%s: the generator needs gen.machines and gen.tasks", path);
	if (!gen && !given)
		return fail("%s: no workload: give workload, trace, machines and tasks, or gen.machines and "
		            "gen.tasks",
		            path);
	return 0;
}

/* ------------------------------------------------------------- runs */

static uint32_t fnv1a(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h ^ 0xff) * 16777619u; /* a separator, so "ab","c" differs from "a","bc" */
}

/* The run's name: the varied keys' values (sanitized) and a hash of every
 * parameter, so that a changed config never reuses a folder. */
static void run_name(const sweep *sw, const size_t *pick, char *buf, size_t cap, bool with_seed, bool hash)
{
	size_t n = 0;
	uint32_t h = 2166136261u;
	buf[0] = '\0';
	for (size_t i = 0; i < sw->nkeys; i++) {
		const sweep_key *k = &sw->keys[i];
		h = fnv1a(fnv1a(h, k->name), k->vals[pick[i]]);
		if (k->nvals < 2 || (!with_seed && !strcmp(k->name, "seed")))
			continue;
		int w = snprintf(buf + n, cap - n, "%s%s=%s", n ? "," : "", k->name, k->vals[pick[i]]);
		if (w < 0 || (size_t)w >= cap - n - 12)
			break;
		n += (size_t)w;
	}
	for (char *p = buf; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._=,+-", *p))
			*p = '_';
	if (hash)
		snprintf(buf + n, cap - n, "%s%08" PRIx32, n ? "-" : "run-", h);
}

/* The generated workload of a run's gen.* values: OUT/workloads/NAME. */
static void gen_dir(const sweep *sw, const size_t *pick, char *buf, size_t cap)
{
	size_t n = (size_t)snprintf(buf, cap, "%s/workloads/", sw->out);
	for (size_t i = 0; i < sw->nkeys; i++)
		if (sw->keys[i].kind == 2 && n < cap)
			n += (size_t)snprintf(buf + n, cap - n, "%s%s=%s", buf[n - 1] == '/' ? "" : ",",
			                      sw->keys[i].name + 4, sw->keys[i].vals[pick[i]]);
}

static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof buf, "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

static int parse_u64(const char *v, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end || errno)
		return -1;
	*out = x;
	return 0;
}

/* Writes the generated workload of this pick unless it is there already. */
static int generate(const sweep *sw, const size_t *pick, const char *dir)
{
	char done[PATH_MAX + 16];
	snprintf(done, sizeof done, "%s/.complete", dir);
	if (access(done, F_OK) == 0)
		return 0;
	tr_gen_config gc = {0};
	gc.seed = 1; /* meso-trace gen's default */
	for (size_t i = 0; i < sw->nkeys; i++) {
		const sweep_key *k = &sw->keys[i];
		if (k->kind != 2)
			continue;
		uint64_t v;
		bool on;
		if (!strcmp(k->name, "gen.empty-start")) {
			if (!flag_value(k->vals[pick[i]], &on))
				return fail("gen.empty-start: expected true or false, got '%s'", k->vals[pick[i]]);
			gc.empty_start = on;
			continue;
		}
		if (!strcmp(k->name, "gen.load")) {
			int64_t ns;
			if (tr_parse_seconds(k->vals[pick[i]], &ns) < 0 || ns % 1000000 || ns < 1000000 ||
			    ns > 100 * INT64_C(1000000000))
				return fail("gen.load: expected a decimal from 0.001 to 100, got '%s'",
				            k->vals[pick[i]]);
			gc.load_permille = (uint32_t)(ns / 1000000);
			continue;
		}
		if (parse_u64(k->vals[pick[i]], &v) < 0)
			return fail("%s: expected a non-negative integer, got '%s'", k->name, k->vals[pick[i]]);
		if (!strcmp(k->name, "gen.machines")) {
			if (v == 0 || v > UINT32_MAX)
				return fail("gen.machines: expected 1 to 4294967295, got '%s'", k->vals[pick[i]]);
			gc.machines = (uint32_t)v;
		} else if (!strcmp(k->name, "gen.tasks")) {
			gc.tasks = v;
		} else if (!strcmp(k->name, "gen.standing-cap")) {
			if (v < 1 || v > 100)
				return fail("gen.standing-cap: expected 1 to 100, got '%s'", k->vals[pick[i]]);
			gc.standing_cap_pct = (uint32_t)v;
		} else {
			gc.seed = v;
		}
	}
	if (mkdir_p(dir) < 0)
		return fail("cannot create %s: %s", dir, strerror(errno));
	gc.dir = dir;
	tr_err err;
	if (tr_gen_write(&gc, NULL, &err) != 0)
		return fail("generating %s: %s", dir, err.msg);
	FILE *f = fopen(done, "w");
	if (!f || fclose(f) != 0)
		return fail("%s: %s", done, strerror(errno));
	return 0;
}

/* The command line of a run (NULL-terminated; the strings are the
 * config's, but for the workload and --out). */
static char **run_args(const sweep *sw, const sweep_run *r, char *workload)
{
	char **a = calloc(2 * sw->nkeys + 8, sizeof *a);
	if (!a)
		return NULL;
	size_t n = 0;
	a[n++] = "run";
	bool gen = false;
	for (size_t i = 0; i < sw->nkeys; i++) {
		const sweep_key *k = &sw->keys[i];
		const char *v = k->vals[r->pick[i]];
		if (k->kind == 2) {
			gen = true;
			continue;
		}
		bool on;
		if (k->kind == 0 && (!flag_value(v, &on) || !on))
			continue;
		a[n++] = k->opt;
		if (k->kind == 1)
			a[n++] = (char *)v;
	}
	if (gen) {
		a[n++] = "--workload";
		a[n++] = workload;
	}
	a[n++] = "--out";
	a[n++] = (char *)r->dir;
	a[n++] = "--quiet";
	return a;
}

/* Removes the files a run left in its folder (an interrupted run). */
static void clear_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	char p[2 * PATH_MAX];
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || strcmp(de->d_name, ".manifest.json.tmp") == 0) {
			snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
			unlink(p);
		}
	closedir(d);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct sweep_tally {
	size_t done, skipped, failed, retried;
	size_t pending; /* runs to try again, not yet started */
	int running;
	double t0;
} sweep_tally;

static void progress(const sweep *sw, const sweep_tally *t, bool last)
{
	if (sw->quiet)
		return;
	bool tty = isatty(STDERR_FILENO);
	double el = now_s() - t->t0;
	size_t ran = t->done - t->skipped, left = sw->nruns - t->done;
	char eta[32] = "?", retried[48] = "";
	if (ran > 0)
		snprintf(eta, sizeof eta, "%.0f s", el / (double)ran * (double)left);
	if (sw->retries > 0)
		snprintf(retried, sizeof retried, ", %zu retried", t->retried);
	fprintf(stderr, "%ssweep: %zu/%zu runs done (%zu skipped, %zu failed%s), %d running, %.0f s, ETA %s%s",
	        tty ? "\r" : "", t->done, sw->nruns, t->skipped, t->failed, retried, t->running, el, left ? eta : "0 s",
	        tty && !last ? "   " : "\n");
}

/* Starts run r (an attempt more). 0, or -1 with a message. */
static int start_run(sweep *sw, sweep_run *r)
{
	char wl[PATH_MAX], log[2 * PATH_MAX];
	gen_dir(sw, r->pick, wl, sizeof wl);
	if (find_key(sw, "gen.machines") && generate(sw, r->pick, wl) < 0)
		return -1;
	if (mkdir_p(r->dir) < 0)
		return fail("cannot create %s: %s", r->dir, strerror(errno));
	clear_dir(r->dir);
	char **args = run_args(sw, r, wl);
	if (!args)
		return fail("out of memory");
	snprintf(log, sizeof log, "%s/run.log", r->dir);
	r->pid = sw->on ? cli_cluster_spawn(sw->on, r->name, args, sw->confdir, r->dir)
	                : cli_spawn_self(args, sw->confdir, log);
	free(args);
	if (r->pid < 0)
		return fail("cannot start a run: %s", strerror(errno));
	r->state = RUN_RUNNING;
	r->attempts++;
	return 0;
}

/* A run's child exited with status st: done, to be tried again, or failed. */
static void run_ended(sweep *sw, sweep_run *r, int st, sweep_tally *t)
{
	t->running--;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (r->status == 0) {
		r->state = RUN_DONE;
		t->done++;
		progress(sw, t, t->done == sw->nruns);
		return;
	}
	const char *nl = isatty(STDERR_FILENO) && !sw->quiet ? "\n" : "";
	bool again = r->attempts <= sw->retries;
	char tries[64];
	if (again)
		snprintf(tries, sizeof tries, "; trying again (attempt %d of %d)", r->attempts + 1, sw->retries + 1);
	else if (r->attempts > 1)
		snprintf(tries, sizeof tries, "; given up after %d attempts", r->attempts);
	else
		tries[0] = '\0';
	if (sw->on) {
		cli_cluster_why(r->dir, r->why, sizeof r->why);
		fprintf(stderr,
		        "%ssweep: run %s failed on the cluster, exit status %d%s%s (see %s/execute.log and "
		        "run.log)%s\n",
		        nl, r->name, r->status, r->why[0] ? ": " : "", r->why, r->dir, tries);
	} else {
		fprintf(stderr, "%ssweep: run %s failed, exit status %d (see %s/run.log)%s\n", nl, r->name, r->status,
		        r->dir, tries);
	}
	if (again) {
		/* 1 s, 2 s, 4 s ... (at most 30 s) before the next attempt: a lost
		 * agent's run soon goes elsewhere, while a master away for a
		 * while is not asked again and again meanwhile */
		r->retry_at = now_s() + fmin(30, ldexp(1, r->attempts - 1));
		r->state = RUN_RETRY;
		t->retried++;
		t->pending++;
		return;
	}
	r->state = RUN_FAILED;
	t->done++;
	t->failed++;
	progress(sw, t, t->done == sw->nruns);
}

/* The next run to start: one to try again whose time has come first, else
 * the next in order. *wake: the earliest time a waiting retry is due. */
static sweep_run *next_run(sweep *sw, size_t *next, size_t nretry, double *wake)
{
	double now = now_s();
	*wake = INFINITY;
	for (size_t i = 0; nretry && i < sw->nruns; i++)
		if (sw->runs[i].state == RUN_RETRY) {
			if (sw->runs[i].retry_at <= now)
				return &sw->runs[i];
			*wake = fmin(*wake, sw->runs[i].retry_at);
		}
	while (*next < sw->nruns && sw->runs[*next].state == RUN_SKIPPED)
		(*next)++;
	return *next < sw->nruns ? &sw->runs[(*next)++] : NULL;
}

/* Runs every run not yet finished, --jobs at a time. 0, or -1 if one failed. */
static int run_all(sweep *sw)
{
	sweep_tally t = {.t0 = now_s()};
	size_t next = 0;
	for (size_t i = 0; i < sw->nruns; i++)
		if (cli_manifest_complete(sw->runs[i].dir)) {
			sw->runs[i].state = RUN_SKIPPED;
			t.done++;
			t.skipped++;
		}
	if (!sw->quiet) {
		fprintf(stderr, "sweep: %zu runs, %zu already done, --jobs %d", sw->nruns, t.skipped, sw->jobs);
		if (sw->on)
			fprintf(stderr, " on %s (meso-execute %s), --retries %d", sw->on->master, sw->on->execute,
			        sw->retries);
		fprintf(stderr, "; runs in %s/runs\n", sw->out);
	}
	for (;;) {
		sweep_run *r;
		double wake = INFINITY;
		while (t.running < sw->jobs && (r = next_run(sw, &next, t.pending, &wake))) {
			t.pending -= r->state == RUN_RETRY;
			if (start_run(sw, r) < 0)
				return -1;
			t.running++;
		}
		if (t.running == 0 && t.pending == 0)
			break;
		int st;
		/* a retry waiting for its time: look for an ended run every 50 ms
		 * until then */
		bool waiting = t.running < sw->jobs && wake < INFINITY;
		pid_t pid = t.running ? waitpid(-1, &st, waiting ? WNOHANG : 0) : 0;
		if (pid == 0) {
			double nap = fmin(0.05, fmax(0, wake - now_s()));
			nanosleep(&(struct timespec){0, (long)(nap * 1e9)}, NULL);
			continue;
		}
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return fail("waitpid: %s", strerror(errno));
		}
		for (size_t i = 0; i < sw->nruns; i++)
			if (sw->runs[i].state == RUN_RUNNING && sw->runs[i].pid == pid) {
				run_ended(sw, &sw->runs[i], st, &t);
				break;
			}
	}
	if (t.done == t.skipped)
		progress(sw, &t, true);
	return t.failed ? -1 : 0;
}

/* ---------------------------------------------------------- results */

typedef struct metric_set {
	char **names;
	size_t n, cap;
} metric_set;

typedef struct run_values {
	char **vals; /* by metric index; NULL: absent or null */
	size_t n;
} run_values;

static size_t metric_index(metric_set *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->names[i], name) == 0)
			return i;
	if (m->n == m->cap) {
		size_t nc = m->cap ? 2 * m->cap : 64;
		char **p = realloc(m->names, nc * sizeof *p);
		if (!p)
			return SIZE_MAX;
		m->names = p;
		m->cap = nc;
	}
	m->names[m->n] = strdup(name);
	return m->names[m->n] ? m->n++ : SIZE_MAX;
}

typedef struct collect_ctx {
	metric_set *ms;
	run_values *rv;
	int bad;
} collect_ctx;

static void collect(void *ud, const char *path, const cli_json *v)
{
	collect_ctx *c = ud;
	if ((v->type != CJ_NUMBER && v->type != CJ_NULL) || !strcmp(path, "seed"))
		return; /* the policy's name and the seed are parameters */
	size_t i = metric_index(c->ms, path);
	if (i == SIZE_MAX) {
		c->bad = 1;
		return;
	}
	if (i >= c->rv->n) {
		char **p = realloc(c->rv->vals, (i + 1) * sizeof *p);
		if (!p) {
			c->bad = 1;
			return;
		}
		memset(p + c->rv->n, 0, (i + 1 - c->rv->n) * sizeof *p);
		c->rv->vals = p;
		c->rv->n = i + 1;
	}
	c->rv->vals[i] = v->type == CJ_NUMBER ? strdup(v->text) : NULL;
}

static const char *rv_get(const run_values *rv, size_t i)
{
	return i < rv->n ? rv->vals[i] : NULL;
}

/* A CSV field: quoted when it holds a comma or a quote. */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* OUT/failed.csv: the runs that failed every attempt (none: no file). */
static int write_failed(const sweep *sw)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/failed.csv", sw->out);
	size_t n = 0;
	for (size_t r = 0; r < sw->nruns; r++)
		n += sw->runs[r].state == RUN_FAILED;
	if (n == 0) {
		unlink(path);
		return 0;
	}
	FILE *f = fopen(path, "w");
	if (!f)
		return fail("%s: cannot write: %s", path, strerror(errno));
	fputs("run,attempts,exit_status,why,log\n", f);
	for (size_t r = 0; r < sw->nruns; r++) {
		const sweep_run *x = &sw->runs[r];
		if (x->state != RUN_FAILED)
			continue;
		csv_field(f, x->name);
		fprintf(f, ",%d,%d,", x->attempts, x->status);
		csv_field(f, x->why);
		fputc(',', f);
		csv_field(f, x->dir);
		fputc('\n', f);
	}
	if (ferror(f) | fclose(f))
		return fail("%s: write error", path);
	return 0;
}

/* The configurations: runs that differ only in their seed share one,
 * named by its first run. cfg[r] is that run's index. */
static size_t *configs(const sweep *sw, size_t *ncfg)
{
	size_t *cfg = malloc((sw->nruns ? sw->nruns : 1) * sizeof *cfg),
	       *heads = malloc((sw->nruns ? sw->nruns : 1) * sizeof *heads);
	*ncfg = 0;
	for (size_t r = 0; cfg && heads && r < sw->nruns; r++) {
		cfg[r] = r;
		for (size_t h = 0; h < *ncfg; h++) {
			bool same = true;
			for (size_t i = 0; same && i < sw->nkeys; i++)
				same = !strcmp(sw->keys[i].name, "seed") ||
				       sw->runs[heads[h]].pick[i] == sw->runs[r].pick[i];
			if (same) {
				cfg[r] = heads[h];
				break;
			}
		}
		if (cfg[r] == r)
			heads[(*ncfg)++] = r;
	}
	free(heads);
	return cfg;
}

/* One metric of one configuration over its seeds. */
typedef struct agg_cell {
	size_t n;
	double mean, sd, ci;
} agg_cell;

/* plots/METRIC.dat (index, configuration, mean, CI low, high) for every
 * metric with a value, and plots/metrics.txt listing them, for sweep.gp. */
static int write_plot_data(const sweep *sw, const metric_set *ms, const agg_cell *cells, const size_t *heads,
                           size_t ncfg)
{
	char dir[PATH_MAX + 16], path[PATH_MAX + 600], label[160];
	snprintf(dir, sizeof dir, "%s/plots", sw->out);
	if (mkdir_p(dir) < 0)
		return fail("cannot create %s: %s", dir, strerror(errno));
	snprintf(path, sizeof path, "%s/metrics.txt", dir);
	FILE *list = fopen(path, "w");
	if (!list)
		return fail("%s: cannot write: %s", path, strerror(errno));
	int rc = 0;
	for (size_t m = 0; m < ms->n && rc == 0; m++) {
		/* a metric with no value, or the same everywhere, has nothing to show */
		bool any = false, varies = false;
		const agg_cell *first = NULL;
		for (size_t c = 0; c < ncfg; c++) {
			const agg_cell *x = &cells[c * ms->n + m];
			if (!x->n)
				continue;
			/* beyond rounding: the mean of equal values need not be exact */
			varies |= x->ci > 1e-9 * fabs(x->mean) ||
			          (first && fabs(x->mean - first->mean) > 1e-9 * fabs(first->mean));
			any = true;
			if (!first)
				first = x;
		}
		if (!any || !varies)
			continue;
		fprintf(list, "%s\n", ms->names[m]);
		snprintf(path, sizeof path, "%s/%s.dat", dir, ms->names[m]);
		FILE *f = fopen(path, "w");
		if (!f) {
			rc = fail("%s: cannot write: %s", path, strerror(errno));
			break;
		}
		for (size_t c = 0; c < ncfg; c++) {
			const agg_cell *a = &cells[c * ms->n + m];
			run_name(sw, sw->runs[heads[c]].pick, label, sizeof label, false, false);
			if (a->n)
				fprintf(f, "%zu\t%s\t%.10g\t%.10g\t%.10g\n", c, label[0] ? label : "all", a->mean,
				        a->mean - a->ci, a->mean + a->ci);
		}
		if (ferror(f) | fclose(f))
			rc = fail("%s: write error", path);
	}
	if (ferror(list) | fclose(list))
		rc = fail("%s/metrics.txt: write error", dir);
	return rc;
}

static int write_results(sweep *sw)
{
	metric_set ms = {0};
	run_values *rvs = calloc(sw->nruns, sizeof *rvs);
	if (!rvs)
		return fail("out of memory");
	char path[2 * PATH_MAX], err[512];
	int rc = 0;
	for (size_t r = 0; r < sw->nruns && rc == 0; r++) {
		if (sw->runs[r].state == RUN_FAILED)
			continue;
		snprintf(path, sizeof path, "%s/summary.json", sw->runs[r].dir);
		cli_json *j = cli_json_load(path, err, sizeof err);
		if (!j) {
			rc = fail("%s", err);
			break;
		}
		collect_ctx c = {&ms, &rvs[r], 0};
		cli_json_flatten(j, collect, &c);
		cli_json_free(j);
		if (c.bad)
			rc = fail("out of memory");
	}
	FILE *res = NULL, *agg = NULL;
	snprintf(path, sizeof path, "%s/results.csv", sw->out);
	if (rc == 0 && !(res = fopen(path, "w")))
		rc = fail("%s: cannot write: %s", path, strerror(errno));
	snprintf(path, sizeof path, "%s/aggregate.csv", sw->out);
	if (rc == 0 && !(agg = fopen(path, "w")))
		rc = fail("%s: cannot write: %s", path, strerror(errno));
	if (rc == 0) {
		/* results.csv: run, every key, every metric */
		fputs("run", res);
		for (size_t i = 0; i < sw->nkeys; i++)
			fprintf(res, ",%s", sw->keys[i].name);
		for (size_t m = 0; m < ms.n; m++)
			fprintf(res, ",%s", ms.names[m]);
		fputc('\n', res);
		for (size_t r = 0; r < sw->nruns; r++) {
			if (sw->runs[r].state == RUN_FAILED)
				continue;
			csv_field(res, sw->runs[r].name);
			for (size_t i = 0; i < sw->nkeys; i++) {
				fputc(',', res);
				csv_field(res, sw->keys[i].vals[sw->runs[r].pick[i]]);
			}
			for (size_t m = 0; m < ms.n; m++) {
				const char *v = rv_get(&rvs[r], m);
				fprintf(res, ",%s", v ? v : "");
			}
			fputc('\n', res);
		}
		/* aggregate.csv: per configuration (all keys but seed) and metric */
		size_t ncfg, *cfg = configs(sw, &ncfg);
		size_t *heads = malloc((ncfg ? ncfg : 1) * sizeof *heads);
		agg_cell *cells = calloc(ncfg * ms.n + 1, sizeof *cells);
		double *x = malloc((sw->nruns ? sw->nruns : 1) * sizeof *x);
		if (!cfg || !heads || !cells || !x)
			rc = fail("out of memory");
		for (size_t r = 0, c = 0; rc == 0 && r < sw->nruns; r++)
			if (cfg[r] == r)
				heads[c++] = r;
		for (size_t c = 0; rc == 0 && c < ncfg; c++)
			for (size_t m = 0; m < ms.n; m++) {
				size_t n = 0;
				for (size_t q = heads[c]; q < sw->nruns; q++) {
					const char *v = rv_get(&rvs[q], m);
					if (cfg[q] == heads[c] && sw->runs[q].state != RUN_FAILED && v)
						x[n++] = strtod(v, NULL);
				}
				agg_cell *a = &cells[c * ms.n + m];
				a->n = n;
				if (n) {
					a->mean = cli_mean(x, n);
					a->sd = cli_sd(x, n);
					a->ci = cli_ci95(x, n);
				}
			}
		size_t nk = 0;
		for (size_t i = 0; rc == 0 && i < sw->nkeys; i++)
			if (strcmp(sw->keys[i].name, "seed"))
				fprintf(agg, "%s%s", nk++ ? "," : "", sw->keys[i].name);
		if (rc == 0)
			fprintf(agg, "%smetric,n,mean,sd,ci95_low,ci95_high\n", nk ? "," : "");
		for (size_t c = 0; rc == 0 && c < ncfg; c++)
			for (size_t m = 0; m < ms.n; m++) {
				size_t k = 0;
				for (size_t i = 0; i < sw->nkeys; i++)
					if (strcmp(sw->keys[i].name, "seed")) {
						if (k++)
							fputc(',', agg);
						csv_field(agg, sw->keys[i].vals[sw->runs[heads[c]].pick[i]]);
					}
				const agg_cell *a = &cells[c * ms.n + m];
				fprintf(agg, "%s%s,%zu", k ? "," : "", ms.names[m], a->n);
				if (a->n)
					fprintf(agg, ",%.10g,%.10g,%.10g,%.10g\n", a->mean, a->sd, a->mean - a->ci,
					        a->mean + a->ci);
				else
					fputs(",,,,\n", agg);
			}
		if (rc == 0 && sw->plot)
			rc = write_plot_data(sw, &ms, cells, heads, ncfg);
		free(cfg);
		free(heads);
		free(cells);
		free(x);
	}
	if (res && (ferror(res) | fclose(res)))
		rc = fail("%s/results.csv: write error", sw->out);
	if (agg && (ferror(agg) | fclose(agg)))
		rc = fail("%s/aggregate.csv: write error", sw->out);
	for (size_t r = 0; r < sw->nruns; r++) {
		for (size_t m = 0; m < rvs[r].n; m++)
			free(rvs[r].vals[m]);
		free(rvs[r].vals);
	}
	free(rvs);
	for (size_t m = 0; m < ms.n; m++)
		free(ms.names[m]);
	free(ms.names);
	return rc;
}

/* One figure per metric of aggregate.csv (plots/sweep.gp): the mean per
 * configuration with its 95% CI as error bars. */
static int write_plots(const sweep *sw)
{
	char expr[2 * PATH_MAX];
	if (strchr(sw->out, '\''))
		return fail("--plot: the output folder's name must not contain a quote");
	snprintf(expr, sizeof expr, "sweepdir='%s'", sw->out);
	return cli_gnuplot(expr, "sweep.gp");
}

/* -------------------------------------------------------------- main */

static void sweep_free(sweep *sw)
{
	for (size_t i = 0; i < sw->nkeys; i++) {
		for (size_t v = 0; v < sw->keys[i].nvals; v++)
			free(sw->keys[i].vals[v]);
		free(sw->keys[i].vals);
		free(sw->keys[i].name);
		free(sw->keys[i].opt);
	}
	free(sw->keys);
	for (size_t r = 0; r < sw->nruns; r++)
		free(sw->runs[r].pick);
	free(sw->runs);
}

/* The sweep folder of the config at cfgabs (absolute) whose out key is
 * out_key (may be ""). */
static void out_dir_of(const char *cfgabs, const char *out_key, char *buf, size_t cap)
{
	if (out_key[0] == '/') {
		snprintf(buf, cap, "%s", out_key);
	} else if (out_key[0]) {
		int n = snprintf(buf, cap, "%s", cfgabs);
		while (n > 0 && buf[n - 1] != '/')
			n--;
		snprintf(buf + n, cap - (size_t)n, "%s", out_key);
	} else {
		snprintf(buf, cap, "%s", cfgabs);
		char *dot = strrchr(buf, '.'), *slash = strrchr(buf, '/');
		if (dot && dot > slash)
			*dot = '\0';
		size_t n = strlen(buf);
		snprintf(buf + n, cap - n, ".sweep");
	}
}

int cli_sweep_out_dir(const char *config, char *out, size_t cap)
{
	sweep sw = {0};
	char out_key[PATH_MAX] = "", cfgabs[PATH_MAX];
	int rc = parse_config(&sw, config, out_key, sizeof out_key);
	sweep_free(&sw);
	if (rc < 0)
		return -1;
	if (!realpath(config, cfgabs))
		return fail("%s: %s", config, strerror(errno));
	out_dir_of(cfgabs, out_key, out, cap);
	return 0;
}

static int usage(const char *msg)
{
	fprintf(stderr,
	        "meso-sim sweep: %s\n"
	        "usage: meso-sim sweep CONFIG [--jobs N] [--out DIR] [--no-plot] [--quiet] [--retries N]\n"
	        "                     [--on mesos://HOST:PORT [--execute PATH] [--resources R]]\n"
	        "(sim/README.md, \"meso-sim sweep\", describes CONFIG)\n",
	        msg);
	return 2;
}

static int plan_runs(sweep *sw)
{
	size_t total = 1;
	for (size_t i = 0; i < sw->nkeys; i++) {
		if (sw->keys[i].nvals > 1000000 / total)
			return fail("more than 1,000,000 runs");
		total *= sw->keys[i].nvals;
	}
	sw->runs = calloc(total, sizeof *sw->runs);
	if (!sw->runs)
		return fail("out of memory");
	sw->nruns = total;
	/* the first key varies slowest, the last fastest */
	for (size_t r = 0; r < total; r++) {
		sweep_run *run = &sw->runs[r];
		if (!(run->pick = calloc(sw->nkeys ? sw->nkeys : 1, sizeof *run->pick)))
			return fail("out of memory");
		size_t rest = r;
		for (size_t i = sw->nkeys; i-- > 0;) {
			run->pick[i] = rest % sw->keys[i].nvals;
			rest /= sw->keys[i].nvals;
		}
		run_name(sw, run->pick, run->name, sizeof run->name, true, true);
		snprintf(run->dir, sizeof run->dir, "%s/runs/%s", sw->out, run->name);
	}
	return 0;
}

/* One run's task on a cluster unless --resources says otherwise: a run is
 * one thread, and a 1/40 Google-like cell's (21k tasks) peaks at 8 MB. */
static const char default_resources[] = "cpus:1;mem:256";

int cli_sweep_main(int argc, char **argv)
{
	sweep sw = {0};
	sw.plot = true;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	sw.jobs = cores > 0 ? (int)cores : 1;
	sw.retries = -1; /* default: 2 on a cluster, 0 here */
	const char *config = NULL, *out = NULL, *on = NULL, *execute = NULL, *resources = default_resources;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--jobs") && i + 1 < argc) {
			char *end;
			long j = strtol(argv[++i], &end, 10);
			if (*end || j < 1 || j > 1024)
				return usage("--jobs: expected 1 to 1024");
			sw.jobs = (int)j;
		} else if (!strcmp(a, "--retries") && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 0 || n > 100 || end == argv[i])
				return usage("--retries: expected 0 to 100");
			sw.retries = (int)n;
		} else if (!strcmp(a, "--on") && i + 1 < argc) {
			on = argv[++i];
		} else if (!strcmp(a, "--execute") && i + 1 < argc) {
			execute = argv[++i];
		} else if (!strcmp(a, "--resources") && i + 1 < argc) {
			resources = argv[++i];
		} else if (!strcmp(a, "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(a, "--no-plot")) {
			sw.plot = false;
		} else if (!strcmp(a, "--quiet")) {
			sw.quiet = true;
		} else if (a[0] == '-' || config) {
			return usage("unexpected argument");
		} else {
			config = a;
		}
	}
	if (!config)
		return usage("which config?");
	if (!on && (execute || resources != default_resources))
		return usage("--execute and --resources go with --on");
	static cli_cluster cluster;
	char err[PATH_MAX + 512];
	if (on && cli_cluster_init(&cluster, on, execute, resources, err, sizeof err) < 0)
		return usage(err);
	sw.on = on ? &cluster : NULL;
	if (sw.retries < 0)
		sw.retries = on ? 2 : 0;
	char out_key[PATH_MAX] = "";
	int rc = 2;
	if (parse_config(&sw, config, out_key, sizeof out_key) < 0 || check_workload(&sw, config) < 0)
		goto done;
	/* relative paths of the config are relative to its folder */
	char cfgabs[PATH_MAX], outbuf[2 * PATH_MAX];
	if (!realpath(config, cfgabs)) {
		fail("%s: %s", config, strerror(errno));
		goto done;
	}
	snprintf(sw.confdir, sizeof sw.confdir, "%s", cfgabs);
	*strrchr(sw.confdir, '/') = '\0';
	if (out)
		snprintf(outbuf, sizeof outbuf, "%s", out);
	else
		out_dir_of(cfgabs, out_key, outbuf, sizeof outbuf);
	rc = 1;
	if (mkdir_p(outbuf) < 0 || !realpath(outbuf, sw.out)) {
		fail("cannot create %s: %s", outbuf, strerror(errno));
		goto done;
	}
	if (plan_runs(&sw) < 0)
		goto done;
	int run_rc = run_all(&sw);
	if (write_results(&sw) < 0 || write_failed(&sw) < 0)
		goto done;
	size_t nfailed = 0;
	for (size_t r = 0; r < sw.nruns; r++)
		nfailed += sw.runs[r].state == RUN_FAILED;
	if (!sw.quiet)
		printf("meso-sim sweep: %s/results.csv (%zu runs%s%s%s), %s/aggregate.csv\n", sw.out,
		       sw.nruns - nfailed, nfailed ? "; the failed ones left out, listed in " : "",
		       nfailed ? sw.out : "", nfailed ? "/failed.csv" : "", sw.out);
	if (sw.plot && write_plots(&sw) == 0 && !sw.quiet)
		printf("meso-sim sweep: plots in %s/plots/ (one per metric, 95%% CI error bars)\n", sw.out);
	rc = run_rc < 0 ? 1 : 0;
done:
	sweep_free(&sw);
	return rc;
}
