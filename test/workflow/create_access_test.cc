// CreateAccessRequest: eligibility, requirements, caps, auto-approval, break-glass, scheduling
// and extension.
#include <gtest/gtest.h>

#include "core/workflow/workflow.h"
#include "workflow/workflow_test_util.h"

namespace drawbridge::workflow {
namespace {

using namespace testing;

class CreateAccessTest : public ::testing::Test {
 protected:
  StatusOr<Transition> Create(const AccessRequestInput& input, int64_t now = kNow) {
    return CreateAccessRequest(TestPolicy(), input, ids_, now);
  }
  SequentialIdSource ids_;
};

// Test that an eligible DBA's request for production is pending, carries what approvers need to
// see, and expires after the rule's pending TTL.
TEST_F(CreateAccessTest, EligibleRequestIsPendingUntilReviewed) {
  auto created = Create(DbaElevation());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const Request& r = created->request;
  EXPECT_EQ(r.id, "r-1");
  EXPECT_EQ(r.state, RequestState::kPending);
  EXPECT_EQ(r.rule, "dba-elevation");
  EXPECT_EQ(r.roles, std::vector<std::string>{"db-admin"});
  EXPECT_EQ(r.actions, std::vector<std::string>{"db.*"});
  EXPECT_EQ(r.pending_expires_at, kNow + 8 * kHour);
  EXPECT_EQ(r.policy_version, TestPolicy().version);
  EXPECT_FALSE(created->grant.has_value());
  EXPECT_EQ(EventTypes(*created), std::vector<std::string>{"request.created"});
  const EventDraft& event = created->events[0];
  EXPECT_TRUE(event.notify);
  EXPECT_EQ(event.actor, "user:alice");
  EXPECT_EQ(std::get<std::string>(*event.Find("ticket")), "INC-1234");
  EXPECT_EQ(std::get<std::string>(*event.Find("source_ip")), "10.1.2.3");
  EXPECT_EQ(std::get<std::string>(*event.Find("scope")), "db/orders-prod");
}

// Test that the first rule admitting the requester with every requested role is chosen.
TEST_F(CreateAccessTest, FirstFittingRuleIsChosen) {
  AccessRequestInput input;
  input.requester = "user:carol";
  input.roles = {"k8s-admin"};
  input.scope.resource = "k8s/prod";
  input.duration_seconds = kHour;
  input.reason = "deploy";
  auto created = Create(input);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->request.rule, "k8s-two-denials");
}

// Test that a named rule without roles requests every role it offers that covers the scope.
TEST_F(CreateAccessTest, NamedRuleWithoutRolesRequestsItsRoles) {
  AccessRequestInput input = DbaElevation();
  input.roles.clear();
  input.rule = "dba-elevation";
  input.scope.resource = "db/orders-staging";
  input.duration_seconds = 2 * kHour;  // beyond the auto rule's cap: stays pending
  auto created = Create(input);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->request.roles, (std::vector<std::string>{"db-admin", "db-nonpii"}));
  EXPECT_EQ(created->request.actions, (std::vector<std::string>{"db.*", "db.query"}));
}

// Test that someone outside a rule's principals is refused, naming who the rule admits.
TEST_F(CreateAccessTest, RequesterOutsideTheRuleIsRefused) {
  AccessRequestInput input = DbaElevation("user:dave");
  input.rule = "dba-elevation";
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kPermissionDenied,
                        {"user:dave is not eligible under rule dba-elevation", "group:dba"}));
  input.rule.clear();
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kPermissionDenied,
                        {"no eligibility rule lets user:dave request db-admin"}));
  EXPECT_EQ(ids_.requests_issued(), 0);
}

// Test that group claims from the identity provider make a requester eligible.
TEST_F(CreateAccessTest, GroupClaimsCountForEligibility) {
  AccessRequestInput input = DbaElevation("user:dave");
  input.group_claims = {"dba"};
  EXPECT_TRUE(Create(input).ok());
}

// Test that unknown roles and rules, and roles a rule does not offer, are refused by name.
TEST_F(CreateAccessTest, UnknownOrUnofferedRolesAreRefused) {
  AccessRequestInput input = DbaElevation();
  input.roles = {"db-root"};
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kNotFound, {"role 'db-root'"}));
  input.roles = {"k8s-admin"};
  input.rule = "dba-elevation";
  EXPECT_TRUE(FailsWith(
      Create(input), StatusCode::kPermissionDenied,
      {"rule dba-elevation does not offer role k8s-admin", "it offers db-admin, db-nonpii"}));
  input.rule = "no-such-rule";
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kNotFound, {"'no-such-rule'"}));
}

