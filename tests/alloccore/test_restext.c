/*
 * test_restext.c — resource text: parsing Mesos's syntax, the canonical
 * printed form, exact decimal rounding, errors that say what and where, and
 * failed parses that leave the core's kinds and roles as they were. Also the
 * quota and min-allocatable parsers built on the same grammar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alloccore/alloccore.h"
#include "restext.h"

#define M AC_MILLI

static int setup(void **state)
{
	ac_core *core = NULL;
	ac_err err = {0};
	if (ac_core_create(NULL, NULL, &core, &err) != AC_OK) {
		print_error("ac_core_create: %s\n", err.msg);
		return -1;
	}
	*state = core;
	return 0;
}

static int teardown(void **state)
{
	ac_core_destroy(*state);
	return 0;
}

/* Parses text, failing the test with the parser's message if it fails. */
static ac_resources parse_ok(ac_core *core, const char *text)
{
	ac_resources r;
	ac_err err = {0};
	int rc = ac_resources_parse(core, text, &r, &err);
	if (rc != AC_OK)
		fail_msg("parse \"%s\": %d %s", text, rc, err.msg);
	return r;
}

static const char *format(ac_core *core, const ac_resources *r)
{
	static char buf[1024];
	size_t n = ac_resources_format(core, r, buf, sizeof buf);
	assert_true(n < sizeof buf);
	assert_int_equal(n, strlen(buf));
	return buf;
}

static void assert_formats_as(ac_core *core, const char *text, const char *want)
{
	ac_resources r = parse_ok(core, text);
	const char *got = format(core, &r);
	if (strcmp(got, want) != 0)
		fail_msg("\"%s\" printed as \"%s\", expected \"%s\"", text, got, want);
}

/* Number of roles the core knows (ids are dense from 0, "*"). */
static uint32_t role_count(const ac_core *core)
{
	uint32_t n = 0;
	while (ac_role_name(core, n))
		n++;
	return n;
}

static int kind_count(const ac_core *core)
{
	int n = 0;
	for (int k = 0; k < AC_KINDS; k++)
		n += ac_kind_name(core, k) != NULL;
	return n;
}

/* --------------------------------------------------------------- parsing */

static void parses_unreserved_scalars(void **state)
{
	ac_resources r = parse_ok(*state, "cpus:2;mem:1024;disk:10.5;gpus:1");
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.group[0].amount.v[AC_CPUS], 2 * M);
	assert_int_equal(r.group[0].amount.v[AC_MEM], 1024 * M);
	assert_int_equal(r.group[0].amount.v[AC_DISK], 10500);
	assert_int_equal(r.group[0].amount.v[AC_GPUS], 1 * M);
}

static void ignores_whitespace_around_tokens(void **state)
{
	ac_resources a = parse_ok(*state, " cpus : 2 ;\tmem:1024 ; ports ( r1 ) : [ 1 - 2 , 5-6 ] ");
	ac_resources b = parse_ok(*state, "cpus:2;mem:1024;ports(r1):[1-2,5-6]");
	assert_true(ac_resources_equal(&a, &b));
}

static void empty_text_and_empty_entries_give_nothing(void **state)
{
	const char *texts[] = {"", "   ", ";", " ; ;", "cpus:0", "cpus:0.0004"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		ac_resources r = parse_ok(*state, texts[i]);
		if (!ac_resources_empty(&r) || r.ngroups != 1)
			fail_msg("\"%s\" is not the empty set", texts[i]);
	}
	ac_resources r = parse_ok(*state, "cpus:1;;mem:2;");
	assert_int_equal(r.group[0].amount.v[AC_MEM], 2 * M);
}

