/*
 * native.c — Meso's own CSV workload format (traces/README.md): machines.csv
 * and tasks.csv streamed and merged in time order, frameworks.csv and
 * roles.csv read whole when opened. Every malformed row is reported with its
 * file, line and column, or skipped and counted under skip_bad_rows.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "internal.h"

enum { M_TIME, M_ID, M_EVENT, M_CPUS, M_MEM, M_DISK, M_GPUS, M_RESV, M_NCOLS };
static const csv_column machine_cols[M_NCOLS] = {
        {"time", true}, {"machine_id", true}, {"event", true}, {"cpus", true},
        {"mem", true},  {"disk", false},      {"gpus", false}, {"reserved", false},
};

enum { T_SUBMIT, T_JOB, T_INDEX, T_FW, T_CPUS, T_MEM, T_DISK, T_GPUS, T_DUR, T_PRIO, T_GANG, T_LOC, T_ROLE, T_NCOLS };
static const csv_column task_cols[T_NCOLS] = {
        {"submit_time", true}, {"job_id", true},    {"task_index", true}, {"framework", true}, {"cpus", true},
        {"mem", true},         {"disk", false},     {"gpus", false},      {"duration", true},  {"priority", false},
        {"gang", false},       {"locality", false}, {"role", false},
};

enum { F_NAME, F_ROLE, F_WEIGHT, F_PRIO, F_TPO, F_LAT, F_REFUSE, F_ROLES, F_NCOLS };
static const csv_column fw_cols[F_NCOLS] = {
        {"framework", true},        {"role", false},
        {"weight", false},          {"priority", false},
        {"tasks_per_offer", false}, {"decision_latency", false},
        {"refuse_seconds", false},  {"roles", false},
};

enum { R_ROLE, R_WEIGHT, R_GUAR, R_LIMIT, R_NCOLS };
static const csv_column role_cols[R_NCOLS] = {
        {"role", true}, {"weight", false}, {"guarantee", false}, {"limit", false}};

/* One of the two streamed files, with a parsed row waiting to be merged. */
typedef struct stream {
	csv_file cf;
	int map[T_NCOLS];
	bool have; /* ev holds the next event of this file */
	bool done;
	tr_event ev;
	char *sbuf; /* copies of ev's strings (the line buffer moves on) */
	size_t scap;
	int64_t last_time;
} stream;

typedef struct native_source {
	tr_source base;
	tr_csv_config cfg;
	stream m, t;
	bool check_fws; /* frameworks.csv given: tasks may only name those */
	size_t fw_hint;
} native_source;

/* ------------------------------------------------------------ cell parsers */

static int cell_seconds(const csv_file *cf, const char *col, const char *s, int64_t *out, tr_err *err)
{
	if (*s == '\0') {
		tr__csv_row_error(cf, err, col, "expected a number of seconds, got an empty cell");
		return TR_EFORMAT;
	}
	if (*s == '-') {
		tr__csv_row_error(cf, err, col, "negative value '%s' (must be >= 0)", s);
		return TR_EFORMAT;
	}
	if (tr_parse_seconds(s, out) < 0) {
		tr__csv_row_error(cf, err, col,
		                  "expected seconds as a plain decimal (e.g. 12 or 0.25, at most 9 decimals, "
		                  "at most 1e9), got '%s'",
		                  s);
		return TR_EFORMAT;
	}
	return 0;
}

static int cell_amount(const csv_file *cf, const char *col, const char *s, bool required, int64_t *out, tr_err *err)
{
	if (*s == '\0') {
		if (!required) {
			*out = 0;
			return 0;
		}
		tr__csv_row_error(cf, err, col, "expected an amount, got an empty cell");
		return TR_EFORMAT;
	}
	if (*s == '-') {
		tr__csv_row_error(cf, err, col, "negative amount '%s' (must be >= 0)", s);
		return TR_EFORMAT;
	}
	if (tr_parse_milli(s, out) < 0) {
		tr__csv_row_error(cf, err, col,
		                  "expected a non-negative decimal amount (e.g. 2 or 0.5, at most 1e12), got '%s'", s);
		return TR_EFORMAT;
	}
	return 0;
}

