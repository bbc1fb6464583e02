#include "core/explain.h"

#include <algorithm>

#include "core/hex.h"

namespace drawbridge::core {
namespace {

std::string_view ModeName(ApprovalSpec::Mode mode) {
  switch (mode) {
    case ApprovalSpec::Mode::kSingle: return "single";
    case ApprovalSpec::Mode::kAllOf: return "all_of";
    case ApprovalSpec::Mode::kAnyOf: return "any_of";
  }
  return "single";
}

void FillApproval(const ApprovalSpec& spec, RequestHint& hint) {
  hint.approval_mode = std::string(ModeName(spec.mode));
  for (const ApprovalStepSpec& step : spec.steps) {
    for (const std::string& a : step.approvers) {
      if (std::find(hint.approvers.begin(), hint.approvers.end(), a) == hint.approvers.end()) {
        hint.approvers.push_back(a);
      }
    }
    if (spec.mode == ApprovalSpec::Mode::kAnyOf) {
      hint.min_approvals = hint.min_approvals == 0
                               ? step.min_approvals
                               : std::min(hint.min_approvals, step.min_approvals);
    } else {
      hint.min_approvals += step.min_approvals;
    }
  }
}

std::string DurationText(int64_t seconds) {
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

std::string PayloadFlags(const Payload& p) {
  switch (p.kind) {
    case Payload::Kind::kNone: return "";
    case Payload::Kind::kSql: {
      // The session is part of the fingerprint: without it the request binds another action.
      std::string out = " --sql " + ShellQuote(p.text);
      if (!p.database.empty()) out += " --database " + ShellQuote(p.database);
      if (!p.role.empty()) out += " --db-role " + ShellQuote(p.role);
      if (!p.search_path.empty()) out += " --search-path " + ShellQuote(p.search_path);
      return out;
    }
    case Payload::Kind::kShell: return " --command " + ShellQuote(p.text);
    case Payload::Kind::kArgv: {
      std::string out = " --";
      if (p.argv != nullptr) {
        for (const std::string& a : *p.argv) out += " " + ShellQuote(a);
      }
      return out;
    }
    case Payload::Kind::kHttp:
      return " --http-method " + ShellQuote(p.http_method) + " --http-path " +
             ShellQuote(p.http_path);
  }
  return "";
}

std::string ReasonText(const Engine& engine, const CheckRequest& req, const Verdict& v,
                       const std::string& grant) {
  const CompiledPolicy& policy = engine.policy();
  auto rail = [&] {
    return v.guardrail == kNoId ? std::string() : policy.guardrails[v.guardrail].name;
  };
  switch (v.reason) {
    case Reason::kStandingPermission:
      return "allowed by role '" + policy.roles[policy.permissions[v.permission].role].name +
             "' (standing assignment)";
    case Reason::kAccessGrant: return "allowed by access grant " + grant;
    case Reason::kActionGrant: return "allowed by action grant " + grant + " for this exact action";
    case Reason::kDeniedByGuardrail: return "denied by guardrail '" + rail() + "'";
    case Reason::kNoPermission:
      return std::string(req.principal) + " has no standing access or active grant for " +
             std::string(req.action) + " on " + std::string(req.resource) +
             ", and no eligibility rule lets them request it";
    case Reason::kRequestAccess:
      return "no standing access or active grant; request access under eligibility rule '" +
             policy.eligibility[v.eligibility].name + "'";
    case Reason::kRequireGrant:
      return "guardrail '" + rail() +
             "' requires an active JIT access grant (standing access is not enough); request "
             "access under eligibility rule '" +
             policy.eligibility[v.eligibility].name + "'";
    case Reason::kRequireGrantNoRule:
      return "guardrail '" + rail() +
             "' requires an active JIT access grant and no eligibility rule lets " +
             std::string(req.principal) + " request one";
    case Reason::kRequestActionApproval:
      return "guardrail '" + rail() + "' requires approval of this exact action";
    case Reason::kInvalidPrincipal:
      return "invalid principal '" + std::string(req.principal) +
             "': expected user:NAME, service:NAME or agent:NAME";
    case Reason::kInvalidAction:
      return "invalid action '" + std::string(req.action) +
             "': expected dotted lowercase words such as db.query";
    case Reason::kInvalidResource:
      return "invalid resource '" + std::string(req.resource) +
             "': expected a non-empty id without spaces, at most 256 bytes";
    case Reason::kPayloadRequired:
      return "guardrail '" + rail() +
             "' needs the action's payload (SQL, command line or HTTP request) to decide, and "
             "none of a suitable kind was given";
    case Reason::kPayloadUnparseable:
      return "guardrail '" + rail() + "' needs facts from a payload that does not parse";
  }
  return "denied";
}

}  // namespace

std::string ShellQuote(std::string_view word) {
  bool plain = !word.empty();
  for (char c : word) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '=' || c == '@' ||
                c == ',' || c == '+';
    plain = plain && safe;
  }
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

Explanation Explain(const Engine& engine, const CheckRequest& req, const Verdict& v) {
  const CompiledPolicy& policy = engine.policy();
  Explanation e;
  e.decision = v.decision;
  e.reason_code = std::string(ReasonCode(v.reason));
  if (v.access_grant.found()) e.grant = engine.grants().GrantId(v.access_grant);
  if (v.action_grant.found()) e.grant = engine.grants().GrantId(v.action_grant);
  e.reason = ReasonText(engine, req, v, e.grant);
  for (uint8_t i = 0; i < v.applied_count; ++i) {
    e.rules.push_back("guardrail:" + policy.guardrails[v.applied[i]].name);
  }
  if (v.guardrail != kNoId) {
    std::string name = "guardrail:" + policy.guardrails[v.guardrail].name;
    if (std::find(e.rules.begin(), e.rules.end(), name) == e.rules.end()) e.rules.push_back(name);
  }
  if (v.permission != kNoId) {
    e.rules.push_back("role:" + policy.roles[policy.permissions[v.permission].role].name);
  }
  if (v.eligibility != kNoId)
    e.rules.push_back("eligibility:" + policy.eligibility[v.eligibility].name);
  if (!e.grant.empty()) e.rules.push_back("grant:" + e.grant);
  if (v.classified) e.facts = FactNames(v.facts);

  if (v.decision != Decision::kApprovalRequired) return e;
  RequestHint hint;
  std::string common = " --resource " + ShellQuote(req.resource) + " --reason '...'";
  if (v.reason == Reason::kRequestActionApproval) {
    const GuardrailC& rail = policy.guardrails[v.guardrail];
    hint.kind = "action";
    hint.rule = rail.name;
    if (v.has_fingerprint) hint.fingerprint = DigestToHex(v.fingerprint);
    FillApproval(rail.approval, hint);
    hint.max_duration_seconds = rail.ttl.count();
    hint.command = "drawbridge request action --action " + ShellQuote(req.action) + common +
                   PayloadFlags(req.payload);
  } else {
    const EligibilityC& rule = policy.eligibility[v.eligibility];
    hint.kind = "access";
    hint.rule = rule.name;
    FillApproval(rule.approval, hint);
    hint.max_duration_seconds = rule.max_duration.count();
    for (Id role : rule.roles) hint.roles.push_back(policy.roles[role].name);
    hint.break_glass = rule.break_glass.has_value();
    std::string roles;
    for (const std::string& r : hint.roles) roles += " --role " + ShellQuote(r);
    hint.command = "drawbridge request access" + roles + common + " --duration " +
                   DurationText(std::min<int64_t>(hint.max_duration_seconds, 3600));
    if (!rule.ticket_pattern.empty()) hint.command += " --ticket '...'";
  }
  e.request = std::move(hint);
  return e;
}

}  // namespace drawbridge::core