static void reservations_get_their_own_group(void **state)
{
	ac_core *core = *state;
	ac_resources r = parse_ok(core, "cpus(role1):1;cpus:2;mem(role1):5;cpus(*):0.5");
	assert_int_equal(r.ngroups, 2);
	assert_int_equal(r.group[0].role, 0);
	assert_int_equal(r.group[0].amount.v[AC_CPUS], 2500);
	assert_string_equal(ac_role_name(core, r.group[1].role), "role1");
	assert_int_equal(r.group[1].amount.v[AC_CPUS], 1 * M);
	assert_int_equal(r.group[1].amount.v[AC_MEM], 5 * M);

	ac_role_info info;
	ac_err err = {0};
	if (ac_role_info_get(core, "role1", &info, &err) != AC_OK)
		fail_msg("a reservation did not create its role: %s", err.msg);
}

static void reserved_groups_are_ordered_by_role_id(void **state)
{
	ac_core *core = *state;
	ac_err err = {0};
	int64_t b = ac_role_intern(core, "b", &err);
	int64_t a = ac_role_intern(core, "a", &err);
	assert_true(b > 0 && a > b);
	ac_resources r = parse_ok(core, "cpus(a):1;cpus(b):1");
	assert_int_equal(r.ngroups, 3);
	assert_int_equal(r.group[1].role, b);
	assert_int_equal(r.group[2].role, a);
}

static void same_name_in_a_group_is_summed_or_unioned(void **state)
{
	ac_resources r = parse_ok(*state, "cpus:1;cpus:0.5;ports:[10-20];ports:[21-30,5-5];cpus(x):1;cpus(x):1");
	assert_int_equal(r.group[0].amount.v[AC_CPUS], 1500);
	assert_int_equal(r.group[0].nports, 2);
	assert_int_equal(r.group[0].ports[0].begin, 5);
	assert_int_equal(r.group[0].ports[0].end, 5);
	assert_int_equal(r.group[0].ports[1].begin, 10);
	assert_int_equal(r.group[0].ports[1].end, 30);
	assert_int_equal(r.group[1].amount.v[AC_CPUS], 2 * M);
}

static void ports_are_inclusive_ranges(void **state)
{
	ac_resources r = parse_ok(*state, "ports:[31000-32000,33000-33100];ports(r):[0-0,65535-65535]");
	assert_int_equal(ac_resources_port_count(&r), 1001 + 101 + 2);
	assert_int_equal(r.group[0].nports, 2);
	assert_int_equal(r.group[1].nports, 2);
	ac_resources none = parse_ok(*state, "ports:[]");
	assert_true(ac_resources_empty(&none));
}

static void other_names_register_new_kinds(void **state)
{
	ac_core *core = *state;
	assert_null(ac_kind_name(core, AC_FIXED_KINDS));
	ac_resources r = parse_ok(core, "fpgas:2;net_bw.up-1:3.5");
	assert_string_equal(ac_kind_name(core, AC_FIXED_KINDS), "fpgas");
	assert_string_equal(ac_kind_name(core, AC_FIXED_KINDS + 1), "net_bw.up-1");
	assert_int_equal(r.group[0].amount.v[AC_FIXED_KINDS], 2 * M);
	assert_int_equal(r.group[0].amount.v[AC_FIXED_KINDS + 1], 3500);

	/* Known the second time: no new kind. */
	parse_ok(core, "fpgas:1");
	assert_int_equal(kind_count(core), AC_FIXED_KINDS + 2);
}

static void at_most_AC_KINDS_kinds(void **state)
{
	ac_core *core = *state;
	ac_resources r;
	ac_err err = {0};

	/* Five new names in one text: the whole text fails, nothing registered. */
	assert_int_equal(ac_resources_parse(core, "k1:1;k2:1;k3:1;k4:1;k5:1", &r, &err), AC_ENOSPC);
	if (!strstr(err.msg, "\"k5\"") || !strstr(err.msg, "offset 20"))
		fail_msg("message should name k5 and its offset: %s", err.msg);
	assert_int_equal(kind_count(core), AC_FIXED_KINDS);

	parse_ok(core, "k1:1;k2:1;k3:1;k4:1");
	assert_int_equal(kind_count(core), AC_KINDS);
	assert_int_equal(ac_resources_parse(core, "cpus:1;k9:0", &r, &err), AC_ENOSPC);
	if (!strstr(err.msg, "k9"))
		fail_msg("message should name k9: %s", err.msg);
	parse_ok(core, "k4:2;cpus:1");
}

