/*
 * cli_stats.c — mean, standard deviation, Student's t and Welch's test for
 * meso-sim's sweep and compare (cli_stats.h). The t CDF is the regularized
 * incomplete beta function, I_x(df/2, 1/2) with x = df / (df + t²),
 * evaluated by its continued fraction (modified Lentz); the quantile is
 * found by bisection on the CDF, which is monotone.
 */
#include "cli_stats.h"

#include <math.h>

double cli_mean(const double *x, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	return n ? s / (double)n : NAN;
}

double cli_sd(const double *x, size_t n)
{
	if (n < 2)
		return 0;
	double m = cli_mean(x, n), s = 0;
	for (size_t i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	return sqrt(s / (double)(n - 1));
}

/* The continued fraction of I_x(a, b), good for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	double h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m;
		/* even step */
		double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		if (fabs(c) < tiny)
			c = tiny;
		h *= d * c;
		/* odd step */
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		if (fabs(c) < tiny)
			c = tiny;
		double step = d * c;
		h *= step;
		if (fabs(step - 1) < 1e-15)
			break;
	}
	return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double ibeta(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lfront) * beta_cf(a, b, x) / a;
	return 1 - exp(lfront) * beta_cf(b, a, 1 - x) / b; /* the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) */
}

double cli_t_cdf(double t, double df)
{
	if (isnan(t))
		return NAN;
	double tail = 0.5 * ibeta(df / 2, 0.5, df / (df + t * t)); /* P(T > |t|) */
	return t >= 0 ? 1 - tail : tail;
}

double cli_t_quantile(double p, double df)
{
	if (p <= 0 || p >= 1 || !(df > 0))
		return NAN;
	if (p < 0.5)
		return -cli_t_quantile(1 - p, df);
	double lo = 0, hi = 1;
	while (cli_t_cdf(hi, df) < p && hi < 1e12)
		hi *= 2;
	for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
		double mid = (lo + hi) / 2;
		if (cli_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

double cli_ci95(const double *x, size_t n)
{
	if (n < 2)
		return 0;
	return cli_t_quantile(0.975, (double)(n - 1)) * cli_sd(x, n) / sqrt((double)n);
}

int cli_welch_test(const double *a, size_t na, const double *b, size_t nb, cli_welch *out)
{
	out->t = out->df = 0;
	out->p = 1;
	if (na < 2 || nb < 2)
		return -1;
	double ma = cli_mean(a, na), mb = cli_mean(b, nb);
	double sa = cli_sd(a, na), sb = cli_sd(b, nb);
	double va = sa * sa / (double)na, vb = sb * sb / (double)nb;
	if (va + vb == 0) {
		out->p = ma == mb ? 1 : 0;
		out->t = ma == mb ? 0 : (ma > mb ? INFINITY : -INFINITY);
		return -1;
	}
	out->t = (ma - mb) / sqrt(va + vb);
	out->df = (va + vb) * (va + vb) / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
	/* two-sided: 2 P(T > |t|) = I_x(df/2, 1/2), without 1 - cdf's cancellation */
	out->p = ibeta(out->df / 2, 0.5, out->df / (out->df + out->t * out->t));
	return 0;
}
