/*
 * restext.c — resource text: Mesos's "cpus:2;mem:1024;ports(r):[31000-32000]"
 * parsed into resource sets and printed back canonically, and the amount,
 * quota and min-allocatable parsers that share its grammar.
 *
 * Parsing never leaves the core half-changed: the whole text is first checked
 * into a pending set that refers to names only (a new scalar name gets the
 * index it will have once registered, a role stays text); only when all of it
 * is valid are the new kinds registered and the roles interned. Amounts are
 * converted from their decimal digits, never through floating point.
 */
#include "restext.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "kinds.h"
#include "roles.h"

#define AMOUNT_MAX       ((int64_t)AC_AMOUNT_MAX_UNITS * AC_MILLI)
#define PORT_MAX         65535u
#define QUOTE_MAX        60                 /* bytes of the offending entry quoted in a message */
#define MINALLOC_DEFAULT "cpus:0.01|mem:32" /* Mesos's default */

/* ------------------------------------------------------------ characters */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || is_digit(c) || c == '.' || c == '-';
}

static size_t skip_space(const char *s, size_t i, size_t n)
{
	while (i < n && is_space(s[i]))
		i++;
	return i;
}

/* Narrows [*b, *e) of s to exclude surrounding whitespace. */
static void trim(const char *s, size_t *b, size_t *e)
{
	while (*b < *e && is_space(s[*b]))
		(*b)++;
	while (*e > *b && is_space(s[*e - 1]))
		(*e)--;
}

/* true when s[0..n) is `word`, ignoring ASCII case. */
static bool word_is(const char *s, size_t n, const char *word)
{
	if (strlen(word) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return true;
}

/* --------------------------------------------------------------- amounts */

/* Converts the whole of s[0..n) ("2", "0.5", ".25", "3.") to thousandths,
 * rounding half away from zero at the fourth decimal as Mesos's
 * llround(v * 1000) does. On failure returns AC_EINVAL (malformed) or
 * AC_ERANGE (negative, not finite, too large), with a reason and the offset
 * of the byte at fault. */
static int amount_scan(const char *s, size_t n, int64_t *out, const char **why, size_t *at)
{
	size_t i = 0, digits = 0;
	bool negative = false, too_big = false;
	int64_t units = 0, milli = 0;
	int decimals = 0;

	if (n > 0 && s[0] == '-') {
		negative = true;
		i = 1;
	}
	if (word_is(s + i, n - i, "nan") || word_is(s + i, n - i, "inf") || word_is(s + i, n - i, "infinity")) {
		*why = "amount is not a finite number";
		*at = 0;
		return AC_ERANGE;
	}
	for (; i < n && is_digit(s[i]); i++, digits++) {
		if (!too_big)
			units = units * 10 + (s[i] - '0');
		if (units > AC_AMOUNT_MAX_UNITS)
			too_big = true;
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && is_digit(s[i]); i++, digits++, decimals++) {
			if (decimals < 3)
				milli = milli * 10 + (s[i] - '0');
			else if (decimals == 3 && s[i] >= '5')
				milli++; /* 5 or more at the fourth decimal is at least half */
		}
	}
	if (digits == 0 || i < n) {
		*at = i;
		if (i == n || digits == 0)
			*why = "expected a number";
		else if (s[i] == 'e' || s[i] == 'E')
			*why = "exponents are not allowed";
		else if ((s[i] == 'x' || s[i] == 'X') && s[i - 1] == '0')
			*why = "hexadecimal is not allowed";
		else
			*why = "unexpected character in a number";
		return AC_EINVAL;
	}
	if (negative) {
		*why = "amount must not be negative";
		*at = 0;
		return AC_ERANGE;
	}
	/* milli holds min(decimals, 3) digits plus a possible carry. */
	for (int d = decimals; d < 3; d++)
		milli *= 10;
	if (too_big || units * AC_MILLI + milli > AMOUNT_MAX) {
		*why = "amount above the largest allowed (1000000000000)";
		*at = 0;
		return AC_ERANGE;
	}
	*out = units * AC_MILLI + milli;
	return AC_OK;
}

int ac_amount_parse(const char *text, size_t len, int64_t *out, ac_err *err)
{
	const char *why;
	size_t b = 0, e = len, at;
	int64_t v;

	if (!text)
		return ac__fail(err, AC_EINVAL, "amount: no text");
	trim(text, &b, &e);
	int rc = amount_scan(text + b, e - b, &v, &why, &at);
	if (rc) {
		int shown = (int)(len < QUOTE_MAX ? len : QUOTE_MAX);
		return ac__fail(err, rc, "amount \"%.*s%s\" at offset %zu: %s", shown, text,
		                len > QUOTE_MAX ? "..." : "", b + at, why);
	}
	*out = v;
	return AC_OK;
}