/* -------------------------------------------------------------- rounding */

static void amounts_round_half_away_from_zero_at_the_fourth_decimal(void **state)
{
	static const struct {
		const char *text;
		int64_t milli;
	} cases[] = {
	        {"0", 0},
	        {"1", 1000},
	        {"0.001", 1},
	        {"1.5123", 1512},
	        {"0.0005", 1},
	        {"0.00049999", 0},
	        {"0.0004999999999999999999", 0},
	        {"1.0005", 1001},
	        {"2.9995", 3000},
	        {"2.99949", 2999},
	        {"0.1", 100},
	        {"1.", 1000},
	        {".5", 500},
	        {"007.250", 7250},
	        {"1000000000000", 1000000000000000LL},
	        {"999999999999.9995", 1000000000000000LL},
	        {" 3 ", 3000},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t v = -1;
		ac_err err = {0};
		int rc = ac_amount_parse(cases[i].text, strlen(cases[i].text), &v, &err);
		if (rc != AC_OK || v != cases[i].milli)
			fail_msg("\"%s\": rc %d value %lld, expected %lld (%s)", cases[i].text, rc, (long long)v,
			         (long long)cases[i].milli, err.msg);
	}
}

static void bad_amounts_are_rejected_with_the_right_code(void **state)
{
	static const struct {
		const char *text;
		int code;
		size_t offset;
	} cases[] = {
	        {"", AC_EINVAL, 0},
	        {"abc", AC_EINVAL, 0},
	        {"-1", AC_ERANGE, 0},
	        {"-0.5", AC_ERANGE, 0},
	        {"nan", AC_ERANGE, 0},
	        {"NaN", AC_ERANGE, 0},
	        {"inf", AC_ERANGE, 0},
	        {"-Infinity", AC_ERANGE, 0},
	        {"1e3", AC_EINVAL, 1},
	        {"1.5E2", AC_EINVAL, 3},
	        {"0x10", AC_EINVAL, 1},
	        {"+1", AC_EINVAL, 0},
	        {"1.2.3", AC_EINVAL, 3},
	        {".", AC_EINVAL, 1},
	        {"-", AC_EINVAL, 1},
	        {"1 000", AC_EINVAL, 1},
	        {"1000000000000.0005", AC_ERANGE, 0},
	        {"1000000000001", AC_ERANGE, 0},
	        {"99999999999999999999999999", AC_ERANGE, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t v = 42;
		ac_err err = {0};
		char where[32];
		int rc = ac_amount_parse(cases[i].text, strlen(cases[i].text), &v, &err);
		snprintf(where, sizeof where, "offset %zu", cases[i].offset);
		if (rc != cases[i].code || err.code != rc || v != 42 || !strstr(err.msg, where))
			fail_msg("\"%s\": rc %d, expected %d at %s; message: %s", cases[i].text, rc, cases[i].code,
			         where, err.msg);
	}
	int64_t v;
	assert_int_equal(ac_amount_parse("12", 1, &v, NULL), AC_OK);
	assert_int_equal(v, 1000);
}

/* -------------------------------------------------------- malformed text */

static void malformed_text_fails_with_code_and_offset(void **state)
{
	static const struct {
		const char *text;
		int code;
		size_t offset;
	} cases[] = {
	        {"cpus:abc", AC_EINVAL, 5},
	        {"cpus", AC_EINVAL, 4},
	        {"cpus:", AC_EINVAL, 5},
	        {":1", AC_EINVAL, 0},
	        {"1cpus:1", AC_EINVAL, 0},
	        {"cpus 2:1", AC_EINVAL, 5},
	        {"mem:1;cpus:-1", AC_ERANGE, 11},
	        {"cpus:1e3", AC_EINVAL, 6},
	        {"cpus:nan", AC_ERANGE, 5},
	        {"mem:0x10", AC_EINVAL, 5},
	        {"cpus:1|mem:2", AC_EINVAL, 6},
	        {"cpus:2000000000000", AC_ERANGE, 5},
	        {"cpus:999999999999;cpus:1.5", AC_ERANGE, 23},
	        {"cpus(r:1", AC_EINVAL, 4},
	        {"cpus(a//b):1", AC_EINVAL, 5},
	        {"cpus():1", AC_EINVAL, 5},
	        {"cpus(/a):1", AC_EINVAL, 5},
	        {"cpus(a)(b):1", AC_EINVAL, 7},
	        {"cpus:[1-2]", AC_EINVAL, 5},
	        {"cpus:{a,b}", AC_EINVAL, 5},
	        {"ports:5", AC_EINVAL, 6},
	        {"ports:[1-2", AC_EINVAL, 10},
	        {"ports:[2-1]", AC_EINVAL, 7},
	        {"ports:[1-70000]", AC_ERANGE, 9},
	        {"ports:[1-2,]", AC_EINVAL, 11},
	        {"ports:[1]", AC_EINVAL, 8},
	        {"ports:[-1-2]", AC_EINVAL, 7},
	        {"ports:[1-2]x", AC_EINVAL, 11},
	        {"ports:[1-2;3-4]", AC_EINVAL, 10},
	        {"cpus(a):1;cpus(b):1;cpus(c):1;cpus(d):1", AC_ENOSPC, 35},
	        {"ports:[0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14,16-16,18-18,20-20,22-22,24-24,26-26,28-28,30-30,32-32]",
	         AC_ENOSPC, 93},
	};
	ac_core *core = *state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ac_resources r;
		ac_err err = {0};
		char where[32];
		ac_resources_init(&r);
		r.group[0].amount.v[AC_CPUS] = 77;
		int rc = ac_resources_parse(core, cases[i].text, &r, &err);
		snprintf(where, sizeof where, "at offset %zu:", cases[i].offset);
		if (rc != cases[i].code || err.code != rc || !strstr(err.msg, where) ||
		    !strstr(err.msg, "resources: \""))
			fail_msg("\"%s\": rc %d, expected %d %s; message: %s", cases[i].text, rc, cases[i].code, where,
			         err.msg);
		if (r.group[0].amount.v[AC_CPUS] != 77)
			fail_msg("\"%s\": a failed parse wrote the output", cases[i].text);
	}
	assert_int_equal(kind_count(core), AC_FIXED_KINDS);
	assert_int_equal(role_count(core), 1);
}

