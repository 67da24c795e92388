/*
 * bench_replay.c — RESERVED for issue 5, item 6: trace reading (MB/s and
 * rows/s for the CSV and binary forms, traces/) and simulator replay
 * (events/s, sim/). The simulator and the trace readers are being written
 * concurrently; when they land, register here e.g. trace_read_csv,
 * trace_read_bin and sim_replay, each with items = rows or events and
 * bytes = input size (bench_counter with BENCH_RATE), and link bench/ with
 * those libraries in bench/CMakeLists.txt. Nothing is registered yet.
 */
#include "bench.h"

void bench_replay_register(void)
{
}
