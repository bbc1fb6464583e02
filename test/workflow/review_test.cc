// RecordReview: who may review, each reviewer once, thresholds, composed rules, denials, and
// re-checking the governing rule at review time.
#include <gtest/gtest.h>

#include "core/workflow/workflow.h"
#include "workflow/workflow_test_util.h"

namespace drawbridge::workflow {
namespace {

using namespace testing;

class ReviewTest : public ::testing::Test {
 protected:
  Request Pending(const AccessRequestInput& input) {
    auto created = CreateAccessRequest(TestPolicy(), input, ids_, kNow);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    EXPECT_EQ(created->request.state, RequestState::kPending);
    return created->request;
  }
  StatusOr<Transition> Review(const Request& request, const ReviewInput& input,
                              int64_t now = kNow + kMinute) {
    return RecordReview(TestPolicy(), request, input, ids_, now);
  }
  // Applies a review that must succeed.
  Request Reviewed(const Request& request, const ReviewInput& input) {
    auto result = Review(request, input);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? result->request : request;
  }
  static AccessRequestInput PiiRead(std::string requester = "user:carol") {
    AccessRequestInput input;
    input.requester = std::move(requester);
    input.roles = {"db-read"};
    input.scope.resource = "db/orders-prod";
    input.duration_seconds = kHour;
    return input;
  }
  static AccessRequestInput K8sAdmin(std::string requester, std::string rule = "") {
    AccessRequestInput input;
    input.requester = std::move(requester);
    input.roles = {"k8s-admin"};
    input.scope.resource = "k8s/prod";
    input.duration_seconds = kHour;
    input.reason = "rollout";
    input.rule = std::move(rule);
    return input;
  }
  // Role r on db/p for an hour: the request of the tests that bring their own small policy.
  static AccessRequestInput RoleROnDbP(std::string requester) {
    AccessRequestInput input;
    input.requester = std::move(requester);
    input.roles = {"r"};
    input.scope.resource = "db/p";
    input.duration_seconds = kHour;
    return input;
  }
  SequentialIdSource ids_;
};

// Test that one lead's approval approves a DBA elevation and issues its grant at once.
TEST_F(ReviewTest, ApproverApprovesAndTheGrantStarts) {
  Request request = Pending(DbaElevation());
  auto approved = Review(request, Approve("user:erin", "go ahead"));
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->request.state, RequestState::kActive);
  ASSERT_EQ(approved->request.reviews.size(), 1u);
  EXPECT_EQ(approved->request.reviews[0].reviewer, "user:erin");
  EXPECT_EQ(approved->request.reviews[0].comment, "go ahead");
  EXPECT_FALSE(approved->request.reviews[0].self_review);
  ASSERT_TRUE(approved->grant.has_value());
  const Grant& grant = *approved->grant;
  EXPECT_EQ(grant.principal, "user:alice");
  EXPECT_EQ(grant.request_id, request.id);
  EXPECT_EQ(grant.actions, std::vector<std::string>{"db.*"});
  EXPECT_EQ(grant.scope.resource, "db/orders-prod");
  EXPECT_EQ(grant.not_before, kNow + kMinute);
  EXPECT_EQ(grant.expires_at, kNow + kMinute + kHour);
  EXPECT_EQ(approved->request.grant_id, grant.id);
  EXPECT_EQ(EventTypes(*approved),
            (std::vector<std::string>{"review.recorded", "request.approved", "grant.activated"}));
}

// Test that a requester cannot review their own request, even as an approver of the rule.
TEST_F(ReviewTest, RequesterCannotReviewOwnRequest) {
  Request request = Pending(DbaElevation("user:zoe"));  // zoe is a DBA and a lead
  EXPECT_TRUE(FailsWith(Review(request, Approve("user:zoe")), StatusCode::kPermissionDenied,
                        {"user:zoe cannot review their own request " + request.id,
                         "rule dba-elevation does not allow self-approval"}));
  EXPECT_TRUE(FailsWith(Review(request, Deny("user:zoe")), StatusCode::kPermissionDenied,
                        {"their own request"}));
}

// Test that someone who is not an approver is refused, naming the approvers.
TEST_F(ReviewTest, NonApproverIsRefused) {
  Request request = Pending(DbaElevation());
  EXPECT_TRUE(
      FailsWith(Review(request, Approve("user:bob")), StatusCode::kPermissionDenied,
                {"user:bob is not an approver of rule dba-elevation", "approvers: group:leads"}));
}

// Test that an identity-provider group claim makes a reviewer an approver.
TEST_F(ReviewTest, GroupClaimMakesAnApprover) {
  Request request = Pending(DbaElevation());
  ReviewInput input = Approve("user:ivan");
  input.group_claims = {"leads"};
  auto approved = Review(request, input);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->request.state, RequestState::kActive);
}

