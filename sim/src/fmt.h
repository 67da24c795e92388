/*
 * fmt.h — the numbers of the simulator's CSV outputs, written without
 * printf: the same bytes printf gives, at a fraction of its cost (a run
 * sampled every 10 s with a few hundred frameworks spent a third of its
 * time in printf's formatting of timeseries.csv; BENCHMARKS.md). Each
 * writes at p (room for SIM_FMT_MAX bytes), NUL-terminates, and returns the
 * end (the NUL). Exact: no step rounds but the one %.6f itself does.
 */
#ifndef SIM_FMT_H
#define SIM_FMT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The room any of them needs, NUL included (for sim__put_fixed6: of a
 * value below 10^56 in magnitude; the simulator's are shares and
 * fractions). */
enum { SIM_FMT_MAX = 64 };

/* v in decimal ("%" PRIu64). */
static inline char *sim__put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	*p = '\0';
	return p;
}

/* |v| as an unsigned magnitude, for INT64_MIN too; the sign at p. */
static inline char *sim__put_sign(char *p, int64_t v, uint64_t *mag)
{
	*mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
	if (v < 0)
		*p++ = '-';
	return p;
}

/* v (< 10^width) in exactly width digits, zero-padded ("%0*" PRIu64). */
static inline char *sim__put_padded(char *p, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	p += width;
	*p = '\0';
	return p;
}

/* ip, then ".", then the digits of fp (< 10^width) zero-padded to width
 * with the trailing zeros dropped; nothing after ip when fp is 0. */
static inline char *sim__put_point(char *p, uint64_t ip, uint64_t fp, int width)
{
	p = sim__put_u64(p, ip);
	if (!fp)
		return p;
	*p++ = '.';
	p = sim__put_padded(p, fp, width);
	while (p[-1] == '0')
		p--;
	*p = '\0';
	return p;
}

/* Seconds from nanoseconds, exact, without trailing zeros ("12.5", "3"). */
static inline char *sim__put_ns(char *p, int64_t ns)
{
	uint64_t a;
	p = sim__put_sign(p, ns, &a);
	return sim__put_point(p, a / 1000000000u, a % 1000000000u, 9);
}

/* A fixed-point amount in thousandths, exact ("2.5", "128"). */
static inline char *sim__put_milli(char *p, int64_t v)
{
	uint64_t a;
	p = sim__put_sign(p, v, &a);
	return sim__put_point(p, a / 1000, a % 1000, 3);
}

/* x as printf's "%.6f" writes it: the exact binary value rounded to six
 * decimals, to nearest, ties to even (glibc's rounding in the default
 * mode). Shares and utilizations (0 <= x < 2^33) are done here in
 * integers: x = m 2^e with m < 2^53, so x 10^6 = m 10^6 2^e, and m 10^6 <
 * 2^73 fits 128 bits; anything else (negative, huge, not finite) goes to
 * snprintf. */
static inline char *sim__put_fixed6(char *p, double x)
{
	uint64_t bits;
	memcpy(&bits, &x, sizeof bits);
	int bexp = (int)(bits >> 52 & 0x7ff);
	if ((bits >> 63) || !(x < 8589934592.0)) {
		/* (negative, -0 included; 2^33 and up; or not a number) */
		int n = snprintf(p, SIM_FMT_MAX, "%.6f", x);
		return p + (n < 0 ? 0 : n < SIM_FMT_MAX ? n : SIM_FMT_MAX - 1);
	}
	uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
	int shift; /* x = m / 2^shift, shift >= 20 here (x < 2^33) */
	if (bexp == 0) {
		shift = 1074; /* subnormal */
	} else {
		m |= UINT64_C(1) << 52;
		shift = 1075 - bexp;
	}
	unsigned __int128 prod = (unsigned __int128)m * 1000000u;
	uint64_t q;
	if (shift >= 128) {
		q = 0; /* x 10^6 < 2^73 / 2^128: far below one half */
	} else {
		unsigned __int128 whole = prod >> shift, rest = prod - (whole << shift);
		unsigned __int128 half = (unsigned __int128)1 << (shift - 1);
		if (rest > half || (rest == half && (whole & 1)))
			whole++;
		q = (uint64_t)whole;
	}
	p = sim__put_u64(p, q / 1000000);
	*p++ = '.';
	return sim__put_padded(p, q % 1000000, 6);
}

#endif