// Test that a missing reason or a ticket not matching the rule's pattern is refused.
TEST_F(CreateAccessTest, ReasonAndTicketAreRequired) {
  AccessRequestInput input = DbaElevation();
  input.reason = "  ";
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kInvalidArgument,
                        {"rule dba-elevation requires a reason"}));
  input = DbaElevation();
  input.ticket = "abc";
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kInvalidArgument,
                        {"ticket 'abc' does not match ^(INC|CHG)-[0-9]+$"}));
  input.ticket = "INC-12x";  // a full match, not a prefix
  EXPECT_FALSE(Create(input).ok());
  input.ticket = "";
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kInvalidArgument,
                        {"requires a ticket matching ^(INC|CHG)-[0-9]+$"}));
  EXPECT_EQ(ids_.requests_issued(), 0);
}

// Test that a duration above the rule's max_duration is refused, never cut.
TEST_F(CreateAccessTest, DurationAboveTheCapIsRefused) {
  AccessRequestInput input = DbaElevation();
  input.duration_seconds = 3 * kHour;
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kInvalidArgument,
                        {"requested duration 3h exceeds the rule's max_duration 2h"}));
  input.duration_seconds = 2 * kHour;
  EXPECT_TRUE(Create(input).ok());
  input.duration_seconds = 0;
  EXPECT_TRUE(
      FailsWith(Create(input), StatusCode::kInvalidArgument, {"duration must be positive"}));
}

// Test that malformed requesters and scopes are refused.
TEST_F(CreateAccessTest, MalformedInputIsRefused) {
  AccessRequestInput input = DbaElevation("alice");
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kInvalidArgument, {"'alice'"}));
  input = DbaElevation();
  input.scope = {};
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kInvalidArgument, {"a scope is required"}));
  input.scope.resource = "db/orders-prod";
  input.scope.selector = {{"env", "prod"}};
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kInvalidArgument, {"not both"}));
}

// Test that roles which grant nothing on the scope are refused rather than granting nothing.
TEST_F(CreateAccessTest, RolesThatCoverNothingAreRefused) {
  AccessRequestInput input = DbaElevation();
  input.scope.resource = "k8s/prod";
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kPermissionDenied,
                        {"roles db-admin grant nothing on k8s/prod"}));
}

// Test that every role asked for must grant something on the scope, even when another role of
// the request does: approvers would otherwise see more power named than the grant carries.
TEST_F(CreateAccessTest, EachRoleMustCoverTheScope) {
  AccessRequestInput input = DbaElevation();
  input.roles.push_back("db-nonpii");  // eligible, but orders-prod holds PII
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kPermissionDenied,
                        {"role db-nonpii grants nothing on db/orders-prod", "leave it out"}));
}

// Test that on a label selector a permission counts only when it holds for every resource the
// selector covers: a labels_not condition needs the label pinned by the selector.
TEST_F(CreateAccessTest, SelectorScopeKeepsOnlyPermissionsItImplies) {
  AccessRequestInput input = DbaElevation();
  input.roles = {"db-nonpii"};
  input.scope = {"", {{"env", "prod"}}};
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kPermissionDenied, {"grant nothing"}));
  input.scope = {"", {{"env", "prod"}, {"data", "aggregated"}}};
  auto created = Create(input);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->request.actions, std::vector<std::string>{"db.query"});
  input.roles = {"db-admin"};
  input.scope = {"", {{"kind", "postgres"}, {"env", "prod"}}};
  EXPECT_TRUE(Create(input).ok());
}

