// After creation: cancel, revoke, release, activate, expire, consume.
#include "core/workflow/policy_lookup.h"
#include "core/workflow/transition_parts.h"
#include "core/workflow/workflow.h"

namespace drawbridge::workflow {
namespace {

std::string StateText(const Request& request) {
  return std::string(RequestStateName(request.state));
}

// A grant that has left kActive, or has run out of time, can do nothing more.
Status CheckGrantOpen(const Grant& grant, int64_t now, std::string_view doing) {
  if (grant.state != GrantState::kActive) {
    return FailedPrecondition("grant " + grant.id + " is already " +
                              std::string(GrantStateName(grant.state)) + "; nothing to " +
                              std::string(doing));
  }
  if (now >= grant.expires_at) {
    return FailedPrecondition("grant " + grant.id + " expired at " + FormatTime(grant.expires_at) +
                              "; nothing to " + std::string(doing));
  }
  return Status::Ok();
}

Transition Start(const Request& request, const Grant& grant) {
  Transition transition;
  transition.request = request;
  transition.grant = grant;
  return transition;
}

void EndGrant(Grant& grant, GrantState state, int64_t at, const std::string& by) {
  grant.state = state;
  grant.ended_at = at;
  grant.ended_by = by;
}

}  // namespace

StatusOr<Transition> CancelRequest(const Request& request, const std::string& actor, int64_t now) {
  if (actor != request.requester) {
    return PermissionDenied(actor + " cannot cancel request " + request.id +
                            ": only its requester " + request.requester + " can");
  }
  if (request.state != RequestState::kPending) {
    const bool has_grant =
        request.state == RequestState::kApproved || request.state == RequestState::kActive;
    return FailedPrecondition(
        "request " + request.id + " is " + StateText(request) +
        ", not pending; only a pending request can be cancelled" +
        (has_grant ? " (release its grant, or ask an admin to revoke it)" : ""));
  }
  if (now >= request.pending_expires_at) {
    return FailedPrecondition("request " + request.id + " expired at " +
                              FormatTime(request.pending_expires_at) +
                              " without a decision; there is nothing to cancel");
  }
  Transition transition;
  transition.request = request;
  DB_RETURN_IF_ERROR(MoveRequest(transition.request, RequestState::kCancelled, now));
  EventDraft event = MakeEvent(event_type::kRequestCancelled, actor, request.id);
  event.Add("requester", request.requester).Add("rule", request.rule);
  transition.events.push_back(std::move(event));
  return transition;
}

StatusOr<Transition> RevokeGrant(const Request& request, const Grant& grant,
                                 const RevokeInput& input, int64_t now) {
  DB_RETURN_IF_ERROR(CheckGrantBelongs(request, grant));
  if (!input.actor_is_admin) {
    return PermissionDenied(input.actor + " cannot revoke grant " + grant.id +
                            ": revoking needs an admin (its holder " + grant.principal +
                            " can release it)");
  }
  DB_RETURN_IF_ERROR(CheckGrantOpen(grant, now, "revoke"));
  Transition transition = Start(request, grant);
  DB_RETURN_IF_ERROR(MoveRequest(transition.request, RequestState::kRevoked, now));
  EndGrant(*transition.grant, GrantState::kRevoked, now, input.actor);
  EventDraft event = GrantEvent(event_type::kGrantRevoked, input.actor, *transition.grant);
  event.Add("reason", input.reason).Add("started", grant.not_before <= now);
  transition.events.push_back(std::move(event));
  return transition;
}

StatusOr<Transition> ReleaseGrant(const Request& request, const Grant& grant,
                                  const std::string& actor, int64_t now) {
  DB_RETURN_IF_ERROR(CheckGrantBelongs(request, grant));
  if (actor != grant.principal) {
    return PermissionDenied(actor + " cannot release grant " + grant.id + ": only its holder " +
                            grant.principal + " can (an admin can revoke it)");
  }
  DB_RETURN_IF_ERROR(CheckGrantOpen(grant, now, "release"));
  if (now < grant.not_before) {
    return FailedPrecondition("grant " + grant.id + " has not started (it starts at " +
                              FormatTime(grant.not_before) +
                              "); only a started grant can be released, an admin can revoke it");
  }
  Transition transition = Start(request, grant);
  // A scheduled grant whose start has come but was not yet recorded starts, then ends.
  if (transition.request.state == RequestState::kApproved) {
    DB_RETURN_IF_ERROR(MoveRequest(transition.request, RequestState::kActive, now));
    transition.events.push_back(
        GrantEvent(event_type::kGrantActivated, std::string(kSystemActor), grant));
  }
  DB_RETURN_IF_ERROR(MoveRequest(transition.request, RequestState::kReleased, now));
  EndGrant(*transition.grant, GrantState::kReleased, now, actor);
  EventDraft event = GrantEvent(event_type::kGrantReleased, actor, *transition.grant);
  event.Add("unused_seconds", grant.expires_at - now);
  transition.events.push_back(std::move(event));
  return transition;
}

StatusOr<Transition> ActivateGrant(const Request& request, const Grant& grant, int64_t now) {
  DB_RETURN_IF_ERROR(CheckGrantBelongs(request, grant));
  if (request.state != RequestState::kApproved) {
    return FailedPrecondition("request " + request.id + " is " + StateText(request) +
                              "; only an approved request with a scheduled grant is activated");
  }
  DB_RETURN_IF_ERROR(CheckGrantOpen(grant, now, "activate"));
  if (now < grant.not_before) {
    return FailedPrecondition("grant " + grant.id + " starts at " + FormatTime(grant.not_before) +
                              "; it cannot be activated before then");
  }
  Transition transition = Start(request, grant);
  DB_RETURN_IF_ERROR(MoveRequest(transition.request, RequestState::kActive, now));
  transition.events.push_back(
      GrantEvent(event_type::kGrantActivated, std::string(kSystemActor), grant));
  return transition;
}

StatusOr<Transition> ExpirePendingRequest(const Request& request, int64_t now) {
  if (request.state != RequestState::kPending) {
    return FailedPrecondition("request " + request.id + " is " + StateText(request) +
                              ", not pending; only an undecided request expires this way");
  }
  if (now < request.pending_expires_at) {
    return FailedPrecondition("request " + request.id + " stays pending until " +
                              FormatTime(request.pending_expires_at) + "; it has not expired");
  }
  Transition transition;
  transition.request = request;
  DB_RETURN_IF_ERROR(MoveRequest(transition.request, RequestState::kExpired, now));
  EventDraft event = MakeEvent(event_type::kRequestExpired, std::string(kSystemActor), request.id);
  event.Add("requester", request.requester)
      .Add("rule", request.rule)
      .Add("pending_expires_at", request.pending_expires_at)
      .Add("reviews", static_cast<int64_t>(request.reviews.size()));
  transition.events.push_back(std::move(event));
  return transition;
}

StatusOr<Transition> ExpireGrant(const Request& request, const Grant& grant, int64_t now) {
  DB_RETURN_IF_ERROR(CheckGrantBelongs(request, grant));
  if (grant.state != GrantState::kActive) {
    return FailedPrecondition("grant " + grant.id + " is already " +
                              std::string(GrantStateName(grant.state)) + "; nothing to expire");
  }
  if (now < grant.expires_at) {
    return FailedPrecondition("grant " + grant.id + " is valid until " +
                              FormatTime(grant.expires_at) + "; it has not expired");
  }
  Transition transition = Start(request, grant);
  DB_RETURN_IF_ERROR(MoveRequest(transition.request, RequestState::kExpired, now));
  // It ended when its time ran out, whenever the sweep noticed.
  EndGrant(*transition.grant, GrantState::kExpired, grant.expires_at, std::string(kSystemActor));
  EventDraft event =
      GrantEvent(event_type::kGrantExpired, std::string(kSystemActor), *transition.grant);
  event.Add("recorded_at", now);
  transition.events.push_back(std::move(event));
  return transition;
}

StatusOr<Transition> ConsumeGrantUse(const Request& request, const Grant& grant, int64_t now) {
  DB_RETURN_IF_ERROR(CheckGrantBelongs(request, grant));
  if (grant.kind != RequestKind::kAction) {
    return InvalidArgument("grant " + grant.id +
                           " is an access grant; only action grants are used up");
  }
  DB_RETURN_IF_ERROR(CheckGrantOpen(grant, now, "use"));
  if (now < grant.not_before) {
    return FailedPrecondition("grant " + grant.id + " starts at " + FormatTime(grant.not_before) +
                              "; it cannot be used before then");
  }
  if (grant.uses_left == 0) {
    return FailedPrecondition("grant " + grant.id + " has no use left");
  }
  Transition transition = Start(request, grant);
  Grant& updated = *transition.grant;
  if (updated.uses_left > 0) --updated.uses_left;
  const bool exhausted = updated.uses_left == 0;
  if (exhausted) {
    DB_RETURN_IF_ERROR(MoveRequest(transition.request, RequestState::kConsumed, now));
    EndGrant(updated, GrantState::kConsumed, now, grant.principal);
  } else {
    transition.request.updated_at = now;
  }
  EventDraft event = GrantEvent(event_type::kGrantConsumed, grant.principal, updated);
  event.Add("exhausted", exhausted);
  transition.events.push_back(std::move(event));
  return transition;
}

}  // namespace drawbridge::workflow
