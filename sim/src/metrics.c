/*
 * metrics.c — what a run measures and the files it writes (metrics.h): time
 * integrals of utilization and of each framework's dominant share (updated
 * only when a value changes, through the engine's watch, so the cost is O(1)
 * per task start/end), the periodic timeseries.csv and utilization.csv rows,
 * the per-task rows of tasks.csv[.gz] as tasks end, and at the end jobs.csv,
 * summary.json and perf.json. Every field is documented in sim/README.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fmt.h"
#include "metrics.h"

/* ------------------------------------------------------------ formatting */

/* Seconds from nanoseconds, exact, without trailing zeros ("12.5"). */
static const char *fmt_ns(char *buf, int64_t ns)
{
	sim__put_ns(buf, ns);
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

static double share_of(const sim_metrics *me, const int64_t held[NRES])
{
	double best = 0;
	for (int k = 0; k < NRES; k++) {
		if (me->total[k] <= 0)
			continue;
		double x = (double)held[k] / (double)me->total[k];
		if (x > best)
			best = x;
	}
	return best;
}

static void advance_cluster(sim_metrics *me)
{
	ac_time now = me->e->now, dt = now - me->t;
	if (dt <= 0)
		return;
	for (int k = 0; k < NRES; k++) {
		me->used_integral[k] += (double)me->used[k] * (double)dt;
		me->cap_integral[k] += (double)me->total[k] * (double)dt;
	}
	me->t = now;
}

static void advance_fw(sim_metrics *me, sim_fw_metrics *fw)
{
	ac_time now = me->e->now, dt = now - fw->share_t;
	if (dt > 0)
		fw->share_integral += fw->share * (double)dt;
	fw->share_t = now;
}

/* watch: framework f's running tasks hold sign x res more. */
static void on_fw_use(void *ud, uint32_t f, const int64_t res[NRES], int sign)
{
	sim_metrics *me = ud;
	sim_fw_metrics *fw = &me->fws[f];
	advance_cluster(me);
	advance_fw(me, fw);
	for (int k = 0; k < NRES; k++) {
		fw->used[k] += sign * res[k];
		me->used[k] += sign * res[k];
	}
	fw->share = share_of(me, fw->used);
}

/* watch: the machines present hold sign x res more. */
static void on_capacity(void *ud, const int64_t res[NRES], int sign)
{
	sim_metrics *me = ud;
	advance_cluster(me);
	for (int k = 0; k < NRES; k++)
		me->total[k] += sign * res[k];
	for (size_t f = 0; f < me->nfws; f++) {
		advance_fw(me, &me->fws[f]);
		me->fws[f].share = share_of(me, me->fws[f].used);
	}
}

/* watch: a task started for the first time. */
static void on_first_start(void *ud, int64_t wait_ns)
{
	sim_metrics *me = ud;
	if (GROW(me->waits, me->waits_cap, me->nwaits + 1) < 0) {
		sim__fail(me->e, "out of memory");
		return;
	}
	me->waits[me->nwaits++] = wait_ns;
}

/* A CSV row built in place and written whole, to a FILE or a gzFile, with
 * no printf (fmt.h). A piece that does not fit what is left of the buffer
 * is written through after it, so that no field is ever cut short. */
typedef struct row_out {
	FILE *f;
	gzFile gz;
	size_t n;
	bool failed; /* a gzwrite failed */
	char buf[1024];
} row_out;

/* (not `= {...}`: that would clear the buffer, a kilobyte a row) */
static void row_init(row_out *r, FILE *f, gzFile gz)
{
	r->f = f;
	r->gz = gz;
	r->n = 0;
	r->failed = false;
}

static void row_write(row_out *r, const char *s, size_t len)
{
	if (r->f)
		fwrite(s, 1, len, r->f);
	else if (r->gz && len && gzwrite(r->gz, s, (unsigned)len) != (int)len)
		r->failed = true;
}

static void row_flush(row_out *r)
{
	row_write(r, r->buf, r->n);
	r->n = 0;
}

static void row_put(row_out *r, const char *s, size_t len)
{
	if (r->n + len > sizeof r->buf) {
		row_flush(r);
		if (len > sizeof r->buf) {
			row_write(r, s, len);
			return;
		}
	}
	memcpy(r->buf + r->n, s, len);
	r->n += len;
}

/* s, then sep (when not NUL). */
static void row_str(row_out *r, const char *s, char sep)
{
	row_put(r, s, strlen(s));
	if (sep)
		row_put(r, &sep, 1);
}

/* The piece b..end (in a buffer of SIM_FMT_MAX + 1), then sep (when not
 * NUL). */
static void row_piece(row_out *r, char *b, char *end, char sep)
{
	if (sep)
		*end++ = sep;
	row_put(r, b, (size_t)(end - b));
}

static void row_u64(row_out *r, uint64_t v, char sep)
{
	char b[SIM_FMT_MAX + 1];
	row_piece(r, b, sim__put_u64(b, v), sep);
}

/* Seconds from ns, or nothing when !have. */
static void row_ns(row_out *r, bool have, int64_t ns, char sep)
{
	char b[SIM_FMT_MAX + 1];
	row_piece(r, b, have ? sim__put_ns(b, ns) : b, sep);
}

static void row_milli(row_out *r, int64_t v, char sep)
{
	char b[SIM_FMT_MAX + 1];
	row_piece(r, b, sim__put_milli(b, v), sep);
}

static void row_fixed6(row_out *r, double x, char sep)
{
	char b[SIM_FMT_MAX + 1];
	row_piece(r, b, sim__put_fixed6(b, x), sep);
}

/* One row of tasks.csv for task t in the state it has now. */
static void task_row(sim_metrics *me, uint32_t t, const char *state)
{
	const sim_engine *e = me->e;
	const sim_task *x = &e->tasks[t];
	bool ended = x->state == T_FINISHED || x->state == T_LOST;
	bool placed = x->machine != SIM_NONE && (ended || x->state == T_RUNNING);
	const char *where = !placed || !x->loc_n ? "" : sim_engine_prefers(e, x, x->machine) ? "local" : "remote";
	row_out r;
	row_init(&r, me->tasks, me->tasks_gz);
	row_str(&r, sim__names_get(&e->job_names, x->job), ',');
	row_u64(&r, x->index, ',');
	row_str(&r, e->fws[x->fw].cfg.name, ',');
	row_ns(&r, true, x->submit_ns, ',');
	row_ns(&r, x->start_ns >= 0, x->start_ns, ',');
	row_ns(&r, ended, e->now, ',');
	row_str(&r, placed ? sim__names_get(&e->machine_names, x->machine) : "", ',');
	row_ns(&r, x->start_ns >= 0, x->start_ns - x->submit_ns, ',');
	row_str(&r, where, ',');
	row_u64(&r, x->lost_n, ',');
	row_u64(&r, e->cfg.resubmit_lost ? x->lost_n : 0u, ',');
	row_str(&r, state, '\n');
	row_flush(&r);
	if (r.failed)
		sim__fail(me->e, "%s/tasks.csv.gz: write error", e->cfg.out_dir);
}

/* watch: task t ended for good. */
static void on_task_done(void *ud, uint32_t t)
{
	sim_metrics *me = ud;
	task_row(me, t, me->e->tasks[t].state == T_FINISHED ? "finished" : "lost");
}

sim_watch sim__metrics_watch(sim_metrics *me)
{
	sim_watch w = {me, on_fw_use, on_capacity, on_first_start, on_task_done};
	return w;
}

/* ---------------------------------------------------------------- files */

static FILE *open_out(sim_metrics *me, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", me->e->cfg.out_dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		sim__fail(me->e, "%s: cannot write: %s", path, strerror(errno));
		me->e->failed = -2;
		return NULL;
	}
	return f;
}

