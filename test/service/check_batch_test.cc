// Group-committed checks (JitService::CheckAsync): every audited decision is answered only after
// its event is durable, concurrent decisions share transactions, and a batch that cannot be
// written answers deny for every decision in it.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "classify/payload_analyzer.h"
#include "service/jit_service.h"
#include "service/service_fixtures.h"
#include "store/faulty_store.h"
#include "store/memory/memory_store.h"

namespace drawbridge::service {
namespace {

class CheckBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = JitService::Open(fixtures::ExamplePolicy(), store_, clock_, ids_, analyzer_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
  }

  // Runs `n` checks of `sql` by alice on analytics-prod from `threads` threads at once and
  // waits for every answer.
  std::vector<CheckOutcome> CheckMany(const std::string& sql, int n, int threads) {
    std::vector<CheckOutcome> answers(n);
    std::mutex mu;
    std::condition_variable cv;
    int answered = 0;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (int i = t; i < n; i += threads) {
          service_->CheckAsync(fixtures::AliceQueriesAnalytics(sql), [&, i](CheckOutcome out) {
            std::lock_guard lock(mu);
            answers[i] = std::move(out);
            ++answered;
            cv.notify_all();
          });
        }
      });
    }
    for (auto& t : pool) t.join();
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return answered == n; });
    return answers;
  }

  size_t AuditedChecks() {
    auto records = store_.ReadAudit({.tenant = "default", .after_seq = 0, .limit = 1000000});
    EXPECT_TRUE(records.ok());
    size_t n = 0;
    for (const AuditRecord& r : *records) n += r.type == "check.decided";
    return n;
  }

  ManualClock clock_{fixtures::kStartMillis};
  workflow::SequentialIdSource ids_;
  classify::ClassifierAnalyzer analyzer_;
  testing::FaultyStore store_{MemoryStore::Create()};
  std::unique_ptr<JitService> service_;
};

// Test that every audited decision answered through CheckAsync has its event in the chain.
TEST_F(CheckBatchTest, EveryAnsweredDecisionIsAudited) {
  auto answers = CheckMany("TRUNCATE events", 400, 4);
  for (const CheckOutcome& a : answers) {
    EXPECT_EQ(a.verdict.decision, Decision::kApprovalRequired);
  }
  EXPECT_EQ(AuditedChecks(), 400u);
}

// Test that a decision needing no audit is answered on the caller's thread at once.
TEST_F(CheckBatchTest, UnauditedDecisionsAnswerInline) {
  bool answered = false;
  service_->CheckAsync(fixtures::AliceQueriesAnalytics("SELECT 1"), [&](CheckOutcome out) {
    answered = true;
    EXPECT_EQ(out.verdict.decision, Decision::kAllow);
  });
  EXPECT_TRUE(answered);
  EXPECT_EQ(AuditedChecks(), 0u);
}

// Test that when a batch cannot be committed, its decisions are denied and none is recorded.
TEST_F(CheckBatchTest, AFailedBatchDeniesEveryDecisionInIt) {
  store_.FailNthCommit(1, Unavailable("disk full"));
  auto answers = CheckMany("TRUNCATE events", 1, 1);
  EXPECT_EQ(answers[0].verdict.decision, Decision::kDeny);
  EXPECT_EQ(answers[0].explanation.reason_code, "audit_unavailable");
  EXPECT_EQ(AuditedChecks(), 0u);
  // The next batch writes again.
  auto later = CheckMany("TRUNCATE events", 10, 2);
  for (const CheckOutcome& a : later) EXPECT_EQ(a.verdict.decision, Decision::kApprovalRequired);
  EXPECT_EQ(AuditedChecks(), 10u);
}

}  // namespace
}  // namespace drawbridge::service