static int cell_int(const csv_file *cf, const char *col, const char *s, long long lo, long long hi, long long *out,
                    tr_err *err)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || v < lo || v > hi || *s == ' ' || *s == '+') {
		tr__csv_row_error(cf, err, col, "expected an integer in [%lld, %lld], got '%s'", lo, hi, s);
		return TR_EFORMAT;
	}
	*out = v;
	return 0;
}

static int cell_positive(const csv_file *cf, const char *col, const char *s, double *out, tr_err *err)
{
	char *end;
	double v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !(v > 0) || v > 1e12 || (s[0] != '.' && (s[0] < '0' || s[0] > '9'))) {
		tr__csv_row_error(cf, err, col, "expected a positive decimal number, got '%s'", s);
		return TR_EFORMAT;
	}
	*out = v;
	return 0;
}

static int cell_id(const csv_file *cf, const char *col, const char *s, tr_err *err)
{
	if (*s == '\0') {
		tr__csv_row_error(cf, err, col, "expected an id, got an empty cell");
		return TR_EFORMAT;
	}
	return 0;
}

static int check_field_count(const csv_file *cf, tr_err *err)
{
	if (cf->nfields != cf->header_fields) {
		tr__csv_row_error(cf, err, NULL, "expected %d fields (as in the header), found %d", cf->header_fields,
		                  cf->nfields);
		return TR_EFORMAT;
	}
	return 0;
}

/* ------------------------------------------------------------- row parsers */

static int parse_machine(stream *st, tr_event *ev, tr_err *err)
{
	const csv_file *cf = &st->cf;
	const int *map = st->map;
	if (check_field_count(cf, err) < 0)
		return TR_EFORMAT;
	memset(ev, 0, sizeof *ev);
	if (cell_seconds(cf, "time", tr__csv_get(cf, map, M_TIME), &ev->time_ns, err) < 0)
		return TR_EFORMAT;
	ev->machine = tr__csv_get(cf, map, M_ID);
	if (cell_id(cf, "machine_id", ev->machine, err) < 0)
		return TR_EFORMAT;
	const char *e = tr__csv_get(cf, map, M_EVENT);
	if (strcmp(e, "add") == 0)
		ev->kind = TR_MACHINE_ADD;
	else if (strcmp(e, "remove") == 0)
		ev->kind = TR_MACHINE_REMOVE;
	else if (strcmp(e, "update") == 0)
		ev->kind = TR_MACHINE_UPDATE;
	else if (strcmp(e, "reserve") == 0)
		ev->kind = TR_MACHINE_RESERVE;
	else if (strcmp(e, "unreserve") == 0)
		ev->kind = TR_MACHINE_UNRESERVE;
	else {
		tr__csv_row_error(cf, err, "event", "expected add, remove, update, reserve or unreserve, got '%s'", e);
		return TR_EFORMAT;
	}
	ev->reserved = tr__csv_get(cf, map, M_RESV);
	bool dynamic = ev->kind == TR_MACHINE_RESERVE || ev->kind == TR_MACHINE_UNRESERVE;
	if (dynamic && !*ev->reserved) {
		tr__csv_row_error(cf, err, "reserved", "a %s names what in `reserved`", e);
		return TR_EFORMAT;
	}
	if (ev->kind == TR_MACHINE_REMOVE && *ev->reserved) {
		tr__csv_row_error(cf, err, "reserved", "a remove takes no reservation");
		return TR_EFORMAT;
	}
	bool sized = ev->kind != TR_MACHINE_REMOVE && !dynamic;
	if (cell_amount(cf, "cpus", tr__csv_get(cf, map, M_CPUS), sized, &ev->res.cpus, err) < 0 ||
	    cell_amount(cf, "mem", tr__csv_get(cf, map, M_MEM), sized, &ev->res.mem_mb, err) < 0 ||
	    cell_amount(cf, "disk", tr__csv_get(cf, map, M_DISK), false, &ev->res.disk_mb, err) < 0 ||
	    cell_amount(cf, "gpus", tr__csv_get(cf, map, M_GPUS), false, &ev->res.gpus, err) < 0)
		return TR_EFORMAT;
	if (ev->time_ns < st->last_time) {
		tr__csv_row_error(cf, err, "time",
		                  "time goes backwards (%s after an earlier row's later time); the file "
		                  "must be sorted by time",
		                  tr__csv_get(cf, map, M_TIME));
		return TR_EFORMAT;
	}
	return 0;
}

