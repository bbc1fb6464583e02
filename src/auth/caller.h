// Caller: who an authenticated API request comes from, as its token says, and what that token
// lets it do (docs/TOKENS.md). The tenant comes from the token alone; an HTTP handler reads and
// writes only that tenant's records. Plain value type and pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "drawbridge/model.h"

namespace drawbridge::auth {

struct Caller {
  std::string tenant;
  std::string principal;            // who the holder acts as
  std::vector<std::string> groups;  // group claims carried by the token
  TokenRole role = TokenRole::kUser;
  std::string token_id;  // for logs and the audit trail; never the secret
};

// Asking for a decision (POST /v1/check, /v1/authz/http, /v1/k8s/admission) about `principal`:
// a user token only about itself; checker and admin tokens about anyone in their tenant.
bool MayCheckFor(const Caller& caller, std::string_view principal);

// Acting in one's own name: making requests, cancelling them, releasing one's grants. Every role
// acts only as its own principal.
bool MayActAs(const Caller& caller, std::string_view principal);

// Approving or denying requests (and closing break-glass reviews): user and admin tokens, never
// a checker token, so that an enforcement point cannot approve what it enforces. Whether the
// principal is an approver of the rule is the workflow's decision, not this one.
bool MayReview(const Caller& caller);

// Managing the policy, tokens and other people's grants (revoke), reading the audit log.
bool MayAdminister(const Caller& caller);

}  // namespace drawbridge::auth
