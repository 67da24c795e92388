/*
 * compare.c — `meso-sim compare A B`: two run folders, sweep folders or
 * sweep configs (optionally narrowed to some rows, SWEEP:KEY=VALUE,...)
 * side by side: every summary metric's mean on each side, the difference,
 * and across seeds Welch's t-test of it; and a CDF plot of task wait of
 * both (tasks.csv[.gz] when the runs wrote it, else jobs.csv's job wait).
 * Usage and outputs: sim/README.md, "meso-sim compare".
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_stats.h"

#define MAX_METRICS 256

/* One side: its runs and, per run, a value per metric (NAN: none). */
typedef struct side {
	const char *spec;
	char **dirs; /* run folders */
	size_t nruns;
	char *names[MAX_METRICS];
	size_t nnames;
	double *vals; /* nruns x MAX_METRICS */
	size_t cap;
} side;

#define fail(...) cli_fail("meso-sim compare", __VA_ARGS__)

static size_t side_metric(side *s, const char *name)
{
	for (size_t i = 0; i < s->nnames; i++)
		if (strcmp(s->names[i], name) == 0)
			return i;
	if (s->nnames == MAX_METRICS || !(s->names[s->nnames] = strdup(name)))
		return SIZE_MAX;
	return s->nnames++;
}

/* A new run (its values NAN) in folder dir. */
static double *side_add_run(side *s, const char *dir)
{
	if (s->nruns == s->cap) {
		size_t nc = s->cap ? 2 * s->cap : 16;
		double *v = realloc(s->vals, nc * MAX_METRICS * sizeof *v);
		char **d = realloc(s->dirs, nc * sizeof *d);
		if (v)
			s->vals = v;
		if (d)
			s->dirs = d;
		if (!v || !d)
			return NULL;
		s->cap = nc;
	}
	double *row = &s->vals[s->nruns * MAX_METRICS];
	for (size_t i = 0; i < MAX_METRICS; i++)
		row[i] = NAN;
	if (!(s->dirs[s->nruns] = strdup(dir)))
		return NULL;
	s->nruns++;
	return row;
}

typedef struct flat_ctx {
	side *s;
	double *row;
} flat_ctx;

static void take_metric(void *ud, const char *path, const cli_json *v)
{
	flat_ctx *c = ud;
	if ((v->type != CJ_NUMBER && v->type != CJ_NULL) || !strcmp(path, "seed"))
		return;
	size_t i = side_metric(c->s, path);
	if (i != SIZE_MAX && v->type == CJ_NUMBER)
		c->row[i] = strtod(v->text, NULL);
}

static int load_run(side *s, const char *dir)
{
	char path[2 * PATH_MAX], err[512];
	snprintf(path, sizeof path, "%s/summary.json", dir);
	cli_json *j = cli_json_load(path, err, sizeof err);
	if (!j)
		return fail("%s", err);
	double *row = side_add_run(s, dir);
	if (!row) {
		cli_json_free(j);
		return fail("out of memory");
	}
	flat_ctx c = {s, row};
	cli_json_flatten(j, take_metric, &c);
	cli_json_free(j);
	return 0;
}

/* Splits a CSV line (RFC 4180 quotes) in place; the number of fields. */
static size_t csv_split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;
	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		if (*p == '"') {
			char *w = ++p;
			f[n++] = w;
			while (*p && !(*p == '"' && p[1] != '"')) {
				if (*p == '"')
					p++;
				*w++ = *p++;
			}
			if (*p == '"')
				p++;
			*w = '\0';
			if (*p != ',')
				break;
			*p++ = '\0';
			continue;
		}
		f[n++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return n;
}

/* KEY=VALUE pairs a sweep row must match. */
typedef struct filter {
	char *keys[16], *vals[16];
	size_t n;
} filter;

