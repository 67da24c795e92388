/*
 * metrics.c — what a run measures and the files it writes: time integrals of
 * utilization and of each framework's dominant share (updated only when a
 * value changes, so the cost is O(1) per task start/end), the periodic
 * timeseries.csv and utilization.csv rows, and at the end jobs.csv,
 * summary.json and perf.json. Every field is documented in sim/README.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "engine.h"

/* ------------------------------------------------------------ formatting */

/* Seconds from nanoseconds, exact, without trailing zeros ("12.5"). */
static const char *fmt_ns(char *buf, int64_t ns)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t a = ns < 0 ? (uint64_t)(-(ns + 1)) + 1 : (uint64_t)ns;
	uint64_t ip = a / 1000000000u, fp = a % 1000000000u;
	if (fp == 0) {
		sprintf(buf, "%s%" PRIu64, sign, ip);
		return buf;
	}
	int n = sprintf(buf, "%s%" PRIu64 ".%09" PRIu64, sign, ip, fp);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	return buf;
}

/* A fixed-point amount in thousandths, exact ("2.5"). */
static const char *fmt_milli(char *buf, int64_t v)
{
	const char *sign = v < 0 ? "-" : "";
	uint64_t a = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
	if (a % 1000 == 0) {
		sprintf(buf, "%s%" PRIu64, sign, a / 1000);
		return buf;
	}
	int n = sprintf(buf, "%s%" PRIu64 ".%03" PRIu64, sign, a / 1000, a % 1000);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	return buf;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A double with 6 decimals, or null when not finite. */
static void json_num(FILE *f, double v)
{
	if (v != v || v > 1e300 || v < -1e300)
		fputs("null", f);
	else
		fprintf(f, "%.6f", v);
}

/* ------------------------------------------------------------- integrals */

static double share_of(const sim *s, const int64_t held[NRES])
{
	double best = 0;
	for (int k = 0; k < NRES; k++) {
		if (s->total[k] <= 0)
			continue;
		double x = (double)held[k] / (double)s->total[k];
		if (x > best)
			best = x;
	}
	return best;
}

static void advance_cluster(sim *s)
{
	ac_time dt = s->now - s->metrics_t;
	if (dt <= 0)
		return;
	for (int k = 0; k < NRES; k++) {
		s->used_integral[k] += (double)s->used[k] * (double)dt;
		s->cap_integral[k] += (double)s->total[k] * (double)dt;
	}
	s->metrics_t = s->now;
}

static void advance_fw(sim *s, sim_fw *fw)
{
	ac_time dt = s->now - fw->share_t;
	if (dt > 0)
		fw->share_integral += fw->share * (double)dt;
	fw->share_t = s->now;
}

void metrics_fw_add(sim *s, uint32_t f, const int64_t res[NRES], int sign)
{
	sim_fw *fw = &s->fws[f];
	advance_cluster(s);
	advance_fw(s, fw);
	for (int k = 0; k < NRES; k++) {
		fw->used[k] += sign * res[k];
		s->used[k] += sign * res[k];
	}
	fw->share = share_of(s, fw->used);
}

void metrics_total_add(sim *s, const int64_t res[NRES], int sign)
{
	advance_cluster(s);
	for (int k = 0; k < NRES; k++)
		s->total[k] += sign * res[k];
	for (size_t f = 0; f < s->fw_names.n; f++) {
		advance_fw(s, &s->fws[f]);
		s->fws[f].share = share_of(s, s->fws[f].used);
	}
}

/* ---------------------------------------------------------------- files */

static FILE *open_out(sim *s, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", s->cfg.out_dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		sim_fail(s, "%s: cannot write: %s", path, strerror(errno));
		s->failed = -2;
		return NULL;
	}
	return f;
}

static int close_out(sim *s, FILE *f, const char *name)
{
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		sim_fail(s, "%s/%s: write error", s->cfg.out_dir, name);
		s->failed = -2;
		return -2;
	}
	return 0;
}

int metrics_open(sim *s)
{
	if (!s->cfg.out_dir)
		return 0;
	if (!(s->ts = open_out(s, "timeseries.csv")) || !(s->util = open_out(s, "utilization.csv")))
		return -1;
	setvbuf(s->ts, NULL, _IOFBF, 1 << 16);
	fputs("time,framework,running_tasks,cpus,mem,dominant_share\n", s->ts);
	fputs("time,cpus,mem,disk,gpus\n", s->util);
	return 0;
}

void metrics_close(sim *s)
{
	if (s->ts)
		fclose(s->ts);
	if (s->util)
		fclose(s->util);
	s->ts = s->util = NULL;
}

