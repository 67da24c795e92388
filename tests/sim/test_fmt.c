/*
 * test_fmt.c — sim/src/fmt.h writes exactly what printf writes: "%.6f" on
 * exact ties (both ways), on values either side of a rounding boundary, at
 * the ends of the fast path's range and outside it, and on a million
 * pseudo-random shares; the fixed-point forms against the sprintf code they
 * replace.
 */
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fmt.h"

static void check_fixed6(double x)
{
	char want[64], got[SIM_FMT_MAX];
	snprintf(want, sizeof want, "%.6f", x);
	char *end = sim__put_fixed6(got, x);
	if (strcmp(want, got) != 0 || (size_t)(end - got) != strlen(got))
		fail_msg("%.17g: printf wrote %s, sim__put_fixed6 %s", x, want, got);
}

static uint64_t rng = 88172645463325252u;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void test_fixed6_edges(void **state)
{
	(void)state;
	const double xs[] = {0.0,
	                     1.0,
	                     0.5,
	                     0.25,
	                     1e-7,
	                     4e-7,
	                     5e-7,
	                     6e-7,
	                     1e-6,
	                     0.9999995,
	                     0.99999949999999,
	                     0.123456789,
	                     2.0 / 3.0,
	                     1.0 / 3.0,
	                     1e-300,
	                     4.9e-324,
	                     123456.789,
	                     8589934591.999999,
	                     8589934592.0,
	                     1e20,
	                     -0.0,
	                     -0.5,
	                     -1e-7,
	                     INFINITY,
	                     -INFINITY,
	                     NAN};
	for (size_t i = 0; i < sizeof xs / sizeof *xs; i++)
		check_fixed6(xs[i]);
	/* Exact ties: k + 1/2 millionths that are binary fractions, e.g.
	 * 2^-7 = 0.0078125; printf rounds them to even. */
	for (int e = 1; e <= 40; e++)
		for (int k = 1; k < 64; k++)
			check_fixed6(ldexp(k, -e));
	/* Either side of every boundary near a few values. */
	for (int i = 0; i < 2000; i++) {
		double b = (i + 0.5) / 1e6;
		check_fixed6(b);
		check_fixed6(nextafter(b, 0));
		check_fixed6(nextafter(b, 1));
	}
}

static void test_fixed6_random(void **state)
{
	(void)state;
	for (int i = 0; i < 300000; i++) {
		uint64_t r = next();
		double x = (double)(r >> 11) / 9007199254740992.0; /* [0, 1) */
		check_fixed6(x);
		check_fixed6(x * (double)(1 + (r & 1023))); /* up to ~1000 */
		/* any bit pattern of a non-negative double below 2^34 */
		uint64_t bits = next() % UINT64_C(0x4200000000000000);
		double y;
		memcpy(&y, &bits, sizeof y);
		check_fixed6(y);
	}
}

/* The sprintf forms metrics.c had, for comparison. */
static void old_point(char *buf, int64_t v, uint64_t unit, int width)
{
	const char *sign = v < 0 ? "-" : "";
	uint64_t a = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
	if (a % unit == 0) {
		sprintf(buf, "%s%" PRIu64, sign, a / unit);
		return;
	}
	int n = sprintf(buf, "%s%" PRIu64 ".%0*" PRIu64, sign, a / unit, width, a % unit);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
}

static void test_fixed_point(void **state)
{
	(void)state;
	const int64_t vs[] = {0,          1,           -1,        9,         10,           999,
	                      1000,       1001,        1500,      123456789, 1000000000,   1000000001,
	                      1500000000, -1500000000, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	char want[64], got[SIM_FMT_MAX];
	for (int i = 0; i < 500000; i++) {
		int64_t v = i < (int)(sizeof vs / sizeof *vs) ? vs[i] : (int64_t)next() >> (next() % 64);
		old_point(want, v, 1000000000u, 9);
		char *end = sim__put_ns(got, v);
		assert_string_equal(got, want);
		assert_int_equal(end - got, strlen(want));
		old_point(want, v, 1000, 3);
		end = sim__put_milli(got, v);
		assert_string_equal(got, want);
		assert_int_equal(end - got, strlen(want));
		sprintf(want, "%" PRIu64, (uint64_t)v);
		sim__put_u64(got, (uint64_t)v);
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fixed6_edges),
	        cmocka_unit_test(test_fixed6_random),
	        cmocka_unit_test(test_fixed_point),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
