// Test that SIGKILL at any moment loses no committed transition and leaves nothing half-done:
// a writer (crash_writer) runs request -> approve -> activate -> consume at full speed and is
// killed at random moments, many times over one SQLite file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "audit/verify.h"
#include "classify/payload_analyzer.h"
#include "policy/compiler.h"
#include "service/audit_records.h"
#include "service/jit_service.h"
#include "store/sqlite/sqlite_store.h"

namespace drawbridge::service {
namespace {

const std::string kPolicyDir = std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy";

// Starts the writer with stdout to `out_path`; returns its pid.
pid_t StartWriter(const std::string& db, const std::string& out_path) {
  pid_t pid = fork();
  if (pid == 0) {
    FILE* out = std::freopen(out_path.c_str(), "a", stdout);
    if (out == nullptr) _exit(4);
    execl(DRAWBRIDGE_CRASH_WRITER, "crash_writer", db.c_str(), kPolicyDir.c_str(), nullptr);
    _exit(5);
  }
  return pid;
}

struct Reported {
  std::map<std::string, std::string> request_step;  // request id -> created|active|consumed
  std::map<std::string, std::string> grant_step;    // grant id -> active|consumed
};

Reported ReadReport(const std::string& path) {
  Reported r;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string step, request, grant;
    words >> step >> request >> grant;
    if (step.empty() || request.empty()) continue;  // a line cut by the kill is not a report
    if (step != "created" && step != "active" && step != "consumed") continue;
    r.request_step[request] = step;
    if (!grant.empty()) r.grant_step[grant] = step;
  }
  return r;
}

TEST(CrashTest, KilledWriterLosesNothingCommitted) {
  auto dir =
      std::filesystem::temp_directory_path() / ("drawbridge-crash-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "db.sqlite").string();
  const std::string report = (dir / "report.txt").string();
  std::mt19937 random(20261122);
  std::uniform_int_distribution<int> pause_ms(5, 120);
  const int kCycles = 60;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    const auto reported_before =
        std::filesystem::exists(report) ? std::filesystem::file_size(report) : 0;
    pid_t pid = StartWriter(db, report);
    ASSERT_GT(pid, 0);
    // Every other cycle is killed only once the writer has reported a step, so that a slow start
    // (a sanitizer build, a loaded machine) still leaves steps to check; the rest may be killed
    // while the database is still opening.
    if (cycle % 2 == 1) {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (std::chrono::steady_clock::now() < deadline &&
             (!std::filesystem::exists(report) ||
              std::filesystem::file_size(report) == reported_before)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status))
        << "writer exited by itself in cycle " << cycle << " with status " << WEXITSTATUS(status);
  }

  Reported reported = ReadReport(report);
  ASSERT_GT(reported.request_step.size(), 10u) << "the writer made too little progress to test";

  auto store = SqliteStore::Open({.path = db, .create_if_missing = false});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // Every step the writer reported as committed is there.
  for (const auto& [id, step] : reported.request_step) {
    auto r = (*store)->GetRequest("default", id);
    ASSERT_TRUE(r.ok() && r->has_value()) << "reported request " << id << " is missing";
    if (step == "active") {
      EXPECT_TRUE((*r)->state == RequestState::kActive || (*r)->state == RequestState::kConsumed)
          << id << " is " << RequestStateName((*r)->state);
    }
    if (step == "consumed") {
      EXPECT_EQ((*r)->state, RequestState::kConsumed) << id;
    }
  }
  for (const auto& [id, step] : reported.grant_step) {
    auto g = (*store)->GetGrant("default", id);
    ASSERT_TRUE(g.ok() && g->has_value()) << "reported grant " << id << " is missing";
    if (step == "consumed") {
      EXPECT_EQ((*g)->state, GrantState::kConsumed) << id;
    }
  }
  // Nothing half-done: records agree with each other.
  auto requests = (*store)->ListRequests({.limit = 1000000});
  ASSERT_TRUE(requests.ok());
  size_t active_grants = 0;
  for (const Request& r : *requests) {
    if (r.state == RequestState::kPending) {
      EXPECT_TRUE(r.grant_id.empty()) << r.id;
      continue;
    }
    ASSERT_FALSE(r.grant_id.empty()) << r.id << " is " << RequestStateName(r.state);
    auto g = (*store)->GetGrant("default", r.grant_id);
    ASSERT_TRUE(g.ok() && g->has_value()) << "grant of " << r.id << " is missing";
    EXPECT_EQ((*g)->request_id, r.id);
    if (r.state == RequestState::kActive) {
      EXPECT_EQ((*g)->state, GrantState::kActive) << r.id;
      ++active_grants;
    }
    if (r.state == RequestState::kConsumed) {
      EXPECT_EQ((*g)->state, GrantState::kConsumed) << r.id;
    }
  }
  // The audit chain verifies and records every request's creation.
  auto records = (*store)->ReadAudit({.tenant = "default", .after_seq = 0, .limit = 10000000});
  ASSERT_TRUE(records.ok());
  std::vector<audit::AuditEvent> events;
  std::map<std::string, int> created;
  for (const AuditRecord& rec : *records) {
    events.push_back(*FromRecord(rec));
    if (rec.type == "request.created") ++created[rec.subject];
  }
  audit::VerifyOptions options;
  options.tenant = "default";
  audit::VerifyResult verified = audit::VerifyChain(events, options);
  EXPECT_TRUE(verified.ok()) << verified.Summary();
  for (const Request& r : *requests) EXPECT_EQ(created[r.id], 1) << r.id;
  // A restarted index equals the store.
  auto policy = policy::LoadAndCompile(kPolicyDir);
  ASSERT_TRUE(policy.ok());
  SystemWallClock clock;
  workflow::SequentialIdSource ids;
  classify::ClassifierAnalyzer analyzer;
  auto service = JitService::Open(*policy, **store, clock, ids, analyzer);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  auto active = (*store)->ListGrants({.state = GrantState::kActive});
  ASSERT_TRUE(active.ok());
  EXPECT_EQ((*service)->grants().size(), active->size());
  EXPECT_EQ(active->size(), active_grants);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace drawbridge::service