// Test that an approval given through a group claim still counts when a later review completes
// the rule (two leads needed: ivan is one only by his token's claim), and that the claims are kept
// with the review and named in its event.
TEST_F(ReviewTest, GroupClaimApprovalCountsAtLaterReviews) {
  Request request = Pending(K8sAdmin("user:carol"));
  ReviewInput by_claim = Approve("user:ivan");
  by_claim.group_claims = {"leads"};
  auto first = Review(request, by_claim);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->request.state, RequestState::kPending);
  ASSERT_EQ(first->request.reviews.size(), 1u);
  EXPECT_EQ(first->request.reviews[0].group_claims, std::vector<std::string>{"leads"});
  const EventDraft* recorded = FindEvent(*first, "review.recorded");
  ASSERT_NE(recorded, nullptr);
  ASSERT_NE(recorded->Find("group_claims"), nullptr);
  EXPECT_EQ(std::get<std::vector<std::string>>(*recorded->Find("group_claims")),
            std::vector<std::string>{"leads"});

  auto second = Review(first->request, Approve("user:erin"));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->request.state, RequestState::kActive);
  EXPECT_EQ(FindEvent(*second, "review.recorded")->Find("group_claims"), nullptr);
}

// Test that a claim counts only for the approver groups it names: a DBA claim does not make a
// lead.
TEST_F(ReviewTest, GroupClaimOfAnotherGroupDoesNotCount) {
  Request request = Pending(K8sAdmin("user:carol"));
  ReviewInput by_claim = Approve("user:ivan");
  by_claim.group_claims = {"dba"};
  EXPECT_TRUE(FailsWith(Review(request, by_claim), StatusCode::kPermissionDenied,
                        {"user:ivan is not an approver of rule"}));
}

// Test that min_approvals counts distinct people and a second review by the same one is refused.
TEST_F(ReviewTest, EachReviewerCountsOnce) {
  Request request = Pending(K8sAdmin("user:carol"));
  Request once = Reviewed(request, Approve("user:erin"));
  EXPECT_EQ(once.state, RequestState::kPending);
  EXPECT_TRUE(FailsWith(
      Review(once, Approve("user:erin")), StatusCode::kAlreadyExists,
      {"user:erin has already reviewed request " + request.id, "each reviewer counts once"}));
  EXPECT_TRUE(FailsWith(Review(once, Deny("user:erin")), StatusCode::kAlreadyExists, {}));
  auto twice = Review(once, Approve("user:frank"));
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->request.state, RequestState::kActive);
}

// Test that with max_denials 2 one denial leaves the request pending and the second denies it.
TEST_F(ReviewTest, MaxDenialsTwoNeedsTwoDenials) {
  Request request = Pending(K8sAdmin("user:carol"));
  auto one = Review(request, Deny("user:erin"));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->request.state, RequestState::kPending);
  EXPECT_EQ(EventTypes(*one), std::vector<std::string>{"review.recorded"});
  auto two = Review(one->request, Deny("user:frank", "not during the freeze"));
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->request.state, RequestState::kDenied);
  EXPECT_FALSE(two->grant.has_value());
  const EventDraft* denied = FindEvent(*two, "request.denied");
  ASSERT_NE(denied, nullptr);
  EXPECT_EQ(std::get<int64_t>(*denied->Find("denials")), 2);
  EXPECT_EQ(std::get<std::string>(*denied->Find("comment")), "not during the freeze");
}

// Test that by default one denial denies, and a denied request cannot be reviewed any more.
TEST_F(ReviewTest, OneDenialDeniesByDefault) {
  Request request = Pending(DbaElevation());
  auto denied = Review(request, Deny("user:erin"));
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->request.state, RequestState::kDenied);
  EXPECT_TRUE(FailsWith(Review(denied->request, Approve("user:frank")),
                        StatusCode::kFailedPrecondition, {"is denied, not pending"}));
}