static void message_quotes_the_entry_and_says_what(void **state)
{
	ac_resources r;
	ac_err err = {0};
	assert_int_equal(ac_resources_parse(*state, "mem:1; cpus:abc ;disk:1", &r, &err), AC_EINVAL);
	assert_string_equal(err.msg, "resources: \"cpus:abc\" at offset 12: expected a number");
}

static void failed_parse_registers_no_kind_and_no_role(void **state)
{
	ac_core *core = *state;
	ac_resources r;
	ac_err err = {0};
	ac_role_info info;

	assert_int_equal(ac_resources_parse(core, "foo:1;cpus(newrole):1;bar:2;ports(other):[1-2];mem:x", &r, &err),
	                 AC_EINVAL);
	assert_int_equal(kind_count(core), AC_FIXED_KINDS);
	assert_null(ac_kind_name(core, AC_FIXED_KINDS));
	assert_int_equal(role_count(core), 1);
	assert_int_equal(ac_role_info_get(core, "newrole", &info, &err), AC_ENOENT);
	assert_int_equal(ac_role_info_get(core, "other", &info, &err), AC_ENOENT);
}

static void reservation_of_nothing_creates_no_role(void **state)
{
	ac_core *core = *state;
	ac_resources r = parse_ok(core, "cpus(ghost):0;ports(ghost):[]");
	ac_role_info info;
	ac_err err = {0};
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(ac_role_info_get(core, "ghost", &info, &err), AC_ENOENT);
}

/* ------------------------------------------------------------ formatting */

