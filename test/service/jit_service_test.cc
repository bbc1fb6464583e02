// The JIT flow end to end through the service layer: workflow + store + audit + index, on the
// in-memory store, on SQLite, and with injected store faults (fail closed).
#include "service/jit_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "audit/verify.h"
#include "classify/payload_analyzer.h"
#include "service/audit_records.h"
#include "service/service_fixtures.h"
#include "store/faulty_store.h"
#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"

namespace drawbridge::service {
namespace {

using fixtures::AliceWantsOrders;
using fixtures::Approve;
using fixtures::ExamplePolicy;
using fixtures::kStartMillis;

// Verifies the stored audit chain of the default tenant.
void ExpectChainVerifies(Store& store) {
  auto records = store.ReadAudit({.tenant = "default", .after_seq = 0, .limit = 1000000});
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  std::vector<audit::AuditEvent> events;
  for (const AuditRecord& r : *records) events.push_back(*FromRecord(r));
  audit::VerifyOptions options;
  options.tenant = "default";
  audit::VerifyResult result = audit::VerifyChain(events, options);
  EXPECT_TRUE(result.ok()) << result.Summary();
}

class JitServiceTest : public ::testing::Test {
 protected:
  void Open(Store& store) {
    auto s = JitService::Open(ExamplePolicy(), store, clock_, ids_, analyzer_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
  }

  CheckOutcome CheckSql(std::string principal, std::string resource, std::string sql) {
    principal_ = std::move(principal);
    resource_ = std::move(resource);
    sql_ = std::move(sql);
    CheckRequest r;
    r.principal = principal_;
    r.action = "db.query";
    r.resource = resource_;
    r.payload.kind = Payload::Kind::kSql;
    r.payload.text = sql_;
    return service_->Check(r);
  }

  ManualClock clock_{kStartMillis};
  workflow::SequentialIdSource ids_;
  classify::ClassifierAnalyzer analyzer_;
  std::unique_ptr<JitService> service_;
  std::string principal_, resource_, sql_;
};

// Test the whole access flow: request, approval, allowed check, expiry, audited.
TEST_F(JitServiceTest, AccessRequestApprovedThenExpires) {
  auto store = MemoryStore::Create();
  Open(*store);
  EXPECT_EQ(CheckSql("user:alice", "db/orders-prod", "SELECT 1").verdict.decision,
            Decision::kApprovalRequired);
  auto request = service_->RequestAccess(AliceWantsOrders());
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->state, RequestState::kPending);
  // The requester cannot approve their own request.
  EXPECT_FALSE(service_->Review(request->id, Approve("user:alice")).ok());
  auto approved = service_->Review(request->id, Approve("user:erin"));
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->state, RequestState::kActive);
  CheckOutcome allowed = CheckSql("user:alice", "db/orders-prod", "SELECT 1");
  EXPECT_EQ(allowed.verdict.decision, Decision::kAllow) << allowed.explanation.reason;
  EXPECT_EQ(allowed.explanation.grant, approved->grant_id);

  clock_.AdvanceSeconds(3600);
  EXPECT_NE(CheckSql("user:alice", "db/orders-prod", "SELECT 1").verdict.decision,
            Decision::kAllow);
  auto sweep = service_->Sweep();
  ASSERT_TRUE(sweep.ok());
  EXPECT_EQ(sweep->expired_grants, 1);
  auto grant = store->GetGrant("default", approved->grant_id);
  ASSERT_TRUE(grant.ok() && grant->has_value());
  EXPECT_EQ((*grant)->state, GrantState::kExpired);
  ExpectChainVerifies(*store);
}

// Test that an approved action opens exactly that statement, once.
TEST_F(JitServiceTest, ActionRequestIsSingleUse) {
  auto store = MemoryStore::Create();
  Open(*store);
  const std::string sql = "DELETE FROM events WHERE created < now() OR true";
  CheckOutcome first = CheckSql("user:alice", "db/analytics-prod", sql);
  ASSERT_EQ(first.verdict.decision, Decision::kApprovalRequired);
  ActionRequest req;
  req.check = fixtures::AliceQueriesAnalytics(sql);
  req.reason = "purge test events";
  auto request = service_->RequestAction(req);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->kind, RequestKind::kAction);
  EXPECT_FALSE(request->fingerprint.empty());
  ASSERT_TRUE(service_->Review(request->id, Approve("user:erin")).ok());
  auto done = service_->Review(request->id, Approve("user:bob"));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->state, RequestState::kActive);
  // A different statement is not opened.
  EXPECT_EQ(
      CheckSql("user:alice", "db/analytics-prod", "DELETE FROM events WHERE true").verdict.decision,
      Decision::kApprovalRequired);
  EXPECT_EQ(CheckSql("user:alice", "db/analytics-prod", sql).verdict.decision, Decision::kAllow);
  EXPECT_EQ(CheckSql("user:alice", "db/analytics-prod", sql).verdict.decision,
            Decision::kApprovalRequired);
  auto grant = store->GetGrant("default", done->grant_id);
  ASSERT_TRUE(grant.ok() && grant->has_value());
  EXPECT_EQ((*grant)->state, GrantState::kConsumed);
  ExpectChainVerifies(*store);
}

