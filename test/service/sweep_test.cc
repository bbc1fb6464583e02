// The expiry sweep: it ends grants whose time has run out and starts scheduled ones, reading only
// those, never the grants that are still running (on the in-memory store and on SQLite).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "classify/payload_analyzer.h"
#include "service/jit_service.h"
#include "service/service_fixtures.h"
#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_contract.h"

namespace drawbridge::service {
namespace {

using drawbridge::testing::TempDir;

using fixtures::ExamplePolicy;

constexpr int64_t kStartSeconds = fixtures::kStartMillis / 1000;

// A Store that counts every request and grant record its reads hand out, whatever the call, so a
// test can tell how much of the store an operation looked at.
class CountingStore final : public Store {
 public:
  explicit CountingStore(Store& inner) : inner_(inner) {}

  int64_t requests_read() const { return requests_read_; }
  int64_t grants_read() const { return grants_read_; }
  void ResetCounts() {
    requests_read_ = 0;
    grants_read_ = 0;
  }

  StatusOr<std::unique_ptr<StoreTransaction>> Begin() override { return inner_.Begin(); }
  StatusOr<std::optional<Request>> GetRequest(const std::string& tenant,
                                              const std::string& id) override {
    auto request = inner_.GetRequest(tenant, id);
    if (request.ok() && request->has_value()) ++requests_read_;
    return request;
  }
  StatusOr<std::vector<Request>> ListRequests(const RequestFilter& filter) override {
    auto requests = inner_.ListRequests(filter);
    if (requests.ok()) requests_read_ += static_cast<int64_t>(requests->size());
    return requests;
  }
  StatusOr<std::map<RequestState, uint64_t>> CountRequestsByState(
      const std::string& tenant) override {
    return inner_.CountRequestsByState(tenant);
  }
  StatusOr<std::optional<Grant>> GetGrant(const std::string& tenant,
                                          const std::string& id) override {
    auto grant = inner_.GetGrant(tenant, id);
    if (grant.ok() && grant->has_value()) ++grants_read_;
    return grant;
  }
  StatusOr<std::vector<Grant>> ListGrants(const GrantFilter& filter) override {
    auto grants = inner_.ListGrants(filter);
    if (grants.ok()) grants_read_ += static_cast<int64_t>(grants->size());
    return grants;
  }
  Status ForEachGrant(const GrantFilter& filter,
                      const std::function<Status(const Grant&)>& visit) override {
    return inner_.ForEachGrant(filter, [&](const Grant& grant) {
      ++grants_read_;
      return visit(grant);
    });
  }
  Status ForEachActiveGrantTerms(const std::string& tenant,
                                 const std::function<Status(const GrantTerms&)>& visit) override {
    return inner_.ForEachActiveGrantTerms(tenant, [&](const GrantTerms& terms) {
      ++grants_read_;
      return visit(terms);
    });
  }
  StatusOr<std::vector<Grant>> ListDueGrants(const std::string& tenant, int64_t now,
                                             size_t limit) override {
    auto grants = inner_.ListDueGrants(tenant, now, limit);
    if (grants.ok()) grants_read_ += static_cast<int64_t>(grants->size());
    return grants;
  }
  StatusOr<std::vector<AuditRecord>> ReadAudit(const AuditFilter& filter) override {
    return inner_.ReadAudit(filter);
  }
  StatusOr<std::optional<ApiToken>> GetToken(const std::string& tenant,
                                             const std::string& id) override {
    return inner_.GetToken(tenant, id);
  }
  StatusOr<std::vector<ApiToken>> ListTokens(const TokenFilter& filter) override {
    return inner_.ListTokens(filter);
  }
  StatusOr<uint64_t> TokenChangeCount() override { return inner_.TokenChangeCount(); }
  StatusOr<std::vector<OutboxMessage>> DueOutbox(int64_t now, size_t limit) override {
    return inner_.DueOutbox(now, limit);
  }
  Status MarkOutbox(std::span<const OutboxMark> marks) override { return inner_.MarkOutbox(marks); }

 private:
  Store& inner_;
  std::atomic<int64_t> requests_read_ = 0;
  std::atomic<int64_t> grants_read_ = 0;
};

// Commits `count` started access grants, each with its active request, created in id order; the
// first `run_out` of them expire at `run_out_at`, the others an hour after kStartSeconds.
void SeedRunningGrants(Store& store, int count, int run_out, int64_t run_out_at) {
  auto transaction = store.Begin();
  ASSERT_TRUE(transaction.ok()) << transaction.status().ToString();
  for (int i = 0; i < count; ++i) {
    const std::string n = std::to_string(1000000 + i);
    Request request;
    request.id = "r-" + n;
    request.state = RequestState::kActive;
    request.requester = "user:alice";
    request.rule = "dba-elevation";
    request.scope.resource = "db/orders-prod";
    request.duration_seconds = 3600;
    request.created_at = kStartSeconds - 60;
    request.grant_id = "g-" + n;
    Grant grant;
    grant.id = request.grant_id;
    grant.request_id = request.id;
    grant.principal = request.requester;
    grant.actions = {"db.query"};
    grant.scope = request.scope;
    grant.not_before = kStartSeconds - 60;
    grant.expires_at = i < run_out ? run_out_at : kStartSeconds + 3600;
    grant.created_at = kStartSeconds - 60;
    ASSERT_TRUE((*transaction)->PutRequest(request).ok());
    ASSERT_TRUE((*transaction)->PutGrant(grant).ok());
  }
  ASSERT_TRUE((*transaction)->Commit().ok());
}

std::unique_ptr<Store> OpenStore(const std::string& kind, const TempDir& dir) {
  if (kind == "memory") return MemoryStore::Create();
  auto store = SqliteStore::Open({.path = dir.File("drawbridge.db")});
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

class SweepTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = OpenStore(GetParam(), dir_);
    ASSERT_NE(store_, nullptr);
    counting_ = std::make_unique<CountingStore>(*store_);
  }