/* ---------------------------------------------------------------- parser */

/* One group being parsed: amounts are indexed by tentative kind. */
typedef struct pend_group {
	const char *role; /* NULL: unreserved */
	size_t role_len;
	int64_t amount[AC_KINDS];
	uint32_t nports;
	ac_range ports[AC_MAX_RANGES];
} pend_group;

typedef struct pend_set {
	uint32_t ngroups; /* group[0] is the unreserved one */
	pend_group group[AC_MAX_GROUPS];
	uint32_t named; /* bit k: tentative kind k appeared, even with 0 */
} pend_set;

typedef struct parser {
	ac_core *core;
	ac_err *err;
	const char *what;  /* message prefix: "resources", "limit", ... */
	const char *text;  /* the text offsets are counted from */
	bool scalars_only; /* unreserved scalars only (quota, min_allocatable) */
	int nknown;        /* kinds registered when parsing began */
	int nfresh;        /* new names, to become kinds nknown.. in this order */
	struct {
		const char *name;
		size_t len;
	} fresh[AC_KINDS];
} parser;

static void parser_init(parser *p, ac_core *core, ac_err *err, bool scalars_only)
{
	memset(p, 0, sizeof *p);
	p->core = core;
	p->err = err;
	p->scalars_only = scalars_only;
	p->nknown = ac__kind_count(core);
}

static void pend_set_init(pend_set *set)
{
	memset(set, 0, sizeof *set);
	set->ngroups = 1;
}

