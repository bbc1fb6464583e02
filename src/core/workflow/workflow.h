// The JIT workflow of SPEC §4 as pure transitions: requests are created, reviewed, cancelled and
// expire; grants start, end early (revoke, release), are used up, and expire.
//
// Every transition is a function of the policy in force, the current records, the caller's input
// and `now` (Unix seconds; the only clock). It either returns a Transition (the updated request,
// the new or updated grant, and the audit/notification events to write with them, at least one)
// or a Status whose message says what to change; a refused transition changes nothing and draws
// no ids. The service layer stores a Transition in one transaction (SPEC §4: "every transition is
// one transaction together with its audit event and its notification outbox row").
//
// Functions are pure and reentrant; IdSource is the only thing they call out to.
// docs/WORKFLOW.md describes the state machine, who may do what, and the error messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/compiled_policy.h"
#include "core/workflow/events.h"
#include "core/workflow/ids.h"
#include "drawbridge/model.h"
#include "drawbridge/status.h"

namespace drawbridge::workflow {

struct Transition {
  Request request;
  std::optional<Grant> grant;  // created or changed by this transition
  std::vector<EventDraft> events;
};

// JIT access: roles on a scope, for a duration.
struct AccessRequestInput {
  std::string requester;                  // "user:alice"
  std::vector<std::string> group_claims;  // from the identity provider: "dba"
  bool mfa = false;                       // the identity provider says MFA was used
  std::vector<std::string> roles;         // empty: every role of the named rule
  Scope scope;
  int64_t duration_seconds = 0;
  int64_t not_before = 0;  // 0: as soon as approved; else a scheduled start
  std::string reason;
  std::string ticket;
  std::string source_ip;
  std::string rule;  // eligibility rule name; empty: the first rule that fits
  bool break_glass = false;
  // Extend this active grant without a gap: the new grant starts when it ends.
  std::optional<Grant> extends;
};

// JIT action approval for one exact action that a require_approval guardrail stopped. The
// guardrail name and fingerprint come from the engine's Verdict for that action.
struct ActionRequestInput {
  std::string requester;
  std::string action;        // "db.query"
  std::string resource;      // "db/orders-prod"
  std::string payload_kind;  // "sql", "shell", "argv", "http", "none"
  std::string payload;
  std::vector<std::string> facts;  // the classification approvers see
  std::string fingerprint;         // 64 hex digits
  std::string guardrail;
  std::string reason;
  std::string ticket;
  std::string source_ip;
};

struct ReviewInput {
  std::string reviewer;
  std::vector<std::string> group_claims;
  bool approve = false;
  std::string comment;
};

struct RevokeInput {
  std::string actor;
  bool actor_is_admin = false;  // established by the caller (token scope)
  std::string reason;
};

// pending, or at once: auto-approved (a review by system:auto) or break-glass (flagged, with a
// post-hoc review left open).
StatusOr<Transition> CreateAccessRequest(const core::CompiledPolicy& policy,
                                         const AccessRequestInput& input, IdSource& ids,
                                         int64_t now);

StatusOr<Transition> CreateActionRequest(const core::CompiledPolicy& policy,
                                         const ActionRequestInput& input, IdSource& ids,
                                         int64_t now);

// Records an approve/deny on a pending request; approves (creating the grant) or denies it when
// the governing rule of the current policy says so.
StatusOr<Transition> RecordReview(const core::CompiledPolicy& policy, const Request& request,
                                  const ReviewInput& input, IdSource& ids, int64_t now);

// The requester withdraws a pending request.
StatusOr<Transition> CancelRequest(const Request& request, const std::string& actor, int64_t now);

// An admin ends an active or scheduled grant.
StatusOr<Transition> RevokeGrant(const Request& request, const Grant& grant,
                                 const RevokeInput& input, int64_t now);

// The holder gives up an active grant early.
StatusOr<Transition> ReleaseGrant(const Request& request, const Grant& grant,
                                  const std::string& actor, int64_t now);

// A scheduled grant whose not_before has come starts: the request becomes active.
StatusOr<Transition> ActivateGrant(const Request& request, const Grant& grant, int64_t now);

// A pending request nobody decided within its pending TTL expires.
StatusOr<Transition> ExpirePendingRequest(const Request& request, int64_t now);

// A grant at or after its expires_at expires, and its request with it.
StatusOr<Transition> ExpireGrant(const Request& request, const Grant& grant, int64_t now);

// One use of an action grant (the engine consumed it); at zero uses left it is consumed.
StatusOr<Transition> ConsumeGrantUse(const Request& request, const Grant& grant, int64_t now);

// The after-the-fact review of a break-glass request by an approver of its rule. `approve`
// records whether the reviewer found the use justified; either way the review is closed.
StatusOr<Transition> CloseBreakGlassReview(const core::CompiledPolicy& policy,
                                           const Request& request, const ReviewInput& input,
                                           int64_t now);

}  // namespace drawbridge::workflow
