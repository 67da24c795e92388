/*
 * generate.c — the Google-2011-matched synthetic workload (`meso-trace gen`):
 * writes a native CSV workload of any size, streaming (constant memory), from
 * a seeded xoshiro256** and inverse-CDF sampling of piecewise-linear quantile
 * tables derived from ../shared/traces/README-formats.md §7.1, and the
 * cell's standing load at t=0 (§1.4: the long-running jobs present when the
 * trace begins), unless empty_start. Integer arithmetic only, so the same
 * arguments give byte-identical files anywhere.
 * What is matched and how closely: traces/README.md, "meso-trace gen".
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/traces.h"

/* ------------------------------------------------------------------ PRNG */

typedef struct rng {
	uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna). */
static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* A uniform fraction in [0, 1) as 32 bits. */
static uint32_t rng_u32(rng *r)
{
	return (uint32_t)(rng_next(r) >> 32);
}

/* ------------------------------------------------------ quantile tables */

/* A quantile function: points (p in millionths, value), p strictly
 * increasing from 0 to 1e6 except that a repeated value makes an atom (a flat
 * segment); linear in between. */
typedef struct qpoint {
	uint32_t p_ppm;
	int64_t v;
} qpoint;

typedef struct qtable {
	const qpoint *pt;
	int n;
	bool ceil; /* round up (counts: bins' upper bounds are exact) */
} qtable;

/* Q(u), u a 32-bit fraction. */
static int64_t q_sample(const qtable *q, uint32_t u)
{
	/* x = u * 1e6 in units of 2^-32 ppm: exact, fits 64 bits */
	uint64_t x = (uint64_t)u * 1000000u;
	int i = 0;
	while (i + 2 < q->n && x >= ((uint64_t)q->pt[i + 1].p_ppm << 32))
		i++;
	const qpoint *a = &q->pt[i], *b = &q->pt[i + 1];
	uint64_t lo = (uint64_t)a->p_ppm << 32, span = (uint64_t)(b->p_ppm - a->p_ppm) << 32;
	if (b->v == a->v || span == 0)
		return a->v;
	unsigned __int128 num = (unsigned __int128)(uint64_t)(b->v - a->v) * (x - lo);
	uint64_t step = (uint64_t)(num / span);
	if (q->ceil && num % span)
		step++;
	return a->v + (int64_t)step;
}

#define QT(arr, c)                                                                                                     \
	{                                                                                                              \
		arr, (int)(sizeof arr / sizeof arr[0]), c                                                              \
	}

/* Tasks per job (15,165 jobs first seen in the first 19.6 h): the histogram's
 * bin edges exactly (79.3% single), p90 18, an atom at 100 (p95 100), p99
 * 967, an atom at 1,000, a tail to the max 10,500 kept light so the mean
 * stays near 31. Rounded up. */
static const qpoint tasks_per_job[] = {
        {0, 1},         {792900, 1},    {820100, 2},    {829500, 5},    {851100, 10},     {900000, 18},
        {941400, 50},   {946800, 100},  {956800, 100},  {975000, 250},  {985000, 500},    {990000, 967},
        {990500, 1000}, {992700, 1000}, {998000, 1500}, {999500, 3000}, {1000000, 10500},
};

/* CPU request, normalized × 1e6: the deciles (0, .0062, .0125, .0125, .025,
 * .0306, .0375, .0625, .0625, .0687), p99 .1875, max .5, with the ten most
 * common values as atoms of their documented weights and short ramps between
 * them. */
static const qpoint cpu_req[] = {
        {0, 0},          {6000, 0},       {10000, 6248},   {108000, 6248},  {110000, 9369},   {150000, 9369},
        {152000, 12500}, {310000, 12500}, {330000, 24990}, {443000, 24990}, {505000, 31250},  {574000, 31250},
        {580000, 37480}, {623000, 37480}, {640000, 49990}, {663000, 49990}, {680000, 62500},  {880000, 62500},
        {885000, 68730}, {915000, 68730}, {930000, 99980}, {971000, 99980}, {990000, 187500}, {1000000, 500000},
};