static bool known_framework(native_source *ns, const char *name)
{
	size_t n = ns->base.nfws;
	if (ns->fw_hint < n && strcmp(ns->base.fws[ns->fw_hint].name, name) == 0)
		return true;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ns->base.fws[i].name, name) == 0) {
			ns->fw_hint = i;
			return true;
		}
	}
	return false;
}

static int parse_task(native_source *ns, stream *st, tr_event *ev, tr_err *err)
{
	const csv_file *cf = &st->cf;
	const int *map = st->map;
	if (check_field_count(cf, err) < 0)
		return TR_EFORMAT;
	memset(ev, 0, sizeof *ev);
	ev->kind = TR_TASK_SUBMIT;
	if (cell_seconds(cf, "submit_time", tr__csv_get(cf, map, T_SUBMIT), &ev->time_ns, err) < 0)
		return TR_EFORMAT;
	ev->job = tr__csv_get(cf, map, T_JOB);
	ev->framework = tr__csv_get(cf, map, T_FW);
	if (cell_id(cf, "job_id", ev->job, err) < 0 || cell_id(cf, "framework", ev->framework, err) < 0)
		return TR_EFORMAT;
	long long v;
	if (cell_int(cf, "task_index", tr__csv_get(cf, map, T_INDEX), 0, UINT32_MAX - 1, &v, err) < 0)
		return TR_EFORMAT;
	ev->task_index = (uint32_t)v;
	if (cell_amount(cf, "cpus", tr__csv_get(cf, map, T_CPUS), true, &ev->res.cpus, err) < 0 ||
	    cell_amount(cf, "mem", tr__csv_get(cf, map, T_MEM), true, &ev->res.mem_mb, err) < 0 ||
	    cell_amount(cf, "disk", tr__csv_get(cf, map, T_DISK), false, &ev->res.disk_mb, err) < 0 ||
	    cell_amount(cf, "gpus", tr__csv_get(cf, map, T_GPUS), false, &ev->res.gpus, err) < 0)
		return TR_EFORMAT;
	if (cell_seconds(cf, "duration", tr__csv_get(cf, map, T_DUR), &ev->duration_ns, err) < 0)
		return TR_EFORMAT;
	const char *p = tr__csv_get(cf, map, T_PRIO);
	if (*p) {
		if (cell_int(cf, "priority", p, INT32_MIN, INT32_MAX, &v, err) < 0)
			return TR_EFORMAT;
		ev->priority = (int32_t)v;
	}
	const char *g = tr__csv_get(cf, map, T_GANG);
	if (*g && strcmp(g, "0") != 0 && strcmp(g, "1") != 0) {
		tr__csv_row_error(cf, err, "gang", "expected 0, 1 or an empty cell, got '%s'", g);
		return TR_EFORMAT;
	}
	ev->gang = strcmp(g, "1") == 0;
	ev->locality = tr__csv_get(cf, map, T_LOC);
	ev->role = tr__csv_get(cf, map, T_ROLE);
	if (ns->check_fws && !known_framework(ns, ev->framework)) {
		tr__csv_row_error(cf, err, "framework", "unknown framework '%s' (not in %s)", ev->framework,
		                  ns->cfg.frameworks);
		return TR_EFORMAT;
	}
	if (ev->time_ns < st->last_time) {
		tr__csv_row_error(cf, err, "submit_time",
		                  "time goes backwards (%s after an earlier row's later time); the file must be sorted "
		                  "by submit_time",
		                  tr__csv_get(cf, map, T_SUBMIT));
		return TR_EFORMAT;
	}
	return 0;
}

