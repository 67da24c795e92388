/*
 * bench_queue.c — the simulator's event queue (sim/src/queue.c) under the
 * pattern of a native-CSV replay: `pending` task ends spread over 1 to
 * 2,000 s; each popped task end queues an allocation at `now` and a decision
 * 10 ms later, and each decision a new task end. With `misses` > 0, each
 * step also touches that many random cache lines of a 64 MB block, as the
 * rest of a simulator does between two pops, so that the queue's own lines
 * compete for the cache as they do in a replay. An item is a pop.
 */
#include <stdlib.h>

#include "bench.h"
#include "queue.h"

enum { K_ALLOC = 1, K_DECISION = 2, K_END = 3 };
#define SECOND      1000000000LL
#define JUNK_WORDS  ((64u << 20) / sizeof(uint64_t))
#define STEPS_ROUND 100000

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static int64_t task_run_ns(uint64_t *x)
{
	return SECOND + (int64_t)(xorshift(x) % (uint64_t)(2000 * SECOND));
}

static void queue_replay(bench_state *s)
{
	size_t pending = (size_t)bench_arg(s, 0);
	int misses = (int)bench_arg(s, 1);
	uint64_t *junk = misses ? calloc(JUNK_WORDS, sizeof *junk) : NULL;
	sim_queue q;
	sim__queue_init(&q);
	uint64_t x = 88172645463325252ull, sum = 0;
	bool ok = !misses || junk;
	for (size_t i = 0; i < pending && ok; i++)
		ok = sim__queue_push(&q, task_run_ns(&x), K_END, (uint32_t)i, 0) == 0;
	if (!ok) {
		bench_error(s, "setup failed");
		free(junk);
		sim__queue_free(&q);
		return;
	}
	int64_t items = 0;
	while (bench_running(s)) {
		for (int step = 0; step < STEPS_ROUND; step++) {
			sim_event ev;
			if (sim__queue_pop(&q, &ev) != 1) {
				bench_error(s, "queue ran dry");
				break;
			}
			for (int k = 0; k < misses; k++)
				sum += junk[xorshift(&x) % JUNK_WORDS]++;
			if (ev.kind == K_END) {
				sim__queue_push(&q, ev.time_ns, K_ALLOC, ev.a, 0);
				sim__queue_push(&q, ev.time_ns + SECOND / 100, K_DECISION, ev.a, 0);
			} else if (ev.kind == K_DECISION) {
				sim__queue_push(&q, ev.time_ns + task_run_ns(&x), K_END, ev.a, 0);
			}
		}
		items += STEPS_ROUND;
	}
	bench_items(s, items);
	bench_counter(s, "checksum", (double)(sum & 0xff), BENCH_PLAIN); /* keeps the touches */
	free(junk);
	sim__queue_free(&q);
}

void bench_queue_register(void)
{
	static const bench_def def = {"queue_replay", queue_replay, "pending,misses", BENCH_MS, 0};
	if (bench_smoke) {
		BENCH_ARGS(&def, 1000, 0);
		return;
	}
	BENCH_ARGS(&def, 100000, 0);
	BENCH_ARGS(&def, 100000, 2);
	BENCH_ARGS(&def, 1000000, 0);
}
