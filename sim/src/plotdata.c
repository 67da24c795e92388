/*
 * plotdata.c — the data behind meso-sim run --plot's stacked figures, so
 * that they stay readable with hundreds of frameworks: plot_shares.dat
 * (dominant share of the top N frameworks by mean dominant share, and the
 * rest as one "others" column) and plot_roles.dat (CPU utilization split by
 * role, the top N roles by CPU held and "others"), from a run folder's
 * summary.json, timeseries.csv and utilization.csv. plots/shares.gp and
 * plots/utilization_roles.gp draw them.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"

typedef struct fw_entry {
	const char *name; /* summary.json's */
	size_t index;     /* registration order */
	size_t role;      /* index in the role list */
	double share;     /* mean dominant share */
	int top;          /* column among the top frameworks, or -1 */
} fw_entry;

typedef struct role_entry {
	const char *name;
	double cpu_sum; /* cores held, summed over the samples (ranking) */
	int top;
} role_entry;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const fw_entry *)a)->name, ((const fw_entry *)b)->name);
}

static int by_share(const void *a, const void *b)
{
	const fw_entry *x = a, *y = b;
	if (x->share != y->share)
		return x->share < y->share ? 1 : -1;
	return (x->index > y->index) - (x->index < y->index); /* ties: first registered */
}

static int err_out(const char *what, const char *path)
{
	fprintf(stderr, "meso-sim: --plot: %s: %s\n", path, what);
	return -1;
}

/* The columns of one sample time, written when the time changes. */
typedef struct sample {
	char time[64];
	double *share; /* by top framework column, then others */
	double *cpus;  /* by top role column, then others */
	double cpus_all;
} sample;

static void flush(FILE *sf, FILE *rf, sample *s, int ntop, int nroles_top, FILE *util, bool *util_ok)
{
	if (!s->time[0])
		return;
	fputs(s->time, sf);
	for (int i = 0; i <= ntop; i++)
		fprintf(sf, "\t%.6f", 100 * s->share[i]);
	fputc('\n', sf);
	/* utilization.csv has a row per sample time, in the same order */
	char line[512];
	double u = 0;
	if (*util_ok && fgets(line, sizeof line, util)) {
		char *comma = strchr(line, ',');
		u = comma ? strtod(comma + 1, NULL) : 0;
	} else {
		*util_ok = false;
	}
	fputs(s->time, rf);
	for (int i = 0; i <= nroles_top; i++)
		fprintf(rf, "\t%.6f", s->cpus_all > 0 ? 100 * u * s->cpus[i] / s->cpus_all : 0.0);
	fputc('\n', rf);
	memset(s->share, 0, (size_t)(ntop + 1) * sizeof *s->share);
	memset(s->cpus, 0, (size_t)(nroles_top + 1) * sizeof *s->cpus);
	s->cpus_all = 0;
	s->time[0] = '\0';
}