/* Copies ev's strings into st->sbuf so they outlive the line buffer. */
static int keep_strings(stream *st, tr_event *ev, tr_err *err)
{
	const char **s[6] = {&ev->machine, &ev->job, &ev->framework, &ev->locality, &ev->role, &ev->reserved};
	size_t need = 0;
	for (int i = 0; i < 6; i++)
		need += *s[i] ? strlen(*s[i]) + 1 : 0;
	if (need > st->scap) {
		size_t cap = st->scap ? st->scap : 256;
		while (cap < need)
			cap *= 2;
		char *b = realloc(st->sbuf, cap);
		if (!b) {
			tr__err_set(err, TR_ENOMEM, "out of memory");
			return TR_ENOMEM;
		}
		st->sbuf = b;
		st->scap = cap;
	}
	char *at = st->sbuf;
	for (int i = 0; i < 6; i++) {
		if (!*s[i])
			continue;
		size_t n = strlen(*s[i]) + 1;
		memcpy(at, *s[i], n);
		*s[i] = at;
		at += n;
	}
	return 0;
}

/* Reads the next good row of one file into st->ev. */
static int stream_fill(native_source *ns, stream *st, bool tasks, tr_err *err)
{
	while (!st->have && !st->done) {
		int rc = tr__csv_next(&st->cf, err);
		if (rc == 0) {
			st->done = true;
			break;
		}
		if (rc == 1)
			rc = tasks ? parse_task(ns, st, &st->ev, err) : parse_machine(st, &st->ev, err);
		if (rc == TR_EFORMAT && ns->cfg.skip_bad_rows) {
			ns->base.bad_rows++;
			if (ns->cfg.warn)
				ns->cfg.warn(ns->cfg.warn_ud, err->msg);
			continue;
		}
		if (rc < 0)
			return rc;
		rc = keep_strings(st, &st->ev, err);
		if (rc < 0)
			return rc;
		st->ev.file = st->cf.path;
		st->ev.line = st->cf.line;
		st->last_time = st->ev.time_ns;
		st->have = true;
	}
	return 0;
}

static int native_next(tr_source *src, tr_event *ev, tr_err *err)
{
	native_source *ns = (native_source *)src;
	/* the event handed out last time is consumed now, not before: its
	 * strings had to stay valid until this call */
	int rc;
	if ((rc = stream_fill(ns, &ns->m, false, err)) < 0 || (rc = stream_fill(ns, &ns->t, true, err)) < 0)
		return rc;
	stream *pick = NULL;
	if (ns->m.have && (!ns->t.have || ns->m.ev.time_ns <= ns->t.ev.time_ns))
		pick = &ns->m;
	else if (ns->t.have)
		pick = &ns->t;
	if (!pick)
		return 0;
	*ev = pick->ev;
	pick->have = false;
	return 1;
}

static double native_progress(const tr_source *src)
{
	const native_source *ns = (const native_source *)src;
	uint64_t size = ns->m.cf.size + ns->t.cf.size;
	return size ? (double)(ns->m.cf.bytes_done + ns->t.cf.bytes_done) / (double)size : 0.0;
}

static void native_destroy(tr_source *src)
{
	native_source *ns = (native_source *)src;
	tr__csv_close(&ns->m.cf);
	tr__csv_close(&ns->t.cf);
	free(ns->m.sbuf);
	free(ns->t.sbuf);
	tr__source_free_common(src);
	free(ns);
}

static const tr_source_ops native_ops = {native_next, native_progress, native_destroy, NULL};

/* ----------------------------------------------- frameworks.csv, roles.csv */

/* A `roles` cell: role names separated by ';' (Mesos's MULTI_ROLE), none
 * empty, none twice, not with a `role` cell too; its first into first.
 * The names themselves are checked by whoever uses them (alloccore). */
