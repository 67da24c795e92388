/*
 * binary.c — Meso's binary workload form: written once from any source
 * without dependencies (tr_bin_write), memory-mapped and replayed without
 * parsing (tr_bin_open). Little-endian by definition, whatever the host; the
 * whole file is checked (size, magic, version, checksum, offsets) before the
 * first event is given, so no read ever goes past its end. Layout:
 * traces/README.md, "Binary form".
 */
#define _DEFAULT_SOURCE /* madvise(MADV_DONTNEED) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define HDR_SIZE  64
#define REC_SIZE  72
#define FW_SIZE   48
#define ROLE_SIZE 32
static const char magic[8] = {'M', 'E', 'S', 'O', 'T', 'R', 'B', '\0'};

/* ------------------------------------------------------- little-endian */

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t dbits(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

static double bitsd(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}
#define FNV_INIT 1469598103934665603ULL

/* ------------------------------------------------------------- writer */

/* Interned strings: offset 0 is "" (the table starts with a NUL). */
typedef struct strtab {
	char *buf;
	size_t len, cap;
	uint32_t *slots; /* offset + 1 */
	size_t nslots, count;
} strtab;

static uint64_t shash(const char *s)
{
	uint64_t h = FNV_INIT;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int strtab_add(strtab *t, const char *s, uint32_t *off)
{
	if (!s || !*s) {
		*off = 0;
		return 0;
	}
	if ((t->count + 1) * 2 > t->nslots) {
		size_t n = t->nslots ? t->nslots * 2 : 4096;
		uint32_t *v = calloc(n, sizeof *v);
		if (!v)
			return TR_ENOMEM;
		for (size_t i = 0; i < t->nslots; i++) {
			if (!t->slots[i])
				continue;
			size_t h = shash(t->buf + t->slots[i] - 1) & (n - 1);
			while (v[h])
				h = (h + 1) & (n - 1);
			v[h] = t->slots[i];
		}
		free(t->slots);
		t->slots = v;
		t->nslots = n;
	}
	size_t h = shash(s) & (t->nslots - 1);
	while (t->slots[h]) {
		if (strcmp(t->buf + t->slots[h] - 1, s) == 0) {
			*off = t->slots[h] - 1;
			return 0;
		}
		h = (h + 1) & (t->nslots - 1);
	}
	size_t n = strlen(s) + 1;
	if (t->len + n >= UINT32_MAX - 1)
		return TR_EINVAL;
	if (t->len + n > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + n)
			cap *= 2;
		char *b = realloc(t->buf, cap);
		if (!b)
			return TR_ENOMEM;
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n);
	*off = (uint32_t)t->len;
	t->slots[h] = (uint32_t)t->len + 1;
	t->len += n;
	t->count++;
	return 0;
}

static int put(FILE *f, const uint8_t *p, size_t n, uint64_t *sum)
{
	*sum = fnv(*sum, p, n);
	return fwrite(p, 1, n, f) == n ? 0 : TR_EIO;
}

int tr_bin_write(tr_source *src, const char *path, tr_err *err)
{
	if (tr_source_has_deps(src)) {
		tr__err_set(err, TR_EINVAL,
		            "this trace has task dependencies (DAGs), which the binary form does not keep: replay it "
		            "directly");
		return TR_EINVAL;
	}
	size_t nmulti;
	const tr_framework *mfws = tr_source_frameworks(src, &nmulti);
	for (size_t i = 0; i < nmulti; i++)
		if (mfws[i].roles) {
			tr__err_set(
			        err, TR_EINVAL,
			        "framework %s has several roles, which the binary form does not keep: replay the CSV "
			        "directly",
			        mfws[i].name);
			return TR_EINVAL;
		}
	FILE *f = fopen(path, "wb");
	if (!f) {
		tr__err_set(err, TR_EIO, "%s: cannot create", path);
		return TR_EIO;
	}
	/* the table starts with the empty string at offset 0 */
	strtab st = {0};
	int rc = 0;
	st.buf = malloc(1);
	if (st.buf) {
		st.buf[0] = '\0';
		st.len = st.cap = 1;
	}
	uint8_t hdr[HDR_SIZE] = {0}, rec[REC_SIZE];
	uint64_t sum = FNV_INIT, n = 0;
	int64_t last = INT64_MIN;
	if (!st.buf || fwrite(hdr, 1, HDR_SIZE, f) != HDR_SIZE)
		rc = st.buf ? TR_EIO : TR_ENOMEM;
	tr_event ev;
	while (rc == 0 && (rc = tr_source_next(src, &ev, err)) == 1) {
		uint32_t a, b, c;
		rc = strtab_add(&st, ev.kind == TR_TASK_SUBMIT ? ev.job : ev.machine, &a);
		if (rc == 0)
			rc = strtab_add(&st, ev.kind == TR_TASK_SUBMIT ? ev.framework : "", &b);
		if (rc == 0)
			rc = strtab_add(&st, ev.kind == TR_TASK_SUBMIT ? ev.locality : "", &c);
		if (rc < 0)
			break;
		if (ev.kind > TR_TASK_SUBMIT || (ev.reserved && *ev.reserved)) {
			rc = TR_EINVAL;
			tr__err_set(err, rc, "%s:%llu: the binary form keeps no reservations", ev.file ? ev.file : "?",
			            (unsigned long long)ev.line);
			break;
		}
		if (ev.kind == TR_TASK_SUBMIT && ev.role && *ev.role) {
			rc = TR_EINVAL;
			tr__err_set(err, rc, "%s:%llu: the task names its role, which the binary form does not keep",
			            ev.file ? ev.file : "?", (unsigned long long)ev.line);
			break;
		}
		if (ev.time_ns < last) {
			rc = TR_EINVAL;
			tr__err_set(err, rc, "%s:%llu: event goes back in time", ev.file ? ev.file : "?",
			            (unsigned long long)ev.line);
			break;
		}
		last = ev.time_ns;
		memset(rec, 0, sizeof rec);
		put64(rec + 0, (uint64_t)ev.time_ns);
		put64(rec + 8, (uint64_t)ev.duration_ns);
		put64(rec + 16, (uint64_t)ev.res.cpus);
		put64(rec + 24, (uint64_t)ev.res.mem_mb);
		put64(rec + 32, (uint64_t)ev.res.disk_mb);
		put64(rec + 40, (uint64_t)ev.res.gpus);
		rec[48] = (uint8_t)ev.kind;
		rec[49] = ev.gang;
		put32(rec + 52, (uint32_t)ev.priority);
		put32(rec + 56, ev.task_index);
		put32(rec + 60, a);
		put32(rec + 64, b);
		put32(rec + 68, c);
		rc = put(f, rec, sizeof rec, &sum);
		n++;
	}
	size_t nfws, nroles;
	const tr_framework *fws = tr_source_frameworks(src, &nfws);
	const tr_role *roles = tr_source_roles(src, &nroles);
	for (size_t i = 0; rc == 0 && i < nfws; i++) {
		uint8_t r[FW_SIZE] = {0};
		uint32_t name, role;
		if ((rc = strtab_add(&st, fws[i].name, &name)) < 0 || (rc = strtab_add(&st, fws[i].role, &role)) < 0)
			break;
		put32(r + 0, name);
		put32(r + 4, role);
		put64(r + 8, dbits(fws[i].weight));
		put32(r + 16, (uint32_t)fws[i].priority);
		put32(r + 20, fws[i].tasks_per_offer);
		put64(r + 24, (uint64_t)fws[i].decision_latency_ns);
		put64(r + 32, dbits(fws[i].refuse_seconds));
		rc = put(f, r, sizeof r, &sum);
	}
	for (size_t i = 0; rc == 0 && i < nroles; i++) {
		uint8_t r[ROLE_SIZE] = {0};
		uint32_t role, g = 0, l = 0;
		if ((rc = strtab_add(&st, roles[i].role, &role)) < 0)
			break;
		/* NULL quota = 0xffffffff; "" would be a valid (empty) text */
		if (roles[i].guarantee && (rc = strtab_add(&st, roles[i].guarantee, &g)) < 0)
			break;
		if (roles[i].limit && (rc = strtab_add(&st, roles[i].limit, &l)) < 0)
			break;
		put32(r + 0, role);
		put32(r + 4, roles[i].guarantee ? g : UINT32_MAX);
		put32(r + 8, roles[i].limit ? l : UINT32_MAX);
		put64(r + 16, dbits(roles[i].weight));
		rc = put(f, r, sizeof r, &sum);
	}
	if (rc == 0)
		rc = put(f, (const uint8_t *)st.buf, st.len, &sum);
	if (rc == 0) {
		memcpy(hdr, magic, 8);
		put32(hdr + 8, TR_BIN_VERSION);
		put32(hdr + 12, HDR_SIZE);
		put64(hdr + 16, n);
		put64(hdr + 24, nfws);
		put64(hdr + 32, nroles);
		put64(hdr + 40, st.len);
		put64(hdr + 48, sum);
		if (fseek(f, 0, SEEK_SET) != 0 || fwrite(hdr, 1, HDR_SIZE, f) != HDR_SIZE)
			rc = TR_EIO;
	}
	if (fclose(f) != 0 && rc == 0)
		rc = TR_EIO;
	free(st.buf);
	free(st.slots);
	if (rc == TR_EIO)
		tr__err_set(err, rc, "%s: write error", path);
	else if (rc == TR_ENOMEM)
		tr__err_set(err, rc, "out of memory");
	else if (rc == TR_EINVAL && !err->msg[0])
		tr__err_set(err, rc, "%s: more than 4 GB of strings", path);
	if (rc < 0)
		unlink(path);
	return rc;
}

/* ------------------------------------------------------------- reader */

typedef struct bin_source {
	tr_source base;
	const uint8_t *data;
	size_t size;
	bool mapped;
	char *name;
	uint64_t n, at;
	const uint8_t *recs;
	const char *strs;
	uint64_t nstr;
	int64_t last;
	size_t dropped; /* bytes of the mapping from its start handed back (drop_behind) */
} bin_source;

/* Reading is one pass: hands the mapped pages before byte `upto` back to the
 * kernel once 64 MB have piled up, so that a replay's resident memory holds
 * the part being read, not the whole file. They are read again from the file
 * if touched (they are not). */
static void drop_behind(bin_source *b, size_t upto, size_t batch)
{
	if (!b->mapped)
		return;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	upto -= upto % page;
	if (upto >= b->dropped + batch) {
		(void)madvise((void *)(b->data + b->dropped), upto - b->dropped, MADV_DONTNEED);
		b->dropped = upto;
	}
}

static int bin_next(tr_source *src, tr_event *ev, tr_err *err)
{
	bin_source *b = (bin_source *)src;
	if (b->at == b->n)
		return 0;
	const uint8_t *r = b->recs + b->at * REC_SIZE;
	memset(ev, 0, sizeof *ev);
	ev->time_ns = (int64_t)get64(r);
	ev->duration_ns = (int64_t)get64(r + 8);
	ev->res.cpus = (int64_t)get64(r + 16);
	ev->res.mem_mb = (int64_t)get64(r + 24);
	ev->res.disk_mb = (int64_t)get64(r + 32);
	ev->res.gpus = (int64_t)get64(r + 40);
	uint8_t kind = r[48];
	ev->gang = r[49] != 0;
	ev->priority = (int32_t)get32(r + 52);
	ev->task_index = get32(r + 56);
	uint32_t a = get32(r + 60), s2 = get32(r + 64), c = get32(r + 68);
	/* offsets were checked when opened; kinds and values are checked here */
	const char *what = NULL;
	if (kind > TR_TASK_SUBMIT)
		what = "an event kind 0..3";
	else if (ev->time_ns < b->last || ev->time_ns < 0)
		what = "a time not before the previous event's";
	else if (ev->duration_ns < 0 || ev->res.cpus < 0 || ev->res.mem_mb < 0 || ev->res.disk_mb < 0 ||
	         ev->res.gpus < 0)
		what = "non-negative amounts and duration";
	else if (a == 0)
		what = kind == TR_TASK_SUBMIT ? "a job id" : "a machine id";
	else if (kind == TR_TASK_SUBMIT && s2 == 0)
		what = "a framework";
	if (what) {
		tr__err_set(err, TR_EFORMAT, "%s: record %llu (byte offset %llu): expected %s", b->name,
		            (unsigned long long)b->at + 1, (unsigned long long)(r - b->data), what);
		return TR_EFORMAT;
	}
	ev->kind = (tr_kind)kind;
	b->last = ev->time_ns;
	if (kind == TR_TASK_SUBMIT) {
		ev->job = b->strs + a;
		ev->framework = b->strs + s2;
		ev->locality = b->strs + c;
	} else {
		ev->machine = b->strs + a;
		ev->locality = "";
	}
	ev->file = b->name;
	ev->line = ++b->at;
	if ((b->at & 0xffff) == 0)
		drop_behind(b, (size_t)(r - b->data), (size_t)64 << 20);
	return 1;
}

static double bin_progress(const tr_source *src)
{
	const bin_source *b = (const bin_source *)src;
	return b->n ? (double)b->at / (double)b->n : 1.0;
}

static void bin_destroy(tr_source *src)
{
	bin_source *b = (bin_source *)src;
	tr__source_free_common(src);
	if (b->mapped && b->size)
		munmap((void *)b->data, b->size);
	free(b->name);
	free(b);
}

static const tr_source_ops bin_ops = {bin_next, bin_progress, bin_destroy, NULL};

static int reject(bin_source *b, tr_err *err, const char *fmt, const char *detail, unsigned long long v)
{
	char what[300];
	snprintf(what, sizeof what, fmt, detail, v);
	tr__err_set(err, TR_EFORMAT, "%s: not a usable Meso binary workload: %s", b->name, what);
	bin_destroy(&b->base);
	return TR_EFORMAT;
}

static int check_str(const bin_source *b, uint32_t off)
{
	return off < b->nstr;
}

static int bin_init(bin_source *b, tr_source **out, tr_err *err)
{
	const uint8_t *d = b->data;
	if (b->size < HDR_SIZE)
		return reject(b, err, "%sfile of %llu bytes is shorter than the 64-byte header (truncated?)", "",
		              (unsigned long long)b->size);
	if (memcmp(d, magic, 8) != 0)
		return reject(b, err, "%sbad magic (expected \"MESOTRB\"; offset %llu)", "", 0ULL);
	uint32_t version = get32(d + 8);
	if (version != TR_BIN_VERSION)
		return reject(b, err, "%swrong version %llu (this build reads version 1; convert it again)", "",
		              (unsigned long long)version);
	if (get32(d + 12) != HDR_SIZE)
		return reject(b, err, "%sheader size %llu (expected 64)", "", (unsigned long long)get32(d + 12));
	uint64_t n = get64(d + 16), nfws = get64(d + 24), nroles = get64(d + 32), nstr = get64(d + 40);
	uint64_t limit = (uint64_t)1 << 40;
	if (n > limit || nfws > limit || nroles > limit || nstr > UINT32_MAX)
		return reject(b, err, "%simpossible counts in the header (offset %llu)", "", 16ULL);
	uint64_t want = HDR_SIZE + n * REC_SIZE + nfws * FW_SIZE + nroles * ROLE_SIZE + nstr;
	if (want != b->size)
		return reject(b, err,
		              want > b->size ? "%sthe header announces %llu bytes, more than the file (truncated)"
		                             : "%sthe header announces %llu bytes, fewer than the file",
		              "", (unsigned long long)want);
	uint64_t sum = fnv(FNV_INIT, d + HDR_SIZE, b->size - HDR_SIZE);
	if (sum != get64(d + 48))
		return reject(b, err, "%schecksum mismatch (corrupted; header at offset %llu)", "", 48ULL);
	b->n = n;
	b->base.events_hint = n;
	b->recs = d + HDR_SIZE;
	b->strs = (const char *)(d + b->size - nstr);
	b->nstr = nstr;
	if (nstr == 0 || b->strs[0] != '\0' || b->strs[nstr - 1] != '\0')
		return reject(b, err, "%sthe string table (offset %llu) must start and end with NUL", "",
		              (unsigned long long)(b->size - nstr));
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *r = b->recs + i * REC_SIZE;
		if (!check_str(b, get32(r + 60)) || !check_str(b, get32(r + 64)) || !check_str(b, get32(r + 68)))
			return reject(b, err, "%sa string offset past the table in the record at byte offset %llu", "",
			              (unsigned long long)(r - d));
	}
	const uint8_t *fr = b->recs + n * REC_SIZE;
	for (uint64_t i = 0; i < nfws; i++, fr += FW_SIZE) {
		if (!check_str(b, get32(fr)) || !check_str(b, get32(fr + 4)) || get32(fr) == 0)
			return reject(b, err, "%sa bad framework record at byte offset %llu", "",
			              (unsigned long long)(fr - d));
		tr_framework fw;
		tr_framework_defaults(&fw);
		fw.name = (char *)b->strs + get32(fr);
		fw.role = (char *)b->strs + get32(fr + 4);
		fw.weight = bitsd(get64(fr + 8));
		fw.priority = (int32_t)get32(fr + 16);
		fw.tasks_per_offer = get32(fr + 20);
		fw.decision_latency_ns = (int64_t)get64(fr + 24);
		fw.refuse_seconds = bitsd(get64(fr + 32));
		if (!(fw.weight > 0) || !(fw.refuse_seconds >= 0) || fw.decision_latency_ns < 0)
			return reject(b, err, "%sa framework record with bad settings at byte offset %llu", "",
			              (unsigned long long)(fr - d));
		if (tr__add_framework(&b->base, &fw) < 0)
			return reject(b, err, "%sout of memory%llu", "", 0ULL);
	}
	for (uint64_t i = 0; i < nroles; i++, fr += ROLE_SIZE) {
		uint32_t role = get32(fr), g = get32(fr + 4), l = get32(fr + 8);
		if (!check_str(b, role) || role == 0 || (g != UINT32_MAX && !check_str(b, g)) ||
		    (l != UINT32_MAX && !check_str(b, l)))
			return reject(b, err, "%sa bad role record at byte offset %llu", "",
			              (unsigned long long)(fr - d));
		tr_role *v = realloc(b->base.roles, (b->base.nroles + 1) * sizeof *v);
		if (!v)
			return reject(b, err, "%sout of memory%llu", "", 0ULL);
		b->base.roles = v;
		tr_role *r = &v[b->base.nroles];
		r->role = tr__strdup(b->strs + role);
		r->guarantee = g == UINT32_MAX ? NULL : tr__strdup(b->strs + g);
		r->limit = l == UINT32_MAX ? NULL : tr__strdup(b->strs + l);
		r->weight = bitsd(get64(fr + 16));
		b->base.nroles++;
		if (!r->role)
			return reject(b, err, "%sout of memory%llu", "", 0ULL);
	}
	b->last = 0;
	/* the checks above read the whole file: give the records back until
	 * they are read; reading faults them in again, so dropping behind it
	 * starts over from the beginning (else nothing read would be dropped) */
	drop_behind(b, HDR_SIZE + (size_t)n * REC_SIZE, 0);
	b->dropped = 0;
	*out = &b->base;
	return 0;
}

