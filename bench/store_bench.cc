// Storage throughput on SQLite with full durability (WAL, synchronous=FULL: every commit is
// fsynced), and the startup load of active grants.
//
//   BM_DurableTransition            one workflow transition per transaction: a request, a grant,
//                                   an audit event and an outbox row; items/s = transactions/s
//   BM_DurableTransitionsPerCommit  N such transitions in one transaction (what a caller that
//                                   groups transitions gets); items/s = transitions/s
//   BM_ListActiveGrants             ListGrants(state=active): 1,000,000 active grants as records
//   BM_LoadActiveGrants/N           ForEachActiveGrantTerms over them on N read connections
//   BM_LoadActiveGrantsIntoIndex/N  the same into a GrantIndex::Loader: a service's start
//   BM_LoadActiveGrantsIntoIndexOneByOne  the earlier start: ForEachGrant + GrantIndex::Add
//
// The load benchmarks share one seeded database and report process CPU time (all threads).
//
// Build: it links drawbridge_store_sqlite (see bench/CMakeLists.txt), e.g.
//   add_executable(store_bench store/store_bench.cc) + drawbridge_store_sqlite benchmark::benchmark
// The database lives under $DRAWBRIDGE_BENCH_DIR (default: the system temp dir), which should be
// on the disk being measured: on tmpfs fsync costs nothing.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/grant_index.h"
#include "service/jit_service.h"
#include "store/sqlite/sqlite_store.h"

namespace drawbridge {
namespace {

class ScratchDatabase {
 public:
  ScratchDatabase() {
    const char* base = std::getenv("DRAWBRIDGE_BENCH_DIR");
    std::string pattern =
        (base != nullptr ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) /
        "drawbridge-bench-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) dir_ = pattern;
  }
  ~ScratchDatabase() {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }
  std::string path() const { return (dir_ / "drawbridge.db").string(); }

