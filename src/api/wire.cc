#include "api/wire.h"

#include <boost/json.hpp>

#include "api/json_reader.h"
#include "core/time_format.h"

namespace drawbridge::api {
namespace json = boost::json;
namespace {

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object ScopeToJson(const Scope& s) {
  if (!s.resource.empty()) return {{"resource", s.resource}};
  json::object sel;
  for (const auto& [k, v] : s.selector) sel[k] = v;
  return {{"selector", std::move(sel)}};
}

json::value Time(int64_t t) {
  return t == 0 ? json::value(nullptr) : json::value(core::FormatRfc3339(t));
}

json::value OptionalString(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

}  // namespace

json::object RequestToJson(const Request& r) {
  json::object o{{"id", r.id},
                 {"kind", RequestKindName(r.kind)},
                 {"state", RequestStateName(r.state)},
                 {"requester", r.requester},
                 {"reason", r.reason},
                 {"ticket", r.ticket},
                 {"source_ip", r.source_ip},
                 {"rule", r.rule},
                 {"policy_version", r.policy_version},
                 {"break_glass", r.break_glass},
                 {"post_review_open", r.post_review_open},
                 {"created_at", Time(r.created_at)},
                 {"updated_at", Time(r.updated_at)},
                 {"pending_expires_at", Time(r.pending_expires_at)},
                 {"grant", OptionalString(r.grant_id)}};
  if (r.kind == RequestKind::kAccess) {
    o["roles"] = Strings(r.roles);
    o["actions"] = Strings(r.actions);
    o["scope"] = ScopeToJson(r.scope);
    o["duration_seconds"] = r.duration_seconds;
    o["not_before"] = Time(r.not_before);
  } else {
    o["action"] = r.action;
    o["resource"] = r.resource;
    o["payload_kind"] = r.payload_kind;
    o["payload"] = r.payload;
    o["facts"] = Strings(r.facts);
    o["fingerprint"] = r.fingerprint;
    o["uses"] = r.uses;
  }
  json::array reviews;
  for (const Review& rv : r.reviews) {
    reviews.push_back(json::object{{"reviewer", rv.reviewer},
                                   {"approve", rv.approve},
                                   {"comment", rv.comment},
                                   {"at", Time(rv.at)},
                                   {"self_review", rv.self_review},
                                   {"group_claims", Strings(rv.group_claims)}});
  }
  o["reviews"] = std::move(reviews);
  return o;
}

StatusOr<Request> RequestFromJson(const json::value& value) {
  Request r;
  JsonReader in(value, "request");
  in.String("id", r.id);
  std::string kind, state;
  in.String("kind", kind);
  in.String("state", state);
  if (auto k = ParseRequestKind(kind)) {
    r.kind = *k;
  } else {
    in.Fail("unknown kind '" + kind + "'");
  }
  if (auto s = ParseRequestState(state)) {
    r.state = *s;
  } else {
    in.Fail("unknown state '" + state + "'");
  }
  in.String("requester", r.requester);
  in.String("reason", r.reason);
  in.String("ticket", r.ticket);
  in.String("source_ip", r.source_ip);
  in.String("rule", r.rule);
  in.String("policy_version", r.policy_version);
  in.Bool("break_glass", r.break_glass);
  in.Bool("post_review_open", r.post_review_open);
  in.TimeField("created_at", r.created_at);
  in.TimeField("updated_at", r.updated_at);
  in.TimeField("pending_expires_at", r.pending_expires_at);
  in.String("grant", r.grant_id);
  in.Strings("roles", r.roles);
  in.Strings("actions", r.actions);
  in.ScopeField(r.scope);
  in.Integer("duration_seconds", r.duration_seconds);
  in.TimeField("not_before", r.not_before);
  in.String("action", r.action);
  in.String("resource", r.resource);
  in.String("payload_kind", r.payload_kind);
  in.String("payload", r.payload);
  in.Strings("facts", r.facts);
  in.String("fingerprint", r.fingerprint);
  in.Integer("uses", r.uses);
  if (const json::value* reviews = in.Find("reviews"); reviews != nullptr) {
    if (!reviews->is_array()) {
      in.Fail("reviews must be a list");
    } else {
      for (const auto& item : reviews->as_array()) {
        Review rv;
        JsonReader review(item, "review");
        review.String("reviewer", rv.reviewer);
        review.Bool("approve", rv.approve);
        review.String("comment", rv.comment);
        review.TimeField("at", rv.at);
        review.Bool("self_review", rv.self_review);
        review.Strings("group_claims", rv.group_claims);
        if (!review.status().ok()) return review.status();
        r.reviews.push_back(std::move(rv));
      }
    }
  }
  if (!in.status().ok()) return in.status();
  return r;
}

json::object GrantToJson(const Grant& g) {
  json::object o{{"id", g.id},
                 {"request", g.request_id},
                 {"principal", g.principal},
                 {"kind", RequestKindName(g.kind)},
                 {"state", GrantStateName(g.state)},
                 {"not_before", Time(g.not_before)},
                 {"expires_at", Time(g.expires_at)},
                 {"uses_left", g.uses_left},
                 {"break_glass", g.break_glass},
                 {"created_at", Time(g.created_at)},
                 {"ended_at", Time(g.ended_at)},
                 {"ended_by", OptionalString(g.ended_by)}};
  if (g.kind == RequestKind::kAccess) {
    o["actions"] = Strings(g.actions);
    o["scope"] = ScopeToJson(g.scope);
  } else {
    o["fingerprint"] = g.fingerprint;
  }
  return o;
}

StatusOr<Grant> GrantFromJson(const json::value& value) {
  Grant g;
  JsonReader in(value, "grant");
  in.String("id", g.id);
  in.String("request", g.request_id);
  in.String("principal", g.principal);
  std::string kind, state;
  in.String("kind", kind);
  in.String("state", state);
  if (auto k = ParseRequestKind(kind)) {
    g.kind = *k;
  } else {
    in.Fail("unknown kind '" + kind + "'");
  }
  if (auto s = ParseGrantState(state)) {
    g.state = *s;
  } else {
    in.Fail("unknown state '" + state + "'");
  }
  in.TimeField("not_before", g.not_before);
  in.TimeField("expires_at", g.expires_at);
  in.Integer("uses_left", g.uses_left);
  in.Bool("break_glass", g.break_glass);
  in.TimeField("created_at", g.created_at);
  in.TimeField("ended_at", g.ended_at);
  in.String("ended_by", g.ended_by);
  in.Strings("actions", g.actions);
  in.ScopeField(g.scope);
  in.String("fingerprint", g.fingerprint);
  if (!in.status().ok()) return in.status();
  return g;
}

json::object ExplanationToJson(const core::Explanation& e, json::storage_ptr storage) {
  json::object out(storage);
  out["decision"] = DecisionName(e.decision);
  out["reason"] = e.reason;
  out["reason_code"] = e.reason_code;
  json::array rules(storage);
  for (const auto& r : e.rules) rules.emplace_back(r);
  out["rules"] = std::move(rules);
  out["grant"] = e.grant.empty() ? json::value(nullptr, storage) : json::value(e.grant, storage);
  json::array facts(storage);
  for (const auto& f : e.facts) facts.emplace_back(f);
  out["facts"] = std::move(facts);
  if (e.request) {
    const core::RequestHint& h = *e.request;
    json::object req(storage);
    req["kind"] = h.kind;
    req["rule"] = h.rule;
    if (!h.fingerprint.empty()) req["fingerprint"] = h.fingerprint;
    req["approval_mode"] = h.approval_mode;
    json::array approvers(storage);
    for (const auto& a : h.approvers) approvers.emplace_back(a);
    req["approvers"] = std::move(approvers);
    req["min_approvals"] = h.min_approvals;
    req["max_duration_seconds"] = h.max_duration_seconds;
    if (!h.roles.empty()) {
      json::array roles(storage);
      for (const auto& r : h.roles) roles.emplace_back(r);
      req["roles"] = std::move(roles);
    }
    if (h.kind == "access") req["break_glass"] = h.break_glass;
    req["command"] = h.command;
    out["request"] = std::move(req);
  }
  return out;
}

std::string ExplanationToText(const core::Explanation& e) {
  std::string out = "decision: " + std::string(DecisionName(e.decision)) + "\n";
  out += "reason:   " + e.reason + "\n";
  if (!e.rules.empty()) {
    out += "rules:   ";
    for (const auto& r : e.rules) out += " " + r;
    out += "\n";
  }
  if (!e.facts.empty()) {
    out += "facts:   ";
    for (const auto& f : e.facts) out += " " + f;
    out += "\n";
  }
  if (e.request) {
    const core::RequestHint& h = *e.request;
    out += "request:  " + h.kind + " under '" + h.rule + "', " + std::to_string(h.min_approvals) +
           " approval(s) from";
    for (const auto& a : h.approvers) out += " " + a;
    out += "\n";
    if (!h.fingerprint.empty()) out += "fingerprint: " + h.fingerprint + "\n";
    out += "run:      " + h.command + "\n";
  }
  return out;
}

json::object TokenToJson(const ApiToken& t) {
  return {{"id", t.id},
          {"tenant", t.tenant},
          {"principal", t.principal},
          {"groups", Strings(t.groups)},
          {"role", TokenRoleName(t.role)},
          {"description", t.description},
          {"created_at", Time(t.created_at)},
          {"created_by", t.created_by},
          {"expires_at", Time(t.expires_at)},
          {"revoked_at", Time(t.revoked_at)},
          {"revoked_by", OptionalString(t.revoked_by)}};
}

StatusOr<ApiToken> TokenFromJson(const json::value& value) {
  ApiToken t;
  JsonReader in(value, "token");
  in.String("id", t.id);
  in.String("tenant", t.tenant);
  in.String("principal", t.principal);
  in.Strings("groups", t.groups);
  std::string role;
  in.String("role", role);
  if (auto r = ParseTokenRole(role)) {
    t.role = *r;
  } else {
    in.Fail("unknown role '" + role + "'");
  }
  in.String("description", t.description);
  in.TimeField("created_at", t.created_at);
  in.String("created_by", t.created_by);
  in.TimeField("expires_at", t.expires_at);
  in.TimeField("revoked_at", t.revoked_at);
  in.String("revoked_by", t.revoked_by);
  if (!in.status().ok()) return in.status();
  return t;
}

StatusOr<core::Explanation> ExplanationFromJson(const json::value& value) {
  core::Explanation e;
  JsonReader in(value, "decision");
  std::string decision;
  in.String("decision", decision);
  if (decision == "allow") {
    e.decision = Decision::kAllow;
  } else if (decision == "approval_required") {
    e.decision = Decision::kApprovalRequired;
  } else if (decision == "deny") {
    e.decision = Decision::kDeny;
  } else {
    in.Fail("unknown decision '" + decision + "'");
  }
  in.String("reason", e.reason);
  in.String("reason_code", e.reason_code);
  in.Strings("rules", e.rules);
  in.String("grant", e.grant);
  in.Strings("facts", e.facts);
  if (const json::value* req = in.Find("request"); req != nullptr && !req->is_null()) {
    core::RequestHint h;
    JsonReader hint(*req, "decision.request");
    hint.String("kind", h.kind);
    hint.String("rule", h.rule);
    hint.String("fingerprint", h.fingerprint);
    hint.String("approval_mode", h.approval_mode);
    hint.Strings("approvers", h.approvers);
    hint.Integer("min_approvals", h.min_approvals);
    hint.Integer("max_duration_seconds", h.max_duration_seconds);
    hint.Strings("roles", h.roles);
    hint.Bool("break_glass", h.break_glass);
    hint.String("command", h.command);
    if (!hint.status().ok()) return hint.status();
    e.request = std::move(h);
  }
  if (!in.status().ok()) return in.status();
  return e;
}

}  // namespace drawbridge::api
