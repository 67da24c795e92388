/*
 * fuzz_reserve.c — fuzz target for the master's checks of RESERVE and
 * UNRESERVE resources (runtime/master/master_resv.c): the bytes are a
 * RESERVE operation's message as a framework or operator sends it, with
 * `reservations` stacks and port ranges. Whatever they hold, the checks
 * answer without crashing; a reservation they accept and the agent holds
 * is written to the registry and read back the same, then unreserved,
 * leaving the agent as it was (eng's own reservation, which inputs may
 * refine, included).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_master.h"
#include "master.h"

static master M;
static m_agent *A;
static ac_resources Total0;

static void setup(void)
{
	if (A)
		return;
	A = fuzz_master_with_agent(&M, "cpus:4;mem:1024;disk:100;ports:[31000-31099];cpus(eng):1");
	/* eng's dynamic reservation by ops: 1 cpu and ten ports, to refine. */
	ac_err e;
	m_resv r = {.principal = "ops", .nports = 1, .ports = {{31000, 31009}}};
	r.role = (uint32_t)ac_role_intern(M.core, "eng", &e);
	r.amount.v[AC_CPUS] = AC_MILLI;
	CHECK(master_resv_reserve(&M, A, NULL, &r, &e) == 0);
	Total0 = A->total;
}

/* Two record lists hold the same reservations (stacks, principals, amounts, ports). */
static bool same_records(const m_resv *a, size_t na, const m_resv *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		ac_resources x, y;
		master_resv_set(&a[i], &x);
		master_resv_set(&b[i], &y);
		if (a[i].role != b[i].role || a[i].nbelow != b[i].nbelow || !ac_resources_equal(&x, &y) ||
		    !a[i].principal != !b[i].principal || (a[i].principal && strcmp(a[i].principal, b[i].principal)))
			return false;
		for (uint32_t k = 0; k < a[i].nbelow; k++)
			if (a[i].below[k].role != b[i].below[k].role || a[i].below[k].dynamic != b[i].below[k].dynamic)
				return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	Mesos__V1__Offer__Operation__Reserve *c = (Mesos__V1__Offer__Operation__Reserve *)protobuf_c_message_unpack(
	        &mesos__v1__offer__operation__reserve__descriptor, NULL, size, data);
	if (!c)
		return 0;
	char buf[600];
	m_resv r;
	const char *why = master_resv_parse(&M, c->resources, c->n_resources, false, &r, buf, sizeof buf);
	CHECK(!why || why[0]);
	why = master_resv_parse(&M, c->resources, c->n_resources, true, &r, buf, sizeof buf);
	size_t n0 = A->nresv;
	ac_err e;
	if (!why && master_resv_reserve(&M, A, NULL, &r, &e) == 0) {
		CHECK(A->nresv >= n0);
		/* The registry's form reads back the same records. */
		rt_arena *ar = rt_arena_create();
		Mesos__V1__Resource **pb;
		size_t npb = master_resv_to_pb(&M, A->resv, A->nresv, ar, &pb);
		m_resv *back = NULL;
		size_t nback = 0;
		for (size_t i = 0; i < npb; i++) {
			m_resv x;
			const char *bad = master_resv_parse(&M, &pb[i], 1, true, &x, buf, sizeof buf);
			if (bad) {
				fprintf(stderr, "registry form refused: %s\n", bad);
				CHECK(0);
			}
			master_resv_record(&back, &nback, &x);
		}
		CHECK(same_records(A->resv, A->nresv, back, nback));
		master_resv_free_list(back, nback);
		rt_arena_destroy(ar);
		/* And it pops off again. */
		if (master_resv_unreserve(&M, A, NULL, &r, &e) != 0) {
			fprintf(stderr, "unreserve refused: %s\n", e.msg);
			CHECK(0);
		}
	} else {
		CHECK(!why ? e.msg[0] != 0 : why[0] != 0);
	}
	CHECK(ac_resources_equal(&A->total, &Total0) && A->nresv == n0);
	protobuf_c_message_free_unpacked(&c->base, NULL);
	return 0;
}
