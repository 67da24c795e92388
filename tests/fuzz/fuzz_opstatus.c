/*
 * fuzz_opstatus.c — fuzz target for a new leader's reading of the pending
 * operation statuses the registry keeps (runtime/master/master_opstatus.c):
 * the bytes are a mesos.v1.Operation. Whatever they hold, the master takes
 * it back or says why without crashing; one taken back is listed by
 * GET_OPERATIONS with its uuids, reads back the same from that listing,
 * and is gone once its framework is.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_master.h"
#include "master.h"

static master M;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		fuzz_master_with_agent(&M, "cpus:1;mem:64");
		ready = true;
	}
	Mesos__V1__Operation *o = mesos__v1__operation__unpack(NULL, size, data);
	if (!o)
		return 0;
	char err[300];
	if (master_opstatus_restore(&M, o, err, sizeof err) == 0) {
		CHECK(master_opstatus_pending(&M) == 1);
		rt_arena *a = rt_arena_create();
		Mesos__V1__Operation **ops;
		CHECK(master_opstatus_view(&M, a, &ops) == 1);
		CHECK(!memcmp(ops[0]->uuid->value.data, o->uuid->value.data, 16));
		CHECK(!memcmp(ops[0]->latest_status->uuid->value.data, o->latest_status->uuid->value.data, 16));
		CHECK(!strcmp(ops[0]->info->id->value, o->info->id->value));
		/* The listing is what the registry writes: it reads back. */
		size_t n = mesos__v1__operation__get_packed_size(ops[0]);
		uint8_t *buf = malloc(n ? n : 1);
		CHECK(buf);
		mesos__v1__operation__pack(ops[0], buf);
		Mesos__V1__Operation *back = mesos__v1__operation__unpack(NULL, n, buf);
		CHECK(back);
		rt_arena_destroy(a);
		master_opstatus_forget_framework(&M, o->framework_id->value);
		CHECK(master_opstatus_pending(&M) == 0);
		CHECK(master_opstatus_restore(&M, back, err, sizeof err) == 0);
		master_opstatus_forget_framework(&M, back->framework_id->value);
		CHECK(master_opstatus_pending(&M) == 0);
		mesos__v1__operation__free_unpacked(back, NULL);
		free(buf);
	}
	mesos__v1__operation__free_unpacked(o, NULL);
	return 0;
}
