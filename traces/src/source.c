/*
 * source.c — the event-source interface every reader implements, the
 * in-memory source (tests, generators), and the exact decimal parsers the
 * readers share (no floating point: the same text gives the same integer).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int tr_source_next(tr_source *src, tr_event *ev, tr_err *err)
{
	return src->ops->next(src, ev, err);
}

double tr_source_progress(const tr_source *src)
{
	return src->ops->progress ? src->ops->progress(src) : 0.0;
}

const tr_framework *tr_source_frameworks(const tr_source *src, size_t *n)
{
	*n = src->nfws;
	return src->fws;
}

const tr_role *tr_source_roles(const tr_source *src, size_t *n)
{
	*n = src->nroles;
	return src->roles;
}

uint64_t tr_source_bad_rows(const tr_source *src)
{
	return src->bad_rows;
}

uint64_t tr_source_events_hint(const tr_source *src)
{
	return src->events_hint;
}

const char *tr_source_info(const tr_source *src)
{
	return src->info;
}

int tr_source_task_finished(tr_source *src, const char *job, uint32_t task_index, int64_t time_ns)
{
	return src->ops->task_finished ? src->ops->task_finished(src, job, task_index, time_ns) : 0;
}

bool tr_source_has_deps(const tr_source *src)
{
	return src->ops->task_finished != NULL;
}

void tr_source_destroy(tr_source *src)
{
	if (src)
		src->ops->destroy(src);
}

void tr_framework_defaults(tr_framework *fw)
{
	memset(fw, 0, sizeof *fw);
	fw->weight = 1.0;
	fw->refuse_seconds = 5.0;
}

char *tr__strdup(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

void tr__err_set(tr_err *err, int code, const char *fmt, ...)
{
	if (!err)
		return;
	err->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

void tr__source_free_common(tr_source *src)
{
	for (size_t i = 0; i < src->nfws; i++) {
		free(src->fws[i].name);
		free(src->fws[i].role);
		free(src->fws[i].roles);
	}
	free(src->fws);
	for (size_t i = 0; i < src->nroles; i++) {
		free(src->roles[i].role);
		free(src->roles[i].guarantee);
		free(src->roles[i].limit);
	}
	free(src->roles);
	free(src->info);
}

int tr__add_framework(tr_source *src, const tr_framework *fw)
{
	tr_framework *v = realloc(src->fws, sizeof *v * (src->nfws + 1));
	if (!v)
		return TR_ENOMEM;
	src->fws = v;
	v[src->nfws] = *fw;
	v[src->nfws].name = tr__strdup(fw->name);
	v[src->nfws].role = tr__strdup(fw->role ? fw->role : "*");
	v[src->nfws].roles = tr__strdup(fw->roles);
	if (!v[src->nfws].name || !v[src->nfws].role || (fw->roles && !v[src->nfws].roles)) {
		free(v[src->nfws].name);
		free(v[src->nfws].role);
		free(v[src->nfws].roles);
		return TR_ENOMEM;
	}
	src->nfws++;
	return 0;
}

/* ------------------------------------------------------------ parsing aids */

/* Digits, then optionally '.' and digits; at least one digit in all. Returns
 * the integer part and up to `keep` fractional digits scaled by 10^keep; the
 * first dropped digit goes to *next_digit, and *more_nonzero tells whether
 * any digit after it is non-zero. */
static int parse_decimal(const char *s, int keep, int64_t max_units, int64_t *out, int *next_digit, int *dropped)
{
	const char *p = s;
	int64_t ip = 0, fp = 0;
	int nd = 0, nf = 0;
	*next_digit = -1;
	*dropped = 0;
	while (*p >= '0' && *p <= '9') {
		ip = ip * 10 + (*p - '0');
		if (ip > max_units)
			return TR_EFORMAT;
		p++;
		nd++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (nf < keep)
				fp = fp * 10 + (*p - '0');
			else if (nf == keep)
				*next_digit = *p - '0';
			else
				(*dropped)++;
			nf++;
			nd++;
			p++;
		}
	}
	if (nd == 0 || *p != '\0')
		return TR_EFORMAT;
	int64_t scale = 1;
	for (int i = 0; i < keep; i++)
		scale *= 10;
	for (int i = nf; i < keep; i++)
		fp *= 10;
	*out = ip * scale + fp;
	*dropped = nf - keep; /* digits beyond `keep` (<= 0: none) */
	return 0;
}