/* Memory request, normalized × 1e6: the deciles (0, .0042, .0082, .0132,
 * .0187, .0253, .0318, .0334, .0477, .1122), p99 .159, max .955; atoms at the
 * top values (.0318 10.4%, .1592 4.1%; .02545, .0159, .03339, .02069 with
 * weights 7, 6, 5.5, 5% — only their order is documented). */
static const qpoint mem_req[] = {
        {0, 0},           {100000, 4200},   {200000, 8200},   {300000, 13200},   {330000, 15900}, {390000, 15900},
        {400000, 18700},  {420000, 20690},  {470000, 20690},  {475000, 25450},   {540000, 25450}, {545000, 31800},
        {649000, 31800},  {660000, 33390},  {715000, 33390},  {800000, 47700},   {850000, 60000}, {900000, 112200},
        {950000, 159200}, {991000, 159200}, {999000, 500000}, {1000000, 955000},
};

/* Memory given CPU, as quantiles: a checkerboard Gaussian copula. The unit
 * square is cut into 16 × 16 equal-probability cells; cop_w[i][j] is the
 * Gaussian copula's mass (correlation r = 0.586) in cell (i, j) times
 * 16 × 2^16, rounded, symmetric, with the rounding put on the diagonal so that
 * every row and every column sums to exactly 2^16. The matrix is doubly
 * stochastic, so the memory quantile stays exactly uniform (the memory table is
 * matched as before) while following the CPU's. r was chosen so that the
 * Pearson cpu–mem of the two tables under this copula is 0.360 (§7.1: 0.36).
 * Reusing the CPU quantile in a fixed share of jobs gives about the same mean
 * but a 1.5–2× wider spread per trace (a job is either on the diagonal or
 * independent), which the few jobs of 1,000+ tasks make large. */
static const uint32_t cop_w[16][16] = {
        {21214, 11522, 8076, 6020, 4615, 3584, 2796, 2177, 1681, 1279, 951, 683, 464, 287, 146, 41},
        {11522, 9646, 8067, 6820, 5791, 4918, 4161, 3497, 2908, 2382, 1910, 1484, 1099, 750, 435, 146},
        {8076, 8067, 7368, 6653, 5969, 5324, 4716, 4140, 3595, 3075, 2579, 2102, 1642, 1193, 750, 287},
        {6020, 6820, 6653, 6312, 5902, 5463, 5008, 4545, 4077, 3605, 3129, 2645, 2152, 1642, 1099, 464},
        {4615, 5791, 5969, 5902, 5716, 5459, 5152, 4809, 4434, 4032, 3602, 3141, 2645, 2102, 1484, 683},
        {3584, 4918, 5324, 5463, 5459, 5360, 5193, 4970, 4698, 4380, 4016, 3602, 3129, 2579, 1910, 951},
        {2796, 4161, 4716, 5008, 5152, 5193, 5157, 5051, 4886, 4663, 4380, 4032, 3605, 3075, 2382, 1279},
        {2177, 3497, 4140, 4545, 4809, 4970, 5051, 5062, 5006, 4886, 4698, 4434, 4077, 3595, 2908, 1681},
        {1681, 2908, 3595, 4077, 4434, 4698, 4886, 5006, 5062, 5051, 4970, 4809, 4545, 4140, 3497, 2177},
        {1279, 2382, 3075, 3605, 4032, 4380, 4663, 4886, 5051, 5157, 5193, 5152, 5008, 4716, 4161, 2796},
        {951, 1910, 2579, 3129, 3602, 4016, 4380, 4698, 4970, 5193, 5360, 5459, 5463, 5324, 4918, 3584},
        {683, 1484, 2102, 2645, 3141, 3602, 4032, 4434, 4809, 5152, 5459, 5716, 5902, 5969, 5791, 4615},
        {464, 1099, 1642, 2152, 2645, 3129, 3605, 4077, 4545, 5008, 5463, 5902, 6312, 6653, 6820, 6020},
        {287, 750, 1193, 1642, 2102, 2579, 3075, 3595, 4140, 4716, 5324, 5969, 6653, 7368, 8067, 8076},
        {146, 435, 750, 1099, 1484, 1910, 2382, 2908, 3497, 4161, 4918, 5791, 6820, 8067, 9646, 11522},
        {41, 146, 287, 464, 683, 951, 1279, 1681, 2177, 2796, 3584, 4615, 6020, 8076, 11522, 21214},
};

