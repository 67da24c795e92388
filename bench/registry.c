/*
 * registry.c — the list of benchmark files; shim.cc calls this once.
 */
#include "bench.h"

void bench_register_all(void)
{
	bench_pass_register();
	bench_steady_register();
	bench_filters_register();
	bench_order_register();
	bench_replay_register();
	bench_queue_register();
}
