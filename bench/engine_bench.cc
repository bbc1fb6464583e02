// Decision engine benchmarks on the example policy: a check on each decision path, compiling the
// policy, and loading grants into the index. Run: build/bench/engine_bench (make bench).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "classify/payload_analyzer.h"
#include "core/engine.h"
#include "core/interner.h"
#include "policy/compiler.h"
#include "policy/loader.h"

namespace {

using drawbridge::CheckRequest;
using drawbridge::Payload;
using drawbridge::TimePoint;
using drawbridge::core::GrantSpec;

const std::string kPolicyDir = std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy";
constexpr int64_t kNow = 1767607200;  // 2026-01-05T10:00:00Z

struct Fixture {
  std::shared_ptr<const drawbridge::core::CompiledPolicy> policy;
  drawbridge::core::GrantIndex grants;
  drawbridge::classify::ClassifierAnalyzer analyzer;
  std::unique_ptr<drawbridge::core::Engine> engine;

  Fixture() {
    policy = *drawbridge::policy::LoadAndCompile(kPolicyDir);
    GrantSpec g;
    g.id = "g-1";
    g.principal = "user:alice";
    g.actions = {"db.query"};
    g.scope.resource = "db/orders-prod";
    g.not_before = kNow - 60;
    g.expires_at = kNow + 3600;
    (void)grants.Add(g);
    engine = std::make_unique<drawbridge::core::Engine>(*policy, grants, analyzer);
  }
};

Fixture& Shared() {
  static Fixture f;
  return f;
}

CheckRequest Sql(std::string_view principal, std::string_view resource, std::string_view sql) {
  CheckRequest r;
  r.principal = principal;
  r.action = "db.query";
  r.resource = resource;
  r.payload.kind = Payload::Kind::kSql;
  r.payload.text = sql;
  return r;
}

void RunCheck(benchmark::State& state, const CheckRequest& request) {
  Fixture& f = Shared();
  const TimePoint now{std::chrono::seconds(kNow)};
  for (auto _ : state) {
    auto v = f.engine->Check(request, now, {.consume = false});
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

// No guardrail needs facts: the SQL is never parsed.
void BM_CheckStandingAllowNoPayloadNeeded(benchmark::State& state) {
  CheckRequest r;
  r.principal = "user:alice";
  r.action = "db.connect";
  r.resource = "db/analytics-prod";
  RunCheck(state, r);
}
BENCHMARK(BM_CheckStandingAllowNoPayloadNeeded);

void BM_CheckAccessGrantAllow(benchmark::State& state) {
  CheckRequest r;
  r.principal = "user:alice";
  r.action = "db.connect";
  r.resource = "db/orders-prod";
  RunCheck(state, r);
}
BENCHMARK(BM_CheckAccessGrantAllow);

void BM_CheckDefaultDeny(benchmark::State& state) {
  CheckRequest r;
  r.principal = "user:nobody";
  r.action = "db.connect";
  r.resource = "db/analytics-prod";
  RunCheck(state, r);
}
BENCHMARK(BM_CheckDefaultDeny);

// A guardrail needs facts: the statement goes through libpg_query.
void BM_CheckWithSqlClassification(benchmark::State& state) {
  RunCheck(state,
           Sql("user:alice", "db/analytics-prod", "SELECT id, total FROM orders WHERE id = 42"));
}
BENCHMARK(BM_CheckWithSqlClassification);

// approval_required for one exact action: classification plus the fingerprint.
void BM_CheckActionApprovalRequired(benchmark::State& state) {
  RunCheck(state, Sql("user:alice", "db/analytics-prod", "DELETE FROM events WHERE 1 = 1"));
}
BENCHMARK(BM_CheckActionApprovalRequired);

void BM_CompileExamplePolicy(benchmark::State& state) {
  for (auto _ : state) {
    auto p = drawbridge::policy::LoadAndCompile(kPolicyDir);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_CompileExamplePolicy)->Unit(benchmark::kMillisecond);

// Inserting N grants (5,000 principals, resource and selector scopes) into a fresh index.
void BM_GrantIndexLoad(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  std::vector<GrantSpec> specs(n);
  for (size_t i = 0; i < n; ++i) {
    GrantSpec& g = specs[i];
    g.id = "g" + std::to_string(i);
    g.principal = "user:u" + std::to_string(i % 5000);
    g.actions = {i % 3 == 0 ? "drop" : "delete"};
    if (i % 10 < 7) {
      g.scope.resource = "r" + std::to_string(i % 10000);  // a catalog of 10,000 resources
    } else {
      g.scope.selector = {{"env", "prod"}, {"owner", "team-" + std::to_string(i % 40)}};
      g.scope.selector.emplace_back("kind", "k" + std::to_string(i / 5000));
    }
    g.not_before = 0;
    g.expires_at = 1000;
  }
  size_t bytes = 0;
  for (auto _ : state) {
    drawbridge::core::GrantIndex index;
    index.Reserve(n);
    for (const GrantSpec& g : specs) (void)index.Add(g);
    bytes = index.MemoryBytes();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["bytes_per_grant"] = static_cast<double>(bytes) / static_cast<double>(n);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_GrantIndexLoad)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);

// One name lookup of the kind a check makes several of (principal, action, resource, labels,
// groups), in an interner the size of jit-workload/1's principals; a quarter of the names asked
// for are absent, as unknown principals and label values are.
void BM_InternerFind(benchmark::State& state) {
  drawbridge::core::Interner names;
  for (int i = 0; i < 5000; ++i) names.Intern("user:u" + std::to_string(100000 + i));
  std::vector<std::string> asked;
  for (int i = 0; i < 4096; ++i) {
    const int n = (i * 7919) % 6667;  // past 4999: absent
    asked.push_back("user:u" + std::to_string(100000 + n));
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(names.Find(asked[i++ & 4095]));
  }
}
BENCHMARK(BM_InternerFind);

}  // namespace

BENCHMARK_MAIN();
