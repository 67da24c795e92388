/*
 * scale_probe.c — what meso-scale reads about the master besides its
 * protocols: the Prometheus text of GET /metrics (runtime/master/master_state.c
 * names) and the process's /proc/PID/status and /proc/PID/stat.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "scale.h"

/* ------------------------------------------------------------- /metrics */

/* The value of the sample named exactly `key` (with its labels), or NAN. */
static double prom_value(const char *text, size_t len, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > klen && memcmp(p, key, klen) == 0 && p[klen] == ' ')
			return strtod(p + klen + 1, NULL);
		p = eol + 1;
	}
	return NAN;
}

/* The buckets of one histogram, in the order printed (le ascending). */
static int prom_buckets(const char *text, size_t len, const char *name, double *le, double *count, int max)
{
	char prefix[128];
	int plen = snprintf(prefix, sizeof prefix, "%s_bucket{le=\"", name);
	int n = 0;
	const char *p = text, *end = text + len;
	while (p < end && n < max) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (eol - p > plen && memcmp(p, prefix, (size_t)plen) == 0) {
			const char *q = p + plen;
			le[n] = strncmp(q, "+Inf", 4) == 0 ? INFINITY : strtod(q, NULL);
			const char *sp = memchr(q, ' ', (size_t)(eol - q));
			count[n] = sp ? strtod(sp + 1, NULL) : NAN;
			n++;
		}
		p = eol + 1;
	}
	return n;
}

/* The samples read from /metrics, by name (labels included). */
static const struct {
	const char *key;
	size_t offset;
} prom_samples[] = {
        {"meso_master_agent_removals_total", offsetof(scale_metrics, removals)},
        {"meso_master_agents{state=\"connected\"}", offsetof(scale_metrics, agents_connected)},
        {"meso_master_agents{state=\"disconnected\"}", offsetof(scale_metrics, agents_disconnected)},
        {"meso_allocator_offers_made_total", offsetof(scale_metrics, offers_made)},
        {"meso_allocator_passes_total", offsetof(scale_metrics, passes)},
        {"meso_master_allocation_seconds_sum", offsetof(scale_metrics, alloc_sum)},
        {"meso_master_allocation_seconds_count", offsetof(scale_metrics, alloc_count)},
        {"meso_master_allocation_seconds_recent{quantile=\"0.5\"}", offsetof(scale_metrics, alloc_recent_p50)},
        {"meso_master_allocation_seconds_recent{quantile=\"0.99\"}", offsetof(scale_metrics, alloc_recent_p99)},
        {"meso_master_launch_seconds_sum", offsetof(scale_metrics, launch_sum)},
        {"meso_master_launch_seconds_count", offsetof(scale_metrics, launch_count)},
        {"meso_master_tasks_active", offsetof(scale_metrics, tasks_active)},
        {"meso_master_offers_outstanding", offsetof(scale_metrics, offers_outstanding)},
};

void scale_metrics_parse(scale_metrics *m, const char *text, size_t len)
{
	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < sizeof prom_samples / sizeof prom_samples[0]; i++)
		*(double *)((char *)m + prom_samples[i].offset) = prom_value(text, len, prom_samples[i].key);
	m->nbuckets = prom_buckets(text, len, "meso_master_allocation_seconds", m->alloc_le, m->alloc_buckets, 32);
	/* Without these it is not a meso-master's /metrics. */
	m->ok = !isnan(m->removals) && !isnan(m->alloc_count);
}

static void scrape_headers(rt_http_client *c, int status, void *ud)
{
	scale *s = ud;
	if (status != 200)
		scale_protocol_error(s, "GET /metrics answered HTTP %d", status);
}

static void scrape_body(rt_http_client *c, const uint8_t *data, size_t len, void *ud)
{
	scale *s = ud;
	rt_buf_append(&s->scrape_body, data, len);
}

static void scrape_done(rt_http_client *c, const char *error, void *ud)
{
	scale *s = ud;
	scale_metrics m;
	if (c != s->scrape)
		return; /* replaced by a newer scrape: dropped */
	s->scrape = NULL;
	if (error) {
		memset(&m, 0, sizeof m);
		if (!s->stopping)
			scale_protocol_error(s, "GET /metrics failed: %s", error);
	} else {
		scale_metrics_parse(&m, (const char *)s->scrape_body.data, s->scrape_body.len);
	}
	s->scrape_body.len = 0;
	scale_scrape_done(s, s->scrape_purpose, &m);
}

void scale_scrape_start(scale *s, int purpose)
{
	if (s->scrape) {
		/* An edge of the window replaces a periodic scrape in flight. */
		rt_http_client *old = s->scrape;
		s->scrape = NULL;
		rt_http_client_cancel(old);
	}
	s->scrape_purpose = purpose;
	s->scrape_body.len = 0;
	rt_http_client_handlers h = {
	        .on_headers = scrape_headers, .on_body = scrape_body, .on_done = scrape_done, .ud = s};
	s->scrape = rt_http_client_start(s->loop, s->cfg.host, s->cfg.port, "GET", "/metrics", NULL, NULL, 0, &h);
	if (!s->scrape) {
		scale_metrics m = {.ok = false};
		scale_protocol_error(s, "GET /metrics: cannot reach %s:%d", s->cfg.host, s->cfg.port);
		scale_scrape_done(s, purpose, &m);
	}
}

/* ----------------------------------------------------------------- /proc */

void scale_proc_read(int pid, scale_proc *p)
{
	memset(p, 0, sizeof *p);
	if (pid <= 0)
		return;
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		long kb;
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			p->rss_mb = (double)kb / 1024;
		else if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			p->hwm_mb = (double)kb / 1024;
		else
			sscanf(line, "Threads: %d", &p->threads);
	}
	fclose(f);
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	char buf[1024];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces: fields count from after its ')'. */
	const char *q = strrchr(buf, ')');
	unsigned long utime, stime;
	if (q && sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) == 2) {
		p->cpu_seconds = (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
		p->ok = true;
	}
}

double scale_self_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}
