// shim.cc — the only C++ in bench/: it lets the C benchmarks (bench_*.c)
// drive Google Benchmark. Each bench_* function below forwards to
// benchmark::State; main() registers the C functions and runs them. No
// benchmark logic lives here.
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "bench.h"
}

static benchmark::State &st(bench_state *s)
{
	return *reinterpret_cast<benchmark::State *>(s);
}

extern "C" {

bool bench_smoke = false;

bool bench_running(bench_state *s)
{
	bool more = st(s).KeepRunning();
	mcount_enable(more);
	return more;
}

int64_t bench_arg(bench_state *s, int i)
{
	return st(s).range(i);
}

void bench_pause(bench_state *s)
{
	mcount_enable(false);
	st(s).PauseTiming();
}

void bench_resume(bench_state *s)
{
	st(s).ResumeTiming();
	mcount_enable(true);
}

int64_t bench_iterations(bench_state *s)
{
	return (int64_t)st(s).iterations();
}

void bench_items(bench_state *s, int64_t items)
{
	st(s).SetItemsProcessed(items);
}

void bench_counter(bench_state *s, const char *name, double value, enum bench_counter_kind kind)
{
	benchmark::Counter::Flags f = kind == BENCH_RATE       ? benchmark::Counter::kIsRate
	                              : kind == BENCH_PER_ITER ? benchmark::Counter::kAvgIterations
	                                                       : benchmark::Counter::kDefaults;
	st(s).counters[name] = benchmark::Counter(value, f);
}

void bench_error(bench_state *s, const char *msg)
{
	st(s).SkipWithError(msg);
}

void bench_register(const bench_def *def, const int64_t *args, int nargs)
{
	bench_fn fn = def->fn;
	// Every benchmark reports the mallocs made while its timer ran.
	auto *b = benchmark::RegisterBenchmark(def->name, [fn](benchmark::State &state) {
		uint64_t before = mcount_calls();
		fn(reinterpret_cast<bench_state *>(&state));
		mcount_enable(false);
		state.counters["mallocs"] =
		        benchmark::Counter((double)(mcount_calls() - before), benchmark::Counter::kAvgIterations);
	});
	std::vector<int64_t> a(args, args + nargs);
	b->Args(a);
	std::vector<std::string> names;
	for (const char *p = def->argnames; p && *p;) {
		const char *e = std::strchr(p, ',');
		names.emplace_back(p, e ? (size_t)(e - p) : std::strlen(p));
		p = e ? e + 1 : p + std::strlen(p);
	}
	if (!names.empty())
		b->ArgNames(names);
	b->Unit(def->unit == BENCH_MS   ? benchmark::kMillisecond
	        : def->unit == BENCH_US ? benchmark::kMicrosecond
	                                : benchmark::kNanosecond);
	if (bench_smoke)
		b->Iterations(1);
	else if (def->iterations)
		b->Iterations(def->iterations);
}

} // extern "C"

int main(int argc, char **argv)
{
	// --meso_smoke: tiny sizes, one iteration each (the CI smoke test).
	int n = 0;
	for (int i = 0; i < argc; i++) {
		if (std::strcmp(argv[i], "--meso_smoke") == 0)
			bench_smoke = true;
		else
			argv[n++] = argv[i];
	}
	argc = n;
	bench_register_all();
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
