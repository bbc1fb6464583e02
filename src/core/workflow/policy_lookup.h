// What the workflow asks of a CompiledPolicy: rules by name, who a rule names, which actions a
// set of roles grants on a scope, and whether a selector holds for every resource a scope covers.
// Pure functions over an immutable policy.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/compiled_policy.h"
#include "drawbridge/model.h"
#include "drawbridge/status.h"

namespace drawbridge::workflow {

const core::EligibilityC* FindEligibility(const core::CompiledPolicy& policy,
                                          std::string_view name);
const core::GuardrailC* FindGuardrail(const core::CompiledPolicy& policy, std::string_view name);
const core::RoleC* FindRole(const core::CompiledPolicy& policy, std::string_view name);

// The approval spec that governs `request` under the policy in force now: its eligibility rule
// (access) or guardrail (action). An error when that rule is gone or no longer needs approval.
StatusOr<const core::ApprovalSpec*> GoverningApproval(const core::CompiledPolicy& policy,
                                                      const Request& request);

// The principal's groups by the policy, plus identity-provider claims.
core::IdSet GroupsOf(const core::CompiledPolicy& policy, std::string_view principal,
                     const std::vector<std::string>& group_claims);

bool MatchesPrincipal(const core::CompiledPolicy& policy, const core::PrincipalMatcher& matcher,
                      std::string_view principal, const core::IdSet& groups);

// "group:dba, user:carol" or "everyone": for messages.
std::string DescribePrincipals(const core::CompiledPolicy& policy,
                               const core::PrincipalMatcher& matcher);

// A scope as a resource the policy's selectors can be matched against. For one resource id the
// catalog entry (or, outside the catalog, a resource without labels); for a label selector a
// resource carrying exactly the selector's labels ("kind" is the kind). Owns what the view borrows.
class ScopeResource {
 public:
  ScopeResource(const core::CompiledPolicy& policy, const Scope& scope);
  ScopeResource(const ScopeResource&) = delete;
  ScopeResource& operator=(const ScopeResource&) = delete;

  // Whether `selector` holds for every resource the scope covers. For a selector scope a label
  // the selector excludes (labels_not) must be pinned by the scope to another value; a resource
  // the scope does not pin could carry it.
  bool Implies(const core::ResourceSelectorC& selector, const core::IdSet& groups) const;

 private:
  const core::CompiledPolicy& policy_;
  const Scope& scope_;
  std::vector<core::Label> labels_;
  core::ResourceView view_;
};

// Checks the shape of a scope: exactly one of a resource id or a non-empty label selector.
Status ValidateScope(const Scope& scope);

// "db/orders-prod" or "{env=staging, kind=postgres}".
std::string DescribeScope(const Scope& scope);

// The action patterns `roles` grant on `scope`: the actions of every permission whose resources
// hold for all of the scope. In role order, unique.
std::vector<std::string> ScopeActions(const core::CompiledPolicy& policy,
                                      const std::vector<core::Id>& roles, const Scope& scope,
                                      const core::IdSet& groups);

// "2h", "1h30m", "45s": durations in the policy's notation.
std::string FormatDuration(int64_t seconds);
// "2026-01-05T10:00:00Z"
std::string FormatTime(int64_t unix_seconds);
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace drawbridge::workflow