static int cell_roles(const csv_file *cf, const char *s, bool has_role, char *first, size_t len, tr_err *err)
{
	if (has_role) {
		tr__csv_row_error(cf, err, "roles", "give `role` or `roles`, not both");
		return TR_EFORMAT;
	}
	for (const char *p = s;;) {
		const char *end = strchr(p, ';');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0 || n >= len) {
			tr__csv_row_error(cf, err, "roles", "expected role names separated by ';', got '%s'", s);
			return TR_EFORMAT;
		}
		for (const char *q = s; q < p;) {
			const char *qe = strchr(q, ';');
			if ((size_t)(qe - q) == n && memcmp(q, p, n) == 0) {
				tr__csv_row_error(cf, err, "roles", "role '%.*s' is named twice", (int)n, p);
				return TR_EFORMAT;
			}
			q = qe + 1;
		}
		if (p == s)
			snprintf(first, len, "%.*s", (int)n, p);
		if (!end)
			return 0;
		p = end + 1;
	}
}

static int read_frameworks(native_source *ns, const char *path, tr_err *err)
{
	csv_file cf;
	int map[F_NCOLS], rc;
	if ((rc = tr__csv_open(&cf, path, err)) < 0)
		return rc;
	if ((rc = tr__csv_header(&cf, fw_cols, F_NCOLS, map, err)) < 0)
		goto out;
	while ((rc = tr__csv_next(&cf, err)) == 1) {
		if ((rc = check_field_count(&cf, err)) < 0)
			goto out;
		tr_framework fw;
		tr_framework_defaults(&fw);
		fw.name = (char *)tr__csv_get(&cf, map, F_NAME);
		if ((rc = cell_id(&cf, "framework", fw.name, err)) < 0)
			goto out;
		for (size_t i = 0; i < ns->base.nfws; i++) {
			if (strcmp(ns->base.fws[i].name, fw.name) == 0) {
				tr__csv_row_error(&cf, err, "framework", "framework '%s' listed twice", fw.name);
				rc = TR_EFORMAT;
				goto out;
			}
		}
		const char *s = tr__csv_get(&cf, map, F_ROLE);
		fw.role = (char *)(*s ? s : "*");
		const char *rs = tr__csv_get(&cf, map, F_ROLES);
		char first[1024];
		if (*rs && (rc = cell_roles(&cf, rs, *s != 0, first, sizeof first, err)) < 0)
			goto out;
		if (*rs) {
			fw.role = first;
			fw.roles = (char *)rs;
		}
		long long v;
		if (*(s = tr__csv_get(&cf, map, F_WEIGHT)) &&
		    (rc = cell_positive(&cf, "weight", s, &fw.weight, err)) < 0)
			goto out;
		if (*(s = tr__csv_get(&cf, map, F_PRIO))) {
			if ((rc = cell_int(&cf, "priority", s, INT32_MIN, INT32_MAX, &v, err)) < 0)
				goto out;
			fw.priority = (int32_t)v;
		}
		if (*(s = tr__csv_get(&cf, map, F_TPO))) {
			if ((rc = cell_int(&cf, "tasks_per_offer", s, 0, UINT32_MAX, &v, err)) < 0)
				goto out;
			fw.tasks_per_offer = (uint32_t)v;
		}
		if (*(s = tr__csv_get(&cf, map, F_LAT)) &&
		    (rc = cell_seconds(&cf, "decision_latency", s, &fw.decision_latency_ns, err)) < 0)
			goto out;
		if (*(s = tr__csv_get(&cf, map, F_REFUSE))) {
			int64_t ns_refuse;
			if ((rc = cell_seconds(&cf, "refuse_seconds", s, &ns_refuse, err)) < 0)
				goto out;
			fw.refuse_seconds = (double)ns_refuse / 1e9;
		}
		if (tr__add_framework(&ns->base, &fw) < 0) {
			tr__err_set(err, TR_ENOMEM, "out of memory");
			rc = TR_ENOMEM;
			goto out;
		}
	}
out:
	tr__csv_close(&cf);
	return rc < 0 ? rc : 0;
}