int tr_bin_open_mem(const void *data, size_t size, const char *name, tr_source **out, tr_err *err)
{
	bin_source *b = calloc(1, sizeof *b);
	if (!b || !(b->name = tr__strdup(name ? name : "memory"))) {
		free(b);
		tr__err_set(err, TR_ENOMEM, "out of memory");
		return TR_ENOMEM;
	}
	b->base.ops = &bin_ops;
	b->data = data;
	b->size = size;
	return bin_init(b, out, err);
}

int tr_bin_open(const char *path, tr_source **out, tr_err *err)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		tr__err_set(err, TR_EIO, "%s: cannot open", path);
		return TR_EIO;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		tr__err_set(err, TR_EIO, "%s: not a regular file", path);
		return TR_EIO;
	}
	bin_source *b = calloc(1, sizeof *b);
	if (!b || !(b->name = tr__strdup(path))) {
		free(b);
		close(fd);
		tr__err_set(err, TR_ENOMEM, "out of memory");
		return TR_ENOMEM;
	}
	b->base.ops = &bin_ops;
	b->size = (size_t)st.st_size;
	if (b->size > 0) {
		void *m = mmap(NULL, b->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			close(fd);
			free(b->name);
			free(b);
			tr__err_set(err, TR_EIO, "%s: cannot map", path);
			return TR_EIO;
		}
		b->data = m;
		b->mapped = true;
		posix_madvise(m, b->size, POSIX_MADV_SEQUENTIAL);
	} else {
		b->data = (const uint8_t *)"";
	}
	close(fd);
	return bin_init(b, out, err);
}
