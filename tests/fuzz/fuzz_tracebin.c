/*
 * fuzz_tracebin.c — the binary workload reader on any bytes: opening either
 * fails cleanly with a message or every event can be read; never a crash or
 * a read past the buffer (fuzz_main.c passes an exact-size copy).
 */
#include <stdint.h>
#include <stdlib.h>

#include "traces/traces.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tr_source *src;
	tr_err err;
	if (tr_bin_open_mem(data, size, "fuzz.bin", &src, &err) < 0) {
		if (!err.msg[0])
			abort(); /* a rejection always says why */
		return 0;
	}
	tr_event ev;
	int rc;
	while ((rc = tr_source_next(src, &ev, &err)) == 1)
		if (!ev.file || (ev.kind == TR_TASK_SUBMIT && (!ev.job || !ev.framework)))
			abort();
	tr_source_destroy(src);
	return 0;
}
