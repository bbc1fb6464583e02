// After creation: cancel, revoke, release, activate, expire, consume, break-glass review.
#include <gtest/gtest.h>

#include "core/workflow/transitions.h"
#include "core/workflow/workflow.h"
#include "workflow/workflow_test_util.h"

namespace drawbridge::workflow {
namespace {

using namespace testing;

class LifecycleTest : public ::testing::Test {
 protected:
  Transition Must(StatusOr<Transition> result) {
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? std::move(result).value() : Transition{};
  }
  Transition PendingDba() {
    return Must(CreateAccessRequest(TestPolicy(), DbaElevation(), ids_, kNow));
  }
  // An access grant active from kNow for one hour.
  Transition ActiveDba() {
    Transition created = PendingDba();
    return Must(RecordReview(TestPolicy(), created.request, Approve("user:erin"), ids_, kNow));
  }
  // An action grant for two uses within 15 minutes, approved at kNow.
  Transition ActiveAction() {
    ActionRequestInput input;
    input.requester = "user:carol";
    input.action = "db.query";
    input.resource = "db/orders-prod";
    input.payload_kind = "sql";
    input.payload = "DROP TABLE old_orders";
    input.facts = {"sql.drop"};
    input.fingerprint = std::string(64, 'a');
    input.guardrail = "destructive-sql-prod";
    input.reason = "cleanup";
    Transition created = Must(CreateActionRequest(TestPolicy(), input, ids_, kNow - kMinute));
    Transition one =
        Must(RecordReview(TestPolicy(), created.request, Approve("user:erin"), ids_, kNow));
    return Must(RecordReview(TestPolicy(), one.request, Approve("user:bob"), ids_, kNow));
  }
  Transition BreakGlass() {
    AccessRequestInput input;
    input.requester = "user:olga";
    input.roles = {"prod-admin"};
    input.scope.resource = "k8s/prod";
    input.duration_seconds = 20 * kMinute;
    input.reason = "outage";
    input.break_glass = true;
    return Must(CreateAccessRequest(TestPolicy(), input, ids_, kNow));
  }
  SequentialIdSource ids_;
};

// Test that the requester cancels a pending request, and nobody else can.
TEST_F(LifecycleTest, RequesterCancelsPendingRequest) {
  Transition pending = PendingDba();
  EXPECT_TRUE(FailsWith(CancelRequest(pending.request, "user:erin", kNow),
                        StatusCode::kPermissionDenied,
                        {"user:erin cannot cancel request r-1", "only its requester user:alice"}));
  Transition cancelled = Must(CancelRequest(pending.request, "user:alice", kNow + 1));
  EXPECT_EQ(cancelled.request.state, RequestState::kCancelled);
  EXPECT_EQ(cancelled.request.updated_at, kNow + 1);
  EXPECT_EQ(EventTypes(cancelled), std::vector<std::string>{"request.cancelled"});
  EXPECT_TRUE(FailsWith(CancelRequest(cancelled.request, "user:alice", kNow),
                        StatusCode::kFailedPrecondition, {"is cancelled, not pending"}));
  EXPECT_TRUE(FailsWith(CancelRequest(pending.request, "user:alice", kNow + 8 * kHour),
                        StatusCode::kFailedPrecondition, {"expired at"}));
}

// Test that an approved request cannot be cancelled; the error points to release and revoke.
TEST_F(LifecycleTest, ActiveRequestCannotBeCancelled) {
  Transition active = ActiveDba();
  EXPECT_TRUE(FailsWith(CancelRequest(active.request, "user:alice", kNow),
                        StatusCode::kFailedPrecondition, {"is active", "release its grant"}));
}

// Test that an admin revokes an active grant, a non-admin cannot, and a revoked grant is not live.
TEST_F(LifecycleTest, AdminRevokesActiveGrant) {
  Transition active = ActiveDba();
  EXPECT_TRUE(FailsWith(RevokeGrant(active.request, *active.grant, {"user:erin", false, ""}, kNow),
                        StatusCode::kPermissionDenied,
                        {"user:erin cannot revoke grant g-1", "needs an admin"}));
  Transition revoked = Must(
      RevokeGrant(active.request, *active.grant, {"user:root", true, "incident over"}, kNow + 5));
  EXPECT_EQ(revoked.request.state, RequestState::kRevoked);
  EXPECT_EQ(revoked.grant->state, GrantState::kRevoked);
  EXPECT_EQ(revoked.grant->ended_at, kNow + 5);
  EXPECT_EQ(revoked.grant->ended_by, "user:root");
  EXPECT_FALSE(IsGrantLive(*revoked.grant, kNow + 5));
  const EventDraft* event = FindEvent(revoked, "grant.revoked");
  ASSERT_NE(event, nullptr);
  EXPECT_TRUE(event->notify);
  EXPECT_EQ(std::get<std::string>(*event->Find("reason")), "incident over");
  EXPECT_TRUE(FailsWith(RevokeGrant(revoked.request, *revoked.grant, {"user:root", true, ""}, kNow),
                        StatusCode::kFailedPrecondition, {"grant g-1 is already revoked"}));
}

// Test that a scheduled grant can be revoked before it starts: approved -> revoked.
TEST_F(LifecycleTest, ScheduledGrantCanBeRevoked) {
  AccessRequestInput input = DbaElevation();
  input.not_before = kNow + kHour;
  Transition created = Must(CreateAccessRequest(TestPolicy(), input, ids_, kNow));
  Transition approved =
      Must(RecordReview(TestPolicy(), created.request, Approve("user:erin"), ids_, kNow));
  ASSERT_EQ(approved.request.state, RequestState::kApproved);
  Transition revoked =
      Must(RevokeGrant(approved.request, *approved.grant, {"user:root", true, ""}, kNow));
  EXPECT_EQ(revoked.request.state, RequestState::kRevoked);
}

// Test that the holder releases an active grant early; others cannot.
TEST_F(LifecycleTest, HolderReleasesGrant) {
  Transition active = ActiveDba();
  EXPECT_TRUE(FailsWith(ReleaseGrant(active.request, *active.grant, "user:bob", kNow),
                        StatusCode::kPermissionDenied,
                        {"user:bob cannot release grant g-1", "only its holder user:alice"}));
  Transition released = Must(ReleaseGrant(active.request, *active.grant, "user:alice", kNow + 600));
  EXPECT_EQ(released.request.state, RequestState::kReleased);
  EXPECT_EQ(released.grant->state, GrantState::kReleased);
  EXPECT_EQ(released.grant->ended_by, "user:alice");
  EXPECT_EQ(std::get<int64_t>(*released.events[0].Find("unused_seconds")), kHour - 600);
}

// Test that a scheduled grant activates when its start comes, not before, and that releasing
// one whose start has come but was not recorded records both steps.
TEST_F(LifecycleTest, ScheduledGrantActivatesAtItsStart) {
  AccessRequestInput input = DbaElevation();
  input.not_before = kNow + kHour;
  Transition created = Must(CreateAccessRequest(TestPolicy(), input, ids_, kNow));
  Transition approved =
      Must(RecordReview(TestPolicy(), created.request, Approve("user:erin"), ids_, kNow));
  EXPECT_TRUE(FailsWith(ActivateGrant(approved.request, *approved.grant, kNow + kHour - 1),
                        StatusCode::kFailedPrecondition,
                        {"grant g-1 starts at 2026-01-01T11:00:00Z"}));
  EXPECT_TRUE(FailsWith(ReleaseGrant(approved.request, *approved.grant, "user:alice", kNow),
                        StatusCode::kFailedPrecondition, {"has not started"}));
  Transition active = Must(ActivateGrant(approved.request, *approved.grant, kNow + kHour));
  EXPECT_EQ(active.request.state, RequestState::kActive);
  EXPECT_EQ(EventTypes(active), std::vector<std::string>{"grant.activated"});
  EXPECT_TRUE(FailsWith(ActivateGrant(active.request, *active.grant, kNow + kHour),
                        StatusCode::kFailedPrecondition, {"is active"}));
  Transition released =
      Must(ReleaseGrant(approved.request, *approved.grant, "user:alice", kNow + kHour));
  EXPECT_EQ(EventTypes(released), (std::vector<std::string>{"grant.activated", "grant.released"}));
}

// Test that a pending request expires only after its TTL, as the system.
TEST_F(LifecycleTest, PendingRequestExpiresAfterTtl) {
  Transition pending = PendingDba();
  EXPECT_TRUE(FailsWith(ExpirePendingRequest(pending.request, kNow + 8 * kHour - 1),
                        StatusCode::kFailedPrecondition, {"stays pending until"}));
  Transition expired = Must(ExpirePendingRequest(pending.request, kNow + 8 * kHour));
  EXPECT_EQ(expired.request.state, RequestState::kExpired);
  ASSERT_EQ(expired.events.size(), 1u);
  EXPECT_EQ(expired.events[0].type, "request.expired");
  EXPECT_EQ(expired.events[0].actor, "system");
}

// Test that a grant expires at expires_at, recording when it really ended, and not before.
TEST_F(LifecycleTest, GrantExpiresAtItsEnd) {
  Transition active = ActiveDba();
  EXPECT_TRUE(FailsWith(ExpireGrant(active.request, *active.grant, kNow + kHour - 1),
                        StatusCode::kFailedPrecondition, {"valid until"}));
  EXPECT_FALSE(IsGrantLive(*active.grant, kNow + kHour));  // before any sweep
  Transition expired = Must(ExpireGrant(active.request, *active.grant, kNow + 2 * kHour));
  EXPECT_EQ(expired.request.state, RequestState::kExpired);
  EXPECT_EQ(expired.grant->state, GrantState::kExpired);
  EXPECT_EQ(expired.grant->ended_at, kNow + kHour);
  EXPECT_EQ(EventTypes(expired), std::vector<std::string>{"grant.expired"});
  EXPECT_TRUE(
      FailsWith(RevokeGrant(active.request, *active.grant, {"user:root", true, ""}, kNow + kHour),
                StatusCode::kFailedPrecondition, {"expired at"}));
}

// Test that an action grant is used up use by use and then refuses further use.
TEST_F(LifecycleTest, ActionGrantIsConsumed) {
  Transition active = ActiveAction();
  ASSERT_EQ(active.request.state, RequestState::kActive);
  ASSERT_TRUE(active.grant.has_value());
  EXPECT_EQ(active.grant->uses_left, 2);
  EXPECT_EQ(active.grant->expires_at, kNow + 15 * kMinute);
  EXPECT_EQ(active.grant->fingerprint, std::string(64, 'a'));
  Transition first = Must(ConsumeGrantUse(active.request, *active.grant, kNow + 1));
  EXPECT_EQ(first.grant->uses_left, 1);
  EXPECT_EQ(first.grant->state, GrantState::kActive);
  EXPECT_EQ(first.request.state, RequestState::kActive);
  Transition second = Must(ConsumeGrantUse(first.request, *first.grant, kNow + 2));
  EXPECT_EQ(second.grant->uses_left, 0);
  EXPECT_EQ(second.grant->state, GrantState::kConsumed);
  EXPECT_EQ(second.request.state, RequestState::kConsumed);
  EXPECT_FALSE(IsGrantLive(*second.grant, kNow + 2));
  EXPECT_TRUE(std::get<bool>(*second.events[0].Find("exhausted")));
  EXPECT_TRUE(FailsWith(ConsumeGrantUse(second.request, *second.grant, kNow + 3),
                        StatusCode::kFailedPrecondition, {"grant g-1 is already consumed"}));
}

// Test that an expired or revoked action grant cannot be used, nor an access grant consumed.
TEST_F(LifecycleTest, ConsumeRefusals) {
  Transition active = ActiveAction();
  EXPECT_TRUE(FailsWith(ConsumeGrantUse(active.request, *active.grant, kNow + 15 * kMinute),
                        StatusCode::kFailedPrecondition, {"expired at"}));
  Transition revoked =
      Must(RevokeGrant(active.request, *active.grant, {"user:root", true, ""}, kNow));
  EXPECT_TRUE(FailsWith(ConsumeGrantUse(revoked.request, *revoked.grant, kNow),
                        StatusCode::kFailedPrecondition, {"already revoked"}));
  Transition access = ActiveDba();
  EXPECT_TRUE(FailsWith(ConsumeGrantUse(access.request, *access.grant, kNow),
                        StatusCode::kInvalidArgument, {"is an access grant"}));
}

// Test that a grant and a request that do not belong together are refused.
TEST_F(LifecycleTest, MismatchedGrantIsRefused) {
  Transition a = ActiveDba();
  Transition b = ActiveDba();
  EXPECT_TRUE(FailsWith(RevokeGrant(a.request, *b.grant, {"user:root", true, ""}, kNow),
                        StatusCode::kInvalidArgument, {"does not belong to request"}));
}

// Test that an approver of the rule closes a break-glass post-hoc review, once; others cannot.
TEST_F(LifecycleTest, BreakGlassReviewIsClosedByAnApprover) {
  Transition glass = BreakGlass();
  EXPECT_TRUE(
      FailsWith(CloseBreakGlassReview(TestPolicy(), glass.request, Approve("user:olga"), kNow),
                StatusCode::kPermissionDenied, {"their own request"}));
  EXPECT_TRUE(FailsWith(
      CloseBreakGlassReview(TestPolicy(), glass.request, Approve("user:erin"), kNow),
      StatusCode::kPermissionDenied, {"user:erin is not an approver of rule oncall-breakglass"}));
  Transition closed = Must(CloseBreakGlassReview(
      TestPolicy(), glass.request, Approve("user:grace", "justified: outage INC-9"), kNow + kHour));
  EXPECT_FALSE(closed.request.post_review_open);
  EXPECT_EQ(closed.request.state, glass.request.state);
  ASSERT_EQ(closed.request.reviews.size(), 1u);
  EXPECT_EQ(closed.request.reviews[0].reviewer, "user:grace");
  EXPECT_EQ(EventTypes(closed), std::vector<std::string>{"breakglass.reviewed"});
  EXPECT_TRUE(std::get<bool>(*closed.events[0].Find("justified")));
  EXPECT_TRUE(
      FailsWith(CloseBreakGlassReview(TestPolicy(), closed.request, Approve("user:heidi"), kNow),
                StatusCode::kFailedPrecondition, {"already closed"}));
  Transition normal = PendingDba();
  EXPECT_TRUE(
      FailsWith(CloseBreakGlassReview(TestPolicy(), normal.request, Approve("user:erin"), kNow),
                StatusCode::kFailedPrecondition, {"not a break-glass request"}));
}

}  // namespace
}  // namespace drawbridge::workflow
