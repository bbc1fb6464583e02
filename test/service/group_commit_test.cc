// Group commits of workflow transitions (JitService::Apply through the writer thread): what is
// queued together is written in one transaction, each transition sees the ones before it in its
// group, a refused transition fails alone, and a store error fails the whole group.
//
// Each test holds the writer inside its first group's report hook (after that group committed),
// queues more work from other threads, waits until the service shows it queued, and lets the
// writer go: the queued work is then one group, whatever the scheduling.
#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "classify/payload_analyzer.h"
#include "service/jit_service.h"
#include "service/service_fixtures.h"
#include "store/faulty_store.h"
#include "store/memory/memory_store.h"

namespace drawbridge::service {
namespace {

using fixtures::AliceWantsOrders;
using fixtures::Approve;
using fixtures::kStartMillis;

class GroupCommitTest : public ::testing::Test {
 protected:
  explicit GroupCommitTest(std::chrono::microseconds gather = {}) : gather_(gather) {}

  void SetUp() override {
    ServiceOptions options;
    options.commit_gather = gather_;
    options.on_group_commit = [this](const GroupCommitReport& r) {
      std::unique_lock lock(mu_);
      reports_.push_back(r);
      cv_.notify_all();
      cv_.wait(lock, [&] { return !holding_; });
    };
    auto s = JitService::Open(fixtures::ExamplePolicy(), store_, clock_, ids_, analyzer_, options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
  }

  void TearDown() override {
    Release();
    for (auto& t : threads_) t.join();
    if (blocker_.joinable()) blocker_.join();
  }

  // Makes the writer commit one audited check and then wait in its report hook.
  void HoldTheWriter() {
    size_t before = 0;
    {
      std::lock_guard lock(mu_);
      holding_ = true;
      before = reports_.size();
    }
    blocker_ = std::thread([this] { (void)CheckAndWait(AuditedCheck()); });
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return reports_.size() > before; });
  }

  void Release() {
    {
      std::lock_guard lock(mu_);
      holding_ = false;
    }
    cv_.notify_all();
  }

  // A check through CheckAsync, once answered.
  CheckOutcome CheckAndWait(const CheckRequest& request) {
    std::mutex m;
    std::condition_variable c;
    std::optional<CheckOutcome> answer;
    service_->CheckAsync(request, [&](CheckOutcome out) {
      std::lock_guard lock(m);
      answer = std::move(out);
      c.notify_one();
    });
    std::unique_lock lock(m);
    c.wait(lock, [&] { return answer.has_value(); });
    return std::move(*answer);
  }

  // One audited check alone, then a group of two transitions: the writer has seen load.
  void CommitAGroupOfTwo() {
    HoldTheWriter();
    for (int i = 0; i < 2; ++i) {
      InBackground([&] { (void)service_->RequestAccess(AliceWantsOrders()); });
    }
    WaitForQueued(2);
    Release();
    JoinAll();
  }

  // Runs `work` on a thread of its own (it blocks until its group commits).
  void InBackground(std::function<void()> work) { threads_.emplace_back(std::move(work)); }

