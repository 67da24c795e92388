/*
 * test_cli_stats.c — the statistics behind meso-sim sweep's confidence
 * intervals and compare's significance (sim/src/cli_stats.c), against
 * published t-table values and Welch tests worked by hand (R's t.test gives
 * the same: t.test(1:5, 6:10) → t = -5, df = 8, p = 0.001053).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli_stats.h"

#define NEAR(x, want, tol) assert_true(fabs((x) - (want)) < (tol))

static void t_quantiles_match_the_table(void **state)
{
	(void)state;
	NEAR(cli_t_quantile(0.975, 1), 12.706204736, 1e-6);
	NEAR(cli_t_quantile(0.975, 4), 2.776445105, 1e-8);
	NEAR(cli_t_quantile(0.975, 10), 2.228138852, 1e-8);
	NEAR(cli_t_quantile(0.975, 29), 2.045229642, 1e-8);
	NEAR(cli_t_quantile(0.975, 1e6), 1.959966, 1e-5); /* the normal's 1.96 */
	NEAR(cli_t_quantile(0.025, 4), -2.776445105, 1e-8);
	NEAR(cli_t_cdf(2, 10), 0.9633059826, 1e-9);
	NEAR(cli_t_cdf(0, 3), 0.5, 1e-15);
}

static void ci_of_a_known_sample(void **state)
{
	(void)state;
	double x[] = {1, 2, 3, 4, 5};
	NEAR(cli_mean(x, 5), 3, 1e-15);
	NEAR(cli_sd(x, 5), 1.5811388301, 1e-9);
	/* t(0.975, 4) sd / sqrt(5) */
	NEAR(cli_ci95(x, 5), 1.963243161, 1e-8);
	assert_true(cli_ci95(x, 1) == 0); /* one value: no interval */
}

static void welch_on_constructed_cases(void **state)
{
	(void)state;
	double a[] = {1, 2, 3, 4, 5}, b[] = {6, 7, 8, 9, 10};
	cli_welch w;
	assert_int_equal(cli_welch_test(a, 5, b, 5, &w), 0);
	NEAR(w.t, -5, 1e-12);
	NEAR(w.df, 8, 1e-12);
	NEAR(w.p, 0.0010528258, 1e-9);
	/* unequal sizes and variances: df by Welch-Satterthwaite */
	double c[] = {1, 2, 3}, d[] = {2, 4, 6, 8};
	assert_int_equal(cli_welch_test(c, 3, d, 4, &w), 0);
	NEAR(w.t, -2.1213203436, 1e-9);
	NEAR(w.df, 4.0754716981, 1e-9);
	NEAR(w.p, 0.0999128643, 1e-8);
	assert_true(w.p > 0.05); /* not significant */
	/* identical samples: no difference; constant ones: p is 0 or 1 */
	assert_int_equal(cli_welch_test(a, 5, a, 5, &w), 0);
	NEAR(w.p, 1, 1e-12);
	double k1[] = {2, 2, 2}, k2[] = {3, 3, 3};
	assert_int_equal(cli_welch_test(k1, 3, k2, 3, &w), -1);
	assert_true(w.p == 0);
	assert_int_equal(cli_welch_test(a, 1, b, 5, &w), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(t_quantiles_match_the_table),
	        cmocka_unit_test(ci_of_a_known_sample),
	        cmocka_unit_test(welch_on_constructed_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
