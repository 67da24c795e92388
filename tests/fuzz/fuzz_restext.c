/*
 * fuzz_restext.c — fuzz target for resource text. Whatever the bytes, the
 * resource, quota and min-allocatable parsers must either fail cleanly (a
 * code, a message, no kind or role registered) or give a valid set that
 * prints and parses back to itself. Built with libFuzzer (`make fuzz`) or
 * with fuzz_main.c, which replays a corpus under ctest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloccore/alloccore.h"
#include "restext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...)                                                                                               \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz_restext: %s:%d: ", __FILE__, __LINE__);                                  \
			fprintf(stderr, __VA_ARGS__);                                                                  \
			fputc('\n', stderr);                                                                           \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

#define AMOUNT_MAX ((int64_t)AC_AMOUNT_MAX_UNITS * AC_MILLI)

/* What a failed parse must leave as it was. */
typedef struct names {
	int kinds;
	uint32_t roles;
} names;

static names names_now(const ac_core *core)
{
	names n = {0, 0};
	while (n.kinds < AC_KINDS && ac_kind_name(core, n.kinds))
		n.kinds++;
	while (ac_role_name(core, n.roles))
		n.roles++;
	return n;
}

static void check_failure(const ac_core *core, names before, int rc, const ac_err *err, const char *what)
{
	names after = names_now(core);
	CHECK(rc < 0, "%s: rc %d", what, rc);
	CHECK(err->code == rc, "%s: err.code %d but rc %d", what, err->code, rc);
	CHECK(err->msg[0] != '\0', "%s: failed (%d) without a message", what, rc);
	CHECK(after.kinds == before.kinds, "%s: failed but registered kinds (%d -> %d): %s", what, before.kinds,
	      after.kinds, err->msg);
	CHECK(after.roles == before.roles, "%s: failed but created roles (%u -> %u): %s", what, before.roles,
	      after.roles, err->msg);
}

/* The invariants of resources.h, and the bounds the parser promises. */
static void check_set(const ac_core *core, const ac_resources *r, const char *text)
{
	CHECK(r->ngroups >= 1 && r->ngroups <= AC_MAX_GROUPS, "\"%s\": %u groups", text, r->ngroups);
	CHECK(r->group[0].role == 0, "\"%s\": group 0 has role %u", text, r->group[0].role);
	for (uint32_t i = 0; i < r->ngroups; i++) {
		const ac_group *g = &r->group[i];
		if (i > 0) {
			CHECK(g->role > r->group[i - 1].role, "\"%s\": group %u out of order", text, i);
			CHECK(ac_role_name(core, g->role) != NULL, "\"%s\": group %u has unknown role", text, i);
			CHECK(g->nports > 0 || !ac_vec_is_zero(&g->amount), "\"%s\": group %u is empty", text, i);
		}
		for (int k = 0; k < AC_KINDS; k++) {
			CHECK(g->amount.v[k] >= 0 && g->amount.v[k] <= AMOUNT_MAX, "\"%s\": amount %lld", text,
			      (long long)g->amount.v[k]);
			CHECK(g->amount.v[k] == 0 || ac_kind_name(core, k), "\"%s\": amount of unknown kind %d", text,
			      k);
		}
		CHECK(g->nports <= AC_MAX_RANGES, "\"%s\": %u ranges", text, g->nports);
		for (uint32_t j = 0; j < g->nports; j++) {
			CHECK(g->ports[j].begin <= g->ports[j].end && g->ports[j].end <= 65535, "\"%s\": range %u-%u",
			      text, g->ports[j].begin, g->ports[j].end);
			CHECK(j == 0 || g->ports[j - 1].end + 1 < g->ports[j].begin,
			      "\"%s\": ranges %u and %u overlap or touch", text, j - 1, j);
		}
	}
}

