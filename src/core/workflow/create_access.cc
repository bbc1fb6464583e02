// CreateAccessRequest: eligibility, requirements, duration caps, auto-approval and break-glass.
#include <re2/re2.h>

#include <algorithm>

#include "core/workflow/policy_lookup.h"
#include "core/workflow/transition_parts.h"
#include "core/workflow/workflow.h"

namespace drawbridge::workflow {
namespace {

bool Blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

bool SameScope(const Scope& a, const Scope& b) {
  if (a.resource != b.resource) return false;
  auto left = a.selector, right = b.selector;
  std::sort(left.begin(), left.end());
  std::sort(right.begin(), right.end());
  return left == right;
}

bool OffersAllRoles(const core::EligibilityC& rule, const std::vector<core::Id>& roles) {
  return std::all_of(roles.begin(), roles.end(), [&](core::Id role) {
    return std::find(rule.roles.begin(), rule.roles.end(), role) != rule.roles.end();
  });
}

std::vector<std::string> RoleNames(const core::CompiledPolicy& policy,
                                   const std::vector<core::Id>& roles) {
  std::vector<std::string> names;
  for (core::Id role : roles) names.push_back(policy.roles[role].name);
  return names;
}

// The rule the request is made under: the named one, or the first that admits the requester,
// offers every requested role, and (for break-glass) allows break-glass.
StatusOr<const core::EligibilityC*> ChooseRule(const core::CompiledPolicy& policy,
                                               const AccessRequestInput& input,
                                               const core::IdSet& groups,
                                               std::vector<core::Id>& roles) {
  if (!input.rule.empty()) {
    const core::EligibilityC* rule = FindEligibility(policy, input.rule);
    if (rule == nullptr) {
      return NotFound("eligibility rule '" + input.rule + "' is not in the policy");
    }
    if (!MatchesPrincipal(policy, rule->principals, input.requester, groups)) {
      return PermissionDenied(input.requester + " is not eligible under rule " + rule->name +
                              " (it admits " + DescribePrincipals(policy, rule->principals) + ")");
    }
    if (roles.empty()) roles = rule->roles;
    for (core::Id role : roles) {
      if (std::find(rule->roles.begin(), rule->roles.end(), role) == rule->roles.end()) {
        return PermissionDenied("rule " + rule->name + " does not offer role " +
                                policy.roles[role].name + " (it offers " +
                                JoinNames(RoleNames(policy, rule->roles)) + ")");
      }
    }
    if (input.break_glass && !rule->break_glass) {
      return PermissionDenied("rule " + rule->name +
                              " does not allow break-glass; request normal approval instead");
    }
    return rule;
  }
  if (roles.empty()) {
    return InvalidArgument("name the roles to request (e.g. db-admin) or an eligibility rule");
  }
  for (const core::EligibilityC& rule : policy.eligibility) {
    if (!MatchesPrincipal(policy, rule.principals, input.requester, groups)) continue;
    if (!OffersAllRoles(rule, roles)) continue;
    if (input.break_glass && !rule.break_glass) continue;
    return &rule;
  }
  return PermissionDenied("no eligibility rule lets " + input.requester + " request " +
                          JoinNames(RoleNames(policy, roles)) +
                          (input.break_glass ? " with break-glass" : ""));
}

Status CheckRequirements(const core::EligibilityC& rule, const AccessRequestInput& input) {
  if ((rule.require_reason || input.break_glass) && Blank(input.reason)) {
    return InvalidArgument(input.break_glass
                               ? "break-glass needs a reason: say what is broken and why"
                               : "rule " + rule.name + " requires a reason");
  }
  // Break-glass does not wait for a ticket, but a ticket it names must still be well-formed.
  if (rule.ticket_pattern.empty() || (input.break_glass && input.ticket.empty())) {
    return Status::Ok();
  }
  RE2 pattern(rule.ticket_pattern, RE2::Quiet);
  if (!pattern.ok()) {
    return FailedPrecondition("rule " + rule.name +
                              " has a ticket pattern that does not compile (" + pattern.error() +
                              "); fix the policy");
  }
  if (input.ticket.empty()) {
    return InvalidArgument("rule " + rule.name + " requires a ticket matching " +
                           rule.ticket_pattern);
  }
  if (!RE2::FullMatch(input.ticket, pattern)) {
    return InvalidArgument("ticket '" + input.ticket + "' does not match " + rule.ticket_pattern +
                           " (required by rule " + rule.name + ")");
  }
  return Status::Ok();
}

Status CheckDuration(const core::EligibilityC& rule, const AccessRequestInput& input) {
  if (input.duration_seconds <= 0) {
    return InvalidArgument("requested duration must be positive (e.g. 1h), got " +
                           FormatDuration(input.duration_seconds));
  }
  if (input.break_glass) {
    const int64_t cap = rule.break_glass->max_duration.count();
    if (input.duration_seconds > cap) {
      return InvalidArgument("requested duration " + FormatDuration(input.duration_seconds) +
                             " exceeds the break_glass max_duration " + FormatDuration(cap) +
                             " of rule " + rule.name + "; ask for " + FormatDuration(cap) +
                             " or less");
    }
    return Status::Ok();
  }
  const int64_t cap = rule.max_duration.count();
  if (input.duration_seconds > cap) {
    return InvalidArgument("requested duration " + FormatDuration(input.duration_seconds) +
                           " exceeds the rule's max_duration " + FormatDuration(cap) + " (rule " +
                           rule.name + "); ask for " + FormatDuration(cap) + " or less");
  }
  return Status::Ok();
}

// When the new grant may start: now, a scheduled time, or the end of the grant it extends.
StatusOr<int64_t> StartTime(const AccessRequestInput& input, int64_t now) {
  int64_t not_before = input.not_before > now ? input.not_before : 0;
  if (input.break_glass && not_before != 0) {
    return InvalidArgument("break-glass access starts at once; drop not_before");
  }
  if (!input.extends) return not_before;
  const Grant& old = *input.extends;
  if (input.break_glass) {
    return InvalidArgument("break-glass access starts at once and cannot extend grant " + old.id);
  }
  if (old.kind != RequestKind::kAccess) {
    return InvalidArgument("grant " + old.id + " is an action grant; only access grants extend");
  }
  if (old.principal != input.requester) {
    return PermissionDenied(input.requester + " cannot extend grant " + old.id +
                            ": it belongs to " + old.principal);
  }
  if (old.state != GrantState::kActive || old.expires_at <= now) {
    return FailedPrecondition("grant " + old.id + " is no longer active (" +
                              (old.state == GrantState::kActive
                                   ? "it expired at " + FormatTime(old.expires_at)
                                   : std::string(GrantStateName(old.state))) +
                              "); request new access instead of an extension");
  }
  if (!SameScope(old.scope, input.scope)) {
    return InvalidArgument("an extension must cover the same scope as grant " + old.id + " (" +
                           DescribeScope(old.scope) + "), not " + DescribeScope(input.scope));
  }
  return std::max(not_before, old.expires_at);
}

// The first auto_approve entry that fires for this request, or -1.
int FiringAutoRule(const core::CompiledPolicy& policy, const core::EligibilityC& rule,
                   const AccessRequestInput& input, const core::IdSet& groups, int64_t now) {
  CheckContext context;
  for (const std::string& claim : input.group_claims) context.groups.push_back(claim);
  context.mfa = input.mfa;
  context.source_ip = input.source_ip;
  const TimePoint at{std::chrono::seconds(now)};
  ScopeResource resource(policy, input.scope);
  for (size_t i = 0; i < rule.auto_approve.size(); ++i) {
    const core::AutoApproveC& candidate = rule.auto_approve[i];
    // Facts describe payloads; an access request has none, so such an entry cannot hold.
    if (candidate.when.has_facts()) continue;
    if (!policy.MatchesContext(candidate.when, context, at)) continue;
    if (!resource.Implies(candidate.resources, groups)) continue;
    if (candidate.max_duration && input.duration_seconds > candidate.max_duration->count())
      continue;
    return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

StatusOr<Transition> CreateAccessRequest(const core::CompiledPolicy& policy,
                                         const AccessRequestInput& input, IdSource& ids,
                                         int64_t now) {
  if (!core::IsValidPrincipal(input.requester)) {
    return InvalidArgument("requester '" + input.requester +
                           "' is not a principal: use kind:name with kind user, service or agent");
  }
  DB_RETURN_IF_ERROR(ValidateScope(input.scope));
  std::vector<core::Id> roles;
  for (const std::string& name : input.roles) {
    const core::RoleC* role = FindRole(policy, name);
    if (role == nullptr) return NotFound("role '" + name + "' is not in the policy");
    core::Id id = static_cast<core::Id>(role - policy.roles.data());
    if (std::find(roles.begin(), roles.end(), id) == roles.end()) roles.push_back(id);
  }
  const core::IdSet groups = GroupsOf(policy, input.requester, input.group_claims);
  DB_ASSIGN_OR_RETURN(const core::EligibilityC* rule, ChooseRule(policy, input, groups, roles));
  DB_RETURN_IF_ERROR(CheckRequirements(*rule, input));
  DB_RETURN_IF_ERROR(CheckDuration(*rule, input));
  DB_ASSIGN_OR_RETURN(int64_t not_before, StartTime(input, now));
  std::vector<std::string> actions = ScopeActions(policy, roles, input.scope, groups);
  if (actions.empty()) {
    return PermissionDenied("roles " + JoinNames(RoleNames(policy, roles)) + " grant nothing on " +
                            DescribeScope(input.scope) +
                            ": none of their permissions covers all of it");
  }
  // Approvers read the roles asked for: each must add something, or the request names more
  // power than the grant would carry.
  for (core::Id role : roles) {
    if (ScopeActions(policy, {role}, input.scope, groups).empty()) {
      return PermissionDenied("role " + policy.roles[role].name + " grants nothing on " +
                              DescribeScope(input.scope) +
                              ": none of its permissions covers all of it; leave it out");
    }
  }

  Transition transition;
  Request& request = transition.request;
  request.id = ids.NewRequestId();
  request.kind = RequestKind::kAccess;
  request.state = RequestState::kPending;
  request.requester = input.requester;
  request.reason = input.reason;
  request.ticket = input.ticket;
  request.source_ip = input.source_ip;
  request.rule = rule->name;
  request.policy_version = policy.version;
  request.self_approval_allowed = rule->approval.allow_self;
  request.roles = RoleNames(policy, roles);
  request.actions = std::move(actions);
  request.scope = input.scope;
  request.duration_seconds = input.duration_seconds;
  request.not_before = not_before;
  request.created_at = now;
  request.updated_at = now;
  request.pending_expires_at = now + rule->approval.pending_ttl.count();
  request.break_glass = input.break_glass;
  request.post_review_open = input.break_glass;

  EventDraft created = RequestCreatedEvent(request);
  if (input.extends) created.Add("extends", input.extends->id);
  transition.events.push_back(std::move(created));

  if (input.break_glass) {
    EventDraft used = MakeEvent(event_type::kBreakGlassUsed, request.requester, request.id);
    used.Add("rule", rule->name)
        .Add("reason", request.reason)
        .Add("scope", DescribeScope(request.scope))
        .Add("roles", request.roles)
        .Add("duration_seconds", request.duration_seconds)
        .Add("notify", rule->break_glass->notify)
        .Add("post_review_open", true);
    transition.events.push_back(std::move(used));
    DB_RETURN_IF_ERROR(ApproveAndIssueGrant(policy, transition, request.requester, ids, now));
    return transition;
  }

  const int auto_rule = FiringAutoRule(policy, *rule, input, groups, now);
  if (auto_rule >= 0) {
    Review review;
    review.reviewer = std::string(kAutoApprover);
    review.approve = true;
    review.at = now;
    review.auto_rule = rule->name + "/auto_approve[" + std::to_string(auto_rule) + "]";
    review.comment = "approved automatically by " + review.auto_rule;
    request.reviews.push_back(review);
    transition.events.push_back(ReviewRecordedEvent(request, review));
    DB_RETURN_IF_ERROR(
        ApproveAndIssueGrant(policy, transition, std::string(kAutoApprover), ids, now));
  }
  return transition;
}

}  // namespace drawbridge::workflow