/* The memory quantile of a job whose CPU quantile is ucpu: ucpu's top 4 bits
 * pick the row, ucol the column by its weights, ucell the place in the cell. */
static uint32_t mem_quantile(uint32_t ucpu, uint32_t ucol, uint32_t ucell)
{
	const uint32_t *w = cop_w[ucpu >> 28];
	uint32_t x = ucol >> 16, j = 0;
	/* the row sums to 2^16 > x, so this stops at j <= 15 */
	while (x >= w[j])
		x -= w[j++];
	return j << 28 | ucell >> 4;
}

/* Task runtime, µs: p1 21 s, p10 81, p25 179, p50 447, p75 1,300, p90 4,619,
 * p99 13,986 (single-attempt FINISH runtimes of the 19.6 h window), then a
 * long-running-service tail: 0.8% from 3.9 h to a day, 0.2% to 29 days. */
static const qpoint duration_us[] = {
        {0, 1000000LL},          {10000, 21000000LL},        {100000, 81000000LL},   {250000, 179000000LL},
        {500000, 447000000LL},   {750000, 1300000000LL},     {900000, 4619000000LL}, {990000, 13986000000LL},
        {998000, 86400000000LL}, {1000000, 2505600000000LL},
};

/* Job inter-arrival, µs, at 12,583 machines: p50 0.89 s, p90 12.6 s, p99
 * 31.3 s, mean 3.75 s (p75 and p95 chosen to give that mean). */
static const qpoint gap_us[] = {
        {0, 0},
        {500000, 890000},
        {750000, 1500000},
        {900000, 12600000},
        {950000, 17000000},
        {990000, 31300000},
        {1000000, 60000000},
};

/* Jobs per hour of day (EDT, 00h first), averaged over the 29 days. */
static const uint32_t diurnal[24] = {1292, 967, 935, 900,  1116, 807,  795,  847, 913, 889, 1013, 973,
                                     929,  940, 895, 1032, 1137, 1105, 1013, 998, 982, 909, 848,  802};

/* Task priorities (share of tasks in the 19.6 h window, ‰ × 1000; sums to
 * 1,000,400 as documented). */
typedef struct prio_weight {
	int prio;
	uint32_t w;
} prio_weight;
static const prio_weight prios[] = {{0, 227000}, {1, 104000}, {2, 500000}, {4, 57000}, {6, 1400},
                                    {8, 14000},  {9, 85000},  {10, 1300},  {11, 10700}};

/* The ten 2011 machine classes (normalized × 1e6; 1.0 CPU = 32 cores,
 * 1.0 memory = 131,072 MB, as the Google 2011 reader). */
static const struct {
	uint32_t count;
	int64_t cpu, mem;
} classes[10] = {
        {6732, 500000, 499500}, {3863, 500000, 249300}, {1001, 500000, 749000}, {795, 1000000, 1000000},
        {126, 250000, 249800},  {52, 500000, 124100},   {5, 500000, 30850},     {5, 500000, 967800},
        {3, 1000000, 500000},   {1, 500000, 61580},
};
#define CLASS_TOTAL  12583
#define CPU_MILLI(n) (((n)*32 + 500) / 1000)     /* normalized × 1e6 → thousandths of a core */
#define MEM_MILLI(n) (((n)*131072 + 500) / 1000) /* normalized × 1e6 → thousandths of a MB */
#define BURST_PPM    50000                       /* share of hours in a burst */
#define USERS_TOTAL  933

/* The standing load: at t=0 the 2011 cell held 3,986 jobs whose 144,339
 * tasks were submitted before the trace, 132,982 of them scheduled, i.e.
 * running (README-formats §1.1, §1.4; computed from part 00000). Only the
 * running ones are written. Scaled to the cell size like the arrivals. */
