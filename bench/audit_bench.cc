// Audit chain costs: sealing (canonical JSON + SHA-256) one event, verifying a stored chain, and
// parsing JSONL records. Run: build-*/bench/audit_bench
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "audit/chain.h"
#include "audit/checkpoint.h"
#include "audit/verify.h"

namespace drawbridge::audit {
namespace {

// A typical grant event: a few identifiers, a reason, and a SQL statement.
AuditEventDraft TypicalDraft(int64_t i) {
  AuditEventDraft draft;
  draft.time_ms = 1714557600000 + i;
  draft.actor = "user:alice";
  draft.type = "grant.activated";
  draft.subject = "grant/" + std::to_string(i);
  draft.details = {{"principal", "user:alice"},
                   {"resource", "db/orders-prod"},
                   {"request", "req/" + std::to_string(i)},
                   {"reason", "INC-4211: clean up duplicated order rows after the failed import"},
                   {"sql", "DELETE FROM orders WHERE id IN (SELECT id FROM dupes WHERE batch = 7)"},
                   {"expires_at", 1714561200000 + i},
                   {"approvers", boost::json::array{"user:erin", "user:frank"}}};
  return draft;
}

std::vector<AuditEvent> MakeLog(int64_t count) {
  auto chain = AuditChain::Start("default");
  std::vector<AuditEvent> events;
  events.reserve(static_cast<std::size_t>(count));
  for (int64_t i = 0; i < count; ++i) events.push_back(*chain->Append(TypicalDraft(i)));
  return events;
}

void BM_Append(benchmark::State& state) {
  auto chain = AuditChain::Start("default");
  const AuditEventDraft draft = TypicalDraft(1);
  for (auto _ : state) {
    auto event = chain->Append(draft);
    benchmark::DoNotOptimize(event);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Append);

void BM_Verify(benchmark::State& state) {
  const auto events = MakeLog(state.range(0));
  for (auto _ : state) {
    VerifyResult result = VerifyChain(events);
    if (!result.ok()) state.SkipWithError("chain did not verify");
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Verify)->Arg(10000);

void BM_ParseAndVerify(benchmark::State& state) {
  const auto events = MakeLog(state.range(0));
  std::vector<std::string> lines;
  for (const AuditEvent& event : events) lines.push_back(*EventToJsonLine(event));
  for (auto _ : state) {
    ChainVerifier verifier(VerifyOptions{});
    for (const std::string& line : lines) verifier.Add(*ParseEventLine(line));
    VerifyResult result = std::move(verifier).Finish();
    if (!result.ok()) state.SkipWithError("chain did not verify");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParseAndVerify)->Arg(10000);

void BM_SignCheckpoint(benchmark::State& state) {
  const SigningKey key = *SigningKey::Generate();
  const ChainHead head{42, std::string(64, 'a')};
  for (auto _ : state) benchmark::DoNotOptimize(SignCheckpoint(key, "default", head, 0));
}
BENCHMARK(BM_SignCheckpoint);

void BM_VerifyCheckpoint(benchmark::State& state) {
  const SigningKey key = *SigningKey::Generate();
  const Checkpoint checkpoint = *SignCheckpoint(key, "default", {42, std::string(64, 'a')}, 0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifyCheckpointSignature(checkpoint, key.verifying_key()));
  }
}
BENCHMARK(BM_VerifyCheckpoint);

}  // namespace
}  // namespace drawbridge::audit

BENCHMARK_MAIN();