static void formats_in_canonical_order(void **state)
{
	ac_core *core = *state;
	ac_err err = {0};
	/* Role ids in the opposite order of their names. */
	assert_true(ac_role_intern(core, "zeta", &err) > 0);
	assert_true(ac_role_intern(core, "alpha", &err) > 0);
	assert_formats_as(core, "ports:[6-7,1-5,9-9];zz:1;cpus(zeta):1;aa:2;mem:512;cpus:0.5;disk(alpha):3;gpus:1",
	                  "cpus:0.5;mem:512;gpus:1;aa:2;zz:1;ports:[1-7,9-9];disk(alpha):3;cpus(zeta):1");
	assert_formats_as(core, "ports(zeta):[5-5];mem(zeta):1", "mem(zeta):1;ports(zeta):[5-5]");
}

static void formats_amounts_with_at_most_three_decimals(void **state)
{
	ac_core *core = *state;
	assert_formats_as(core, "cpus:1.5", "cpus:1.5");
	assert_formats_as(core, "cpus:1.000", "cpus:1");
	assert_formats_as(core, "cpus:0.001", "cpus:0.001");
	assert_formats_as(core, "cpus:1.230", "cpus:1.23");
	assert_formats_as(core, "cpus:10.02", "cpus:10.02");
	assert_formats_as(core, "mem:1000000000000", "mem:1000000000000");
	assert_formats_as(core, "cpus:0;mem:0.0001;disk:2", "disk:2");
	assert_formats_as(core, "", "");
}

static void format_reports_the_length_it_needs(void **state)
{
	ac_core *core = *state;
	ac_resources r = parse_ok(core, "cpus:1;mem:2");
	char buf[6] = "xxxxx";
	assert_int_equal(ac_resources_format(core, &r, NULL, 0), strlen("cpus:1;mem:2"));
	assert_int_equal(ac_resources_format(core, &r, buf, sizeof buf), strlen("cpus:1;mem:2"));
	assert_string_equal(buf, "cpus:");
	assert_int_equal(ac_resources_format(core, &r, buf, 1), strlen("cpus:1;mem:2"));
	assert_string_equal(buf, "");
}

static void parse_and_format_round_trip(void **state)
{
	ac_core *core = *state;
	static const char *texts[] = {
	        "cpus:2;mem:1024;disk:0.5;gpus:3",
	        "ports:[31000-32000,33000-33100]",
	        "cpus(r1):1;mem(r1/child):2;ports(r2):[1-1];cpus:4",
	        "custom:7.125;cpus:0.001",
	        "cpus:1000000000000;mem:999999999999.999",
	        "ports:[0-65535]",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		ac_resources a = parse_ok(core, texts[i]);
		char first[512];
		ac_resources_format(core, &a, first, sizeof first);
		ac_resources b = parse_ok(core, first);
		if (!ac_resources_equal(&a, &b))
			fail_msg("\"%s\" printed as \"%s\" parses to another set", texts[i], first);
		if (strcmp(format(core, &b), first) != 0)
			fail_msg("\"%s\": printing is not stable: \"%s\" then \"%s\"", texts[i], first,
			         format(core, &b));
	}
}

/* ----------------------------------------------------------------- quota */

static void quota_takes_guarantee_and_limit(void **state)
{
	ac_core *core = *state;
	ac_quota q;
	ac_err err = {0};
	assert_int_equal(ac_quota_parse(core, "cpus:10;mem:2048", "cpus:20;gpus:0;tpus:1", &q, &err), AC_OK);
	assert_int_equal(q.guarantee.v[AC_CPUS], 10 * M);
	assert_int_equal(q.guarantee.v[AC_MEM], 2048 * M);
	assert_int_equal(q.limit.v[AC_CPUS], 20 * M);
	assert_int_equal(q.limit.v[AC_GPUS], 0);
	/* A limit of 0 still limits: its bit is set. */
	int tpus = AC_FIXED_KINDS;
	assert_string_equal(ac_kind_name(core, tpus), "tpus");
	assert_int_equal(q.limit_mask, 1u << AC_CPUS | 1u << AC_GPUS | 1u << tpus);
	assert_int_equal(q.limit.v[tpus], 1 * M);
}

