// How long loading and validating a policy takes: the example policy from disk (what a reload
// costs), the same files from memory (parsing and validation alone), and a larger generated policy.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "policy/loader.h"

namespace {

namespace fs = std::filesystem;

fs::path ExampleDir() {
  return fs::path(__FILE__).parent_path().parent_path() / "examples" / "policy";
}

std::vector<std::pair<std::string, std::string>> ExampleTexts() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const char* name : {"eligibility.yaml", "groups.yaml", "guardrails.yaml",
                           "notifications.yaml", "resources.yaml", "roles.yaml"}) {
    std::ifstream in(ExampleDir() / name);
    files.emplace_back(name, std::string(std::istreambuf_iterator<char>(in), {}));
  }
  return files;
}

// A policy with `teams` teams, each with a group, two databases, a role, an assignment, an
// eligibility rule and a guardrail.
std::string GeneratedPolicy(int teams) {
  std::string groups = "groups:\n  leads: [user:lead1, user:lead2, user:lead3]\n";
  std::string resources = "resources:\n";
  std::string roles = "roles:\n";
  std::string assignments = "assignments:\n";
  std::string eligibility = "eligibility:\n";
  std::string guardrails = "guardrails:\n";
  for (int i = 0; i < teams; ++i) {
    std::string t = std::to_string(i);
    groups += "  team" + t + ": [user:a" + t + ", user:b" + t + ", group:leads]\n";
    resources += "  - {id: db/t" + t + "-prod, kind: postgres, labels: {env: prod, owner: team" +
                 t + "}}\n  - {id: db/t" + t + "-dev, kind: postgres, labels: {env: dev}}\n";
    roles += "  r" + t + ": {permissions: [{actions: [db.query], resources: {ids: [db/t" + t +
             "-prod, db/t" + t + "-dev]}}]}\n";
    assignments += "  - {principals: [group:team" + t + "], roles: [r" + t + "]}\n";
    eligibility += "  - {name: e" + t + ", principals: [group:team" + t + "], roles: [r" + t +
                   "], max_duration: 2h, approval: {approvers: [group:leads], min_approvals: "
                   "1}}\n";
    guardrails += "  - {name: g" + t + ", actions: [db.query], resources: {id: db/t" + t +
                  "-prod}, when: {sql: [drop, truncate]}, effect: require_approval, approval: "
                  "{approvers: [group:team" +
                  t + "], min_approvals: 1, ttl: 15m}}\n";
  }
  return "version: 1\n" + groups + resources + roles + assignments + eligibility + guardrails;
}

void BM_LoadExampleFromDisk(benchmark::State& state) {
  const fs::path dir = ExampleDir();
  for (auto _ : state) {
    drawbridge::policy::LoadResult result = drawbridge::policy::LoadPolicy(dir);
    if (!result.ok()) state.SkipWithError(result.ErrorText().c_str());
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_LoadExampleFromDisk)->Unit(benchmark::kMicrosecond);

void BM_LoadExampleFromMemory(benchmark::State& state) {
  const auto files = ExampleTexts();
  for (auto _ : state) {
    drawbridge::policy::LoadResult result = drawbridge::policy::LoadPolicyTexts(files);
    if (!result.ok()) state.SkipWithError(result.ErrorText().c_str());
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_LoadExampleFromMemory)->Unit(benchmark::kMicrosecond);

void BM_LoadGeneratedPolicy(benchmark::State& state) {
  const std::string text = GeneratedPolicy(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    drawbridge::policy::LoadResult result =
        drawbridge::policy::LoadPolicyText(text, "generated.yaml");
    if (!result.ok()) state.SkipWithError(result.ErrorText().c_str());
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_LoadGeneratedPolicy)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
