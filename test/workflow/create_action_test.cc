// CreateActionRequest: one exact action under a require_approval guardrail.
#include <gtest/gtest.h>

#include "core/workflow/workflow.h"
#include "workflow/workflow_test_util.h"

namespace drawbridge::workflow {
namespace {

using namespace testing;

ActionRequestInput DropTable() {
  ActionRequestInput input;
  input.requester = "user:carol";
  input.action = "db.query";
  input.resource = "db/orders-prod";
  input.payload_kind = "sql";
  input.payload = "DROP TABLE old_orders";
  input.facts = {"sql.drop", "sql.ddl"};
  input.fingerprint = std::string(64, 'f');
  input.guardrail = "destructive-sql-prod";
  input.reason = "cleanup";
  input.source_ip = "10.0.0.7";
  return input;
}

// Test that an action request binds the fingerprint, takes the guardrail's uses, and shows
// approvers the statement, its classification and the ttl.
TEST(CreateActionTest, PendingRequestCarriesTheExactAction) {
  SequentialIdSource ids;
  auto created = CreateActionRequest(TestPolicy(), DropTable(), ids, kNow);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const Request& r = created->request;
  EXPECT_EQ(r.kind, RequestKind::kAction);
  EXPECT_EQ(r.state, RequestState::kPending);
  EXPECT_EQ(r.rule, "destructive-sql-prod");
  EXPECT_EQ(r.uses, 2);
  EXPECT_EQ(r.fingerprint, std::string(64, 'f'));
  EXPECT_EQ(r.pending_expires_at, kNow + 24 * kHour);
  const EventDraft& event = created->events.at(0);
  EXPECT_EQ(std::get<std::string>(*event.Find("payload")), "DROP TABLE old_orders");
  EXPECT_EQ(std::get<std::vector<std::string>>(*event.Find("facts")),
            (std::vector<std::string>{"sql.drop", "sql.ddl"}));
  EXPECT_EQ(std::get<int64_t>(*event.Find("ttl_seconds")), 15 * kMinute);
}

// Test that the action grant starts at approval and must be used within the guardrail's ttl.
TEST(CreateActionTest, GrantExpiresTtlAfterApproval) {
  SequentialIdSource ids;
  auto created = CreateActionRequest(TestPolicy(), DropTable(), ids, kNow);
  ASSERT_TRUE(created.ok());
  auto one = RecordReview(TestPolicy(), created->request, Approve("user:alice"), ids, kNow + kHour);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->request.state, RequestState::kPending);  // min_approvals 2
  auto two = RecordReview(TestPolicy(), one->request, Approve("user:erin"), ids, kNow + 2 * kHour);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  ASSERT_TRUE(two->grant.has_value());
  EXPECT_EQ(two->grant->kind, RequestKind::kAction);
  EXPECT_EQ(two->grant->not_before, kNow + 2 * kHour);
  EXPECT_EQ(two->grant->expires_at, kNow + 2 * kHour + 15 * kMinute);
  EXPECT_EQ(two->grant->uses_left, 2);
  EXPECT_EQ(two->request.state, RequestState::kActive);
}

// Test the refusals: unknown guardrail, a deny guardrail, an action it does not cover, a bad
// fingerprint.
TEST(CreateActionTest, Refusals) {
  SequentialIdSource ids;
  ActionRequestInput input = DropTable();
  input.guardrail = "nope";
  EXPECT_TRUE(FailsWith(CreateActionRequest(TestPolicy(), input, ids, kNow), StatusCode::kNotFound,
                        {"guardrail 'nope'"}));
  input.guardrail = "never-drop-database";
  EXPECT_TRUE(FailsWith(CreateActionRequest(TestPolicy(), input, ids, kNow),
                        StatusCode::kFailedPrecondition,
                        {"guardrail never-drop-database has effect deny"}));
  input = DropTable();
  input.action = "k8s.delete";
  EXPECT_TRUE(FailsWith(CreateActionRequest(TestPolicy(), input, ids, kNow),
                        StatusCode::kInvalidArgument,
                        {"does not cover action k8s.delete", "db.query"}));
  input = DropTable();
  input.fingerprint = "abc";
  EXPECT_TRUE(FailsWith(CreateActionRequest(TestPolicy(), input, ids, kNow),
                        StatusCode::kInvalidArgument, {"64 lowercase hex"}));
  EXPECT_EQ(ids.requests_issued(), 0);
}

}  // namespace
}  // namespace drawbridge::workflow