static int load_sweep(side *s, const char *dir, const filter *flt)
{
	char path[2 * PATH_MAX];
	snprintf(path, sizeof path, "%s/results.csv", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return fail("%s: cannot read: %s", path, strerror(errno));
	static char head[1 << 16], line[1 << 16];
	char *cols[MAX_METRICS + 64], *fs[MAX_METRICS + 64];
	if (!fgets(head, sizeof head, f)) {
		fclose(f);
		return fail("%s: empty", path);
	}
	size_t nc = csv_split(head, cols, MAX_METRICS + 64);
	for (size_t k = 0; k < flt->n; k++) {
		bool found = false;
		for (size_t c = 0; c < nc; c++)
			found |= !strcmp(cols[c], flt->keys[k]);
		if (!found) {
			fclose(f);
			return fail("%s: no column '%s' to select by", path, flt->keys[k]);
		}
	}
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		size_t n = csv_split(line, fs, MAX_METRICS + 64);
		if (n != nc) {
			rc = fail("%s: a row of %zu fields under a header of %zu", path, n, nc);
			break;
		}
		bool keep = true;
		for (size_t k = 0; k < flt->n; k++)
			for (size_t c = 0; c < nc; c++)
				if (!strcmp(cols[c], flt->keys[k]) && strcmp(fs[c], flt->vals[k]))
					keep = false;
		if (!keep)
			continue;
		char run[2 * PATH_MAX];
		snprintf(run, sizeof run, "%s/runs/%s", dir, fs[0]);
		double *row = side_add_run(s, run);
		if (!row) {
			rc = fail("out of memory");
			break;
		}
		/* the sweep's parameters are its keys: run options and gen.* */
		for (size_t c = 1; c < nc; c++) {
			if (cli_run_option_kind(cols[c]) >= 0 || !strncmp(cols[c], "gen.", 4))
				continue;
			size_t i = side_metric(s, cols[c]);
			if (i != SIZE_MAX && fs[c][0])
				row[i] = strtod(fs[c], NULL);
		}
	}
	fclose(f);
	if (rc == 0 && s->nruns == 0)
		rc = fail("%s: no run matches", s->spec);
	return rc;
}

/* A side from its spec: RUN_DIR, SWEEP_DIR or CONFIG, then :K=V,K=V. */
static int load_side(side *s, const char *spec)
{
	s->spec = spec;
	char buf[PATH_MAX];
	snprintf(buf, sizeof buf, "%s", spec);
	filter flt = {0};
	/* the selection starts at the first ':' after an existing path (a
	 * value may hold colons: policy=module:PATH) */
	struct stat st;
	char *colon = NULL;
	for (char *c = strchr(buf, ':'); c && stat(buf, &st) < 0; c = strchr(c + 1, ':')) {
		*c = '\0';
		bool here = strchr(c + 1, '=') && stat(buf, &st) == 0;
		*c = ':';
		if (here) {
			colon = c;
			break;
		}
	}
	if (colon) {
		*colon = '\0';
		for (char *tok = strtok(colon + 1, ","); tok && flt.n < 16; tok = strtok(NULL, ",")) {
			char *eq = strchr(tok, '=');
			if (!eq)
				return fail("%s: expected KEY=VALUE after ':', got '%s'", spec, tok);
			*eq = '\0';
			flt.keys[flt.n] = tok;
			flt.vals[flt.n++] = eq + 1;
		}
	}
	char p[2 * PATH_MAX], dir[PATH_MAX];
	if (stat(buf, &st) < 0)
		return fail("%s: %s", buf, strerror(errno));
	snprintf(dir, sizeof dir, "%s", buf);
	if (S_ISREG(st.st_mode) && cli_sweep_out_dir(buf, dir, sizeof dir) < 0)
		return -1;
	snprintf(p, sizeof p, "%s/results.csv", dir);
	if (access(p, F_OK) == 0)
		return load_sweep(s, dir, &flt);
	if (flt.n)
		return fail("%s: selecting rows needs a sweep (a folder with results.csv)", spec);
	snprintf(p, sizeof p, "%s/summary.json", dir);
	if (access(p, F_OK) == 0)
		return load_run(s, dir);
	return fail("%s: neither a run folder (summary.json) nor a sweep (results.csv)", spec);
}

static void side_free(side *s)
{
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	for (size_t i = 0; i < s->nruns; i++)
		free(s->dirs[i]);
	free(s->dirs);
	free(s->vals);
}

/* The values of metric name on side s (non-NAN); their count. */
static size_t values(const side *s, const char *name, double *out)
{
	size_t m = SIZE_MAX, n = 0;
	for (size_t i = 0; i < s->nnames; i++)
		if (!strcmp(s->names[i], name))
			m = i;
	for (size_t r = 0; m != SIZE_MAX && r < s->nruns; r++) {
		double v = s->vals[r * MAX_METRICS + m];
		if (!isnan(v))
			out[n++] = v;
	}
	return n;
}

/* ------------------------------------------------------- wait CDF */

typedef struct waits {
	double *v;
	size_t n, cap;
	bool jobs; /* from jobs.csv (job wait), not tasks */
} waits;

