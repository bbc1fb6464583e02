#include "core/engine.h"

namespace drawbridge::core {
namespace {

Verdict Deny(Reason reason) {
  Verdict v;
  v.decision = Decision::kDeny;
  v.reason = reason;
  return v;
}

FactSet SqlFamily() {
  FactSet s;
  for (int f = static_cast<int>(Fact::kSqlDrop); f <= static_cast<int>(Fact::kSqlDdl); ++f) {
    s.Add(static_cast<Fact>(f));
  }
  return s;
}

FactSet ShellFamily() {
  FactSet s;
  for (int f = static_cast<int>(Fact::kShellRecursiveDelete);
       f <= static_cast<int>(Fact::kShellPackageRemoval); ++f) {
    s.Add(static_cast<Fact>(f));
  }
  return s;
}

// Whether the payload is of a kind that can show the facts a guardrail asks about. A guardrail
// on SQL facts cannot be side-stepped by sending a shell payload (or none).
bool PayloadCanShow(const ConditionsC& when, Payload::Kind kind) {
  static const FactSet kSql = SqlFamily();
  static const FactSet kShell = ShellFamily();
  switch (kind) {
    case Payload::Kind::kNone: return false;
    case Payload::Kind::kSql: return when.facts.Intersects(kSql);
    case Payload::Kind::kShell:
    case Payload::Kind::kArgv: return when.facts.Intersects(kShell);
    case Payload::Kind::kHttp:
      return !when.facts.Intersects(kSql) && !when.facts.Intersects(kShell);
  }
  return false;
}

bool HttpPathMatches(const ConditionsC& when, std::string_view path) {
  if (when.http_path_prefixes.empty() && when.http_paths_exact.empty()) return true;
  std::string_view bare = path.substr(0, path.find('?'));
  for (const std::string& p : when.http_paths_exact) {
    if (bare == p) return true;
  }
  for (const std::string& p : when.http_path_prefixes) {
    if (bare.starts_with(p)) return true;
  }
  return false;
}

}  // namespace

std::string_view ReasonCode(Reason reason) {
  switch (reason) {
    case Reason::kStandingPermission: return "standing_permission";
    case Reason::kAccessGrant: return "access_grant";
    case Reason::kActionGrant: return "action_grant";
    case Reason::kDeniedByGuardrail: return "denied_by_guardrail";
    case Reason::kNoPermission: return "no_permission";
    case Reason::kRequestAccess: return "request_access";
    case Reason::kRequireGrant: return "require_grant";
    case Reason::kRequireGrantNoRule: return "require_grant_no_rule";
    case Reason::kRequestActionApproval: return "request_action_approval";
    case Reason::kInvalidPrincipal: return "invalid_principal";
    case Reason::kInvalidAction: return "invalid_action";
    case Reason::kInvalidResource: return "invalid_resource";
    case Reason::kPayloadRequired: return "payload_required";
    case Reason::kPayloadUnparseable: return "payload_unparseable";
  }
  return "unknown";
}

bool Engine::HasStanding(Id principal, const IdSet& groups, Id action, const CheckRequest& request,
                         const ResourceView& resource, TimePoint now, Verdict& verdict) const {
  auto covers = [&](const std::vector<StandingRef>& refs) {
    for (const StandingRef& ref : refs) {
      const PermissionC& perm = policy_.permissions[ref.permission];
      if (!perm.actions.Matches(action, request.action)) continue;
      if (!policy_.Matches(perm.resources, resource, groups)) continue;
      const AssignmentC& a = policy_.assignments[ref.assignment];
      if (a.has_conditions && !policy_.MatchesContext(a.when, request.context, now)) continue;
      verdict.permission = ref.permission;
      verdict.assignment = ref.assignment;
      return true;
    }
    return false;
  };
  // A known principal's list already includes "*" assignments and its groups' assignments.
  if (principal != kNoId) {
    if (covers(policy_.principal_standing[principal])) return true;
  } else if (covers(policy_.everyone_standing)) {
    return true;
  }
  if (!request.context.groups.empty()) {
    bool found = false;
    groups.ForEach([&](Id g) { found = found || covers(policy_.group_standing[g]); });
    return found;
  }
  return false;
}

namespace {

// How narrowly a permission fits: an exact action beats a glob, and every selector condition
// counts. Used to suggest the least-privilege rule when several could grant the access.
int Specificity(const PermissionC& p, std::string_view action) {
  int score = 0;
  for (const std::string& e : p.actions.exact) {
    if (e == action) score = 200;
  }
  if (score == 0 && !p.actions.any) score = 100;
  const ResourceSelectorC& s = p.resources;
  score +=
      static_cast<int>(s.catalog_ids.size() + s.id_prefixes.size() + s.kinds.size() +
                       s.labels.size() + s.labels_not.size() + s.label_in_principal_groups.size());
  return score;
}

}  // namespace

Id Engine::FindEligibility(Id principal, const IdSet& groups, Id action_id, std::string_view action,
                           const ResourceView& resource) const {
  Id best = kNoId;
  int best_score = -1;
  for (Id e = 0; e < policy_.eligibility.size(); ++e) {
    const EligibilityC& rule = policy_.eligibility[e];
    if (!policy_.Matches(rule.principals, principal, groups)) continue;
    for (Id role : rule.roles) {
      for (Id perm : policy_.roles[role].permissions) {
        const PermissionC& p = policy_.permissions[perm];
        if (!p.actions.Matches(action_id, action)) continue;
        if (!policy_.Matches(p.resources, resource, groups)) continue;
        int score = Specificity(p, action);
        if (score > best_score) {
          best = e;
          best_score = score;
        }
      }
    }
  }
  return best;
}

Verdict Engine::Check(const CheckRequest& request, TimePoint now, CheckOptions options) const {
  if (!IsValidPrincipal(request.principal)) return Deny(Reason::kInvalidPrincipal);
  if (!IsValidAction(request.action)) return Deny(Reason::kInvalidAction);
  std::vector<Label> label_scratch;
  ResourceView resource;
  if (!policy_.ResolveResource(request.resource, request.context, label_scratch, resource)) {
    return Deny(Reason::kInvalidResource);
  }
  const int64_t now_s = now.time_since_epoch().count();
  Id principal = policy_.principals.Find(request.principal);
  const Id action = policy_.actions.Find(request.action);
  IdSet group_scratch;
  const IdSet& groups = *policy_.PrincipalGroups(principal, request.context, group_scratch);

  Verdict v;
  Id require_grant = kNoId;
  Id require_approval = kNoId;

  // Guardrails: they add requirements, never grant.
  for (Id g = 0; g < policy_.guardrails.size(); ++g) {
    const GuardrailC& rail = policy_.guardrails[g];
    if (!rail.actions.Matches(action, request.action)) continue;
    if (!rail.principals.empty() && !policy_.Matches(rail.principals, principal, groups)) continue;
    if (!rail.except.empty() && policy_.Matches(rail.except, principal, groups)) continue;
    if (!policy_.Matches(rail.resources, resource, groups)) continue;
    if (!policy_.MatchesContext(rail.when, request.context, now)) continue;
    if (rail.when.has_facts()) {
      if (!PayloadCanShow(rail.when, request.payload.kind)) {
        Verdict d = Deny(Reason::kPayloadRequired);
        d.guardrail = g;
        return d;
      }
      if (!v.classified) {
        v.facts = analyzer_.Analyze(request.payload).facts;
        v.classified = true;
      }
      if (v.facts.Has(Fact::kUnparseable)) {
        Verdict d = Deny(Reason::kPayloadUnparseable);
        d.guardrail = g;
        d.facts = v.facts;
        d.classified = true;
        return d;
      }
      if (!rail.when.facts.empty() && !rail.when.facts.Intersects(v.facts)) continue;
      if (!HttpPathMatches(rail.when, request.payload.http_path)) continue;
    }
    if (v.applied_count < v.applied.size()) v.applied[v.applied_count++] = g;
    switch (rail.effect) {
      case GuardrailEffect::kDeny:
        v.decision = Decision::kDeny;
        v.reason = Reason::kDeniedByGuardrail;
        v.guardrail = g;
        return v;
      case GuardrailEffect::kRequireGrant:
        if (require_grant == kNoId) require_grant = g;
        break;
      case GuardrailEffect::kRequireApproval:
        if (require_approval == kNoId) require_approval = g;
        break;
    }
  }

  // Permission: standing, or an active access grant.
  bool standing =
      require_grant == kNoId && HasStanding(principal, groups, action, request, resource, now, v);
  if (!standing) {
    v.permission = kNoId;
    v.assignment = kNoId;
    v.access_grant = grants_.FindAccess(request.principal, request.action, resource, now_s);
  }
  if (!standing && !v.access_grant.found()) {
    v.eligibility = FindEligibility(principal, groups, action, request.action, resource);
    if (require_grant != kNoId) {
      v.guardrail = require_grant;
      v.decision = v.eligibility != kNoId ? Decision::kApprovalRequired : Decision::kDeny;
      v.reason = v.eligibility != kNoId ? Reason::kRequireGrant : Reason::kRequireGrantNoRule;
      return v;
    }
    v.decision = v.eligibility != kNoId ? Decision::kApprovalRequired : Decision::kDeny;
    v.reason = v.eligibility != kNoId ? Reason::kRequestAccess : Reason::kNoPermission;
    return v;
  }

  // The one exact action, approved.
  if (require_approval != kNoId) {
    v.guardrail = require_approval;
    if (!analyzer_.Fingerprint(request, policy_.guardrails[require_approval].name, v.fingerprint)) {
      v.decision = Decision::kDeny;
      v.reason = Reason::kPayloadUnparseable;
      return v;
    }
    v.has_fingerprint = true;
    v.action_grant = grants_.FindAction(v.fingerprint, now_s);
    bool allowed = v.action_grant.found() && (!options.consume || grants_.Consume(v.action_grant));
    if (!allowed) {
      v.action_grant = {};
      v.decision = Decision::kApprovalRequired;
      v.reason = Reason::kRequestActionApproval;
      return v;
    }
    v.decision = Decision::kAllow;
    v.reason = Reason::kActionGrant;
    return v;
  }

  v.decision = Decision::kAllow;
  v.reason = standing ? Reason::kStandingPermission : Reason::kAccessGrant;
  v.guardrail = require_grant;
  return v;
}

}  // namespace drawbridge::core