int metrics_sample(sim *s)
{
	if (s->sampled_once && s->last_sample == s->now)
		return 0;
	s->sampled_once = true;
	s->last_sample = s->now;
	if (!s->ts)
		return 0;
	char t[32], a[32], b[32];
	fmt_ns(t, s->now);
	for (size_t f = 0; f < s->fw_names.n; f++) {
		sim_fw *fw = &s->fws[f];
		ac_fw_info info;
		ac_err e;
		if (ac_fw_info_get(s->cores[fw->core].core, fw->id, &info, &e) < 0)
			return sim_fail(s, "internal: framework info: %s", e.msg);
		/* the core's held = accepted + offered; over the whole cluster
		 * (the core's own total is one slice under --policy static) */
		int64_t held[NRES];
		for (int k = 0; k < NRES; k++)
			held[k] = info.allocated.v[k] + info.offered.v[k];
		fprintf(s->ts, "%s,%s,%" PRIu64 ",%s,%s,%.6f\n", t, fw->cfg.name, fw->running,
		        fmt_milli(a, fw->used[0]), fmt_milli(b, fw->used[1]), share_of(s, held));
	}
	fprintf(s->util, "%s", t);
	for (int k = 0; k < NRES; k++)
		fprintf(s->util, ",%.6f", s->total[k] > 0 ? (double)s->used[k] / (double)s->total[k] : 0.0);
	fputc('\n', s->util);
	return 0;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* Nearest rank: the smallest value with at least p% of values <= it. */
static int64_t pct(const int64_t *v, size_t n, unsigned p)
{
	size_t rank = (p * n + 99) / 100;
	return v[rank ? rank - 1 : 0];
}

static void json_secs_stats(FILE *f, const char *name, int64_t *v, size_t n, const unsigned *ps, int nps)
{
	char b[32];
	fprintf(f, "  \"%s\": {", name);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)v[i];
	fputs("\"count\": ", f);
	fprintf(f, "%zu, \"mean\": ", n);
	if (n)
		json_num(f, sum / (double)n / 1e9);
	else
		fputs("null", f);
	qsort(v, n, sizeof *v, cmp_i64);
	for (int i = 0; i < nps; i++) {
		fprintf(f, ", \"p%u\": %s", ps[i], n ? fmt_ns(b, pct(v, n, ps[i])) : "null");
	}
	fputs("},\n", f);
}

static int write_jobs(sim *s)
{
	FILE *f = open_out(s, "jobs.csv");
	if (!f)
		return -1;
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	fputs("job_id,framework,submit,start,finish,wait,tasks\n", f);
	char a[32], b[32], c[32], d[32];
	for (size_t j = 0; j < s->job_names.n; j++) {
		const sim_job *job = &s->jobs[j];
		fprintf(f, "%s,%s,%s,%s,%s,%s,%" PRIu32 "\n", sim__names_get(&s->job_names, (uint32_t)j),
		        s->fws[job->fw].cfg.name, fmt_ns(a, job->submit_ns),
		        job->start_ns >= 0 ? fmt_ns(b, job->start_ns) : "",
		        job->finish_ns >= 0 ? fmt_ns(c, job->finish_ns) : "",
		        job->start_ns >= 0 ? fmt_ns(d, job->start_ns - job->submit_ns) : "", job->ntasks);
	}
	return close_out(s, f, "jobs.csv");
}