static void quota_texts_may_be_absent(void **state)
{
	ac_quota q;
	ac_err err = {0};
	memset(&q, 0xff, sizeof q);
	assert_int_equal(ac_quota_parse(*state, NULL, NULL, &q, &err), AC_OK);
	assert_true(ac_vec_is_zero(&q.guarantee));
	assert_true(ac_vec_is_zero(&q.limit));
	assert_int_equal(q.limit_mask, 0);
	assert_int_equal(ac_quota_parse(*state, "cpus:1", NULL, &q, &err), AC_OK);
	assert_int_equal(q.guarantee.v[AC_CPUS], 1 * M);
	assert_int_equal(q.limit_mask, 0);
}

static void quota_rejects_ports_and_reservations(void **state)
{
	ac_core *core = *state;
	ac_quota q;
	ac_err err = {0};
	assert_int_equal(ac_quota_parse(core, "cpus:1;ports:[1-2]", NULL, &q, &err), AC_EINVAL);
	if (!strstr(err.msg, "guarantee") || !strstr(err.msg, "offset 7") || !strstr(err.msg, "ports"))
		fail_msg("message should say ports are not allowed in the guarantee: %s", err.msg);
	assert_int_equal(ac_quota_parse(core, NULL, "cpus(r):1", &q, &err), AC_EINVAL);
	if (!strstr(err.msg, "limit") || !strstr(err.msg, "offset 5") || !strstr(err.msg, "reservation"))
		fail_msg("message should say reservations are not allowed in the limit: %s", err.msg);
	assert_int_equal(ac_quota_parse(core, "cpus(*):1", NULL, &q, &err), AC_OK);
	assert_int_equal(role_count(core), 1);
}

static void failed_quota_registers_nothing(void **state)
{
	ac_core *core = *state;
	ac_quota q, before;
	ac_err err = {0};
	memset(&q, 0x5a, sizeof q);
	before = q;
	assert_int_equal(ac_quota_parse(core, "newkind:1", "other:-1", &q, &err), AC_ERANGE);
	assert_int_equal(kind_count(core), AC_FIXED_KINDS);
	assert_memory_equal(&q, &before, sizeof q);
}

/* ------------------------------------------------------- min allocatable */

static void minalloc_parses_alternative_sets(void **state)
{
	ac_minalloc m;
	ac_err err = {0};
	assert_int_equal(ac__minalloc_parse(*state, "cpus:0.01|mem:32;disk:0", &m, &err), AC_OK);
	assert_int_equal(m.nsets, 2);
	assert_int_equal(m.set[0].v[AC_CPUS], 10);
	assert_int_equal(m.mask[0], 1u << AC_CPUS);
	assert_int_equal(m.set[1].v[AC_MEM], 32 * M);
	assert_int_equal(m.mask[1], 1u << AC_MEM | 1u << AC_DISK);

	ac_vec have = {{0, 32 * M}};
	assert_true(ac__minalloc_ok(&m, &have, 0));
	have.v[AC_MEM] = 31 * M;
	assert_false(ac__minalloc_ok(&m, &have, 0));
}

static void minalloc_blank_means_anything_non_empty(void **state)
{
	ac_minalloc m;
	ac_err err = {0};
	assert_int_equal(ac__minalloc_parse(*state, "", &m, &err), AC_OK);
	assert_int_equal(m.nsets, 0);
	assert_int_equal(ac__minalloc_parse(*state, "  ", &m, &err), AC_OK);
	assert_int_equal(m.nsets, 0);
	ac_vec one = {{1}};
	assert_true(ac__minalloc_ok(&m, &one, 0));
}

static void minalloc_null_is_the_mesos_default(void **state)
{
	ac_minalloc m;
	ac_err err = {0};
	assert_int_equal(ac__minalloc_parse(*state, NULL, &m, &err), AC_OK);
	assert_int_equal(m.nsets, 2);
	assert_int_equal(m.set[0].v[AC_CPUS], 10);
	assert_int_equal(m.set[1].v[AC_MEM], 32 * M);
}