// Test that all_of [one lead, one DBA] needs both: two leads are not enough, a lead and a DBA are.
TEST_F(ReviewTest, AllOfNeedsEveryStep) {
  Request request = Pending(PiiRead());
  Request lead = Reviewed(request, Approve("user:erin"));
  Request two_leads = Reviewed(lead, Approve("user:frank"));
  EXPECT_EQ(two_leads.state, RequestState::kPending);
  auto done = Review(two_leads, Approve("user:bob"));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->request.state, RequestState::kActive);
}

// Test that with distinct_steps one person in both groups satisfies only one step.
TEST_F(ReviewTest, OnePersonInBothGroupsCannotSatisfyBothSteps) {
  Request request = Pending(PiiRead());
  Request zoe = Reviewed(request, Approve("user:zoe"));
  EXPECT_EQ(zoe.state, RequestState::kPending);
  // zoe can serve as the lead or the DBA: with alice as the DBA, zoe is the lead.
  auto done = Review(zoe, Approve("user:alice"));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->request.state, RequestState::kActive);
}

// Test that a policy change that allows self-approval does not open it to a request made before
// the change (SPEC §4), while a request made after it may be self-approved.
TEST_F(ReviewTest, SelfApprovalIsNotOpenedByALaterPolicyChange) {
  const std::string before = R"(
version: 1
groups: {leads: [user:lee, user:max]}
resources: [{id: db/p, kind: postgres}]
roles: {r: {permissions: [{actions: [db.query], resources: {kind: postgres}}]}}
eligibility:
  - name: own
    principals: [group:leads]
    roles: [r]
    require: {reason: false}
    approval: {approvers: [group:leads], min_approvals: 1}
)";
  std::string after = before;
  after.replace(after.find("min_approvals: 1}"), 17, "min_approvals: 1, allow_self: true}");
  auto old_policy = CompileYaml(before);
  auto new_policy = CompileYaml(after);
  ASSERT_NE(old_policy, nullptr);
  ASSERT_NE(new_policy, nullptr);
  AccessRequestInput input = RoleROnDbP("user:lee");
  auto made_before = CreateAccessRequest(*old_policy, input, ids_, kNow);
  ASSERT_TRUE(made_before.ok()) << made_before.status().ToString();
  EXPECT_FALSE(made_before->request.self_approval_allowed);
  EXPECT_TRUE(FailsWith(
      RecordReview(*new_policy, made_before->request, Approve("user:lee"), ids_, kNow + kMinute),
      StatusCode::kPermissionDenied, {"did not allow self-approval when it was made"}));
  // max, another lead, may still approve it.
  auto by_max =
      RecordReview(*new_policy, made_before->request, Approve("user:max"), ids_, kNow + kMinute);
  ASSERT_TRUE(by_max.ok()) << by_max.status().ToString();
  EXPECT_EQ(by_max->request.state, RequestState::kActive);

  auto made_after = CreateAccessRequest(*new_policy, input, ids_, kNow);
  ASSERT_TRUE(made_after.ok());
  EXPECT_TRUE(made_after->request.self_approval_allowed);
  auto self = RecordReview(*new_policy, made_after->request, Approve("user:lee"), ids_, kNow);
  ASSERT_TRUE(self.ok()) << self.status().ToString();
  EXPECT_EQ(self->request.state, RequestState::kActive);
  // And a change that takes self-approval away closes it for the open request too.
  EXPECT_TRUE(
      FailsWith(RecordReview(*old_policy, made_after->request, Approve("user:lee"), ids_, kNow),
                StatusCode::kPermissionDenied, {"does not allow self-approval"}));
}

// Test that without distinct_steps one person in both groups satisfies both steps.
TEST_F(ReviewTest, WithoutDistinctStepsOnePersonMaySatisfyBoth) {
  auto policy = CompileYaml(R"(
version: 1
groups: {dev: [user:ann], leads: [user:lee, user:max], dba: [user:lee, user:kim]}
resources: [{id: db/p, kind: postgres}]
roles: {r: {permissions: [{actions: [db.query], resources: {kind: postgres}}]}}
eligibility:
  - name: both
    principals: [group:dev]
    roles: [r]
    require: {reason: false}
    approval:
      distinct_steps: false
      all_of:
        - {approvers: [group:leads], min_approvals: 1}
        - {approvers: [group:dba], min_approvals: 1}
)");
  ASSERT_NE(policy, nullptr);
  AccessRequestInput input = RoleROnDbP("user:ann");
  auto created = CreateAccessRequest(*policy, input, ids_, kNow);
  ASSERT_TRUE(created.ok());
  auto approved = RecordReview(*policy, created->request, Approve("user:lee"), ids_, kNow);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->request.state, RequestState::kActive);
}