// Test that a staging request within the auto rule's cap is approved by system:auto at once,
// while the same request on production waits for a lead.
TEST_F(CreateAccessTest, AutoApprovesStagingButNotProduction) {
  AccessRequestInput input = DbaElevation();
  input.scope.resource = "db/orders-staging";
  auto staging = Create(input);
  ASSERT_TRUE(staging.ok()) << staging.status().ToString();
  EXPECT_EQ(staging->request.state, RequestState::kActive);
  ASSERT_EQ(staging->request.reviews.size(), 1u);
  const Review& review = staging->request.reviews[0];
  EXPECT_EQ(review.reviewer, "system:auto");
  EXPECT_TRUE(review.approve);
  EXPECT_EQ(review.auto_rule, "dba-elevation/auto_approve[0]");
  ASSERT_TRUE(staging->grant.has_value());
  EXPECT_EQ(staging->grant->not_before, kNow);
  EXPECT_EQ(staging->grant->expires_at, kNow + kHour);
  EXPECT_EQ(staging->grant->uses_left, -1);
  EXPECT_EQ(staging->request.grant_id, staging->grant->id);
  EXPECT_EQ(EventTypes(*staging),
            (std::vector<std::string>{"request.created", "review.recorded", "request.approved",
                                      "grant.activated"}));
  EXPECT_EQ(FindEvent(*staging, "review.recorded")->actor, "system:auto");

  auto prod = Create(DbaElevation());
  ASSERT_TRUE(prod.ok());
  EXPECT_EQ(prod->request.state, RequestState::kPending);
  EXPECT_TRUE(prod->request.reviews.empty());
}

// Test that the auto rule's own max_duration limits it: longer staging requests need a lead.
TEST_F(CreateAccessTest, AutoApprovalRespectsItsOwnCap) {
  AccessRequestInput input = DbaElevation();
  input.scope.resource = "db/orders-staging";
  input.duration_seconds = 90 * kMinute;
  auto created = Create(input);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->request.state, RequestState::kPending);
}

// Test that an auto rule's time window is evaluated at `now`.
TEST_F(CreateAccessTest, AutoApprovalTimeWindowUsesTheInjectedClock) {
  auto policy = CompileYaml(R"(
version: 1
groups: {dev: [user:ann], leads: [user:lee]}
resources: [{id: db/s, kind: postgres, labels: {env: staging}}]
roles: {rw: {permissions: [{actions: ["db.*"], resources: {kind: postgres}}]}}
eligibility:
  - name: office-hours
    principals: [group:dev]
    roles: [rw]
    max_duration: 1h
    require: {reason: false}
    approval: {approvers: [group:leads], min_approvals: 1}
    auto_approve:
      - when: {time: [{days: mon-fri, hours: "09:00-17:00", tz: UTC}]}
)");
  ASSERT_NE(policy, nullptr);
  AccessRequestInput input;
  input.requester = "user:ann";
  input.roles = {"rw"};
  input.scope.resource = "db/s";
  input.duration_seconds = kHour;
  // 2026-01-01 is a Thursday: 10:00 UTC is inside, 20:00 outside.
  auto inside = CreateAccessRequest(*policy, input, ids_, kNow);
  auto outside = CreateAccessRequest(*policy, input, ids_, kNow + 10 * kHour);
  ASSERT_TRUE(inside.ok() && outside.ok());
  EXPECT_EQ(inside->request.state, RequestState::kActive);
  EXPECT_EQ(outside->request.state, RequestState::kPending);
}

// Test that a scheduled start keeps an auto-approved request approved with a scheduled grant.
TEST_F(CreateAccessTest, ScheduledStartIssuesAScheduledGrant) {
  AccessRequestInput input = DbaElevation();
  input.scope.resource = "db/orders-staging";
  input.not_before = kNow + 3 * kHour;
  auto created = Create(input);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->request.state, RequestState::kApproved);
  ASSERT_TRUE(created->grant.has_value());
  EXPECT_EQ(created->grant->not_before, kNow + 3 * kHour);
  EXPECT_EQ(created->grant->expires_at, kNow + 4 * kHour);
  EXPECT_NE(FindEvent(*created, "grant.scheduled"), nullptr);
  EXPECT_EQ(FindEvent(*created, "grant.activated"), nullptr);
}

