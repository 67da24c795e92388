/*
 * fuzz_flagvalue.c — fuzz target for Mesos's Duration and Bytes text
 * (rt_flags.c): any bytes either fail with a message, leaving the value
 * alone, or give a value in range whose text, written back as Mesos writes
 * it, parses to the same value.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_flags.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[256], err[512] = "", again[64];
	if (size >= sizeof text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	double secs = -7;
	if (rt_duration_parse(text, &secs, err, sizeof err) != 0) {
		if (!err[0] || secs != -7)
			abort(); /* a failure says why and changes nothing */
	} else {
		if (!(secs >= 0) || secs > (double)INT64_MAX / 1e9)
			abort();
		double back = -1;
		rt_duration_text(secs, again, sizeof again);
		/* Written in whole nanoseconds, so back within a nanosecond
		 * (and the double's precision). */
		if (rt_duration_parse(again, &back, err, sizeof err) != 0 || fabs(back - secs) > 1e-9 + secs * 1e-14)
			abort();
	}
	err[0] = 0;
	uint64_t bytes = 7;
	if (rt_bytes_parse(text, &bytes, err, sizeof err) != 0) {
		if (!err[0] || bytes != 7)
			abort();
	} else {
		uint64_t back = 0;
		rt_bytes_text(bytes, again, sizeof again);
		if (rt_bytes_parse(again, &back, err, sizeof err) != 0 || back != bytes)
			abort();
	}
	return 0;
}