#define STANDING_JOBS  3986
#define STANDING_TASKS 132982
/* The last job event of the trace, µs: production services run to here. */
#define TRACE_END_US 2506198000000ULL
/* Standing jobs by priority band: the jobs of the t=0 rows in the 5,000-row
 * head of task_events part 00000 (../shared/traces, the first 314 of the
 * 3,986 t=0 jobs in file order; computed by us): 9 production, 10
 * monitoring, 11 (the top band, 2 jobs holding 2,120 of the 5,000 tasks),
 * and 0, 1, 8 (free and batch bands, still running when the trace began). */
static const prio_weight standing_prios[] = {{9, 159}, {10, 101}, {1, 29}, {0, 19}, {8, 4}, {11, 2}};
/* The standing load is capped at this share of each resource (percent;
 * tr_gen_config.standing_cap_pct overrides): a job that would pass it is
 * redrawn, and after 16 draws cut to what fits. Uncapped, the documented
 * count with the arrivals' request tables asks for about 80% of the CPU
 * and memory, which with the arrivals on top is more than the cell has:
 * Borg over-committed and preempted, Meso's allocator does neither, so the
 * queue would only grow (traces/README.md, "Standing load"). */
#define STANDING_CAP_PCT 50

/* ----------------------------------------------------------- the writer */

typedef struct out {
	FILE *f;
	char buf[1 << 16];
	size_t n;
	int err;
} out;

static void out_flush(out *o)
{
	if (o->n && fwrite(o->buf, 1, o->n, o->f) != o->n)
		o->err = errno ? errno : EIO;
	o->n = 0;
}

static void out_str(out *o, const char *s)
{
	size_t len = strlen(s);
	if (o->n + len > sizeof o->buf)
		out_flush(o);
	memcpy(o->buf + o->n, s, len);
	o->n += len;
}

static void out_u64(out *o, uint64_t v)
{
	char tmp[24];
	int i = sizeof tmp;
	tmp[--i] = 0;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out_str(o, tmp + i);
}

/* A fixed-point decimal: v / 10^digits with exactly that many decimals. */
static void out_fixed(out *o, uint64_t v, int digits)
{
	uint64_t unit = 1;
	for (int i = 0; i < digits; i++)
		unit *= 10;
	out_u64(o, v / unit);
	char frac[24];
	uint64_t r = v % unit;
	frac[0] = '.';
	for (int i = digits; i >= 1; i--, r /= 10)
		frac[i] = (char)('0' + r % 10);
	frac[digits + 1] = 0;
	out_str(o, frac);
}

static int out_open(out *o, const char *dir, const char *name, tr_err *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	o->n = 0;
	o->err = 0;
	if (!(o->f = fopen(path, "w"))) {
		err->code = TR_EIO;
		snprintf(err->msg, sizeof err->msg, "%.400s: cannot create: %s", path, strerror(errno));
		return TR_EIO;
	}
	return 0;
}

static int out_close(out *o, const char *dir, const char *name, tr_err *err)
{
	out_flush(o);
	if (fclose(o->f) != 0 && !o->err)
		o->err = errno ? errno : EIO;
	if (o->err) {
		err->code = TR_EIO;
		snprintf(err->msg, sizeof err->msg, "%s/%s: write error: %s", dir, name, strerror(o->err));
		return TR_EIO;
	}
	return 0;
}

static int write_machines(const tr_gen_config *cfg, tr_err *err)
{
	/* largest remainder, ties to the larger class: the Google reader's rule */
	uint64_t cnt[10], rem[10], given = 0;
	for (int c = 0; c < 10; c++) {
		cnt[c] = (uint64_t)classes[c].count * cfg->machines / CLASS_TOTAL;
		rem[c] = (uint64_t)classes[c].count * cfg->machines % CLASS_TOTAL;
		given += cnt[c];
	}
	while (given < cfg->machines) {
		int best = 0;
		for (int c = 1; c < 10; c++)
			if (rem[c] > rem[best])
				best = c;
		cnt[best]++;
		rem[best] = 0;
		given++;
	}
	out o;
	if (out_open(&o, cfg->dir, "machines.csv", err) < 0)
		return TR_EIO;
	out_str(&o, "time,machine_id,event,cpus,mem\n");
	uint64_t id = 1;
	for (int c = 0; c < 10; c++)
		for (uint64_t k = 0; k < cnt[c]; k++) {
			out_str(&o, "0,");
			out_u64(&o, id++);
			out_str(&o, ",add,");
			out_fixed(&o, (uint64_t)CPU_MILLI(classes[c].cpu), 3);
			out_str(&o, ",");
			out_fixed(&o, (uint64_t)MEM_MILLI(classes[c].mem), 3);
			out_str(&o, "\n");
		}
	return out_close(&o, cfg->dir, "machines.csv", err);
}