// Test that allow_self lets a requester approve their own request, flagged in record and event.
TEST_F(ReviewTest, AllowSelfIsFlagged) {
  Request request = Pending(K8sAdmin("user:erin", "self-service"));
  auto approved = Review(request, Approve("user:erin"));
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->request.state, RequestState::kActive);
  EXPECT_TRUE(approved->request.reviews[0].self_review);
  const EventDraft* recorded = FindEvent(*approved, "review.recorded");
  ASSERT_NE(recorded, nullptr);
  EXPECT_TRUE(std::get<bool>(*recorded->Find("self_review")));
  // Someone else's review under the same rule is not flagged.
  Request other = Pending(K8sAdmin("user:frank", "self-service"));
  auto by_erin = Review(other, Approve("user:erin"));
  ASSERT_TRUE(by_erin.ok());
  EXPECT_FALSE(by_erin->request.reviews[0].self_review);
}

// Test that a request past its pending TTL cannot be reviewed and the error says it expired.
TEST_F(ReviewTest, PendingTtlEndsReviewing) {
  Request request = Pending(DbaElevation());
  EXPECT_TRUE(FailsWith(Review(request, Approve("user:erin"), kNow + 8 * kHour),
                        StatusCode::kFailedPrecondition,
                        {"request " + request.id + " expired at 2026-01-01T18:00:00Z"}));
  EXPECT_TRUE(Review(request, Approve("user:erin"), kNow + 8 * kHour - 1).ok());
}

// Test that reviewer eligibility is re-checked under the current policy: a rule removed since the
// request was made refuses every review.
TEST_F(ReviewTest, RuleRemovedBeforeReviewIsRefused) {
  Request request = Pending(DbaElevation());
  std::string without(kPolicyYaml);
  const size_t start = without.find("  - name: dba-elevation");
  const size_t end = without.find("  - name: pii-read");
  without.erase(start, end - start);
  auto changed = CompileYaml(without);
  ASSERT_NE(changed, nullptr);
  EXPECT_TRUE(FailsWith(
      RecordReview(*changed, request, Approve("user:erin"), ids_, kNow),
      StatusCode::kFailedPrecondition,
      {"eligibility rule dba-elevation of request " + request.id, "no longer in the policy"}));
}

// Test that an approver removed from the group since the request was made cannot review, and an
// earlier approval by someone no longer an approver does not count.
TEST_F(ReviewTest, ApproversAreTakenFromTheCurrentPolicy) {
  Request request = Pending(K8sAdmin("user:carol"));
  Request erin = Reviewed(request, Approve("user:erin"));
  std::string yaml(kPolicyYaml);
  const std::string old_leads = "leads: [user:erin, user:frank, user:zoe]";
  yaml.replace(yaml.find(old_leads), old_leads.size(), "leads: [user:frank, user:zoe, user:yan]");
  auto changed = CompileYaml(yaml);
  ASSERT_NE(changed, nullptr);
  auto frank = RecordReview(*changed, erin, Approve("user:frank"), ids_, kNow);
  ASSERT_TRUE(frank.ok());
  EXPECT_EQ(frank->request.state, RequestState::kPending);  // erin no longer counts
  EXPECT_TRUE(FailsWith(RecordReview(*changed, request, Approve("user:erin"), ids_, kNow),
                        StatusCode::kPermissionDenied, {"user:erin is not an approver"}));
}

// Test that a refused review draws no ids and returns no records.
TEST_F(ReviewTest, RefusedReviewDrawsNoIds) {
  Request request = Pending(DbaElevation());
  const int64_t grants_before = ids_.grants_issued();
  EXPECT_FALSE(Review(request, Approve("user:alice")).ok());
  EXPECT_FALSE(Review(request, Approve("user:nobody")).ok());
  EXPECT_FALSE(Review(request, Approve("not a principal")).ok());
  EXPECT_EQ(ids_.grants_issued(), grants_before);
}

}  // namespace
}  // namespace drawbridge::workflow