 private:
  std::filesystem::path dir_;
};

Request MakeRequest(const std::string& id, int64_t now) {
  Request request;
  request.id = id;
  request.kind = RequestKind::kAccess;
  request.state = RequestState::kActive;
  request.requester = "user:alice";
  request.reason = "investigating INC-4711: orders stuck in payment";
  request.ticket = "INC-4711";
  request.source_ip = "203.0.113.7";
  request.rule = "prod-db-read";
  request.policy_version = "sha256:0f3c";
  request.roles = {"db-reader"};
  request.actions = {"db.query", "db.connect"};
  request.scope.resource = "db/orders-prod";
  request.duration_seconds = 3600;
  request.created_at = now;
  request.updated_at = now;
  Review review;
  review.reviewer = "user:bob";
  review.approve = true;
  review.comment = "ok";
  review.at = now;
  request.reviews = {review};
  request.grant_id = "g-" + id;
  return request;
}

Grant MakeGrant(const std::string& id, const std::string& request_id, int64_t now) {
  Grant grant;
  grant.id = id;
  grant.request_id = request_id;
  grant.principal = "user:alice";
  grant.state = GrantState::kActive;
  grant.actions = {"db.query", "db.connect"};
  grant.scope.resource = "db/orders-prod";
  grant.scope.selector = {{"env", "prod"}};
  grant.not_before = now;
  grant.expires_at = now + 3600;
  grant.created_at = now;
  return grant;
}

// One transition: request + grant + audit event + outbox row, inside `transaction`.
bool WriteTransition(StoreTransaction& transaction, int64_t n) {
  const std::string id = "r-" + std::to_string(n);
  auto head = transaction.AuditHead("default");
  if (!head.ok()) return false;
  AuditRecord event;
  event.seq = head->seq + 1;
  event.time_ms = n;
  event.actor = "user:bob";
  event.type = "request.approved";
  event.subject = id;
  event.details = R"({"grant":"g-)" + std::to_string(n) + R"(","rule":"prod-db-read"})";
  event.prev_hash = head->seq == 0 ? std::string(kGenesisPrevHash) : head->hash;
  event.hash = std::string(64, 'a' + static_cast<char>(n % 26));
  OutboxMessage message;
  message.event_type = "request.approved";
  message.payload = R"({"request":")" + id + R"("})";
  message.created_at = n;
  return transaction.PutRequest(MakeRequest(id, n)).ok() &&
         transaction.PutGrant(MakeGrant("g-" + std::to_string(n), id, n)).ok() &&
         transaction.AppendAudit(event).ok() && transaction.AppendOutbox(message).ok();
}

void RunTransitions(benchmark::State& state, int per_commit) {
  ScratchDatabase scratch;
  auto store = SqliteStore::Open({.path = scratch.path()});
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  int64_t n = 0;
  for (auto _ : state) {
    auto transaction = (*store)->Begin();
    bool ok = transaction.ok();
    for (int i = 0; ok && i < per_commit; ++i) ok = WriteTransition(**transaction, ++n);
    if (!ok || !(*transaction)->Commit().ok()) {
      state.SkipWithError("transaction failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * per_commit);
}

void BM_DurableTransition(benchmark::State& state) {
  RunTransitions(state, 1);
}
BENCHMARK(BM_DurableTransition)->UseRealTime()->MinTime(3);

void BM_DurableTransitionsPerCommit(benchmark::State& state) {
  RunTransitions(state, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_DurableTransitionsPerCommit)->Arg(8)->Arg(64)->UseRealTime()->MinTime(3);

// Writes `grants` grants under one request (the foreign key needs it), 50,000 per transaction,
// spread over 5,000 principals and 10,000 resources; one in eleven has ended when
// `some_ended`. Returns false when a write fails.
bool SeedGrants(Store& store, int64_t grants, bool some_ended) {
  constexpr int64_t kPerTransaction = 50000;
  for (int64_t start = 0; start < grants; start += kPerTransaction) {
    auto transaction = store.Begin();
    bool ok = transaction.ok();
    if (ok && start == 0) ok = (*transaction)->PutRequest(MakeRequest("r-all", 0)).ok();
    for (int64_t i = start; ok && i < std::min(grants, start + kPerTransaction); ++i) {
      Grant grant = MakeGrant("g-" + std::to_string(i), "r-all", 1700000000 + i);
      grant.principal = "user:u" + std::to_string(i % 5000);
      grant.scope.resource = "r" + std::to_string(i % 10000);
      if (some_ended && i % 11 == 10) grant.state = GrantState::kExpired;
      ok = (*transaction)->PutGrant(grant).ok();
    }
    if (!ok || !(*transaction)->Commit().ok()) return false;
  }
  return true;
}

// 1,100,000 grants (1,000,000 active, 100,000 ended), seeded on first use and shared by the load
// benchmarks (seeding takes minutes); removed at exit.
class SeededGrants {
 public:
  static constexpr int64_t kGrants = 1100000;

  static const SeededGrants& Get() {
    static const SeededGrants seeded;
    return seeded;
  }
  const std::string& error() const { return error_; }

  // A store on the seeded file, or nullptr with the benchmark marked failed.
  std::unique_ptr<SqliteStore> Open(benchmark::State& state, int load_connections) const {
    if (!error_.empty()) {
      state.SkipWithError(error_.c_str());
      return nullptr;
    }
    auto store =
        SqliteStore::Open({.path = scratch_.path(), .grant_load_connections = load_connections});
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      return nullptr;
    }
    return std::move(store).value();
  }

 private:
  SeededGrants() {
    auto store = SqliteStore::Open({.path = scratch_.path()});
    if (!store.ok()) {
      error_ = store.status().ToString();
    } else if (!SeedGrants(**store, kGrants, /*some_ended=*/true)) {
      error_ = "seeding grants failed";
    }
  }

  ScratchDatabase scratch_;
  std::string error_;
};

void ReportLoaded(benchmark::State& state, size_t loaded) {
  state.counters["active_grants"] = static_cast<double>(loaded);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(loaded));
}

// The full records of every active grant as one list (what loading read before
// ForEachActiveGrantTerms).
void BM_ListActiveGrants(benchmark::State& state) {
  std::unique_ptr<SqliteStore> store = SeededGrants::Get().Open(state, 1);
  if (store == nullptr) return;
  size_t loaded = 0;
  for (auto _ : state) {
    GrantFilter filter;
    filter.state = GrantState::kActive;
    auto active = store->ListGrants(filter);
    if (!active.ok()) {
      state.SkipWithError(active.status().ToString().c_str());
      return;
    }
    loaded = active->size();
    benchmark::DoNotOptimize(active->data());
  }
  ReportLoaded(state, loaded);
}
BENCHMARK(BM_ListActiveGrants)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Iterations(3);

// Reading the terms of every active grant; the argument is the number of read connections.
void BM_LoadActiveGrants(benchmark::State& state) {
  std::unique_ptr<SqliteStore> store =
      SeededGrants::Get().Open(state, static_cast<int>(state.range(0)));
  if (store == nullptr) return;
  size_t loaded = 0;
  for (auto _ : state) {
    size_t count = 0;
    Status s = store->ForEachActiveGrantTerms("default", [&](const GrantTerms& terms) {
      benchmark::DoNotOptimize(terms.id.data());
      ++count;
      return Status::Ok();
    });
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    loaded = count;
  }
  ReportLoaded(state, loaded);
}
BENCHMARK(BM_LoadActiveGrants)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Iterations(3);

// What a service does at start (JitService::Open): every active grant's terms into an empty index
// through a GrantIndex::Loader. The argument is the number of read connections.
void BM_LoadActiveGrantsIntoIndex(benchmark::State& state) {
  std::unique_ptr<SqliteStore> store =
      SeededGrants::Get().Open(state, static_cast<int>(state.range(0)));
  if (store == nullptr) return;
  size_t loaded = 0;
  for (auto _ : state) {
    core::GrantIndex index;
    core::GrantSpec spec;
    core::GrantIndex::Loader loader = index.Load();
    Status s = store->ForEachActiveGrantTerms("default", [&](const GrantTerms& terms) {
      service::FillGrantSpec(terms, spec);
      return loader.Add(spec);
    });
    loader.Finish();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    loaded = index.size();
  }
  ReportLoaded(state, loaded);
}
BENCHMARK(BM_LoadActiveGrantsIntoIndex)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Iterations(3);

// The earlier start-up path, for comparison: full records streamed in creation order with
// ForEachGrant, each added with GrantIndex::Add (which first looks for a grant it replaces).
void BM_LoadActiveGrantsIntoIndexOneByOne(benchmark::State& state) {
  std::unique_ptr<SqliteStore> store = SeededGrants::Get().Open(state, 1);
  if (store == nullptr) return;
  size_t loaded = 0;
  for (auto _ : state) {
    core::GrantIndex index;
    core::GrantSpec spec;
    GrantFilter filter;
    filter.state = GrantState::kActive;
    Status s = store->ForEachGrant(filter, [&](const Grant& grant) {
      service::FillGrantSpec(grant, spec);
      return index.Add(spec);
    });
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    loaded = index.size();
  }
  ReportLoaded(state, loaded);
}
BENCHMARK(BM_LoadActiveGrantsIntoIndexOneByOne)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Iterations(3);

}  // namespace
}  // namespace drawbridge

BENCHMARK_MAIN();