/* The rate factor of hour h since the start, as a divisor of the gap:
 * gap × num / den, where the diurnal profile and a burst (rate × 3 in 5% of
 * the hours, chosen by hashing the seed and h) move the rate around its mean
 * and the cluster size scales it linearly. */
static void hour_scale(const tr_gen_config *cfg, uint64_t h, uint64_t *num, uint64_t *den)
{
	uint64_t sum = 0;
	for (int i = 0; i < 24; i++)
		sum += diurnal[i];
	uint64_t x = cfg->seed ^ (h * 0xd1b54a32d192ed03ULL);
	bool burst = (splitmix64(&x) >> 32) * 1000000 >> 32 < BURST_PPM;
	/* mean factor: E[diurnal]/mean × E[b]/1.1 = 1 (b = 3 in 5% of hours) */
	*num = (uint64_t)CLASS_TOTAL * 11 * sum;
	*den = (uint64_t)cfg->machines * 24 * diurnal[h % 24] * (burst ? 30 : 10);
	if (cfg->load_permille && cfg->load_permille != 1000) {
		/* a load factor F divides the gaps by F (exact: both × 1000) */
		*num *= 1000;
		*den *= cfg->load_permille;
	}
}

/* A priority from a weight table. */
static int draw_prio(rng *r, const prio_weight *t, size_t n)
{
	uint32_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += t[i].w;
	uint32_t pw = (uint32_t)(((uint64_t)rng_u32(r) * total) >> 32);
	for (size_t i = 0; i < n; i++) {
		if (pw < t[i].w)
			return t[i].prio;
		pw -= t[i].w;
	}
	return t[0].prio;
}

/* One row of tasks.csv: head is ",JOB," and tail ",USER,". */
static void write_row(out *o, uint64_t t_us, const char *head, uint64_t k, const char *tail, uint64_t c, uint64_t m,
                      uint64_t d, int prio)
{
	out_fixed(o, t_us, 6);
	out_str(o, head);
	out_u64(o, k);
	out_str(o, tail);
	out_fixed(o, c, 3);
	out_str(o, ",");
	out_fixed(o, m, 3);
	out_str(o, ",");
	out_fixed(o, d, 6);
	out_str(o, ",");
	out_u64(o, (uint64_t)prio);
	out_str(o, "\n");
}

/* A skewed user (a few submit most jobs, as in the trace). */
static uint64_t draw_user(rng *r, uint64_t users)
{
	uint64_t u = rng_u32(r);
	u = (((u * u) >> 32) * u) >> 32;
	return (u * users) >> 32;
}

/* The cell's standing load, written at t=0 before the arrivals: jobs "s1",
 * "s2", ... Its own random stream (seed ^ a constant), so that the arrivals
 * are exactly those of an empty start. Sizes: STANDING_JOBS and
 * STANDING_TASKS scaled to the machines; tasks per job drawn from the
 * arrivals' table as weights and scaled to the total (largest remainder,
 * each job at least one task); one request per job from the arrivals'
 * tables; bands 9-11 run to the end of the trace, the others a
 * long-running-service draw (the top 1% of runtimes: 3.9 h to 29 days). */