static void check_resources(ac_core *core, const char *text)
{
	static char out[16384], again[16384];
	ac_resources r, back;
	ac_err err = {0};
	names before = names_now(core);
	int rc = ac_resources_parse(core, text, &r, &err);
	if (rc) {
		check_failure(core, before, rc, &err, "resources");
		return;
	}
	check_set(core, &r, text);

	/* Canonical text parses back to the same set and prints the same. */
	size_t n = ac_resources_format(core, &r, out, sizeof out);
	CHECK(n < sizeof out && n == strlen(out), "format length %zu", n);
	rc = ac_resources_parse(core, out, &back, &err);
	CHECK(rc == AC_OK, "\"%s\" printed as \"%s\" does not parse: %s", text, out, err.msg);
	CHECK(ac_resources_equal(&r, &back), "\"%s\" printed as \"%s\" parses to another set", text, out);
	ac_resources_format(core, &back, again, sizeof again);
	CHECK(strcmp(out, again) == 0, "printing is not stable: \"%s\" then \"%s\"", out, again);
	char small[8];
	CHECK(ac_resources_format(core, &r, small, sizeof small) == n, "format length depends on the buffer");
	CHECK(strlen(small) == (n < sizeof small ? n : sizeof small - 1), "truncated format not terminated");

	/* A little algebra on what the parser makes. */
	ac_resources twice = r;
	if (ac_resources_add(&twice, &r) == AC_OK) {
		CHECK(ac_resources_contains(&twice, &r), "\"%s\": r + r does not contain r", out);
		CHECK(ac_resources_sub(&twice, &r) == AC_OK, "\"%s\": (r + r) - r failed", out);
		CHECK(ac_resources_contains(&r, &twice), "\"%s\": (r + r) - r is not within r", out);
	}
	ac_resources none = r;
	CHECK(ac_resources_sub(&none, &r) == AC_OK && ac_resources_empty(&none), "\"%s\": r - r is not empty", out);
}

static void check_quota(ac_core *core, const char *text)
{
	/* The first line is the guarantee, the rest (if any) the limit. */
	size_t len = strlen(text);
	char *copy = malloc(len + 1);
	CHECK(copy, "out of memory");
	memcpy(copy, text, len + 1);
	char *nl = strchr(copy, '\n');
	const char *limit = NULL;
	if (nl) {
		*nl = '\0';
		limit = nl + 1;
	}
	ac_quota q;
	ac_err err = {0};
	names before = names_now(core);
	int rc = ac_quota_parse(core, copy, limit, &q, &err);
	if (rc) {
		check_failure(core, before, rc, &err, "quota");
	} else {
		int kinds = names_now(core).kinds;
		CHECK(q.limit_mask >> kinds == 0, "quota: limit mask 0x%x beyond %d kinds", q.limit_mask, kinds);
		CHECK(limit || q.limit_mask == 0, "quota: a mask without a limit");
		for (int k = 0; k < AC_KINDS; k++) {
			CHECK(q.guarantee.v[k] >= 0 && q.guarantee.v[k] <= AMOUNT_MAX, "quota: guarantee out of range");
			CHECK(q.limit.v[k] >= 0 && q.limit.v[k] <= AMOUNT_MAX, "quota: limit out of range");
			CHECK(q.limit.v[k] == 0 || (q.limit_mask >> k & 1), "quota: limit of kind %d not in the mask",
			      k);
		}
	}
	free(copy);
}

static void check_minalloc(ac_core *core, const char *text)
{
	ac_minalloc m;
	ac_err err = {0};
	names before = names_now(core);
	int rc = ac__minalloc_parse(core, text, &m, &err);
	if (rc) {
		check_failure(core, before, rc, &err, "min_allocatable");
		return;
	}
	int kinds = names_now(core).kinds;
	CHECK(m.nsets <= AC_MAX_MINSETS, "min_allocatable: %u sets", m.nsets);
	for (uint32_t s = 0; s < m.nsets; s++) {
		CHECK(m.mask[s] != 0 && m.mask[s] >> kinds == 0, "min_allocatable: set %u mask 0x%x", s, m.mask[s]);
		for (int k = 0; k < AC_KINDS; k++)
			CHECK(m.set[s].v[k] >= 0 && (m.set[s].v[k] == 0 || (m.mask[s] >> k & 1)),
			      "min_allocatable: set %u kind %d", s, k);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	ac_core *core = NULL;
	ac_err err = {0};
	CHECK(text, "out of memory");
	memcpy(text, data, size);
	text[size] = '\0';
	CHECK(ac_core_create(NULL, NULL, &core, &err) == AC_OK, "ac_core_create: %s", err.msg);

	check_resources(core, text);
	check_quota(core, text);
	check_minalloc(core, text);

	/* The same parsers on a fresh core, where every name is new. */
	ac_core_destroy(core);
	CHECK(ac_core_create(NULL, NULL, &core, &err) == AC_OK, "ac_core_create: %s", err.msg);
	check_minalloc(core, text);
	check_quota(core, text);

	int64_t v;
	if (ac_amount_parse(text, strlen(text), &v, &err) == AC_OK)
		CHECK(v >= 0 && v <= AMOUNT_MAX, "amount %lld", (long long)v);
	else
		CHECK(err.msg[0] != '\0', "amount: failed without a message");

	ac_core_destroy(core);
	free(text);
	return 0;
}
