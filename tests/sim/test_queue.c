/*
 * test_queue.c — the simulator's event queue: earliest time first, ties in
 * the order scheduled (so runs are deterministic), and heap order kept over
 * many interleaved pushes and pops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "queue.h"

static void test_time_order(void **state)
{
	sim_queue q;
	sim__queue_init(&q);
	assert_null(sim__queue_peek(&q));
	assert_int_equal(sim__queue_push(&q, 30, 0, 3, 0), 0);
	assert_int_equal(sim__queue_push(&q, 10, 0, 1, 0), 0);
	assert_int_equal(sim__queue_push(&q, 20, 0, 2, 0), 0);
	sim_event e;
	for (uint32_t i = 1; i <= 3; i++) {
		assert_true(sim__queue_pop(&q, &e));
		assert_int_equal(e.a, i);
		assert_int_equal(e.time_ns, 10 * i);
	}
	assert_false(sim__queue_pop(&q, &e));
	sim__queue_free(&q);
}

/* Events at the same time leave in the order they were pushed. */
static void test_ties_by_sequence(void **state)
{
	sim_queue q;
	sim__queue_init(&q);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(sim__queue_push(&q, i % 2 ? 5 : 7, 0, i, 0), 0);
	sim_event e;
	for (uint32_t i = 1; i < 100; i += 2) {
		assert_true(sim__queue_pop(&q, &e));
		assert_int_equal(e.time_ns, 5);
		assert_int_equal(e.a, i);
	}
	for (uint32_t i = 0; i < 100; i += 2) {
		assert_true(sim__queue_pop(&q, &e));
		assert_int_equal(e.time_ns, 7);
		assert_int_equal(e.a, i);
	}
	sim__queue_free(&q);
}

/* Interleaved pushes and pops (and growth past the first array) keep the
 * heap order: popped (time, seq) never decreases. */
static void test_interleaved(void **state)
{
	sim_queue q;
	sim__queue_init(&q);
	uint64_t x = 12345;
	int64_t last_t = -1;
	uint64_t last_seq = 0;
	size_t pops = 0;
	for (int round = 0; round < 20000; round++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		/* never schedule in the past of what was popped: as the engine */
		int64_t t = (last_t < 0 ? 0 : last_t) + (int64_t)((x >> 33) % 50);
		assert_int_equal(sim__queue_push(&q, t, 1, (uint32_t)round, 0), 0);
		if (round % 3 == 2) {
			sim_event e;
			assert_true(sim__queue_pop(&q, &e));
			assert_true(e.time_ns > last_t || (e.time_ns == last_t && e.seq > last_seq) || pops == 0);
			last_t = e.time_ns;
			last_seq = e.seq;
			pops++;
		}
	}
	sim_event e;
	while (sim__queue_pop(&q, &e)) {
		assert_true(e.time_ns > last_t || (e.time_ns == last_t && e.seq > last_seq));
		last_t = e.time_ns;
		last_seq = e.seq;
	}
	assert_int_equal(sim__queue_size(&q), 0);
	sim__queue_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_time_order),
	        cmocka_unit_test(test_ties_by_sequence),
	        cmocka_unit_test(test_interleaved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