static void write_standing(const tr_gen_config *cfg, out *o, uint64_t users, tr_gen_stats *st)
{
	static const qtable tpj = QT(tasks_per_job, true), cpu = QT(cpu_req, false), mem = QT(mem_req, false),
	                    dur = QT(duration_us, false);
	uint64_t ntasks = ((uint64_t)STANDING_TASKS * cfg->machines + CLASS_TOTAL / 2) / CLASS_TOTAL;
	uint64_t njobs = ((uint64_t)STANDING_JOBS * cfg->machines + CLASS_TOTAL / 2) / CLASS_TOTAL;
	if (njobs > ntasks)
		njobs = ntasks;
	if (njobs == 0)
		return;
	rng r;
	rng_seed(&r, cfg->seed ^ 0x5ca1ab1e0ddba11ULL);
	uint64_t *n = calloc(njobs, sizeof *n), sum = 0;
	if (!n) {
		o->err = ENOMEM;
		return;
	}
	for (uint64_t j = 0; j < njobs; j++)
		sum += n[j] = (uint64_t)q_sample(&tpj, rng_u32(&r));
	/* each job one task, the rest in proportion to the weights by largest
	 * remainder (ties: the earlier job) */
	uint64_t given = njobs, *rem = calloc(njobs, sizeof *rem);
	if (!rem) {
		free(n);
		o->err = ENOMEM;
		return;
	}
	for (uint64_t j = 0; j < njobs; j++) {
		unsigned __int128 x = (unsigned __int128)n[j] * (ntasks - njobs);
		uint64_t c = (uint64_t)(x / sum);
		rem[j] = (uint64_t)(x % sum);
		n[j] = 1 + c;
		given += c;
	}
	while (given < ntasks) {
		uint64_t best = 0;
		for (uint64_t j = 1; j < njobs; j++)
			if (rem[j] > rem[best])
				best = j;
		n[best]++;
		rem[best] = 0;
		given++;
	}
	free(rem);
	/* capacity, for the cap (normalized × 1e6 × machines of each class) */
	unsigned __int128 cap_cpu = 0, cap_mem = 0;
	for (int c = 0; c < 10; c++) {
		cap_cpu += (unsigned __int128)classes[c].count * (uint64_t)classes[c].cpu;
		cap_mem += (unsigned __int128)classes[c].count * (uint64_t)classes[c].mem;
	}
	uint32_t pct = cfg->standing_cap_pct ? cfg->standing_cap_pct : STANDING_CAP_PCT;
	cap_cpu = cap_cpu * cfg->machines / CLASS_TOTAL * pct / 100;
	cap_mem = cap_mem * cfg->machines / CLASS_TOTAL * pct / 100;
	unsigned __int128 held_cpu = 0, held_mem = 0;
	for (uint64_t j = 0; j < njobs; j++) {
		int64_t c = 0, m = 0;
		for (int tries = 0; tries < 16; tries++) {
			uint32_t ucpu = rng_u32(&r), ucol = rng_u32(&r);
			uint32_t umem = mem_quantile(ucpu, ucol, rng_u32(&r));
			c = q_sample(&cpu, ucpu);
			m = q_sample(&mem, umem);
			if (held_cpu + (unsigned __int128)c * n[j] <= cap_cpu &&
			    held_mem + (unsigned __int128)m * n[j] <= cap_mem)
				break;
		}
		/* still too large: as many of its tasks as fit under the cap */
		uint64_t fit = n[j];
		while (fit > 0 && (held_cpu + (unsigned __int128)c * fit > cap_cpu ||
		                   held_mem + (unsigned __int128)m * fit > cap_mem))
			fit--;
		held_cpu += (unsigned __int128)c * fit;
		held_mem += (unsigned __int128)m * fit;
		uint64_t user = draw_user(&r, users);
		int prio = draw_prio(&r, standing_prios, sizeof standing_prios / sizeof standing_prios[0]);
		char head[64], tail[64];
		snprintf(head, sizeof head, ",s%llu,", (unsigned long long)j + 1);
		snprintf(tail, sizeof tail, ",u%llu,", (unsigned long long)user);
		for (uint64_t k = 0; k < fit; k++) {
			/* the top 1% of the runtime table: 13,986 s to 29 days */
			uint64_t d = prio >= 9 ? TRACE_END_US
			                       : (uint64_t)q_sample(&dur, 0xfd70a3d7u + (rng_u32(&r) % 0x028f5c29u));
			write_row(o, 0, head, k, tail, (uint64_t)CPU_MILLI(c), (uint64_t)MEM_MILLI(m), d, prio);
		}
		if (fit) {
			st->standing_jobs++;
			st->standing_tasks += fit;
		}
	}
	free(n);
}

