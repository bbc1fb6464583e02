#include "core/workflow/transition_parts.h"

#include <algorithm>

#include "core/workflow/policy_lookup.h"
#include "core/workflow/transitions.h"

namespace drawbridge::workflow {

Status MoveRequest(Request& request, RequestState to, int64_t now) {
  if (!IsTransitionAllowed(request.state, to)) {
    return Internal("request " + request.id + " cannot move from " +
                    std::string(RequestStateName(request.state)) + " to " +
                    std::string(RequestStateName(to)));
  }
  request.state = to;
  request.updated_at = now;
  return Status::Ok();
}

Status ApproveAndIssueGrant(const core::CompiledPolicy& policy, Transition& transition,
                            const std::string& actor, IdSource& ids, int64_t now) {
  Request& request = transition.request;
  Grant grant;
  grant.tenant = request.tenant;
  grant.request_id = request.id;
  grant.principal = request.requester;
  grant.kind = request.kind;
  grant.state = GrantState::kActive;
  grant.break_glass = request.break_glass;
  grant.created_at = now;
  if (request.kind == RequestKind::kAccess) {
    grant.actions = request.actions;
    grant.scope = request.scope;
    grant.not_before = std::max(now, request.not_before);
    grant.expires_at = grant.not_before + request.duration_seconds;
    grant.uses_left = -1;
  } else {
    const core::GuardrailC* rail = FindGuardrail(policy, request.rule);
    if (rail == nullptr) {
      return FailedPrecondition("guardrail " + request.rule + " of request " + request.id +
                                " is no longer in the policy");
    }
    grant.fingerprint = request.fingerprint;
    grant.not_before = now;
    grant.expires_at = now + rail->ttl.count();
    grant.uses_left = std::max(1, request.uses);
  }
  const bool started = grant.not_before <= now;
  DB_RETURN_IF_ERROR(
      MoveRequest(request, started ? RequestState::kActive : RequestState::kApproved, now));
  grant.id = ids.NewGrantId();
  request.grant_id = grant.id;

  EventDraft approved = MakeEvent(event_type::kRequestApproved, actor, request.id);
  std::vector<std::string> approvers;
  for (const Review& review : request.reviews) {
    if (review.approve) approvers.push_back(review.reviewer);
  }
  approved.Add("requester", request.requester)
      .Add("rule", request.rule)
      .Add("approvers", approvers)
      .Add("grant", grant.id)
      .Add("break_glass", request.break_glass);
  transition.events.push_back(std::move(approved));
  transition.events.push_back(GrantEvent(
      started ? event_type::kGrantActivated : event_type::kGrantScheduled, actor, grant));
  transition.grant = std::move(grant);
  return Status::Ok();
}

EventDraft RequestCreatedEvent(const Request& request) {
  EventDraft event = MakeEvent(event_type::kRequestCreated, request.requester, request.id);
  event.Add("kind", std::string(RequestKindName(request.kind)))
      .Add("requester", request.requester)
      .Add("rule", request.rule)
      .Add("reason", request.reason)
      .Add("ticket", request.ticket)
      .Add("source_ip", request.source_ip)
      .Add("pending_expires_at", request.pending_expires_at)
      .Add("policy_version", request.policy_version);
  if (request.kind == RequestKind::kAccess) {
    event.Add("roles", request.roles)
        .Add("actions", request.actions)
        .Add("scope", DescribeScope(request.scope))
        .Add("duration_seconds", request.duration_seconds)
        .Add("not_before", request.not_before)
        .Add("break_glass", request.break_glass);
  } else {
    event.Add("action", request.action)
        .Add("resource", request.resource)
        .Add("payload_kind", request.payload_kind)
        .Add("payload", request.payload)
        .Add("facts", request.facts)
        .Add("fingerprint", request.fingerprint)
        .Add("uses", int64_t{request.uses});
  }
  return event;
}

EventDraft ReviewRecordedEvent(const Request& request, const Review& review) {
  EventDraft event = MakeEvent(event_type::kReviewRecorded, review.reviewer, request.id);
  event.Add("decision", review.approve ? "approve" : "deny")
      .Add("comment", review.comment)
      .Add("requester", request.requester)
      .Add("rule", request.rule)
      .Add("self_review", review.self_review);
  if (!review.auto_rule.empty()) event.Add("auto_rule", review.auto_rule);
  if (!review.group_claims.empty()) event.Add("group_claims", review.group_claims);
  return event;
}

EventDraft GrantEvent(std::string_view type, const std::string& actor, const Grant& grant) {
  EventDraft event = MakeEvent(type, actor, grant.id);
  event.Add("request", grant.request_id)
      .Add("principal", grant.principal)
      .Add("kind", std::string(RequestKindName(grant.kind)))
      .Add("not_before", grant.not_before)
      .Add("expires_at", grant.expires_at)
      .Add("uses_left", int64_t{grant.uses_left})
      .Add("break_glass", grant.break_glass);
  if (grant.kind == RequestKind::kAccess) {
    event.Add("actions", grant.actions).Add("scope", DescribeScope(grant.scope));
  } else {
    event.Add("fingerprint", grant.fingerprint);
  }
  return event;
}

Status CheckGrantBelongs(const Request& request, const Grant& grant) {
  if (grant.request_id != request.id || request.grant_id != grant.id) {
    return InvalidArgument("grant " + grant.id + " does not belong to request " + request.id +
                           " (it was issued for request " + grant.request_id + ")");
  }
  return Status::Ok();
}

}  // namespace drawbridge::workflow
