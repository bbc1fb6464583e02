// CreateActionRequest: approval of one exact action that a require_approval guardrail stopped.
#include <algorithm>

#include "core/workflow/policy_lookup.h"
#include "core/workflow/transition_parts.h"
#include "core/workflow/workflow.h"

namespace drawbridge::workflow {
namespace {

bool IsHexDigest(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

StatusOr<Transition> CreateActionRequest(const core::CompiledPolicy& policy,
                                         const ActionRequestInput& input, IdSource& ids,
                                         int64_t now) {
  if (!core::IsValidPrincipal(input.requester)) {
    return InvalidArgument("requester '" + input.requester +
                           "' is not a principal: use kind:name with kind user, service or agent");
  }
  if (!core::IsValidAction(input.action)) {
    return InvalidArgument("action '" + input.action + "' is not a dotted action name (db.query)");
  }
  if (!core::IsValidResourceId(input.resource)) {
    return InvalidArgument("resource id '" + input.resource + "' is not valid");
  }
  if (!IsHexDigest(input.fingerprint)) {
    return InvalidArgument(
        "fingerprint must be 64 lowercase hex digits (SHA-256), as the check "
        "that asked for approval returned it");
  }
  const core::GuardrailC* rail = FindGuardrail(policy, input.guardrail);
  if (rail == nullptr) {
    return NotFound("guardrail '" + input.guardrail + "' is not in the policy");
  }
  if (rail->effect != core::GuardrailEffect::kRequireApproval) {
    return FailedPrecondition("guardrail " + rail->name + " has effect " +
                              std::string(core::GuardrailEffectName(rail->effect)) +
                              "; only a require_approval guardrail can be approved");
  }
  if (!rail->actions.Matches(input.action)) {
    return InvalidArgument("guardrail " + rail->name + " does not cover action " + input.action +
                           " (it covers " + JoinNames(rail->actions.patterns) + ")");
  }

  Transition transition;
  Request& request = transition.request;
  request.id = ids.NewRequestId();
  request.kind = RequestKind::kAction;
  request.state = RequestState::kPending;
  request.requester = input.requester;
  request.reason = input.reason;
  request.ticket = input.ticket;
  request.source_ip = input.source_ip;
  request.rule = rail->name;
  request.policy_version = policy.version;
  request.self_approval_allowed = rail->approval.allow_self;
  request.action = input.action;
  request.resource = input.resource;
  request.payload_kind = input.payload_kind.empty() ? "none" : input.payload_kind;
  request.payload = input.payload;
  request.facts = input.facts;
  request.fingerprint = input.fingerprint;
  request.uses = std::max(1, rail->uses);
  request.created_at = now;
  request.updated_at = now;
  request.pending_expires_at = now + rail->approval.pending_ttl.count();
  EventDraft created = RequestCreatedEvent(request);
  // Approvers see how long the approval will stay usable.
  created.Add("ttl_seconds", static_cast<int64_t>(rail->ttl.count()));
  transition.events.push_back(std::move(created));
  return transition;
}

}  // namespace drawbridge::workflow
