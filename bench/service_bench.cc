// Durable workflow throughput on SQLite (WAL, synchronous=FULL: every commit is fsynced), and
// what recording the audit event adds to a transition. Run: build/bench/service_bench.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "audit/chain.h"
#include "classify/payload_analyzer.h"
#include "policy/compiler.h"
#include "service/audit_records.h"
#include "service/jit_service.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using namespace drawbridge;

std::string TempDb(const char* name) {
  auto path = std::filesystem::temp_directory_path() /
              (std::string("drawbridge-bench-") + name + "-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  return path.string();
}

// request -> approve -> active: two durable transitions (each with its audit events and outbox
// rows), one grant indexed. Items = transitions.
void BM_DurableAccessRequestAndApproval(benchmark::State& state) {
  auto policy = *policy::LoadAndCompile(std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy");
  std::string path = TempDb("flow");
  auto store = std::move(SqliteStore::Open({.path = path})).value();
  SystemWallClock clock;
  workflow::SequentialIdSource ids;
  classify::ClassifierAnalyzer analyzer;
  auto service = std::move(service::JitService::Open(policy, *store, clock, ids, analyzer)).value();
  workflow::AccessRequestInput in;
  in.requester = "user:alice";
  in.rule = "dba-elevation";
  in.scope.resource = "db/orders-prod";
  in.duration_seconds = 3600;
  in.reason = "bench";
  in.ticket = "INC-1";
  workflow::ReviewInput approve{
      .reviewer = "user:erin", .group_claims = {}, .approve = true, .comment = ""};
  for (auto _ : state) {
    auto r = service->RequestAccess(in);
    auto a = service->Review(r->id, approve);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations() * 2);
  service.reset();
  store.reset();
  std::filesystem::remove(path);
}
BENCHMARK(BM_DurableAccessRequestAndApproval)->Unit(benchmark::kMillisecond)->UseRealTime();

// One transition's rows (request + grant) in one fsynced transaction, with or without its
// hash-chained audit event: the difference is what the audit costs.
void StoreTransition(benchmark::State& state, bool with_audit) {
  std::string path = TempDb(with_audit ? "audit" : "noaudit");
  auto store = std::move(SqliteStore::Open({.path = path})).value();
  auto chain = *audit::AuditChain::Start("default");
  int64_t n = 0;
  for (auto _ : state) {
    ++n;
    Request r;
    r.id = "r-" + std::to_string(n);
    r.requester = "user:alice";
    r.reason = "bench";
    r.scope.resource = "db/orders-prod";
    r.state = RequestState::kActive;
    r.grant_id = "g-" + std::to_string(n);
    Grant g;
    g.id = r.grant_id;
    g.request_id = r.id;
    g.principal = r.requester;
    g.actions = {"db.query"};
    g.scope = r.scope;
    g.not_before = 1;
    g.expires_at = 2;
    auto tx = std::move(store->Begin()).value();
    (void)tx->PutRequest(r);
    (void)tx->PutGrant(g);
    if (with_audit) {
      audit::AuditEventDraft d;
      d.time_ms = n;
      d.actor = "user:erin";
      d.type = "grant.activated";
      d.subject = g.id;
      d.details = {{"request", r.id}, {"principal", g.principal}, {"scope", "db/orders-prod"}};
      auto event = *chain.Append(d);
      (void)tx->AppendAudit(*service::ToRecord(event));
    }
    (void)tx->Commit();
  }
  state.SetItemsProcessed(state.iterations());
  store.reset();
  std::filesystem::remove(path);
}

void BM_StoreTransitionWithoutAudit(benchmark::State& state) {
  StoreTransition(state, false);
}
void BM_StoreTransitionWithAudit(benchmark::State& state) {
  StoreTransition(state, true);
}
BENCHMARK(BM_StoreTransitionWithoutAudit)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StoreTransitionWithAudit)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
