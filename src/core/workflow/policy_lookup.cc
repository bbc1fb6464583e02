#include "core/workflow/policy_lookup.h"

#include <algorithm>

#include "core/time_format.h"

namespace drawbridge::workflow {

const core::EligibilityC* FindEligibility(const core::CompiledPolicy& policy,
                                          std::string_view name) {
  for (const core::EligibilityC& rule : policy.eligibility) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

const core::GuardrailC* FindGuardrail(const core::CompiledPolicy& policy, std::string_view name) {
  for (const core::GuardrailC& rail : policy.guardrails) {
    if (rail.name == name) return &rail;
  }
  return nullptr;
}

const core::RoleC* FindRole(const core::CompiledPolicy& policy, std::string_view name) {
  for (const core::RoleC& role : policy.roles) {
    if (role.name == name) return &role;
  }
  return nullptr;
}

StatusOr<const core::ApprovalSpec*> GoverningApproval(const core::CompiledPolicy& policy,
                                                      const Request& request) {
  if (request.kind == RequestKind::kAccess) {
    const core::EligibilityC* rule = FindEligibility(policy, request.rule);
    if (rule == nullptr) {
      return FailedPrecondition("eligibility rule " + request.rule + " of request " + request.id +
                                " is no longer in the policy; nobody can review the request " +
                                "(cancel it and request again under a current rule)");
    }
    return &rule->approval;
  }
  const core::GuardrailC* rail = FindGuardrail(policy, request.rule);
  if (rail == nullptr) {
    return FailedPrecondition("guardrail " + request.rule + " of request " + request.id +
                              " is no longer in the policy; nobody can review the request " +
                              "(cancel it and check the action again)");
  }
  if (rail->effect != core::GuardrailEffect::kRequireApproval) {
    return FailedPrecondition("guardrail " + request.rule + " of request " + request.id +
                              " no longer requires approval (its effect is now " +
                              std::string(core::GuardrailEffectName(rail->effect)) +
                              "); the request cannot be reviewed");
  }
  return &rail->approval;
}

core::IdSet GroupsOf(const core::CompiledPolicy& policy, std::string_view principal,
                     const std::vector<std::string>& group_claims) {
  CheckContext context;
  for (const std::string& claim : group_claims) context.groups.push_back(claim);
  core::IdSet scratch;
  return *policy.PrincipalGroups(policy.principals.Find(principal), context, scratch);
}

bool MatchesPrincipal(const core::CompiledPolicy& policy, const core::PrincipalMatcher& matcher,
                      std::string_view principal, const core::IdSet& groups) {
  return policy.Matches(matcher, policy.principals.Find(principal), groups);
}

std::string DescribePrincipals(const core::CompiledPolicy& policy,
                               const core::PrincipalMatcher& matcher) {
  if (matcher.everyone) return "everyone";
  std::vector<std::string> names;
  matcher.groups.ForEach(
      [&](core::Id group) { names.push_back("group:" + std::string(policy.groups.Name(group))); });
  for (core::Id principal : matcher.principals) {
    if (principal != core::kNoId) names.emplace_back(policy.principals.Name(principal));
  }
  return names.empty() ? "nobody" : JoinNames(names);
}

ScopeResource::ScopeResource(const core::CompiledPolicy& policy, const Scope& scope)
    : policy_(policy), scope_(scope) {
  if (!scope.resource.empty()) {
    CheckContext no_labels;
    if (!policy.ResolveResource(scope.resource, no_labels, labels_, view_)) view_ = {};
    return;
  }
  for (const auto& [key, value] : scope.selector) {
    labels_.push_back({policy.label_keys.Find(key), policy.values.Find(value), key, value});
    if (key == "kind") {
      view_.kind_text = value;
      view_.kind = policy.values.Find(value);
    }
  }
  std::sort(labels_.begin(), labels_.end(),
            [](const core::Label& a, const core::Label& b) { return a.key_text < b.key_text; });
  view_.labels = labels_.data();
  view_.label_count = labels_.size();
}

bool ScopeResource::Implies(const core::ResourceSelectorC& selector,
                            const core::IdSet& groups) const {
  if (!policy_.Matches(selector, view_, groups)) return false;
  if (!scope_.resource.empty()) return true;
  for (const core::LabelValues& excluded : selector.labels_not) {
    if (view_.FindKey(excluded.key) == nullptr) return false;
  }
  return true;
}

Status ValidateScope(const Scope& scope) {
  if (scope.empty()) {
    return InvalidArgument(
        "a scope is required: a resource id (db/orders-prod) or a label "
        "selector (env=staging)");
  }
  if (!scope.resource.empty() && !scope.selector.empty()) {
    return InvalidArgument("a scope is either one resource or a label selector, not both (got " +
                           scope.resource + " and " + DescribeScope({{}, scope.selector}) + ")");
  }
  if (!scope.resource.empty() && !core::IsValidResourceId(scope.resource)) {
    return InvalidArgument("resource id '" + scope.resource +
                           "' is not valid: use printable characters without spaces, at most 256");
  }
  for (const auto& [key, value] : scope.selector) {
    if (key.empty() || value.empty()) {
      return InvalidArgument("label selector " + DescribeScope(scope) +
                             " has an empty label name or value");
    }
  }
  return Status::Ok();
}

std::string DescribeScope(const Scope& scope) {
  if (!scope.resource.empty()) return scope.resource;
  auto labels = scope.selector;
  std::sort(labels.begin(), labels.end());
  std::string text = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) text += ", ";
    text += labels[i].first + "=" + labels[i].second;
  }
  return text + "}";
}

std::vector<std::string> ScopeActions(const core::CompiledPolicy& policy,
                                      const std::vector<core::Id>& roles, const Scope& scope,
                                      const core::IdSet& groups) {
  ScopeResource resource(policy, scope);
  std::vector<std::string> actions;
  for (core::Id role : roles) {
    for (core::Id permission_id : policy.roles[role].permissions) {
      const core::PermissionC& permission = policy.permissions[permission_id];
      if (!resource.Implies(permission.resources, groups)) continue;
      for (const std::string& pattern : permission.actions.patterns) {
        if (std::find(actions.begin(), actions.end(), pattern) == actions.end()) {
          actions.push_back(pattern);
        }
      }
    }
  }
  return actions;
}

std::string FormatDuration(int64_t seconds) {
  if (seconds <= 0) return std::to_string(seconds) + "s";
  std::string text;
  const int64_t hours = seconds / 3600, minutes = seconds % 3600 / 60, rest = seconds % 60;
  if (hours > 0) text += std::to_string(hours) + "h";
  if (minutes > 0) text += std::to_string(minutes) + "m";
  if (rest > 0) text += std::to_string(rest) + "s";
  return text;
}

std::string FormatTime(int64_t unix_seconds) {
  return core::FormatRfc3339(unix_seconds);
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += ", ";
    text += names[i];
  }
  return text;
}

}  // namespace drawbridge::workflow
