/*
 * fuzz_google2011.c — the Google 2011 task_events reader (its row parser:
 * fields, exact decimals with exponents, event types, missing fields) on any
 * bytes, strict and with skip_bad_rows: opening either fails with a message
 * or every event can be read; never a crash. The reader takes files, so each
 * input is written to one scratch file first (plain text, or gzip when the
 * input starts with gzip's magic).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "traces/traces.h"

#include "fuzz.h"

static char path[64];

static void cleanup(void)
{
	unlink(path);
}

static void replay(bool skip)
{
	tr_google_config c = {0};
	c.dir = path;
	c.synth_machines = 3; /* keep each run cheap */
	c.skip_bad_rows = skip;
	tr_source *src;
	tr_err err;
	if (tr_google_open(&c, &src, &err) < 0) {
		if (!err.msg[0])
			abort(); /* a rejection always says why */
		return;
	}
	tr_event ev;
	int64_t last = INT64_MIN;
	while (tr_source_next(src, &ev, &err) == 1) {
		if (ev.time_ns < last)
			abort(); /* events come in time order */
		last = ev.time_ns;
		if (ev.kind == TR_TASK_SUBMIT &&
		    (!ev.job || !ev.framework || ev.duration_ns < 0 || ev.res.cpus < 0 || ev.res.mem_mb < 0))
			abort();
	}
	tr_google_stats st;
	if (tr_google_stats_get(src, &st) < 0 || st.submitted > st.tasks)
		abort();
	tr_source_destroy(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0]) {
		snprintf(path, sizeof path, "/tmp/meso-fuzz-google-XXXXXX");
		int fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(cleanup);
	}
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	replay(false);
	replay(true);
	return 0;
}
