// RecordReview and CloseBreakGlassReview: who may review, and when a request is decided.
#include <algorithm>

#include "core/workflow/approval.h"
#include "core/workflow/policy_lookup.h"
#include "core/workflow/transition_parts.h"
#include "core/workflow/workflow.h"

namespace drawbridge::workflow {
namespace {

// The review `input` records on `request` at `now`.
Review ReviewOf(const Request& request, const ReviewInput& input, int64_t now) {
  Review review;
  review.reviewer = input.reviewer;
  review.approve = input.approve;
  review.comment = input.comment;
  review.at = now;
  review.self_review = input.reviewer == request.requester;
  review.group_claims = input.group_claims;
  return review;
}

// Policy changes never open self-approval to a request made before them (SPEC §4): it needs the
// rule's consent both when the request was made and now.
bool SelfApprovalAllowed(const core::ApprovalSpec& spec, const Request& request) {
  return spec.allow_self && request.self_approval_allowed;
}

// The reviewer may review this request under `spec`: a principal, not the requester (unless the
// rule allows audited self-approval), and an approver of at least one step by the policy in
// force now.
Status CheckReviewer(const core::CompiledPolicy& policy, const core::ApprovalSpec& spec,
                     const Request& request, const ReviewInput& input) {
  if (!core::IsValidPrincipal(input.reviewer)) {
    return InvalidArgument("reviewer '" + input.reviewer +
                           "' is not a principal: use kind:name with kind user, service or agent");
  }
  if (input.reviewer == request.requester && !SelfApprovalAllowed(spec, request)) {
    return PermissionDenied(
        input.reviewer + " cannot review their own request " + request.id +
        (spec.allow_self
             ? " (rule " + request.rule + " did not allow self-approval when it was made)"
             : " (rule " + request.rule + " does not allow self-approval)"));
  }
  if (ApproverSteps(policy, spec, input.reviewer, input.group_claims).empty()) {
    return PermissionDenied(input.reviewer + " is not an approver of rule " + request.rule +
                            " (approvers: " + JoinNames(ListedApprovers(spec)) + ")");
  }
  return Status::Ok();
}

int CountDenials(const Request& request) {
  return static_cast<int>(std::count_if(request.reviews.begin(), request.reviews.end(),
                                        [](const Review& r) { return !r.approve; }));
}

// Whether the approvals on `request` meet `spec`. Each approval is re-checked against the policy
// in force now, with the group claims its reviewer presented: someone the policy has since
// taken out of the approver groups no longer counts.
bool Approved(const core::CompiledPolicy& policy, const core::ApprovalSpec& spec,
              const Request& request) {
  std::vector<std::vector<size_t>> approvers;
  for (const Review& review : request.reviews) {
    if (!review.approve || review.reviewer == kAutoApprover) continue;
    if (review.reviewer == request.requester && !SelfApprovalAllowed(spec, request)) continue;
    std::vector<size_t> steps = ApproverSteps(policy, spec, review.reviewer, review.group_claims);
    if (!steps.empty()) approvers.push_back(std::move(steps));
  }
  return ApprovalsSatisfy(spec, approvers);
}

}  // namespace

StatusOr<Transition> RecordReview(const core::CompiledPolicy& policy, const Request& request,
                                  const ReviewInput& input, IdSource& ids, int64_t now) {
  if (request.state != RequestState::kPending) {
    return FailedPrecondition("request " + request.id + " is " +
                              std::string(RequestStateName(request.state)) +
                              ", not pending; only a pending request can be reviewed");
  }
  if (now >= request.pending_expires_at) {
    return FailedPrecondition("request " + request.id + " expired at " +
                              FormatTime(request.pending_expires_at) +
                              " without a decision; the requester can ask again");
  }
  DB_ASSIGN_OR_RETURN(const core::ApprovalSpec* spec, GoverningApproval(policy, request));
  for (const Review& earlier : request.reviews) {
    if (earlier.reviewer == input.reviewer) {
      return AlreadyExists(input.reviewer + " has already reviewed request " + request.id + " (" +
                           (earlier.approve ? "approved" : "denied") +
                           "); each reviewer counts once");
    }
  }
  DB_RETURN_IF_ERROR(CheckReviewer(policy, *spec, request, input));

  Transition transition;
  transition.request = request;
  Request& updated = transition.request;
  const Review review = ReviewOf(request, input, now);
  updated.reviews.push_back(review);
  updated.updated_at = now;
  transition.events.push_back(ReviewRecordedEvent(updated, review));

  if (!input.approve) {
    const int denials = CountDenials(updated);
    const int max_denials = std::max(1, spec->max_denials);
    if (denials >= max_denials) {
      DB_RETURN_IF_ERROR(MoveRequest(updated, RequestState::kDenied, now));
      EventDraft denied = MakeEvent(event_type::kRequestDenied, input.reviewer, updated.id);
      denied.Add("requester", updated.requester)
          .Add("rule", updated.rule)
          .Add("denials", int64_t{denials})
          .Add("max_denials", int64_t{max_denials})
          .Add("comment", input.comment);
      transition.events.push_back(std::move(denied));
    }
    return transition;
  }
  if (Approved(policy, *spec, updated)) {
    DB_RETURN_IF_ERROR(ApproveAndIssueGrant(policy, transition, input.reviewer, ids, now));
  }
  return transition;
}

StatusOr<Transition> CloseBreakGlassReview(const core::CompiledPolicy& policy,
                                           const Request& request, const ReviewInput& input,
                                           int64_t now) {
  if (!request.break_glass) {
    return FailedPrecondition("request " + request.id +
                              " is not a break-glass request; it has no post-hoc review");
  }
  if (!request.post_review_open) {
    return FailedPrecondition("the post-hoc review of break-glass request " + request.id +
                              " is already closed");
  }
  DB_ASSIGN_OR_RETURN(const core::ApprovalSpec* spec, GoverningApproval(policy, request));
  // Only an approver of the rule may close it; which approval steps they fill does not matter.
  DB_RETURN_IF_ERROR(CheckReviewer(policy, *spec, request, input));

  Transition transition;
  transition.request = request;
  Request& updated = transition.request;
  const Review review = ReviewOf(request, input, now);
  updated.reviews.push_back(review);
  updated.post_review_open = false;
  updated.updated_at = now;
  EventDraft event = MakeEvent(event_type::kBreakGlassReviewed, input.reviewer, updated.id);
  event.Add("requester", updated.requester)
      .Add("rule", updated.rule)
      .Add("justified", input.approve)
      .Add("comment", input.comment)
      .Add("self_review", review.self_review);
  if (!review.group_claims.empty()) event.Add("group_claims", review.group_claims);
  transition.events.push_back(std::move(event));
  return transition;
}

}  // namespace drawbridge::workflow
