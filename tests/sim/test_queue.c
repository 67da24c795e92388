/*
 * test_queue.c — the simulator's event queue: earliest time first, ties in
 * the order scheduled (so runs are deterministic), order kept over many
 * interleaved pushes and pops, and the radix heap popping exactly what the
 * binary heap it replaced pops on random push/pop sequences.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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
	while (sim__queue_pop(&q, &e) == 1) {
		assert_true(e.time_ns > last_t || (e.time_ns == last_t && e.seq > last_seq));
		last_t = e.time_ns;
		last_seq = e.seq;
	}
	assert_int_equal(sim__queue_size(&q), 0);
	sim__queue_free(&q);
}

/* The reference: a binary min-heap on (time, seq), seq taken at push, as
 * the queue was before the radix heap. */
typedef struct ref_heap {
	sim_event *h;
	size_t n, cap;
	uint64_t next_seq;
} ref_heap;

static bool ref_before(const sim_event *x, const sim_event *y)
{
	return x->time_ns < y->time_ns || (x->time_ns == y->time_ns && x->seq < y->seq);
}

static void ref_push(ref_heap *r, int64_t t, uint32_t kind, uint32_t a, uint64_t b)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->h = realloc(r->h, r->cap * sizeof *r->h);
		assert_non_null(r->h);
	}
	size_t i = r->n++;
	r->h[i] = (sim_event){t, r->next_seq++, kind, a, b};
	while (i > 0 && ref_before(&r->h[i], &r->h[(i - 1) / 2])) {
		sim_event x = r->h[i];
		r->h[i] = r->h[(i - 1) / 2];
		r->h[(i - 1) / 2] = x;
		i = (i - 1) / 2;
	}
}

static void ref_pop(ref_heap *r, sim_event *out)
{
	*out = r->h[0];
	r->h[0] = r->h[--r->n];
	for (size_t i = 0;;) {
		size_t m = i, c = 2 * i + 1;
		if (c < r->n && ref_before(&r->h[c], &r->h[m]))
			m = c;
		if (c + 1 < r->n && ref_before(&r->h[c + 1], &r->h[m]))
			m = c + 1;
		if (m == i)
			break;
		sim_event x = r->h[i];
		r->h[i] = r->h[m];
		r->h[m] = x;
		i = m;
	}
}

static uint64_t rnd(uint64_t *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return *x >> 11;
}

/* A delay after `now` of one of the kinds the engine schedules: none (an
 * answer with no latency), a few nanoseconds (ties with the events already
 * there), milliseconds to hours (decisions, task ends), and far futures up
 * to 2^62 ns, kept from passing INT64_MAX. */
static int64_t rnd_delay(uint64_t *x, int64_t now)
{
	uint64_t r = rnd(x), d;
	switch (r % 8) {
	case 0:
	case 1:
		d = 0;
		break;
	case 2:
		d = (r >> 3) % 4;
		break;
	case 3:
	case 4:
		d = (r >> 3) % 10000000;
		break;
	case 5:
		d = (r >> 3) % 4000000000000ULL;
		break;
	case 6:
		d = (r >> 3) & ((1ull << ((r >> 40) % 63)) - 1); /* any bit length */
		break;
	default:
		d = (r >> 3) % (1ull << 62);
		break;
	}
	if (now > 0 && d > (uint64_t)(INT64_MAX - now))
		d = (uint64_t)(INT64_MAX - now);
	return now + (int64_t)d;
}

/* One random sequence from start time t0: pushes and pops in the given
 * proportion, then drained; every peek, pop and size as the reference's. */
static void run_against_reference(uint64_t seed, int64_t t0, unsigned push_pct, int ops)
{
	sim_queue q;
	sim__queue_init(&q);
	ref_heap r = {0};
	uint64_t x = seed;
	int64_t now = t0;
	for (int op = 0; op < ops || r.n > 0; op++) {
		bool push = op < ops && (r.n == 0 || rnd(&x) % 100 < push_pct);
		if (push) {
			int64_t t = rnd_delay(&x, now);
			uint32_t a = (uint32_t)rnd(&x);
			uint64_t b = rnd(&x);
			assert_int_equal(sim__queue_push(&q, t, (uint32_t)op % 6, a, b), 0);
			ref_push(&r, t, (uint32_t)op % 6, a, b);
		} else {
			const sim_event *top = sim__queue_peek(&q);
			assert_non_null(top);
			sim_event got, want;
			ref_pop(&r, &want);
			assert_int_equal(top->seq, want.seq);
			assert_int_equal(sim__queue_pop(&q, &got), 1);
			assert_int_equal(got.time_ns, want.time_ns);
			assert_int_equal(got.seq, want.seq);
			assert_int_equal(got.kind, want.kind);
			assert_int_equal(got.a, want.a);
			assert_int_equal(got.b, want.b);
			now = got.time_ns;
		}
		assert_int_equal(sim__queue_size(&q), r.n);
	}
	assert_null(sim__queue_peek(&q));
	sim_event e;
	assert_int_equal(sim__queue_pop(&q, &e), 0);
	free(r.h);
	sim__queue_free(&q);
}

static void test_same_as_binary_heap(void **state)
{
	/* growing, balanced and draining queues; times from 0, from below 0
	 * (the sign bit's flip) and from the lowest time there is */
	for (uint64_t seed = 1; seed <= 4; seed++) {
		run_against_reference(seed, 0, 50, 60000);
		run_against_reference(seed, 0, 70, 60000);
		run_against_reference(seed, 0, 35, 60000);
		run_against_reference(seed, -5000000000LL, 55, 30000);
		run_against_reference(seed, INT64_MIN, 60, 30000);
	}
}

/* Events pushed at `now` while earlier ones at `now` wait, and events at
 * `now` that came down from a higher bucket, leave in push order. */
static void test_pushes_at_now(void **state)
{
	sim_queue q;
	sim__queue_init(&q);
	/* three at 100 (in bucket 7 first), then two more at 100 pushed once
	 * the clock is there, between pops */
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(sim__queue_push(&q, 100, 0, i, 0), 0);
	assert_int_equal(sim__queue_push(&q, 101, 0, 9, 0), 0);
	sim_event e;
	assert_int_equal(sim__queue_pop(&q, &e), 1);
	assert_int_equal(e.a, 0);
	assert_int_equal(sim__queue_push(&q, 100, 0, 3, 0), 0);
	assert_int_equal(sim__queue_pop(&q, &e), 1);
	assert_int_equal(e.a, 1);
	assert_int_equal(sim__queue_push(&q, 100, 0, 4, 0), 0);
	for (uint32_t want = 2; want <= 4; want++) {
		assert_int_equal(sim__queue_pop(&q, &e), 1);
		assert_int_equal(e.a, want);
		assert_int_equal(e.time_ns, 100);
	}
	assert_int_equal(sim__queue_pop(&q, &e), 1);
	assert_int_equal(e.a, 9);
	sim__queue_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_time_order),    cmocka_unit_test(test_ties_by_sequence),
	        cmocka_unit_test(test_interleaved),   cmocka_unit_test(test_same_as_binary_heap),
	        cmocka_unit_test(test_pushes_at_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