static int read_roles(native_source *ns, const char *path, tr_err *err)
{
	csv_file cf;
	int map[R_NCOLS], rc;
	if ((rc = tr__csv_open(&cf, path, err)) < 0)
		return rc;
	if ((rc = tr__csv_header(&cf, role_cols, R_NCOLS, map, err)) < 0)
		goto out;
	while ((rc = tr__csv_next(&cf, err)) == 1) {
		if ((rc = check_field_count(&cf, err)) < 0)
			goto out;
		tr_role r = {0};
		const char *name = tr__csv_get(&cf, map, R_ROLE);
		if ((rc = cell_id(&cf, "role", name, err)) < 0)
			goto out;
		const char *s = tr__csv_get(&cf, map, R_WEIGHT);
		if (*s && (rc = cell_positive(&cf, "weight", s, &r.weight, err)) < 0)
			goto out;
		tr_role *v = realloc(ns->base.roles, sizeof *v * (ns->base.nroles + 1));
		if (!v) {
			rc = TR_ENOMEM;
			tr__err_set(err, rc, "out of memory");
			goto out;
		}
		ns->base.roles = v;
		const char *g = tr__csv_get(&cf, map, R_GUAR), *l = tr__csv_get(&cf, map, R_LIMIT);
		r.role = tr__strdup(name);
		r.guarantee = *g ? tr__strdup(g) : NULL;
		r.limit = *l ? tr__strdup(l) : NULL;
		v[ns->base.nroles++] = r;
	}
out:
	tr__csv_close(&cf);
	return rc < 0 ? rc : 0;
}

/* Lists the frameworks of tasks.csv in first-seen order (bad rows are left
 * to the real pass, which reports them). */
static int scan_frameworks(native_source *ns, const char *path, tr_err *err)
{
	csv_file cf;
	int map[T_NCOLS], rc;
	if ((rc = tr__csv_open(&cf, path, err)) < 0)
		return rc;
	if ((rc = tr__csv_header(&cf, task_cols, T_NCOLS, map, err)) < 0)
		goto out;
	while ((rc = tr__csv_next(&cf, err)) == 1) {
		if (cf.nfields != cf.header_fields)
			continue;
		const char *name = tr__csv_get(&cf, map, T_FW);
		if (*name == '\0' || known_framework(ns, name))
			continue;
		tr_framework fw;
		tr_framework_defaults(&fw);
		fw.name = (char *)name;
		if (tr__add_framework(&ns->base, &fw) < 0) {
			rc = TR_ENOMEM;
			tr__err_set(err, rc, "out of memory");
			goto out;
		}
		ns->fw_hint = ns->base.nfws - 1;
	}
	if (rc == TR_EFORMAT)
		rc = 0; /* e.g. too many fields: the real pass reports it */
out:
	tr__csv_close(&cf);
	return rc < 0 ? rc : 0;
}

int tr_csv_open(const tr_csv_config *cfg, tr_source **out, tr_err *err)
{
	if (!cfg || !cfg->machines || !cfg->tasks) {
		tr__err_set(err, TR_EINVAL, "machines and tasks files are required");
		return TR_EINVAL;
	}
	native_source *ns = calloc(1, sizeof *ns);
	if (!ns) {
		tr__err_set(err, TR_ENOMEM, "out of memory");
		return TR_ENOMEM;
	}
	ns->base.ops = &native_ops;
	ns->cfg = *cfg;
	int rc;
	if (cfg->frameworks) {
		if ((rc = read_frameworks(ns, cfg->frameworks, err)) < 0)
			goto fail;
		ns->check_fws = true;
	} else if (cfg->scan_frameworks) {
		if ((rc = scan_frameworks(ns, cfg->tasks, err)) < 0)
			goto fail;
	}
	if (cfg->roles && (rc = read_roles(ns, cfg->roles, err)) < 0)
		goto fail;
	if ((rc = tr__csv_open(&ns->m.cf, cfg->machines, err)) < 0 ||
	    (rc = tr__csv_header(&ns->m.cf, machine_cols, M_NCOLS, ns->m.map, err)) < 0 ||
	    (rc = tr__csv_open(&ns->t.cf, cfg->tasks, err)) < 0 ||
	    (rc = tr__csv_header(&ns->t.cf, task_cols, T_NCOLS, ns->t.map, err)) < 0)
		goto fail;
	*out = &ns->base;
	return 0;
fail:
	native_destroy(&ns->base);
	return rc;
}