int cli_plot_data(const char *out, int top_n)
{
	char path[2 * PATH_MAX], err[512];
	snprintf(path, sizeof path, "%s/summary.json", out);
	cli_json *sum = cli_json_load(path, err, sizeof err);
	if (!sum)
		return err_out(err, path);
	const cli_json *fws = cli_json_get(sum, "frameworks");
	size_t nf = fws && fws->type == CJ_ARRAY ? fws->nkids : 0;
	fw_entry *fw = calloc(nf + 1, sizeof *fw);
	role_entry *roles = calloc(nf + 1, sizeof *roles);
	size_t nroles = 0;
	int rc = -1;
	FILE *ts = NULL, *util = NULL, *sf = NULL, *rf = NULL;
	sample s = {0};
	fw_entry *sorted = NULL;
	bool util_ok = true;
	if (!fw || !roles)
		goto done;
	for (size_t i = 0; i < nf; i++) {
		const cli_json *x = &fws->kids[i];
		const cli_json *sh = cli_json_get(x, "mean_dominant_share");
		const char *role = cli_json_str(x, "role");
		fw[i].name = cli_json_str(x, "name");
		fw[i].index = i;
		fw[i].share = sh && sh->type == CJ_NUMBER ? strtod(sh->text, NULL) : 0;
		if (!fw[i].name || !role) {
			err_out("a framework without name or role", path);
			goto done;
		}
		size_t r = 0;
		while (r < nroles && strcmp(roles[r].name, role))
			r++;
		if (r == nroles)
			roles[nroles++] = (role_entry){role, 0, -1};
		fw[i].role = r;
	}
	/* the top N by mean dominant share */
	qsort(fw, nf, sizeof *fw, by_share);
	int ntop = (int)(nf < (size_t)top_n ? nf : (size_t)top_n);
	int nrt = (int)(nroles < (size_t)top_n ? nroles : (size_t)top_n);
	for (size_t i = 0; i < nf; i++)
		fw[i].top = (int)i < ntop ? (int)i : -1;
	/* roles: a first pass over timeseries.csv ranks them by CPU held */
	snprintf(path, sizeof path, "%s/timeseries.csv", out);
	if (!(ts = fopen(path, "r"))) {
		err_out(strerror(errno), path);
		goto done;
	}
	const fw_entry *top_list = fw; /* fw[0..ntop) in rank order, before re-sorting by name */
	if (!(sorted = malloc((nf + 1) * sizeof *sorted)))
		goto done;
	memcpy(sorted, fw, nf * sizeof *fw);
	qsort(sorted, nf, sizeof *sorted, by_name);
	static char line[8192];
	for (int pass = 0; pass < 2; pass++) {
		rewind(ts);
		if (!fgets(line, sizeof line, ts))
			break;
		while (fgets(line, sizeof line, ts)) {
			/* time,framework,running_tasks,cpus,mem,dominant_share */
			char *f[6], *p = line;
			int n = 0;
			for (; n < 6 && p; n++) {
				f[n] = p;
				p = strchr(p, ',');
				if (p)
					*p++ = '\0';
			}
			if (n < 6)
				continue;
			fw_entry key = {.name = f[1]}, *e = bsearch(&key, sorted, nf, sizeof *sorted, by_name);
			if (!e)
				continue;
			double cpus = strtod(f[3], NULL);
			if (pass == 0) {
				roles[e->role].cpu_sum += cpus;
				continue;
			}
			if (strcmp(s.time, f[0])) {
				flush(sf, rf, &s, ntop, nrt, util, &util_ok);
				snprintf(s.time, sizeof s.time, "%s", f[0]);
			}
			s.share[e->top >= 0 ? e->top : ntop] += strtod(f[5], NULL);
			int rt = roles[e->role].top;
			s.cpus[rt >= 0 ? rt : nrt] += cpus;
			s.cpus_all += cpus;
		}
		if (pass == 1)
			break;
		/* rank the roles (ties: first seen) and open the outputs */
		for (int k = 0; k < nrt; k++) {
			size_t best = SIZE_MAX;
			for (size_t r = 0; r < nroles; r++)
				if (roles[r].top < 0 && (best == SIZE_MAX || roles[r].cpu_sum > roles[best].cpu_sum))
					best = r;
			roles[best].top = k;
		}
		s.share = calloc((size_t)ntop + 1, sizeof *s.share);
		s.cpus = calloc((size_t)nrt + 1, sizeof *s.cpus);
		snprintf(path, sizeof path, "%s/utilization.csv", out);
		util = fopen(path, "r");
		if (!util || !fgets(line, sizeof line, util)) {
			err_out("cannot read", path);
			break;
		}
		snprintf(path, sizeof path, "%s/plot_shares.dat", out);
		sf = fopen(path, "w");
		snprintf(path, sizeof path, "%s/plot_roles.dat", out);
		rf = fopen(path, "w");
		if (!sf || !rf || !s.share || !s.cpus) {
			err_out("cannot write", path);
			break;
		}
		/* headers: gnuplot's columnhead() titles */
		fputs("time", sf);
		for (int k = 0; k < ntop; k++)
			fprintf(sf, "\t%s", top_list[k].name);
		fprintf(sf, "\tothers (%zu)\n", nf - (size_t)ntop);
		fputs("time", rf);
		for (int k = 0; k < nrt; k++)
			for (size_t r = 0; r < nroles; r++)
				if (roles[r].top == k)
					fprintf(rf, "\t%s", roles[r].name);
		fprintf(rf, "\tothers (%zu)\n", nroles - (size_t)nrt);
	}
	if (sf && rf) {
		flush(sf, rf, &s, ntop, nrt, util, &util_ok);
		rc = 0;
	}
done:
	free(sorted);
	if (ts)
		fclose(ts);
	if (util)
		fclose(util);
	if (sf && (ferror(sf) | fclose(sf)))
		rc = err_out("write error", "plot_shares.dat");
	if (rf && (ferror(rf) | fclose(rf)))
		rc = err_out("write error", "plot_roles.dat");
	free(s.share);
	free(s.cpus);
	free(fw);
	free(roles);
	cli_json_free(sum);
	return rc;
}