static int write_tasks(const tr_gen_config *cfg, tr_gen_stats *st, tr_err *err)
{
	static const qtable tpj = QT(tasks_per_job, true), cpu = QT(cpu_req, false), mem = QT(mem_req, false),
	                    dur = QT(duration_us, false), gap = QT(gap_us, false);
	rng r;
	rng_seed(&r, cfg->seed);
	out o;
	if (out_open(&o, cfg->dir, "tasks.csv", err) < 0)
		return TR_EIO;
	out_str(&o, "submit_time,job_id,task_index,framework,cpus,mem,duration,priority\n");
	uint64_t users = (uint64_t)USERS_TOTAL * cfg->machines / CLASS_TOTAL;
	if (users == 0)
		users = 1;
	if (!cfg->empty_start)
		write_standing(cfg, &o, users, st);
	uint64_t t_us = 0, tasks = 0, job = 0;
	while (tasks < cfg->tasks) {
		if (job > 0) {
			uint64_t num, den;
			hour_scale(cfg, t_us / 3600000000ULL, &num, &den);
			t_us += (uint64_t)((unsigned __int128)q_sample(&gap, rng_u32(&r)) * num / den);
		}
		job++;
		uint64_t n = (uint64_t)q_sample(&tpj, rng_u32(&r));
		if (n > cfg->tasks - tasks)
			n = cfg->tasks - tasks;
		/* one request per job (98.9% of jobs), memory correlated with
		 * the CPU through the copula (documented Pearson 0.36) */
		uint32_t ucpu = rng_u32(&r), ucol = rng_u32(&r), udur = rng_u32(&r);
		uint32_t umem = mem_quantile(ucpu, ucol, rng_u32(&r));
		uint64_t c = (uint64_t)CPU_MILLI(q_sample(&cpu, ucpu));
		uint64_t m = (uint64_t)MEM_MILLI(q_sample(&mem, umem));
		uint64_t user = draw_user(&r, users);
		int prio = draw_prio(&r, prios, sizeof prios / sizeof prios[0]);
		char head[96], tail[96];
		for (uint64_t k = 0; k < n; k++) {
			/* a task runs as long as its job's draw half of the time:
			 * tasks of a job look alike, the marginal stays exact */
			uint32_t ud = rng_u32(&r) < 0x80000000u ? udur : rng_u32(&r);
			uint64_t d = (uint64_t)q_sample(&dur, ud);
			if (k == 0) {
				snprintf(head, sizeof head, ",%llu,", (unsigned long long)job);
				snprintf(tail, sizeof tail, ",u%llu,", (unsigned long long)user);
			}
			write_row(&o, t_us, head, k, tail, c, m, d, prio);
		}
		tasks += n;
	}
	st->jobs = job + st->standing_jobs;
	st->tasks = tasks + st->standing_tasks;
	st->last_submit_ns = (int64_t)t_us * 1000;
	return out_close(&o, cfg->dir, "tasks.csv", err);
}

int tr_gen_write(const tr_gen_config *cfg, tr_gen_stats *st, tr_err *err)
{
	tr_gen_stats dummy;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof *st);
	err->code = 0;
	err->msg[0] = 0;
	if (cfg->load_permille > 100000) {
		err->code = TR_EINVAL;
		snprintf(err->msg, sizeof err->msg, "generator: the load factor is at most 100");
		return TR_EINVAL;
	}
	if (cfg->standing_cap_pct > 100) {
		err->code = TR_EINVAL;
		snprintf(err->msg, sizeof err->msg, "generator: the standing load's cap is a percentage (1 to 100)");
		return TR_EINVAL;
	}
	if (!cfg->dir || cfg->machines == 0 || cfg->tasks == 0) {
		err->code = TR_EINVAL;
		snprintf(err->msg, sizeof err->msg, "generator: need an output folder, machines > 0 and tasks > 0");
		return TR_EINVAL;
	}
	int rc = write_machines(cfg, err);
	return rc < 0 ? rc : write_tasks(cfg, st, err);
}