  // Waits until `n` writes are queued behind the held writer.
  void WaitForQueued(size_t n) {
    while (service_->QueuedWrites() < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  void JoinAll() {
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  std::vector<GroupCommitReport> Reports() {
    std::lock_guard lock(mu_);
    return reports_;
  }

  static CheckRequest AuditedCheck() { return fixtures::AliceQueriesAnalytics("TRUNCATE events"); }

  size_t EventsOfType(std::string_view type) {
    auto records = store_.ReadAudit({.tenant = "default", .after_seq = 0, .limit = 1000000});
    EXPECT_TRUE(records.ok());
    size_t n = 0;
    for (const AuditRecord& r : *records) n += r.type == type;
    return n;
  }

  const std::chrono::microseconds gather_;
  ManualClock clock_{kStartMillis};
  workflow::SequentialIdSource ids_;
  classify::ClassifierAnalyzer analyzer_;
  testing::FaultyStore store_{MemoryStore::Create()};
  std::unique_ptr<JitService> service_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool holding_ = false;
  std::vector<GroupCommitReport> reports_;
  std::thread blocker_;
  std::vector<std::thread> threads_;
};

// Test that transitions queued while a group is being written share the next commit.
TEST_F(GroupCommitTest, TransitionsQueuedTogetherShareOneCommit) {
  HoldTheWriter();
  constexpr int kRequests = 8;
  std::vector<StatusOr<Request>> made(kRequests, Internal("not run"));
  for (int i = 0; i < kRequests; ++i) {
    InBackground([&, i] { made[i] = service_->RequestAccess(AliceWantsOrders()); });
  }
  WaitForQueued(kRequests);
  Release();
  JoinAll();
  for (const auto& r : made) ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto reports = Reports();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].checks, 1u);
  EXPECT_EQ(reports[1].transitions, static_cast<size_t>(kRequests));
  EXPECT_EQ(reports[1].checks, 0u);
  EXPECT_EQ(EventsOfType("request.created"), static_cast<size_t>(kRequests));
}

// The writer of a server under load: groups gather for up to a second here, far longer than the
// test's own steps take.
class GroupCommitGatherTest : public GroupCommitTest {
 protected:
  GroupCommitGatherTest() : GroupCommitTest(std::chrono::seconds(1)) {}
};

// Test that after a group of several entries the writer lets the next group gather: a check
// queued shortly after a lone one shares its commit. The first check, after no group at all, is
// written at once.
TEST_F(GroupCommitGatherTest, UnderLoadTheNextGroupGathers) {
  CommitAGroupOfTwo();
  InBackground([&] { (void)CheckAndWait(AuditedCheck()); });
  WaitForQueued(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  InBackground([&] { (void)CheckAndWait(AuditedCheck()); });
  JoinAll();
  auto reports = Reports();
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[0].checks, 1u);
  EXPECT_EQ(reports[1].transitions, 2u);
  EXPECT_EQ(reports[2].checks, 2u)
      << "the second check was not gathered into the first one's group";
}

// Test that without gathering the same steps make a group per check.
TEST_F(GroupCommitTest, WithoutGatheringEachLoneCheckIsItsOwnGroup) {
  CommitAGroupOfTwo();
  (void)CheckAndWait(AuditedCheck());
  (void)CheckAndWait(AuditedCheck());
  auto reports = Reports();
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_EQ(reports[2].checks, 1u);
  EXPECT_EQ(reports[3].checks, 1u);
}

// Test that the second of two reviews in one group sees the first: a request needing a lead and
// a DBA is approved once, with both reviews on it.
TEST_F(GroupCommitTest, ReviewsInOneGroupSeeEachOther) {
  workflow::AccessRequestInput in;
  in.requester = "user:carol";
  in.rule = "prod-pii-read";
  in.scope.resource = "db/orders-prod";
  in.duration_seconds = 1800;
  in.reason = "data fix";
  in.ticket = "DATA-7";
  auto request = service_->RequestAccess(in);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  ASSERT_EQ(request->state, RequestState::kPending);

  HoldTheWriter();
  StatusOr<Request> by_lead = Internal("not run"), by_dba = Internal("not run");
  InBackground([&] { by_lead = service_->Review(request->id, Approve("user:erin")); });
  InBackground([&] { by_dba = service_->Review(request->id, Approve("user:alice")); });
  WaitForQueued(2);
  Release();
  JoinAll();
  ASSERT_TRUE(by_lead.ok()) << by_lead.status().ToString();
  ASSERT_TRUE(by_dba.ok()) << by_dba.status().ToString();
  EXPECT_EQ(Reports().back().transitions, 2u);

  auto stored = store_.GetRequest("default", request->id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->state, RequestState::kActive);
  EXPECT_EQ((*stored)->reviews.size(), 2u);
  EXPECT_EQ(EventsOfType("review.recorded"), 2u);
  EXPECT_EQ(EventsOfType("request.approved"), 1u);
}

// Test that a transition the workflow refuses fails alone: the check and the request queued
// with it are written.
TEST_F(GroupCommitTest, ARefusedTransitionFailsAlone) {
  HoldTheWriter();
  StatusOr<Request> cancelled = Internal("not run"), created = Internal("not run");
  CheckOutcome checked;
  InBackground([&] { cancelled = service_->Cancel("no-such-request", "user:alice"); });
  InBackground([&] { created = service_->RequestAccess(AliceWantsOrders()); });
  InBackground([&] { checked = CheckAndWait(AuditedCheck()); });
  WaitForQueued(3);
  Release();
  JoinAll();
  EXPECT_EQ(cancelled.status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(checked.verdict.decision, Decision::kApprovalRequired);
  const GroupCommitReport last = Reports().back();
  EXPECT_TRUE(last.ok);
  EXPECT_EQ(last.transitions, 1u);
  EXPECT_EQ(last.checks, 1u);
}

// Test that when a group cannot be committed, every transition in it fails, every check in it
// is denied, nothing of it is stored, and the next group writes again.
TEST_F(GroupCommitTest, AStoreFailureFailsTheWholeGroup) {
  HoldTheWriter();
  store_.FailNthCommit(1, Unavailable("disk full"));
  StatusOr<Request> created = Internal("not run");
  CheckOutcome checked;
  InBackground([&] { created = service_->RequestAccess(AliceWantsOrders()); });
  InBackground([&] { checked = CheckAndWait(AuditedCheck()); });
  WaitForQueued(2);
  Release();
  JoinAll();
  EXPECT_EQ(created.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(checked.verdict.decision, Decision::kDeny);
  EXPECT_EQ(checked.explanation.reason_code, "audit_unavailable");
  EXPECT_FALSE(Reports().back().ok);
  EXPECT_EQ(EventsOfType("request.created"), 0u);

  auto again = service_->RequestAccess(AliceWantsOrders());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(EventsOfType("request.created"), 1u);
}

// Test that a sweep whose group cannot be committed reports the store's error and expires
// nothing, and that the next sweep does the work.
TEST_F(GroupCommitTest, ASweepThatCannotCommitFailsAndTheNextOneExpires) {
  auto request = service_->RequestAccess(AliceWantsOrders());
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  auto approved = service_->Review(request->id, Approve("user:erin"));
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  ASSERT_EQ(approved->state, RequestState::kActive);
  clock_.AdvanceSeconds(3600);

  store_.FailNthCommit(1, Unavailable("disk full"));
  auto failed = service_->Sweep();
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(EventsOfType("grant.expired"), 0u);

  auto swept = service_->Sweep();
  ASSERT_TRUE(swept.ok()) << swept.status().ToString();
  EXPECT_EQ(swept->expired_grants, 1);
  EXPECT_EQ(EventsOfType("grant.expired"), 1u);
}

}  // namespace
}  // namespace drawbridge::service
