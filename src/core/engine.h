// The decision engine: check(principal, action, resource, payload, context, now).
//
// Pure and allocation-light: reads a CompiledPolicy and a GrantIndex, classifies the payload only
// when a guardrail needs its facts, and returns a small Verdict. Explanations with names and a
// ready-to-run request line are rendered from the Verdict on demand (core/explain.h).
//
// Rules (SPEC §3), in order:
//   1. Bad input (principal, action or resource syntax) is deny; default is deny.
//   2. Guardrails that match add requirements: `deny` wins over everything; a guardrail that needs
//      facts classifies the payload, and a missing or unparseable payload is deny.
//   3. Permission comes from standing assignments or an active access grant. Without one, an
//      eligibility rule that would cover it makes the answer approval_required (access).
//   4. `require_grant` is met only by an active access grant; `require_approval` only by an
//      active action grant with this action's fingerprint, of which one use is consumed atomically.
//   5. Time is checked here: an expired grant never allows.
//
// Thread-safety: Check may be called from any number of threads concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/compiled_policy.h"
#include "core/grant_index.h"
#include "drawbridge/decision.h"
#include "drawbridge/payload_analyzer.h"

namespace drawbridge::core {

enum class Reason : uint8_t {
  kStandingPermission,     // allow: a standing assignment covers it
  kAccessGrant,            // allow: an active access grant covers it
  kActionGrant,            // allow: an approved action grant with this fingerprint
  kDeniedByGuardrail,      // deny: a `deny` guardrail matched
  kNoPermission,           // deny: nothing covers it and nothing could
  kRequestAccess,          // approval_required: an eligibility rule could grant it
  kRequireGrant,           // approval_required: standing access is not enough here
  kRequireGrantNoRule,     // deny: needs a JIT grant but no eligibility rule offers one
  kRequestActionApproval,  // approval_required: a `require_approval` guardrail matched
  kInvalidPrincipal,       // deny
  kInvalidAction,          // deny
  kInvalidResource,        // deny
  kPayloadRequired,        // deny: a guardrail needs facts and no (suitable) payload came
  kPayloadUnparseable,     // deny: a guardrail needs facts and the payload does not parse
};

std::string_view ReasonCode(Reason reason);  // "standing_permission", ...

struct Verdict {
  Decision decision = Decision::kDeny;
  Reason reason = Reason::kNoPermission;
  Id permission = kNoId;   // the standing permission that allowed
  Id assignment = kNoId;   // ... and through which assignment
  Id eligibility = kNoId;  // the rule to request access under
  Id guardrail = kNoId;    // the guardrail that decided (deny / require_*)
  GrantHit access_grant;   // the access grant used
  GrantHit action_grant;   // the action grant used (and consumed)
  FactSet facts;           // payload facts, when classified
  bool classified = false;
  bool has_fingerprint = false;
  Digest fingerprint{};
  uint8_t applied_count = 0;  // guardrails that matched, in policy order
  std::array<Id, 8> applied{};
};

struct CheckOptions {
  // Consume one use of the action grant that allows. Off for dry runs (`policy test`, explain).
  bool consume = true;
};

class Engine {
 public:
  Engine(const CompiledPolicy& policy, GrantIndex& grants, const PayloadAnalyzer& analyzer)
      : policy_(policy), grants_(grants), analyzer_(analyzer) {}

  Verdict Check(const CheckRequest& request, TimePoint now, CheckOptions options = {}) const;

  const CompiledPolicy& policy() const { return policy_; }
  GrantIndex& grants() const { return grants_; }
  const PayloadAnalyzer& analyzer() const { return analyzer_; }

 private:
  bool HasStanding(Id principal, const IdSet& groups, Id action, const CheckRequest& request,
                   const ResourceView& resource, TimePoint now, Verdict& verdict) const;
  Id FindEligibility(Id principal, const IdSet& groups, Id action_id, std::string_view action,
                     const ResourceView& resource) const;

  const CompiledPolicy& policy_;
  GrantIndex& grants_;
  const PayloadAnalyzer& analyzer_;
};

}  // namespace drawbridge::core