int tr_parse_seconds(const char *s, int64_t *out_ns)
{
	int next, dropped;
	int64_t v;
	/* 1e9 s (about 31 years) keeps every sum of times far from overflow */
	if (parse_decimal(s, 9, 1000000000LL, &v, &next, &dropped) < 0 || dropped > 0)
		return TR_EFORMAT;
	*out_ns = v;
	return 0;
}

int tr_parse_milli(const char *s, int64_t *out_milli)
{
	int next, dropped;
	int64_t v;
	if (parse_decimal(s, 3, 1000000000000LL, &v, &next, &dropped) < 0)
		return TR_EFORMAT;
	if (next >= 5)
		v++;
	*out_milli = v;
	return 0;
}

/* ------------------------------------------------------ in-memory source */

typedef struct mem_source {
	tr_source base;
	tr_event *evs;
	size_t n, at;
	char *strings;
} mem_source;

static int mem_next(tr_source *src, tr_event *ev, tr_err *err)
{
	mem_source *m = (mem_source *)src;
	if (m->at == m->n)
		return 0;
	*ev = m->evs[m->at++];
	return 1;
}

static double mem_progress(const tr_source *src)
{
	const mem_source *m = (const mem_source *)src;
	return m->n ? (double)m->at / (double)m->n : 1.0;
}

static void mem_destroy(tr_source *src)
{
	mem_source *m = (mem_source *)src;
	tr__source_free_common(src);
	free(m->evs);
	free(m->strings);
	free(m);
}

static const tr_source_ops mem_ops = {mem_next, mem_progress, mem_destroy, NULL};

static size_t slen(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static const char *scopy(char **at, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	memcpy(*at, s, n);
	const char *r = *at;
	*at += n;
	return r;
}

int tr_memory_open(const tr_event *evs, size_t n, const tr_framework *fws, size_t nfws, tr_source **out, tr_err *err)
{
	mem_source *m = calloc(1, sizeof *m);
	if (!m)
		goto oom;
	m->base.ops = &mem_ops;
	size_t total = 1;
	for (size_t i = 0; i < n; i++)
		total += slen(evs[i].machine) + slen(evs[i].job) + slen(evs[i].framework) + slen(evs[i].locality) +
		         slen(evs[i].file);
	m->evs = malloc(sizeof *m->evs * (n ? n : 1));
	m->strings = malloc(total);
	if (!m->evs || !m->strings)
		goto oom;
	char *at = m->strings;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && evs[i].time_ns < evs[i - 1].time_ns) {
			tr__err_set(err, TR_EINVAL, "memory source: event %zu goes back in time", i);
			mem_destroy(&m->base);
			return TR_EINVAL;
		}
		m->evs[i] = evs[i];
		m->evs[i].machine = scopy(&at, evs[i].machine);
		m->evs[i].job = scopy(&at, evs[i].job);
		m->evs[i].framework = scopy(&at, evs[i].framework);
		m->evs[i].locality = evs[i].locality ? scopy(&at, evs[i].locality) : "";
		m->evs[i].file = evs[i].file ? scopy(&at, evs[i].file) : "memory";
		if (!m->evs[i].line)
			m->evs[i].line = i + 1;
	}
	m->n = n;
	for (size_t i = 0; i < nfws; i++)
		if (tr__add_framework(&m->base, &fws[i]) < 0)
			goto oom;
	*out = &m->base;
	return 0;
oom:
	if (m)
		mem_destroy(&m->base);
	tr__err_set(err, TR_ENOMEM, "out of memory");
	return TR_ENOMEM;
}