static int write_summary(sim *s)
{
	sim_stats st;
	sim_stats_get(s, &st);
	FILE *f = open_out(s, "summary.json");
	if (!f)
		return -1;
	char b[32];
	fputs("{\n  \"policy\": ", f);
	json_str(f, s->cfg.policy);
	fprintf(f, ",\n  \"seed\": %" PRIu64 ",\n", s->cfg.seed);
	if (s->cfg.remote_slowdown != SIM_SLOWDOWN_ONE) /* only when set: other outputs stay as they were */
		fprintf(f, "  \"remote_slowdown\": %s,\n", fmt_ns(b, s->cfg.remote_slowdown));
	fprintf(f, "  \"simulated_seconds\": %s,\n", fmt_ns(b, s->now));
	fprintf(f, "  \"events\": %" PRIu64 ",\n", st.events);
	fprintf(f, "  \"bad_rows\": %" PRIu64 ",\n", st.bad_rows);
	fprintf(f,
	        "  \"offers\": {\"made\": %" PRIu64 ", \"accepted\": %" PRIu64 ", \"declined\": %" PRIu64
	        ", \"rescinded\": %" PRIu64 "},\n",
	        st.offers_made, st.offers_accepted, st.offers_declined, st.offers_rescinded);
	uint64_t pending = 0;
	for (size_t fw = 0; fw < s->fw_names.n; fw++) {
		pending += s->fws[fw].pending.n;
		for (uint32_t i = 0; i < s->fws[fw].gang_q.n; i++)
			pending += s->jobs[sim_ring_at(&s->fws[fw].gang_q, i)].ngang;
	}
	fprintf(f,
	        "  \"tasks\": {\"submitted\": %" PRIu64 ", \"launched\": %" PRIu64 ", \"finished\": %" PRIu64
	        ", \"lost\": %" PRIu64 ", \"never_fit\": %" PRIu64 ", \"running_at_end\": %" PRIu64
	        ", \"waiting_at_end\": %" PRIu64 ", \"launched_with_preference\": %" PRIu64
	        ", \"launched_local\": %" PRIu64 "},\n",
	        st.tasks_submitted, st.tasks_launched, st.tasks_finished, st.tasks_lost, st.tasks_never_fit, s->running,
	        pending, s->launched_pref, s->launched_local);
	fprintf(f,
	        "  \"jobs\": {\"submitted\": %" PRIu64 ", \"finished\": %" PRIu64 ", \"unfinished\": %" PRIu64 "},\n",
	        st.jobs_submitted, st.jobs_finished, st.jobs_submitted - st.jobs_finished);
	/* job completion times of finished jobs */
	int64_t *jct = malloc(sizeof *jct * (st.jobs_finished ? st.jobs_finished : 1));
	if (!jct) {
		fclose(f);
		return sim_fail(s, "out of memory");
	}
	size_t n = 0;
	for (size_t j = 0; j < s->job_names.n; j++)
		if (s->jobs[j].finish_ns >= 0)
			jct[n++] = s->jobs[j].finish_ns - s->jobs[j].submit_ns;
	static const unsigned jps[] = {50, 95, 99}, wps[] = {50, 95};
	json_secs_stats(f, "job_completion_seconds", jct, n, jps, 3);
	free(jct);
	json_secs_stats(f, "task_wait_seconds", s->waits, s->nwaits, wps, 2);
	fputs("  \"utilization\": {", f);
	static const char *kinds[NRES] = {"cpus", "mem", "disk", "gpus"};
	for (int k = 0; k < NRES; k++) {
		fprintf(f, "%s\"%s\": ", k ? ", " : "", kinds[k]);
		if (s->cap_integral[k] > 0)
			json_num(f, s->used_integral[k] / s->cap_integral[k]);
		else
			fputs("null", f);
	}
	fputs("},\n", f);
	double sum = 0, sum2 = 0, T = (double)s->now;
	size_t nf = s->fw_names.n;
	for (size_t fw = 0; fw < nf; fw++) {
		double x = T > 0 ? s->fws[fw].share_integral / T : 0;
		sum += x;
		sum2 += x * x;
	}
	fputs("  \"jain_fairness\": ", f);
	if (nf && sum2 > 0)
		json_num(f, sum * sum / ((double)nf * sum2));
	else
		fputs("null", f);
	fputs(",\n  \"frameworks\": [", f);
	for (size_t fw = 0; fw < nf; fw++) {
		const sim_fw *x = &s->fws[fw];
		fputs(fw ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
		json_str(f, x->cfg.name);
		fputs(", \"role\": ", f);
		json_str(f, x->cfg.role);
		fprintf(f,
		        ", \"tasks_launched\": %" PRIu64 ", \"tasks_finished\": %" PRIu64 ", \"tasks_lost\": %" PRIu64
		        ", \"tasks_local\": %" PRIu64 ", \"tasks_with_preference\": %" PRIu64
		        ", \"mean_dominant_share\": ",
		        x->launched, x->finished, x->lost, x->launched_local, x->launched_pref);
		json_num(f, T > 0 ? x->share_integral / T : 0);
		fputc('}', f);
	}
	fputs(nf ? "\n  ]\n}\n" : "]\n}\n", f);
	return close_out(s, f, "summary.json");
}

int metrics_write_final(sim *s)
{
	advance_cluster(s);
	for (size_t f = 0; f < s->fw_names.n; f++)
		advance_fw(s, &s->fws[f]);
	if (metrics_sample(s) < 0)
		return s->failed;
	if (!s->cfg.out_dir)
		return 0;
	FILE *ts = s->ts, *util = s->util;
	s->ts = s->util = NULL;
	if (close_out(s, ts, "timeseries.csv") < 0 || close_out(s, util, "utilization.csv") < 0)
		return -2;
	if (write_jobs(s) < 0 || write_summary(s) < 0)
		return s->failed;
	return 0;
}

int sim_write_perf(sim *s, double wall, char *err, size_t errlen)
{
	s->err = err;
	s->errlen = errlen;
	if (!s->cfg.out_dir)
		return 0;
	sim_stats st;
	sim_stats_get(s, &st);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	FILE *f = open_out(s, "perf.json");
	if (!f)
		return -2;
	fprintf(f, "{\n  \"wall_seconds\": %.3f,\n", wall);
	fprintf(f, "  \"events_per_second\": %.0f,\n", wall > 0 ? (double)st.events / wall : 0.0);
	fprintf(f, "  \"offers_per_second\": %.0f,\n", wall > 0 ? (double)st.offers_made / wall : 0.0);
	fprintf(f, "  \"peak_rss_mb\": %.1f,\n", (double)ru.ru_maxrss / 1024.0);
	/* what the allocator did, summed over the cores: where the offers went */
	ac_counters sum = {0};
	for (uint32_t i = 0; i < s->ncores; i++) {
		ac_counters k;
		ac_counters_get(s->cores[i].core, &k);
		sum.passes += k.passes;
		sum.filtered_skips += k.filtered_skips;
		sum.filters_created += k.filters_created;
	}
	fprintf(f, "  \"allocator\": {\"passes\": %llu, \"filtered_skips\": %llu, \"filters_created\": %llu}\n}\n",
	        (unsigned long long)sum.passes, (unsigned long long)sum.filtered_skips,
	        (unsigned long long)sum.filters_created);
	return close_out(s, f, "perf.json");
}
