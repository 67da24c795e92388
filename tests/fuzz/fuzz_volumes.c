/*
 * fuzz_volumes.c — fuzz target for the master's checks of persistent
 * volumes (runtime/master/master_volumes.c): the bytes are a CREATE
 * operation's message as a framework or operator sends it. Whatever they
 * hold, the checks answer without crashing; volumes they accept can be
 * created, named by a task, written to the registry and read back the same,
 * and destroyed again, leaving the agent as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_master.h"
#include "master.h"
#include "meso_registry.pb-c.h"

static master M;
static m_agent *A;

static void setup(void)
{
	if (A)
		return;
	A = fuzz_master_with_agent(&M, "cpus:4;mem:1024;disk(web):100;disk(db):100;disk:100");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	Mesos__V1__Offer__Operation__Create *c = (Mesos__V1__Offer__Operation__Create *)protobuf_c_message_unpack(
	        &mesos__v1__offer__operation__create__descriptor, NULL, size, data);
	if (!c)
		return 0;
	size_t n = c->n_volumes;
	m_volume *out = calloc(n ? n : 1, sizeof *out);
	CHECK(out);
	char buf[600];
	const char *why =
	        master_vol_check_create(&M, A, c->volumes, n, n % 2 ? "ops" : NULL, NULL, out, buf, sizeof buf);
	if (!why) {
		CHECK(n > 0);
		/* In an accept: the volumes it makes may be taken by a task. */
		m_volset vs = {0};
		ac_resources left = A->total;
		for (size_t i = 0; i < n; i++)
			master_volset_created(&vs, &out[i]);
		master_volset_take(&M, &vs, c->volumes, n, &left, "t", NULL, buf, sizeof buf);
		master_volset_release(&vs, "t", NULL);
		for (size_t i = 0; i < vs.n; i++)
			CHECK(!vs.s[i].task_id);
		master_volset_free(&vs);
		for (size_t i = 0; i < n; i++)
			master_vol_create(&M, A, &out[i]);
		CHECK(A->nvols == n);
		/* The registry's form reads back the same volumes. */
		rt_arena *ar = rt_arena_create();
		Meso__Registry__Registry__Agent__Volume **reg;
		size_t nreg;
		master_vol_to_registry(&M, A->vols, A->nvols, ar, &reg, &nreg);
		m_volume *back = NULL;
		size_t nback = 0;
		char err[300];
		for (size_t i = 0; i < nreg; i++)
			if (master_vol_from_registry(&M, reg[i], &back, &nback, err, sizeof err) != 0) {
				fprintf(stderr, "%s\n", err);
				CHECK(0);
			}
		CHECK(nback == n);
		for (size_t i = 0; i < n; i++) {
			CHECK(back[i].role == A->vols[i].role && !strcmp(back[i].id, A->vols[i].id));
			CHECK(back[i].disk == A->vols[i].disk &&
			      !strcmp(back[i].container_path, A->vols[i].container_path));
		}
		master_vol_free(back, nback);
		rt_arena_destroy(ar);
		/* What was created is found and destroyed. */
		m_volume *d = calloc(n, sizeof *d);
		CHECK(d);
		CHECK(master_vol_check_destroy(&M, A, c->volumes, n, NULL, d, buf, sizeof buf) == NULL);
		for (size_t i = 0; i < n; i++)
			master_vol_destroy(&M, A, (size_t)(master_vol_find(A, d[i].role, d[i].id) - A->vols));
		free(d);
	} else {
		CHECK(why[0]);
		/* What was refused names nothing to destroy either, unless it is
		 * a proper volume that was not created. */
		m_volume *d = calloc(n ? n : 1, sizeof *d);
		CHECK(d);
		master_vol_check_destroy(&M, A, c->volumes, n, NULL, d, buf, sizeof buf);
		free(d);
	}
	CHECK(A->nvols == 0);
	free(out);
	protobuf_c_message_free_unpacked(&c->base, NULL);
	return 0;
}
