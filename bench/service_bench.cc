// Durable workflow throughput on SQLite (WAL, synchronous=FULL: every commit is fsynced), what
// recording the audit event adds to a transition, and what one expiry sweep costs an idle server
// holding 100,000 active grants. Run: build/bench/service_bench.
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

// 100,000 started access grants, each with its active request, none due for an hour: what the
// expiry sweep faces on an idle server. Seeded once, shared by the sweep benchmarks.
class RunningGrants {
 public:
  static constexpr int kGrants = 100000;
  static constexpr int64_t kNow = 1767607200;

  static RunningGrants& Get() {
    static RunningGrants seeded;
    return seeded;
  }
  ~RunningGrants() {
    store_.reset();
    std::filesystem::remove(path_);
    std::filesystem::remove(path_ + "-wal");
    std::filesystem::remove(path_ + "-shm");
  }
  Store* store() { return store_.get(); }

 private:
  RunningGrants() : path_(TempDb("sweep")) {
    auto store = SqliteStore::Open({.path = path_});
    if (!store.ok()) return;
    store_ = std::move(store).value();
    constexpr int kPerTransaction = 10000;
    for (int start = 0; start < kGrants; start += kPerTransaction) {
      auto tx = std::move(store_->Begin()).value();
      for (int i = start; i < start + kPerTransaction; ++i) {
        Request r;
        r.id = "r-" + std::to_string(i);
        r.state = RequestState::kActive;
        r.requester = "user:u" + std::to_string(i % 5000);
        r.rule = "dba-elevation";
        r.reason = "bench";
        r.scope.resource = "db/r" + std::to_string(i % 10000);
        r.duration_seconds = 3600;
        r.created_at = kNow - 60;
        r.grant_id = "g-" + std::to_string(i);
        Grant g;
        g.id = r.grant_id;
        g.request_id = r.id;
        g.principal = r.requester;
        g.actions = {"db.query"};
        g.scope = r.scope;
        g.not_before = kNow - 60;
        g.expires_at = kNow + 3600;
        g.created_at = kNow - 60;
        if (!tx->PutRequest(r).ok() || !tx->PutGrant(g).ok()) {
          store_.reset();
          return;
        }
      }
      if (!tx->Commit().ok()) {
        store_.reset();
        return;
      }
    }
  }

  std::string path_;
  std::unique_ptr<SqliteStore> store_;
};

// One JitService::Sweep over the running grants, none due: it reads only the due grants.
void BM_SweepNothingDue(benchmark::State& state) {
  Store* store = RunningGrants::Get().store();
  if (store == nullptr) return state.SkipWithError("seeding failed");
  auto policy = *policy::LoadAndCompile(std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy");
  ManualClock clock(RunningGrants::kNow * 1000);
  workflow::SequentialIdSource ids;
  classify::ClassifierAnalyzer analyzer;
  auto service = std::move(service::JitService::Open(policy, *store, clock, ids, analyzer)).value();
  for (auto _ : state) {
    auto report = service->Sweep();
    if (!report.ok() || report->expired_grants != 0) return state.SkipWithError("sweep failed");
    benchmark::DoNotOptimize(report);
  }
  state.counters["active_grants"] = RunningGrants::kGrants;
}
BENCHMARK(BM_SweepNothingDue)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

// The same sweep's reads done the earlier way, for comparison: every active grant's record, and
// the request of each, to find that none is due.
void BM_SweepNothingDueByReadingEveryActiveGrant(benchmark::State& state) {
  Store* store = RunningGrants::Get().store();
  if (store == nullptr) return state.SkipWithError("seeding failed");
  const int64_t now = RunningGrants::kNow;
  for (auto _ : state) {
    int due = 0;
    auto grants = store->ListGrants({.tenant = "default", .state = GrantState::kActive});
    if (!grants.ok()) return state.SkipWithError("listing failed");
    for (const Grant& g : *grants) {
      auto request = store->GetRequest("default", g.request_id);
      if (!request.ok() || !request->has_value()) return state.SkipWithError("no request");
      if (g.expires_at <= now ||
          ((**request).state == RequestState::kApproved && g.not_before <= now)) {
        ++due;
      }
    }
    if (due != 0) return state.SkipWithError("a grant was due");
    benchmark::DoNotOptimize(due);
  }
  state.counters["active_grants"] = RunningGrants::kGrants;
}
BENCHMARK(BM_SweepNothingDueByReadingEveryActiveGrant)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();