// Test that requesting approval for an action that needs none is refused with the decision.
TEST_F(JitServiceTest, ActionRequestForAnAllowedActionIsRefused) {
  auto store = MemoryStore::Create();
  Open(*store);
  ActionRequest req;
  req.check = fixtures::AliceQueriesAnalytics("SELECT 1");
  req.reason = "why not";
  auto r = service_->RequestAction(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("allow"), std::string::npos);
}

// Test that when the audit event cannot be written, the transition rolls back entirely.
TEST_F(JitServiceTest, AuditWriteFailureRollsBackTheTransition) {
  testing::FaultyStore store(MemoryStore::Create());
  Open(store);
  store.FailNthAppendAudit(1, Unavailable("disk full"));
  auto request = service_->RequestAccess(AliceWantsOrders());
  ASSERT_FALSE(request.ok());
  EXPECT_NE(request.status().message().find("disk full"), std::string::npos);
  auto all = store.ListRequests({});
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
  auto audit = store.ReadAudit({});
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->empty());
}

// Test that a check whose grant use cannot be recorded answers deny (fail closed).
TEST_F(JitServiceTest, CheckFailsClosedWhenTheAuditIsUnavailable) {
  testing::FaultyStore store(MemoryStore::Create());
  Open(store);
  auto request = service_->RequestAccess(AliceWantsOrders());
  ASSERT_TRUE(request.ok());
  ASSERT_TRUE(service_->Review(request->id, Approve("user:erin")).ok());
  ASSERT_EQ(CheckSql("user:alice", "db/orders-prod", "SELECT 1").verdict.decision,
            Decision::kAllow);
  store.FailNthCommit(1, Unavailable("database is locked"));
  CheckOutcome denied = CheckSql("user:alice", "db/orders-prod", "SELECT 1");
  EXPECT_EQ(denied.verdict.decision, Decision::kDeny);
  EXPECT_EQ(denied.explanation.reason_code, "audit_unavailable");
  ExpectChainVerifies(store);
}

// Test that a restarted service on SQLite sees the same grants and the chain verifies.
TEST_F(JitServiceTest, SqliteRestartKeepsGrants) {
  auto path = std::filesystem::temp_directory_path() /
              ("jit-service-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  std::string grant_id;
  {
    auto store = SqliteStore::Open({.path = path.string()});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Open(**store);
    auto request = service_->RequestAccess(AliceWantsOrders());
    ASSERT_TRUE(request.ok());
    auto approved = service_->Review(request->id, Approve("user:erin"));
    ASSERT_TRUE(approved.ok());
    grant_id = approved->grant_id;
    service_.reset();
  }
  auto store = SqliteStore::Open({.path = path.string()});
  ASSERT_TRUE(store.ok());
  Open(**store);
  EXPECT_EQ(service_->grants().size(), 1u);
  CheckOutcome allowed = CheckSql("user:alice", "db/orders-prod", "SELECT 1");
  EXPECT_EQ(allowed.verdict.decision, Decision::kAllow);
  EXPECT_EQ(allowed.explanation.grant, grant_id);
  ExpectChainVerifies(**store);
  service_.reset();
  std::filesystem::remove(path);
}

// Test revoke by an admin and release by the holder: both close the grant at once.
TEST_F(JitServiceTest, RevokeAndRelease) {
  auto store = MemoryStore::Create();
  Open(*store);
  auto r1 = service_->RequestAccess(AliceWantsOrders());
  ASSERT_TRUE(r1.ok());
  auto a1 = service_->Review(r1->id, Approve("user:erin"));
  ASSERT_TRUE(a1.ok());
  workflow::RevokeInput not_admin{.actor = "user:bob", .actor_is_admin = false, .reason = "x"};
  EXPECT_FALSE(service_->Revoke(a1->grant_id, not_admin).ok());
  workflow::RevokeInput admin{
      .actor = "user:grace", .actor_is_admin = true, .reason = "incident over"};
  auto revoked = service_->Revoke(a1->grant_id, admin);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->state, GrantState::kRevoked);
  EXPECT_NE(CheckSql("user:alice", "db/orders-prod", "SELECT 1").verdict.decision,
            Decision::kAllow);

  auto r2 = service_->RequestAccess(AliceWantsOrders());
  ASSERT_TRUE(r2.ok());
  auto a2 = service_->Review(r2->id, Approve("user:frank"));
  ASSERT_TRUE(a2.ok());
  EXPECT_FALSE(service_->Release(a2->grant_id, "user:bob").ok());
  auto released = service_->Release(a2->grant_id, "user:alice");
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(released->state, GrantState::kReleased);
  EXPECT_NE(CheckSql("user:alice", "db/orders-prod", "SELECT 1").verdict.decision,
            Decision::kAllow);
  ExpectChainVerifies(*store);
}

}  // namespace
}  // namespace drawbridge::service