static int close_out(sim_metrics *me, FILE *f, const char *name)
{
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		sim__fail(me->e, "%s/%s: write error", me->e->cfg.out_dir, name);
		me->e->failed = -2;
		return -2;
	}
	return 0;
}

int sim__metrics_open(sim_metrics *me)
{
	if (!me->e->cfg.out_dir)
		return 0;
	if (!(me->ts = open_out(me, "timeseries.csv")) || !(me->util = open_out(me, "utilization.csv")))
		return -1;
	setvbuf(me->ts, NULL, _IOFBF, 1 << 16);
	fputs("time,framework,running_tasks,cpus,mem,dominant_share\n", me->ts);
	fputs("time,cpus,mem,disk,gpus\n", me->util);
	static const char header[] = "job_id,task_index,framework,submit,start,end,agent,wait,locality,lost,"
	                             "resubmitted,state\n";
	if (me->e->cfg.tasks_out == 1) {
		if (!(me->tasks = open_out(me, "tasks.csv")))
			return -1;
		setvbuf(me->tasks, NULL, _IOFBF, 1 << 16);
		fputs(header, me->tasks);
	} else if (me->e->cfg.tasks_out == 2) {
		char path[4096];
		snprintf(path, sizeof path, "%s/tasks.csv.gz", me->e->cfg.out_dir);
		/* gzopen writes no name and no time in the header: the same rows
		 * give the same bytes */
		if (!(me->tasks_gz = gzopen(path, "wb6"))) {
			me->e->failed = -2;
			return sim__fail(me->e, "%s: cannot write: %s", path, strerror(errno));
		}
		gzbuffer(me->tasks_gz, 1 << 16);
		gzputs(me->tasks_gz, header);
	}
	return 0;
}