static void minalloc_rejects_bad_sets(void **state)
{
	static const struct {
		const char *text;
		int code;
		size_t offset;
	} cases[] = {
	        {"cpus:1||mem:2", AC_EINVAL, 7},
	        {"cpus:1|", AC_EINVAL, 7},
	        {"|cpus:1", AC_EINVAL, 0},
	        {"cpus:1| ;|mem:1", AC_EINVAL, 7},
	        {"mem:1|ports:[1-2]", AC_EINVAL, 6},
	        {"cpus(r):1", AC_EINVAL, 5},
	        {"cpus:x", AC_EINVAL, 5},
	        {"a:1|b:1|c:1|d:1|e:1", AC_ENOSPC, 16},
	        {"cpus:1|cpus:1|cpus:1|cpus:1|cpus:1|cpus:1|cpus:1|cpus:1|cpus:1", AC_ENOSPC, 56},
	};
	ac_core *core = *state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ac_minalloc m;
		ac_err err = {0};
		char where[32];
		int rc = ac__minalloc_parse(core, cases[i].text, &m, &err);
		snprintf(where, sizeof where, "at offset %zu:", cases[i].offset);
		if (rc != cases[i].code || !strstr(err.msg, where) || !strstr(err.msg, "min_allocatable"))
			fail_msg("\"%s\": rc %d, expected %d %s; message: %s", cases[i].text, rc, cases[i].code, where,
			         err.msg);
	}
	assert_int_equal(kind_count(core), AC_FIXED_KINDS);
}

static void minalloc_names_new_kinds_once_valid(void **state)
{
	ac_core *core = *state;
	ac_minalloc m;
	ac_err err = {0};
	assert_int_equal(ac__minalloc_parse(core, "foo:1|bar:2;foo:1", &m, &err), AC_OK);
	assert_string_equal(ac_kind_name(core, AC_FIXED_KINDS), "foo");
	assert_string_equal(ac_kind_name(core, AC_FIXED_KINDS + 1), "bar");
	assert_int_equal(m.mask[0], 1u << AC_FIXED_KINDS);
	assert_int_equal(m.mask[1], 1u << AC_FIXED_KINDS | 1u << (AC_FIXED_KINDS + 1));
	assert_int_equal(m.set[1].v[AC_FIXED_KINDS], 1 * M);
	assert_int_equal(m.set[1].v[AC_FIXED_KINDS + 1], 2 * M);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        TEST(parses_unreserved_scalars),
	        TEST(ignores_whitespace_around_tokens),
	        TEST(empty_text_and_empty_entries_give_nothing),
	        TEST(reservations_get_their_own_group),
	        TEST(reserved_groups_are_ordered_by_role_id),
	        TEST(same_name_in_a_group_is_summed_or_unioned),
	        TEST(ports_are_inclusive_ranges),
	        TEST(other_names_register_new_kinds),
	        TEST(at_most_AC_KINDS_kinds),
	        TEST(amounts_round_half_away_from_zero_at_the_fourth_decimal),
	        TEST(bad_amounts_are_rejected_with_the_right_code),
	        TEST(malformed_text_fails_with_code_and_offset),
	        TEST(message_quotes_the_entry_and_says_what),
	        TEST(failed_parse_registers_no_kind_and_no_role),
	        TEST(reservation_of_nothing_creates_no_role),
	        TEST(formats_in_canonical_order),
	        TEST(formats_amounts_with_at_most_three_decimals),
	        TEST(format_reports_the_length_it_needs),
	        TEST(parse_and_format_round_trip),
	        TEST(quota_takes_guarantee_and_limit),
	        TEST(quota_texts_may_be_absent),
	        TEST(quota_rejects_ports_and_reservations),
	        TEST(failed_quota_registers_nothing),
	        TEST(minalloc_parses_alternative_sets),
	        TEST(minalloc_blank_means_anything_non_empty),
	        TEST(minalloc_null_is_the_mesos_default),
	        TEST(minalloc_rejects_bad_sets),
	        TEST(minalloc_names_new_kinds_once_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
