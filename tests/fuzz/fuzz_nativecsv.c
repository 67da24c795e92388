/*
 * fuzz_nativecsv.c — Meso's native CSV workload reader (traces/src/native.c:
 * headers by name, every cell parser, frameworks.csv with `role`/`roles`,
 * tasks' `role`, machines' `reserved` and reserve/unreserve events) on any
 * bytes, strict and with skip_bad_rows: opening either fails with a message
 * or every event can be read, in time order; never a crash. An input is
 * machines.csv, tasks.csv and frameworks.csv separated by form feeds (a
 * missing part is an empty file: frameworks.csv only when given).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "traces/traces.h"

#include "fuzz.h"

static char dir[64];
static char paths[3][96];

static void cleanup(void)
{
	for (int i = 0; i < 3; i++)
		unlink(paths[i]);
	rmdir(dir);
}

static void replay(bool has_fws, bool skip)
{
	tr_csv_config c = {0};
	c.machines = paths[0];
	c.tasks = paths[1];
	c.frameworks = has_fws ? paths[2] : NULL;
	c.skip_bad_rows = skip;
	tr_source *src;
	tr_err err;
	if (tr_csv_open(&c, &src, &err) < 0) {
		if (!err.msg[0])
			abort(); /* a rejection always says why */
		return;
	}
	size_t n;
	const tr_framework *fws = tr_source_frameworks(src, &n);
	for (size_t i = 0; i < n; i++)
		if (!fws[i].name || !fws[i].role || (fws[i].roles && !*fws[i].roles))
			abort();
	tr_event ev;
	int64_t last = INT64_MIN;
	int rc;
	while ((rc = tr_source_next(src, &ev, &err)) == 1) {
		if (ev.time_ns < last)
			abort(); /* events come in time order */
		last = ev.time_ns;
		if (ev.kind == TR_TASK_SUBMIT && (!ev.job || !ev.framework || !ev.role || ev.duration_ns < 0))
			abort();
		if ((ev.kind == TR_MACHINE_RESERVE || ev.kind == TR_MACHINE_UNRESERVE) &&
		    (!ev.reserved || !*ev.reserved))
			abort();
	}
	if (rc < 0 && !err.msg[0])
		abort();
	tr_source_destroy(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/meso-fuzz-csv-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		static const char *names[3] = {"machines.csv", "tasks.csv", "frameworks.csv"};
		for (int i = 0; i < 3; i++)
			snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
		atexit(cleanup);
	}
	const uint8_t *p = data, *end = data + size;
	int seps = 0;
	for (int i = 0; i < 3; i++) {
		const uint8_t *ff = i < 2 && p < end ? memchr(p, '\f', (size_t)(end - p)) : NULL;
		const uint8_t *stop = ff ? ff : end;
		FILE *f = fopen(paths[i], "wb");
		if (!f || fwrite(p, 1, (size_t)(stop - p), f) != (size_t)(stop - p) || fclose(f) != 0)
			abort();
		seps += ff != NULL;
		p = ff ? ff + 1 : end;
	}
	replay(seps == 2, false);
	replay(seps == 2, true);
	return 0;
}