int sim__metrics_sample(sim_metrics *me)
{
	const sim_engine *e = me->e;
	if (me->sampled_once && me->last_sample == e->now)
		return 0;
	me->sampled_once = true;
	me->last_sample = e->now;
	if (!me->ts)
		return 0;
	char t[SIM_FMT_MAX];
	size_t tlen = (size_t)(sim__put_ns(t, e->now) - t);
	/* read once: the calls below cannot move them */
	const sim_fw *fws = e->fws;
	const sim_fw_metrics *mfws = me->fws;
	const sim_core *cores = e->cores;
	FILE *ts = me->ts;
	/* The index sampled last holds until now. */
	if (me->fair_valid && e->now > me->fair_t) {
		double dt = (double)(e->now - me->fair_t);
		me->fair_integral += me->fair_cur * dt;
		me->fair_time += dt;
	}
	double fsum = 0, fsum2 = 0;
	size_t fn = 0;
	for (size_t f = 0, n = me->nfws; f < n; f++) {
		const sim_fw *fw = &fws[f];
		ac_fw_info info;
		ac_err err;
		if (ac_fw_info_get(cores[fw->core].core, fw->id, &info, &err) < 0)
			return sim__fail(me->e, "internal: framework info: %s", err.msg);
		/* the core's held = accepted + offered; over the whole cluster
		 * (the core's own total is one slice under --policy static) */
		int64_t held[NRES];
		for (int k = 0; k < NRES; k++)
			held[k] = info.allocated.v[k] + info.offered.v[k];
		const int64_t *used = mfws[f].used;
		double share = share_of(me, held);
		/* time,framework,running,cpus,mem,share: printf's bytes,
		 * written without it (fmt.h), in one write */
		row_out r;
		row_init(&r, ts, NULL);
		row_put(&r, t, tlen);
		row_put(&r, ",", 1);
		row_str(&r, fw->cfg.name, ',');
		row_u64(&r, fw->running, ',');
		row_milli(&r, used[0], ',');
		row_milli(&r, used[1], ',');
		row_fixed6(&r, share, '\n');
		row_flush(&r);
		if (!fw->suppressed) { /* it wants offers: it has unmet demand */
			fsum += share;
			fsum2 += share * share;
			fn++;
		}
	}
	me->fair_valid = fn >= 2 && fsum2 > 0;
	me->fair_cur = me->fair_valid ? fsum * fsum / ((double)fn * fsum2) : 0;
	me->fair_t = e->now;
	row_out r;
	row_init(&r, me->util, NULL);
	row_put(&r, t, tlen);
	for (int k = 0; k < NRES; k++) {
		row_put(&r, ",", 1);
		row_fixed6(&r, me->total[k] > 0 ? (double)me->used[k] / (double)me->total[k] : 0.0, 0);
	}
	row_put(&r, "\n", 1);
	row_flush(&r);
	return 0;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* Sorts v ascending: an LSD radix sort, 16 bits a pass, on the values with
 * their sign bit flipped (so negatives come first), through a scratch array
 * of the same size and a table of counts; passes whose digit is the same
 * for every value are skipped. The 1M-task replay's two million waits and
 * completion times sort about 3x faster than with qsort (a comparison
 * callback per step), and the order is the same: a sort of integers has
 * one ascending order. Short lists go by insertion, and qsort takes over
 * when there is no memory for the scratch. */
static void sort_i64(int64_t *v, size_t n)
{
	enum { DIGITS = 1 << 16 };
	if (n < 64) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
				int64_t t = v[j];
				v[j] = v[j - 1];
				v[j - 1] = t;
			}
		return;
	}
	uint64_t *a = (uint64_t *)v, *b = malloc(n * sizeof *b + DIGITS * sizeof(size_t));
	if (!b) {
		qsort(v, n, sizeof *v, cmp_i64);
		return;
	}
	size_t *count = (size_t *)(b + n);
	const uint64_t flip = (uint64_t)1 << 63;
	for (size_t i = 0; i < n; i++)
		a[i] ^= flip;
	uint64_t *src = a, *dst = b;
	for (int shift = 0; shift < 64; shift += 16) {
		memset(count, 0, DIGITS * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xffff]++;
		if (count[(src[0] >> shift) & 0xffff] == n)
			continue; /* one digit for all: nothing moves */
		size_t sum = 0;
		for (size_t d = 0; d < DIGITS; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	for (size_t i = 0; i < n; i++)
		a[i] ^= flip;
	free(b);
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
	if (n) /* v is NULL when nothing was recorded (a run where no task started) */
		sort_i64(v, n);
	for (int i = 0; i < nps; i++) {
		fprintf(f, ", \"p%u\": %s", ps[i], n ? fmt_ns(b, pct(v, n, ps[i])) : "null");
	}
	fputs("},\n", f);
}

static int write_jobs(sim_metrics *me)
{
	const sim_engine *e = me->e;
	FILE *f = open_out(me, "jobs.csv");
	if (!f)
		return -1;
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	fputs("job_id,framework,submit,start,finish,wait,tasks\n", f);
	for (size_t j = 0; j < e->job_names.n; j++) {
		const sim_job *job = &e->jobs[j];
		row_out r;
		row_init(&r, f, NULL);
		row_str(&r, sim__names_get(&e->job_names, (uint32_t)j), ',');
		row_str(&r, e->fws[job->fw].cfg.name, ',');
		row_ns(&r, true, job->submit_ns, ',');
		row_ns(&r, job->start_ns >= 0, job->start_ns, ',');
		row_ns(&r, job->finish_ns >= 0, job->finish_ns, ',');
		row_ns(&r, job->start_ns >= 0, job->start_ns - job->submit_ns, ',');
		row_u64(&r, job->ntasks, '\n');
		row_flush(&r);
	}
	return close_out(me, f, "jobs.csv");
}

static int write_summary(sim_metrics *me, const sim_stats *st, uint64_t pending)
{
	const sim_engine *e = me->e;
	FILE *f = open_out(me, "summary.json");
	if (!f)
		return -1;
	char b[32];
	fputs("{\n  \"policy\": ", f);
	json_str(f, e->cfg.policy);
	fprintf(f, ",\n  \"seed\": %" PRIu64 ",\n", e->cfg.seed);
	if (e->cfg.remote_slowdown != SIM_SLOWDOWN_ONE) /* only when set: other outputs stay as they were */
		fprintf(f, "  \"remote_slowdown\": %s,\n", fmt_ns(b, e->cfg.remote_slowdown));
	fprintf(f, "  \"simulated_seconds\": %s,\n", fmt_ns(b, e->now));
	fprintf(f, "  \"events\": %" PRIu64 ",\n", st->events);
	fprintf(f, "  \"bad_rows\": %" PRIu64 ",\n", st->bad_rows);
	fprintf(f,
	        "  \"offers\": {\"made\": %" PRIu64 ", \"accepted\": %" PRIu64 ", \"declined\": %" PRIu64
	        ", \"rescinded\": %" PRIu64 "},\n",
	        st->offers_made, st->offers_accepted, st->offers_declined, st->offers_rescinded);
	fprintf(f,
	        "  \"tasks\": {\"submitted\": %" PRIu64 ", \"launched\": %" PRIu64 ", \"finished\": %" PRIu64
	        ", \"lost\": %" PRIu64 ", \"never_fit\": %" PRIu64 ", \"running_at_end\": %" PRIu64
	        ", \"waiting_at_end\": %" PRIu64 ", \"launched_with_preference\": %" PRIu64
	        ", \"launched_local\": %" PRIu64 "},\n",
	        st->tasks_submitted, st->tasks_launched, st->tasks_finished, st->tasks_lost, st->tasks_never_fit,
	        e->running, pending, e->launched_pref, e->launched_local);
	if (e->preempted_total) /* only a policy that preempts: other outputs stay as they were */
		fprintf(f, "  \"tasks_preempted\": %" PRIu64 ",\n", e->preempted_total);
	fprintf(f,
	        "  \"jobs\": {\"submitted\": %" PRIu64 ", \"finished\": %" PRIu64 ", \"unfinished\": %" PRIu64 "},\n",
	        st->jobs_submitted, st->jobs_finished, st->jobs_submitted - st->jobs_finished);
	/* job completion times of finished jobs */
	int64_t *jct = malloc(sizeof *jct * (st->jobs_finished ? st->jobs_finished : 1));
	if (!jct) {
		fclose(f);
		return sim__fail(me->e, "out of memory");
	}
	size_t n = 0;
	for (size_t j = 0; j < e->job_names.n; j++)
		if (e->jobs[j].finish_ns >= 0)
			jct[n++] = e->jobs[j].finish_ns - e->jobs[j].submit_ns;
	static const unsigned jps[] = {50, 95, 99}, wps[] = {50, 95};
	json_secs_stats(f, "job_completion_seconds", jct, n, jps, 3);
	free(jct);
	json_secs_stats(f, "task_wait_seconds", me->waits, me->nwaits, wps, 2);
	fputs("  \"utilization\": {", f);
	static const char *kinds[NRES] = {"cpus", "mem", "disk", "gpus"};
	for (int k = 0; k < NRES; k++) {
		fprintf(f, "%s\"%s\": ", k ? ", " : "", kinds[k]);
		if (me->cap_integral[k] > 0)
			json_num(f, me->used_integral[k] / me->cap_integral[k]);
		else
			fputs("null", f);
	}
	fputs("},\n", f);
	double sum = 0, sum2 = 0, T = (double)e->now;
	size_t nf = me->nfws;
	for (size_t fw = 0; fw < nf; fw++) {
		double x = T > 0 ? me->fws[fw].share_integral / T : 0;
		sum += x;
		sum2 += x * x;
	}
	fputs("  \"jain_fairness\": ", f);
	if (me->fair_time > 0)
		json_num(f, me->fair_integral / me->fair_time);
	else
		fputs("null", f);
	fputs(",\n  \"contended_seconds\": ", f);
	json_num(f, me->fair_time / 1e9);
	fputs(",\n  \"jain_fairness_of_work\": ", f);
	if (nf && sum2 > 0)
		json_num(f, sum * sum / ((double)nf * sum2));
	else
		fputs("null", f);
	fputs(",\n  \"frameworks\": [", f);
	for (size_t fw = 0; fw < nf; fw++) {
		const sim_fw *x = &e->fws[fw];
		fputs(fw ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
		json_str(f, x->cfg.name);
		fputs(", \"role\": ", f);
		json_str(f, x->cfg.role);
		fprintf(f,
		        ", \"tasks_launched\": %" PRIu64 ", \"tasks_finished\": %" PRIu64 ", \"tasks_lost\": %" PRIu64
		        ", \"tasks_local\": %" PRIu64 ", \"tasks_with_preference\": %" PRIu64
		        ", \"mean_dominant_share\": ",
		        x->launched, x->finished, x->lost, x->launched_local, x->launched_pref);
		json_num(f, T > 0 ? me->fws[fw].share_integral / T : 0);
		fputc('}', f);
	}
	fputs(nf ? "\n  ]\n}\n" : "]\n}\n", f);
	return close_out(me, f, "summary.json");
}

/* tasks.csv's last rows: the tasks still running or waiting at the end, in
 * record order; then the file is closed. */
static int write_tasks_left(sim_metrics *me)
{
	const sim_engine *e = me->e;
	if (!me->tasks && !me->tasks_gz)
		return 0;
	for (size_t t = 0; t < e->ntasks; t++) {
		uint8_t s = e->tasks[t].state;
		if (s == T_RUNNING)
			task_row(me, (uint32_t)t, "running");
		else if (s == T_PENDING || s == T_GANG_WAIT)
			task_row(me, (uint32_t)t, "waiting");
		else if (s == T_PARKED)
			task_row(me, (uint32_t)t, "never_fit");
	}
	if (me->tasks) {
		FILE *f = me->tasks;
		me->tasks = NULL;
		return close_out(me, f, "tasks.csv");
	}
	gzFile g = me->tasks_gz;
	me->tasks_gz = NULL;
	if (gzclose(g) != Z_OK) {
		me->e->failed = -2;
		return sim__fail(me->e, "%s/tasks.csv.gz: write error", e->cfg.out_dir);
	}
	return 0;
}

int sim__metrics_write_final(sim_metrics *me, const sim_stats *st, uint64_t waiting)
{
	advance_cluster(me);
	for (size_t f = 0; f < me->nfws; f++)
		advance_fw(me, &me->fws[f]);
	if (sim__metrics_sample(me) < 0)
		return me->e->failed;
	if (!me->e->cfg.out_dir)
		return 0;
	FILE *ts = me->ts, *util = me->util;
	me->ts = me->util = NULL;
	if (close_out(me, ts, "timeseries.csv") < 0 || close_out(me, util, "utilization.csv") < 0)
		return -2;
	if (write_jobs(me) < 0 || write_summary(me, st, waiting) < 0 || write_tasks_left(me) < 0)
		return me->e->failed;
	return 0;
}

int sim__metrics_write_perf(sim_metrics *me, const sim_stats *st, double wall)
{
	const sim_engine *e = me->e;
	if (!e->cfg.out_dir)
		return 0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	FILE *f = open_out(me, "perf.json");
	if (!f)
		return -2;
	fprintf(f, "{\n  \"wall_seconds\": %.3f,\n", wall);
	fprintf(f, "  \"events_per_second\": %.0f,\n", wall > 0 ? (double)st->events / wall : 0.0);
	fprintf(f, "  \"offers_per_second\": %.0f,\n", wall > 0 ? (double)st->offers_made / wall : 0.0);
	fprintf(f, "  \"peak_rss_mb\": %.1f,\n", (double)ru.ru_maxrss / 1024.0);
	/* what the allocator did, summed over the cores: where the offers went */
	ac_counters sum = {0};
	for (uint32_t i = 0; i < e->ncores; i++) {
		ac_counters k;
		ac_counters_get(e->cores[i].core, &k);
		sum.passes += k.passes;
		sum.filtered_skips += k.filtered_skips;
		sum.filters_created += k.filters_created;
	}
	fprintf(f, "  \"allocator\": {\"passes\": %llu, \"filtered_skips\": %llu, \"filters_created\": %llu}\n}\n",
	        (unsigned long long)sum.passes, (unsigned long long)sum.filtered_skips,
	        (unsigned long long)sum.filters_created);
	return close_out(me, f, "perf.json");
}

/* ------------------------------------------------------------------- life */

void sim__metrics_init(sim_metrics *me, sim_engine *e)
{
	memset(me, 0, sizeof *me);
	me->e = e;
}

int sim__metrics_sync(sim_metrics *me)
{
	size_t n = me->e->fw_names.n;
	if (n <= me->nfws)
		return 0;
	if (GROW(me->fws, me->fws_cap, n) < 0)
		return sim__fail(me->e, "out of memory");
	for (; me->nfws < n; me->nfws++) {
		memset(&me->fws[me->nfws], 0, sizeof me->fws[0]);
		me->fws[me->nfws].share_t = me->e->now; /* its share counts from its registration */
	}
	return 0;
}

void sim__metrics_free(sim_metrics *me)
{
	if (me->ts)
		fclose(me->ts);
	if (me->util)
		fclose(me->util);
	if (me->tasks)
		fclose(me->tasks);
	if (me->tasks_gz)
		gzclose(me->tasks_gz);
	me->ts = me->util = me->tasks = NULL;
	me->tasks_gz = NULL;
	free(me->fws);
	free(me->waits);
}