/* Fails quoting the entry e[0..n) and the offset of `at` in the text. */
static int __attribute__((format(printf, 6, 7)))
entry_fail(const parser *p, const char *e, size_t n, const char *at, int code, const char *fmt, ...)
{
	char why[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	int shown = (int)(n < QUOTE_MAX ? n : QUOTE_MAX);
	return ac__fail(p->err, code, "%s: \"%.*s%s\" at offset %zu: %s", p->what, shown, e, n > QUOTE_MAX ? "..." : "",
	                (size_t)(at - p->text), why);
}

/* Tentative index of scalar kind `name`, registering nothing yet; or a
 * negative code when no kind is left for a new name. */
static int kind_get(parser *p, const char *e, size_t n, const char *name, size_t len)
{
	int k = ac__kind_find(p->core, name, len);
	if (k >= 0)
		return k;
	for (int i = 0; i < p->nfresh; i++)
		if (p->fresh[i].len == len && memcmp(p->fresh[i].name, name, len) == 0)
			return p->nknown + i;
	if (p->nknown + p->nfresh >= AC_KINDS)
		return entry_fail(p, e, n, name, AC_ENOSPC,
		                  "too many resource names: \"%.*s\" would be one more than the %d kinds allowed",
		                  (int)(len < QUOTE_MAX ? len : QUOTE_MAX), name, AC_KINDS);
	p->fresh[p->nfresh].name = name;
	p->fresh[p->nfresh].len = len;
	return p->nknown + p->nfresh++;
}

/* The pending group of a role (NULL: unreserved), created on first use. */
static int group_get(parser *p, pend_set *set, const char *e, size_t n, const char *role, size_t role_len,
                     pend_group **out)
{
	uint32_t i = 0;
	if (role)
		for (i = 1; i < set->ngroups; i++)
			if (set->group[i].role_len == role_len && memcmp(set->group[i].role, role, role_len) == 0)
				break;
	if (i == set->ngroups) {
		if (set->ngroups == AC_MAX_GROUPS)
			return entry_fail(p, e, n, role, AC_ENOSPC, "more than %d reservation roles in one set",
			                  AC_MAX_GROUPS - 1);
		set->group[i].role = role;
		set->group[i].role_len = role_len;
		set->ngroups++;
	}
	*out = &set->group[i];
	return AC_OK;
}

/* Adds [b, e] to a sorted list of disjoint, non-adjacent ranges, merging
 * what it overlaps or touches. AC_OK, or AC_ENOSPC when the result would not
 * fit (the list unchanged). */
static int range_insert(ac_range *r, uint32_t *n, uint32_t b, uint32_t e)
{
	uint32_t lo = 0, hi;
	while (lo < *n && (uint64_t)r[lo].end + 1 < b)
		lo++;
	for (hi = lo; hi < *n && r[hi].begin <= (uint64_t)e + 1; hi++) {
		b = r[hi].begin < b ? r[hi].begin : b;
		e = r[hi].end > e ? r[hi].end : e;
	}
	uint32_t count = *n - (hi - lo) + 1;
	if (count > AC_MAX_RANGES)
		return AC_ENOSPC;
	memmove(&r[lo + 1], &r[hi], (*n - hi) * sizeof *r);
	r[lo].begin = b;
	r[lo].end = e;
	*n = count;
	return AC_OK;
}

/* A port number at v[*i]; advances *i past it. */
static int port_scan(const parser *p, const char *e, size_t n, const char *v, size_t vn, size_t *i, uint32_t *out)
{
	size_t start = *i;
	uint32_t port = 0;
	if (start == vn || !is_digit(v[start]))
		return entry_fail(p, e, n, v + start, AC_EINVAL, "expected a port number");
	for (; *i < vn && is_digit(v[*i]); (*i)++) {
		port = port * 10 + (uint32_t)(v[*i] - '0');
		if (port > PORT_MAX)
			return entry_fail(p, e, n, v + start, AC_ERANGE, "port above %u", PORT_MAX);
	}
	*out = port;
	return AC_OK;
}

/* "[31000-32000, 33000-33100]" (v[0..vn), trimmed) into g's ports. */
static int ranges_parse(const parser *p, const char *e, size_t n, const char *v, size_t vn, pend_group *g)
{
	size_t i = skip_space(v, 1, vn);
	int rc;

	bool empty = i < vn && v[i] == ']';
	while (!empty) {
		uint32_t begin, end;
		size_t at = i;
		if ((rc = port_scan(p, e, n, v, vn, &i, &begin)))
			return rc;
		i = skip_space(v, i, vn);
		if (i == vn || v[i] != '-')
			return entry_fail(p, e, n, v + i, AC_EINVAL, "expected '-' in a port range like 31000-32000");
		i = skip_space(v, i + 1, vn);
		if ((rc = port_scan(p, e, n, v, vn, &i, &end)))
			return rc;
		if (begin > end)
			return entry_fail(p, e, n, v + at, AC_EINVAL, "port range begins after it ends");
		if (range_insert(g->ports, &g->nports, begin, end))
			return entry_fail(p, e, n, v + at, AC_ENOSPC, "more than %d disjoint port ranges in one group",
			                  AC_MAX_RANGES);
		i = skip_space(v, i, vn);
		if (i < vn && v[i] == ']')
			break;
		if (i == vn || v[i] != ',')
			return entry_fail(p, e, n, v + i, AC_EINVAL, "expected ',' or ']' in port ranges");
		i = skip_space(v, i + 1, vn);
	}
	if (i + 1 != vn)
		return entry_fail(p, e, n, v + i + 1, AC_EINVAL, "unexpected text after ']'");
	return AC_OK;
}

/* One entry e[0..n), trimmed and non-empty: name[(role)]:value. */
static int entry_parse(parser *p, pend_set *set, const char *e, size_t n)
{
	const char *role = NULL;
	size_t i = 0, role_len = 0, name_len;
	pend_group *g = NULL;
	int rc;

	if (!is_name_start(e[0]))
		return entry_fail(p, e, n, e, AC_EINVAL, "expected a resource name");
	while (i < n && is_name_char(e[i]))
		i++;
	name_len = i;
	if (name_len > AC_KIND_NAME_MAX)
		return entry_fail(p, e, n, e, AC_EINVAL, "resource name longer than 64 bytes");
	i = skip_space(e, i, n);
	if (i < n && e[i] == '(') {
		size_t open = i, rb, re;
		while (i < n && e[i] != ')')
			i++;
		if (i == n)
			return entry_fail(p, e, n, e + open, AC_EINVAL, "missing ')' after the role");
		rb = open + 1;
		re = i;
		trim(e, &rb, &re);
		role = e + rb;
		role_len = re - rb;
		i = skip_space(e, i + 1, n);
	}
	if (i == n || e[i] != ':')
		return entry_fail(p, e, n, e + i, AC_EINVAL, "expected ':' and a value");
	i = skip_space(e, i + 1, n);
	if (i == n)
		return entry_fail(p, e, n, e + i, AC_EINVAL, "missing value");

	bool is_ports = name_len == 5 && memcmp(e, "ports", 5) == 0;
	if (role && role_len == 1 && role[0] == '*') {
		role = NULL;
	} else if (role) {
		ac_err why = {0};
		if ((rc = ac__role_name_check(role, role_len, &why)))
			return entry_fail(p, e, n, role, rc, "bad role: %s", why.msg);
	}
	if (p->scalars_only && is_ports)
		return entry_fail(p, e, n, e, AC_EINVAL, "ports are not allowed here, only unreserved scalars");
	if (p->scalars_only && role)
		return entry_fail(p, e, n, role, AC_EINVAL,
		                  "reservations are not allowed here, only unreserved scalars");
	if ((rc = group_get(p, set, e, n, role, role_len, &g)))
		return rc;

	const char *v = e + i;
	size_t vn = n - i;
	if (is_ports) {
		if (v[0] != '[')
			return entry_fail(p, e, n, v, AC_EINVAL, "ports take ranges, like [31000-32000]");
		return ranges_parse(p, e, n, v, vn, g);
	}
	if (v[0] == '[' || v[0] == '{')
		return entry_fail(p, e, n, v, AC_EINVAL, "only ports take ranges or sets; expected a number");

	const char *why;
	size_t at;
	int64_t amount;
	if ((rc = amount_scan(v, vn, &amount, &why, &at)))
		return entry_fail(p, e, n, v + at, rc, "%s", why);
	int k = kind_get(p, e, n, e, name_len);
	if (k < 0)
		return k;
	set->named |= 1u << k;
	/* The same bound as one entry, so that duplicates cannot add up to
	 * what no single entry may hold. */
	if (g->amount[k] + amount > AMOUNT_MAX)
		return entry_fail(p, e, n, v, AC_ERANGE, "total of \"%.*s\" above the largest amount allowed",
		                  (int)name_len, e);
	g->amount[k] += amount;
	return AC_OK;
}

/* The ';'-separated entries of s[0..n) into set. Empty entries are skipped,
 * as Mesos's tokenizer does ("cpus:1;;mem:2", a trailing ';'). */
static int set_parse(parser *p, const char *s, size_t n, pend_set *set)
{
	size_t i = 0;
	while (i <= n) {
		size_t j = i;
		while (j < n && s[j] != ';')
			j++;
		size_t b = i, e = j;
		trim(s, &b, &e);
		if (e > b) {
			int rc = entry_parse(p, set, s + b, e - b);
			if (rc)
				return rc;
		}
		i = j + 1;
	}
	return AC_OK;
}

/* Registers the new names, in the order their tentative indices assume;
 * remap[t] is then the real kind of tentative kind t. */
static int kinds_commit(parser *p, int remap[AC_KINDS])
{
	for (int k = 0; k < AC_KINDS; k++)
		remap[k] = k;
	for (int i = 0; i < p->nfresh; i++) {
		int k, rc = ac__kind_add(p->core, p->fresh[i].name, p->fresh[i].len, &k);
		if (rc)
			return ac__fail(p->err, rc, "%s: cannot register resource name \"%.*s\"", p->what,
			                (int)p->fresh[i].len, p->fresh[i].name);
		remap[p->nknown + i] = k;
	}
	return AC_OK;
}

static void vec_remap(const int64_t *amount, const int remap[AC_KINDS], ac_vec *out)
{
	ac_vec_zero(out);
	for (int k = 0; k < AC_KINDS; k++)
		out->v[remap[k]] += amount[k];
}

static uint32_t mask_remap(uint32_t named, const int remap[AC_KINDS])
{
	uint32_t mask = 0;
	for (int k = 0; k < AC_KINDS; k++)
		if (named >> k & 1)
			mask |= 1u << remap[k];
	return mask;
}

/* Builds the resource set, interning the roles of non-empty reservations
 * (a reservation of nothing creates no role). */
static int set_build(parser *p, const pend_set *set, const int remap[AC_KINDS], ac_resources *out)
{
	ac_resources_init(out);
	for (uint32_t i = 0; i < set->ngroups; i++) {
		const pend_group *pg = &set->group[i];
		ac_group g = {0};
		vec_remap(pg->amount, remap, &g.amount);
		g.nports = pg->nports;
		memcpy(g.ports, pg->ports, pg->nports * sizeof pg->ports[0]);
		if (i == 0) {
			out->group[0] = g;
			continue;
		}
		if (ac_vec_is_zero(&g.amount) && g.nports == 0)
			continue;
		uint32_t id;
		int rc = ac__role_intern_n(p->core, pg->role, pg->role_len, &id);
		/* (role 0, "*", is never a reservation: the parser took it out) */
		if (rc || id == 0)
			return ac__fail(p->err, rc ? rc : AC_EINVAL, "%s: cannot create role \"%.*s\"", p->what,
			                (int)pg->role_len, pg->role);
		g.role = id;
		/* Keep the reserved groups in increasing id order. */
		uint32_t j = out->ngroups++;
		while (j > 1 && out->group[j - 1].role > g.role) {
			out->group[j] = out->group[j - 1];
			j--;
		}
		out->group[j] = g;
	}
	return AC_OK;
}

int ac_resources_parse(ac_core *core, const char *text, ac_resources *out, ac_err *err)
{
	parser p;
	pend_set set;
	int remap[AC_KINDS];
	ac_resources r;
	int rc;

	if (!text)
		return ac__fail(err, AC_EINVAL, "resources: no text");
	parser_init(&p, core, err, false);
	p.what = "resources";
	p.text = text;
	pend_set_init(&set);
	if ((rc = set_parse(&p, text, strlen(text), &set)) || (rc = kinds_commit(&p, remap)) ||
	    (rc = set_build(&p, &set, remap, &r)))
		return rc;
	*out = r;
	return AC_OK;
}

/* ------------------------------------------------------ quota, minalloc */

int ac_quota_parse(ac_core *core, const char *guarantee, const char *limit, ac_quota *out, ac_err *err)
{
	parser p;
	pend_set g, l;
	int remap[AC_KINDS];
	int rc;

	parser_init(&p, core, err, true);
	pend_set_init(&g);
	pend_set_init(&l);
	if (guarantee) {
		p.what = "quota guarantee";
		p.text = guarantee;
		if ((rc = set_parse(&p, guarantee, strlen(guarantee), &g)))
			return rc;
	}
	if (limit) {
		p.what = "quota limit";
		p.text = limit;
		if ((rc = set_parse(&p, limit, strlen(limit), &l)))
			return rc;
	}
	if ((rc = kinds_commit(&p, remap)))
		return rc;
	vec_remap(g.group[0].amount, remap, &out->guarantee);
	vec_remap(l.group[0].amount, remap, &out->limit);
	out->limit_mask = mask_remap(l.named, remap);
	return AC_OK;
}

int ac__minalloc_parse(ac_core *core, const char *text, ac_minalloc *out, ac_err *err)
{
	parser p;
	pend_set set;
	int remap[AC_KINDS];
	int64_t amount[AC_MAX_MINSETS][AC_KINDS];
	uint32_t named[AC_MAX_MINSETS];
	uint32_t nsets = 0;
	size_t n, b = 0, e;
	int rc;

	if (!text)
		text = MINALLOC_DEFAULT;
	parser_init(&p, core, err, true);
	p.what = "min_allocatable";
	p.text = text;
	n = e = strlen(text);
	trim(text, &b, &e);
	/* Blank text: no sets, anything non-empty is allocatable. */
	for (size_t i = 0; b < e && i <= n;) {
		size_t j = i;
		while (j < n && text[j] != '|')
			j++;
		if (nsets == AC_MAX_MINSETS)
			return entry_fail(&p, text, n, text + i, AC_ENOSPC, "more than %d sets", AC_MAX_MINSETS);
		pend_set_init(&set);
		if ((rc = set_parse(&p, text + i, j - i, &set)))
			return rc;
		if (set.named == 0)
			return entry_fail(&p, text, n, text + i, AC_EINVAL,
			                  "empty set; each set between '|' names resources");
		memcpy(amount[nsets], set.group[0].amount, sizeof amount[nsets]);
		named[nsets++] = set.named;
		i = j + 1;
	}
	if ((rc = kinds_commit(&p, remap)))
		return rc;
	memset(out, 0, sizeof *out);
	out->nsets = nsets;
	out->single = true;
	for (uint32_t s = 0; s < nsets; s++) {
		vec_remap(amount[s], remap, &out->set[s]);
		out->mask[s] = mask_remap(named[s], remap);
		/* one kind named: the check is one compare (minalloc.h) */
		if (out->mask[s] && !(out->mask[s] & (out->mask[s] - 1)))
			out->kind[s] = (uint8_t)__builtin_ctz(out->mask[s]);
		else
			out->single = false;
	}
	return AC_OK;
}

/* ------------------------------------------------------------ formatting */

typedef struct writer {
	char *buf;
	size_t len, pos; /* pos: bytes wanted so far, may pass len */
} writer;

static void put(writer *w, const char *s, size_t n)
{
	if (w->pos + 1 < w->len) {
		size_t room = w->len - 1 - w->pos;
		memcpy(w->buf + w->pos, s, n < room ? n : room);
	}
	w->pos += n;
}

static void puts_(writer *w, const char *s)
{
	put(w, s, strlen(s));
}

static void put_u64(writer *w, uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
	put(w, tmp, (size_t)n);
}

/* Thousandths as a decimal with at most three digits after the point and no
 * trailing zeros: 1500 "1.5", 1000 "1", 1 "0.001". */
static void put_amount(writer *w, int64_t v)
{
	uint64_t m = v < 0 ? -(uint64_t)v : (uint64_t)v;
	if (v < 0)
		put(w, "-", 1);
	put_u64(w, m / AC_MILLI);
	unsigned frac = (unsigned)(m % AC_MILLI);
	if (frac) {
		char tmp[5] = {'.', (char)('0' + frac / 100), (char)('0' + frac / 10 % 10), (char)('0' + frac % 10)};
		size_t n = 4;
		while (tmp[n - 1] == '0')
			n--;
		put(w, tmp, n);
	}
}

static const char *kind_label(const ac_core *core, int k, char *tmp, size_t len)
{
	const char *name = ac_kind_name(core, k);
	if (name)
		return name;
	snprintf(tmp, len, "kind%d", k);
	return tmp;
}

static const char *role_label(const ac_core *core, uint32_t role, char *tmp, size_t len)
{
	const char *name = ac_role_name(core, role);
	if (name)
		return name;
	snprintf(tmp, len, "role%u", role);
	return tmp;
}

/* Entries name, then "(role)" for a reservation, then ':'. */
static void put_key(writer *w, const char *name, const char *role)
{
	if (w->pos > 0)
		put(w, ";", 1);
	puts_(w, name);
	if (role) {
		put(w, "(", 1);
		puts_(w, role);
		put(w, ")", 1);
	}
	put(w, ":", 1);
}

size_t ac_resources_format(const ac_core *core, const ac_resources *r, char *buf, size_t len)
{
	writer w = {buf, len, 0};
	int order[AC_KINDS], nk = 0;
	uint32_t groups[AC_MAX_GROUPS], ng = 0;
	char ktmp[AC_KINDS][16], rtmp[AC_MAX_GROUPS][24];
	const char *kname[AC_KINDS], *rname[AC_MAX_GROUPS];

	/* Kinds: the fixed four, then the others by name. */
	for (int k = 0; k < AC_KINDS; k++) {
		kname[k] = kind_label(core, k, ktmp[k], sizeof ktmp[k]);
		int j = nk++;
		while (j > AC_FIXED_KINDS && k >= AC_FIXED_KINDS && strcmp(kname[order[j - 1]], kname[k]) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
	/* Groups: unreserved, then reservations by role name. */
	for (uint32_t i = 0; i < r->ngroups && i < AC_MAX_GROUPS; i++) {
		rname[i] = r->group[i].role ? role_label(core, r->group[i].role, rtmp[i], sizeof rtmp[i]) : NULL;
		uint32_t j = ng++;
		while (j > 1 && i > 0 && strcmp(rname[groups[j - 1]], rname[i]) > 0) {
			groups[j] = groups[j - 1];
			j--;
		}
		groups[j] = i;
	}
	for (uint32_t gi = 0; gi < ng; gi++) {
		const ac_group *g = &r->group[groups[gi]];
		const char *role = rname[groups[gi]];
		for (int i = 0; i < nk; i++) {
			if (g->amount.v[order[i]] == 0)
				continue;
			put_key(&w, kname[order[i]], role);
			put_amount(&w, g->amount.v[order[i]]);
		}
		if (g->nports == 0)
			continue;
		put_key(&w, "ports", role);
		put(&w, "[", 1);
		for (uint32_t j = 0; j < g->nports && j < AC_MAX_RANGES; j++) {
			if (j > 0)
				put(&w, ",", 1);
			put_u64(&w, g->ports[j].begin);
			put(&w, "-", 1);
			put_u64(&w, g->ports[j].end);
		}
		put(&w, "]", 1);
	}
	if (len > 0)
		buf[w.pos < len ? w.pos : len - 1] = '\0';
	return w.pos;
}