// Test that break-glass activates at once, is flagged on request and grant, notifies, and
// leaves a post-hoc review open.
TEST_F(CreateAccessTest, BreakGlassActivatesAtOnceAndIsFlagged) {
  AccessRequestInput input;
  input.requester = "user:olga";
  input.roles = {"prod-admin"};
  input.scope.resource = "k8s/prod";
  input.duration_seconds = 20 * kMinute;
  input.reason = "payments down";
  input.break_glass = true;
  auto created = Create(input);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->request.state, RequestState::kActive);
  EXPECT_TRUE(created->request.break_glass);
  EXPECT_TRUE(created->request.post_review_open);
  EXPECT_TRUE(created->request.reviews.empty());
  ASSERT_TRUE(created->grant.has_value());
  EXPECT_TRUE(created->grant->break_glass);
  EXPECT_EQ(created->grant->expires_at, kNow + 20 * kMinute);
  const EventDraft* used = FindEvent(*created, "breakglass.used");
  ASSERT_NE(used, nullptr);
  EXPECT_TRUE(used->notify);
  EXPECT_EQ(std::get<std::vector<std::string>>(*used->Find("notify")),
            std::vector<std::string>{"group:security"});
  EXPECT_NE(FindEvent(*created, "grant.activated"), nullptr);
}

// Test the break-glass refusals: over its cap, without a reason, or under a rule without it.
TEST_F(CreateAccessTest, BreakGlassRefusals) {
  AccessRequestInput input;
  input.requester = "user:olga";
  input.roles = {"prod-admin"};
  input.scope.resource = "k8s/prod";
  input.duration_seconds = 45 * kMinute;
  input.reason = "payments down";
  input.break_glass = true;
  EXPECT_TRUE(FailsWith(
      Create(input), StatusCode::kInvalidArgument,
      {"requested duration 45m exceeds the break_glass max_duration 30m", "oncall-breakglass"}));
  input.duration_seconds = 10 * kMinute;
  input.reason = "";
  EXPECT_TRUE(
      FailsWith(Create(input), StatusCode::kInvalidArgument, {"break-glass needs a reason"}));
  input.reason = "x";
  input.not_before = kNow + kHour;
  EXPECT_TRUE(FailsWith(Create(input), StatusCode::kInvalidArgument, {"starts at once"}));
  AccessRequestInput dba = DbaElevation();
  dba.break_glass = true;
  dba.rule = "dba-elevation";
  EXPECT_TRUE(FailsWith(Create(dba), StatusCode::kPermissionDenied,
                        {"rule dba-elevation does not allow break-glass"}));
  EXPECT_EQ(ids_.requests_issued(), 0);
  EXPECT_EQ(ids_.grants_issued(), 0);
}

// Test that an extension of an active grant starts when that grant ends, so coverage has no gap.
TEST_F(CreateAccessTest, ExtensionStartsWhenTheOldGrantEnds) {
  AccessRequestInput first = DbaElevation();
  first.scope.resource = "db/orders-staging";
  auto old = Create(first);
  ASSERT_TRUE(old.ok() && old->grant.has_value());
  AccessRequestInput extension = first;
  extension.extends = *old->grant;
  auto created = Create(extension, kNow + 50 * kMinute);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_TRUE(created->grant.has_value());
  EXPECT_EQ(created->grant->not_before, old->grant->expires_at);
  EXPECT_EQ(created->grant->expires_at, old->grant->expires_at + kHour);
  EXPECT_EQ(created->request.state, RequestState::kApproved);
  EXPECT_EQ(std::get<std::string>(*created->events[0].Find("extends")), old->grant->id);
}

// Test the extension refusals: another holder, another scope, an ended grant.
TEST_F(CreateAccessTest, ExtensionRefusals) {
  AccessRequestInput first = DbaElevation();
  first.scope.resource = "db/orders-staging";
  auto old = Create(first);
  ASSERT_TRUE(old.ok() && old->grant.has_value());
  AccessRequestInput other = DbaElevation("user:bob");
  other.scope.resource = "db/orders-staging";
  other.extends = *old->grant;
  EXPECT_TRUE(FailsWith(Create(other), StatusCode::kPermissionDenied,
                        {"user:bob cannot extend grant g-1", "belongs to user:alice"}));
  AccessRequestInput moved = first;
  moved.extends = *old->grant;
  moved.scope.resource = "db/orders-prod";
  EXPECT_TRUE(FailsWith(Create(moved), StatusCode::kInvalidArgument, {"same scope"}));
  AccessRequestInput late = first;
  late.extends = *old->grant;
  EXPECT_TRUE(FailsWith(Create(late, kNow + 2 * kHour), StatusCode::kFailedPrecondition,
                        {"grant g-1 is no longer active", "expired at"}));
}

}  // namespace
}  // namespace drawbridge::workflow
