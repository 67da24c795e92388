/*
 * cli_stats.h — the statistics of meso-sim's sweep and compare commands:
 * mean, sample standard deviation, Student's t distribution (CDF and
 * quantile, any real degrees of freedom) for 95% confidence intervals, and
 * Welch's unequal-variance t-test. Part of the meso-sim program only.
 */
#ifndef SIM_CLI_STATS_H
#define SIM_CLI_STATS_H

#include <stddef.h>

double cli_mean(const double *x, size_t n);
/* Sample standard deviation (divides by n - 1); 0 when n < 2. */
double cli_sd(const double *x, size_t n);
/* P(T <= t) for Student's t with df > 0 degrees of freedom. */
double cli_t_cdf(double t, double df);
/* The t with P(T <= t) = p, 0 < p < 1. */
double cli_t_quantile(double p, double df);
/* Half-width of the 95% confidence interval of the mean of x: t(0.975,
 * n-1) * sd / sqrt(n); 0 when n < 2. */
double cli_ci95(const double *x, size_t n);

/* Welch's t-test of mean(a) = mean(b): t, the Welch-Satterthwaite degrees
 * of freedom and the two-sided p-value. -1 when a side has fewer than two
 * values or both have no variance (then p is 1 if the means are equal,
 * else 0, and df 0). */
typedef struct cli_welch {
	double t, df, p;
} cli_welch;
int cli_welch_test(const double *a, size_t na, const double *b, size_t nb, cli_welch *out);

#endif