  void OpenService() {
    ServiceOptions options;
    options.on_group_commit = [this](const GroupCommitReport& r) {
      ++group_commits_;
      transitions_written_ += static_cast<int>(r.transitions);
    };
    auto service = JitService::Open(ExamplePolicy(), *counting_, clock_, ids_, analyzer_, options);
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    service_ = std::move(service).value();
    counting_->ResetCounts();  // loading the grant index reads every active grant, once
  }

  std::optional<Grant> StoredGrant(const std::string& id) {
    auto grant = store_->GetGrant("default", id);
    EXPECT_TRUE(grant.ok()) << grant.status().ToString();
    return grant.ok() ? *grant : std::nullopt;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<CountingStore> counting_;
  ManualClock clock_{kStartSeconds * 1000};
  workflow::SequentialIdSource ids_;
  classify::ClassifierAnalyzer analyzer_;
  std::unique_ptr<JitService> service_;
  std::atomic<int> group_commits_ = 0;
  std::atomic<int> transitions_written_ = 0;
};

// Test that a sweep over many running grants, none due, reads none of them nor their requests,
// and that when one runs out, that grant and its request are all a sweep reads.
TEST_P(SweepTest, SweepReadsOnlyTheDueGrants) {
  SeedRunningGrants(*store_, 2000, /*run_out=*/1, /*run_out_at=*/kStartSeconds + 60);
  OpenService();

  auto idle = service_->Sweep();
  ASSERT_TRUE(idle.ok()) << idle.status().ToString();
  EXPECT_EQ(idle->expired_grants, 0);
  EXPECT_EQ(idle->activated_grants, 0);
  EXPECT_EQ(counting_->grants_read(), 0);
  EXPECT_EQ(counting_->requests_read(), 0);

  clock_.AdvanceSeconds(60);
  auto one_due = service_->Sweep();
  ASSERT_TRUE(one_due.ok()) << one_due.status().ToString();
  EXPECT_EQ(one_due->expired_grants, 1);
  // The listing of due grants; the grant and its request are then read again through the
  // sweep's write transaction, which this store does not count.
  EXPECT_EQ(counting_->grants_read(), 1);
  EXPECT_EQ(counting_->requests_read(), 0);
  EXPECT_EQ(StoredGrant("g-1000000")->state, GrantState::kExpired);
  EXPECT_EQ(StoredGrant("g-1000001")->state, GrantState::kActive);
}

// Test that one sweep ends every grant that has run out, also when more are due than the sweep
// reads at once, and leaves the running ones alone.
TEST_P(SweepTest, SweepEndsEveryDueGrantAcrossPages) {
  SeedRunningGrants(*store_, 1100, /*run_out=*/1050, /*run_out_at=*/kStartSeconds);
  OpenService();

  auto sweep = service_->Sweep();
  ASSERT_TRUE(sweep.ok()) << sweep.status().ToString();
  EXPECT_EQ(sweep->expired_grants, 1050);
  // One group commit per page of due grants, not one per grant.
  EXPECT_EQ(group_commits_, 2);
  EXPECT_EQ(transitions_written_, 1050);
  auto active = store_->ListGrants({.tenant = "default", .state = GrantState::kActive});
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->size(), 50u);
  auto again = service_->Sweep();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->expired_grants, 0);
}

// Test that a scheduled grant is started by the first sweep at or after its start, once, and
// ended by the first sweep after it runs out.
TEST_P(SweepTest, ScheduledGrantStartsAtItsTimeAndEndsAtItsExpiry) {
  OpenService();
  workflow::AccessRequestInput in;
  in.requester = "user:alice";
  in.rule = "dba-elevation";
  in.scope.resource = "db/orders-prod";
  in.duration_seconds = 3600;
  in.not_before = kStartSeconds + 600;
  in.reason = "planned migration";
  in.ticket = "CHG-7";
  auto request = service_->RequestAccess(in);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  workflow::ReviewInput approve;
  approve.reviewer = "user:erin";
  approve.approve = true;
  auto approved = service_->Review(request->id, approve);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  ASSERT_EQ(approved->state, RequestState::kApproved);

  clock_.AdvanceSeconds(599);
  auto early = service_->Sweep();
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->activated_grants, 0);

  clock_.AdvanceSeconds(1);
  auto at_start = service_->Sweep();
  ASSERT_TRUE(at_start.ok());
  EXPECT_EQ(at_start->activated_grants, 1);
  EXPECT_EQ(at_start->expired_grants, 0);
  auto started = store_->GetRequest("default", request->id);
  ASSERT_TRUE(started.ok() && started->has_value());
  EXPECT_EQ((*started)->state, RequestState::kActive);
  auto after_start = service_->Sweep();
  ASSERT_TRUE(after_start.ok());
  EXPECT_EQ(after_start->activated_grants, 0);

  clock_.AdvanceSeconds(3600);
  auto at_end = service_->Sweep();
  ASSERT_TRUE(at_end.ok());
  EXPECT_EQ(at_end->expired_grants, 1);
  EXPECT_EQ(StoredGrant(approved->grant_id)->state, GrantState::kExpired);
}

INSTANTIATE_TEST_SUITE_P(Stores, SweepTest, ::testing::Values("memory", "sqlite"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace drawbridge::service