/* Reads column col of a CSV (plain or gzip'd: zlib reads both). */
static int read_column(const char *path, const char *col, waits *w)
{
	gzFile g = gzopen(path, "rb");
	if (!g)
		return -1;
	static char line[1 << 16];
	char *fs[64];
	size_t want = SIZE_MAX;
	if (gzgets(g, line, sizeof line)) {
		size_t n = csv_split(line, fs, 64);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(fs[i], col))
				want = i;
	}
	while (want != SIZE_MAX && gzgets(g, line, sizeof line)) {
		size_t n = csv_split(line, fs, 64);
		if (want >= n || !fs[want][0])
			continue;
		if (w->n == w->cap) {
			size_t nc = w->cap ? 2 * w->cap : 4096;
			double *p = realloc(w->v, nc * sizeof *p);
			if (!p) {
				gzclose(g);
				return -1;
			}
			w->v = p;
			w->cap = nc;
		}
		w->v[w->n++] = strtod(fs[want], NULL);
	}
	gzclose(g);
	return want == SIZE_MAX ? -1 : 0;
}

/* Every run's task waits (tasks.csv[.gz]), or job waits (jobs.csv) when a
 * run has no task file. */
static void side_waits(const side *s, waits *w)
{
	char p[2 * PATH_MAX + 32];
	for (size_t r = 0; r < s->nruns; r++) {
		snprintf(p, sizeof p, "%s/tasks.csv", s->dirs[r]);
		if (access(p, F_OK) != 0)
			snprintf(p, sizeof p, "%s/tasks.csv.gz", s->dirs[r]);
		if (access(p, F_OK) == 0 && read_column(p, "wait", w) == 0)
			continue;
		snprintf(p, sizeof p, "%s/jobs.csv", s->dirs[r]);
		if (read_column(p, "wait", w) == 0)
			w->jobs = true;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* DIR/NAME: the empirical CDF, at most 2,000 points (quantiles). */
static int write_cdf(const char *dir, const char *name, waits *w)
{
	char p[2 * PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (!f)
		return fail("%s: cannot write: %s", p, strerror(errno));
	qsort(w->v, w->n, sizeof *w->v, cmp_double);
	size_t step = w->n > 2000 ? w->n / 2000 : 1;
	for (size_t i = 0; i < w->n; i += step)
		fprintf(f, "%.9g\t%.6f\n", w->v[i], (double)(i + 1) / (double)w->n);
	if (w->n && (w->n - 1) % step)
		fprintf(f, "%.9g\t1\n", w->v[w->n - 1]);
	if (ferror(f) | fclose(f))
		return fail("%s: write error", p);
	return 0;
}

/* -------------------------------------------------------------- main */

static int usage(const char *msg)
{
	fprintf(stderr,
	        "meso-sim compare: %s\n"
	        "usage: meso-sim compare A B [--out DIR] [--alpha P] [--no-plot]\n"
	        "  A, B: a run folder, a sweep folder or config, or SWEEP:KEY=VALUE[,KEY=VALUE] (its rows\n"
	        "        with those values)\n",
	        msg);
	return 2;
}

int cli_compare_main(int argc, char **argv)
{
	const char *spec[2] = {NULL, NULL}, *out = "compare";
	double alpha = 0.05;
	bool plot = true;
	int nspec = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--alpha") && i + 1 < argc) {
			char *end;
			alpha = strtod(argv[++i], &end);
			if (*end || !(alpha > 0 && alpha < 1))
				return usage("--alpha: expected a probability between 0 and 1");
		} else if (!strcmp(argv[i], "--no-plot")) {
			plot = false;
		} else if (argv[i][0] == '-' || nspec == 2) {
			return usage("unexpected argument");
		} else {
			spec[nspec++] = argv[i];
		}
	}
	if (nspec != 2)
		return usage("two things to compare, please");
	side s[2] = {{0}, {0}};
	int rc = 2;
	double *xa = NULL, *xb = NULL;
	FILE *csv = NULL;
	if (load_side(&s[0], spec[0]) < 0 || load_side(&s[1], spec[1]) < 0)
		goto done;
	rc = 1;
	if (mkdir(out, 0777) < 0 && errno != EEXIST) {
		fail("cannot create %s: %s", out, strerror(errno));
		goto done;
	}
	char path[2 * PATH_MAX];
	snprintf(path, sizeof path, "%s/compare.csv", out);
	xa = malloc((s[0].nruns + 1) * sizeof *xa);
	xb = malloc((s[1].nruns + 1) * sizeof *xb);
	if (!xa || !xb || !(csv = fopen(path, "w"))) {
		fail("%s: cannot write: %s", path, strerror(errno));
		goto done;
	}
	printf("A: %s (%zu run%s)\nB: %s (%zu run%s)\n", spec[0], s[0].nruns, s[0].nruns == 1 ? "" : "s", spec[1],
	       s[1].nruns, s[1].nruns == 1 ? "" : "s");
	printf("%-32s %14s %14s %14s %8s %8s %9s  %s\n", "metric", "A mean", "B mean", "B - A", "B/A-1 %", "t", "p",
	       "Welch's t-test (two-sided)");
	fputs("metric,n_a,mean_a,sd_a,n_b,mean_b,sd_b,diff,rel_diff,welch_t,welch_df,p,significant\n", csv);
	/* A's metrics in its order, then those only B has */
	for (int side_i = 0; side_i < 2; side_i++)
		for (size_t m = 0; m < s[side_i].nnames; m++) {
			const char *name = s[side_i].names[m];
			bool in_a = false;
			for (size_t k = 0; side_i == 1 && k < s[0].nnames; k++)
				in_a |= !strcmp(s[0].names[k], name);
			if (in_a)
				continue;
			size_t na = values(&s[0], name, xa), nb = values(&s[1], name, xb);
			double ma = na ? cli_mean(xa, na) : NAN, mb = nb ? cli_mean(xb, nb) : NAN;
			double d = mb - ma, rel = ma != 0 ? 100 * d / fabs(ma) : NAN;
			cli_welch w;
			/* t of B - A, the direction of the difference shown */
			int tested = cli_welch_test(xb, nb, xa, na, &w);
			const char *verdict;
			char tbuf[32] = "", pbuf[32] = "";
			if (!na && !nb)
				verdict = "no value";
			else if (!na || !nb)
				verdict = "only one side has it";
			else if (tested == 0) {
				verdict = w.p < alpha ? "significant" : "not significant";
				snprintf(tbuf, sizeof tbuf, "%.3f", w.t);
				snprintf(pbuf, sizeof pbuf, "%.3g", w.p);
			} else if (na < 2 || nb < 2)
				verdict = "one run a side: no test";
			else
				verdict = ma == mb ? "identical in every run" : "no variance: differs in every run";
			char rbuf[32] = "";
			if (!isnan(rel))
				snprintf(rbuf, sizeof rbuf, "%.2f", rel);
			printf("%-32s %14.6g %14.6g %14.6g %8s %8s %9s  %s\n", name, ma, mb, d, rbuf, tbuf, pbuf,
			       verdict);
			fprintf(csv, "%s,%zu,%.10g,%.10g,%zu,%.10g,%.10g,%.10g,%.6g,", name, na, ma, cli_sd(xa, na), nb,
			        mb, cli_sd(xb, nb), d, rel);
			if (tested == 0)
				fprintf(csv, "%.6g,%.6g,%.6g,%s\n", w.t, w.df, w.p, w.p < alpha ? "yes" : "no");
			else
				fputs(",,,\n", csv);
		}
	if (ferror(csv) | fclose(csv)) {
		csv = NULL;
		fail("%s: write error", path);
		goto done;
	}
	csv = NULL;
	printf("significant: p < %g (Welch's unequal-variance t-test across the runs of each side; a side of one\n"
	       "run cannot be tested). Table: %s/compare.csv\n",
	       alpha, out);
	/* the wait CDFs */
	waits w[2] = {{0}, {0}};
	side_waits(&s[0], &w[0]);
	side_waits(&s[1], &w[1]);
	rc = write_cdf(out, "wait_a.dat", &w[0]) < 0 || write_cdf(out, "wait_b.dat", &w[1]) < 0 ? 1 : 0;
	bool jobs = w[0].jobs || w[1].jobs;
	free(w[0].v);
	free(w[1].v);
	if (rc == 0 && plot) {
		char expr[3 * PATH_MAX];
		if (strchr(out, '\'') || strchr(spec[0], '\'') || strchr(spec[1], '\'')) {
			rc = fail("--plot: names must not contain a quote");
			goto done;
		}
		snprintf(expr, sizeof expr, "dir='%s'; label_a='A: %s'; label_b='B: %s'; what='%s'", out, spec[0],
		         spec[1], jobs ? "job wait (jobs.csv: a run without --tasks-out)" : "task wait");
		if (cli_gnuplot(expr, "compare_cdf.gp") < 0)
			rc = 1;
		else
			printf("CDF of %s: %s/wait_cdf.png\n", jobs ? "job wait" : "task wait", out);
	}
done:
	if (csv)
		fclose(csv);
	free(xa);
	free(xb);
	side_free(&s[0]);
	side_free(&s[1]);
	return rc;
}
