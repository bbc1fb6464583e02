// What the server's metrics cost a check: one HTTP response and one decision recorded, from one
// I/O thread and from two at once (the server's threads share the counters).
// Run: build/bench/metrics_bench.
#include <benchmark/benchmark.h>

#include "server/metrics.h"

namespace {

drawbridge::server::Metrics& Shared() {
  static drawbridge::server::Metrics metrics;
  return metrics;
}

void BM_RecordCheck(benchmark::State& state) {
  auto& metrics = Shared();
  for (auto _ : state) {
    metrics.RecordHttp("POST", "/v1/check", 200, 0.000021);
    metrics.RecordDecision(drawbridge::Decision::kAllow, "standing:dba-read", 0.000004);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordCheck)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
