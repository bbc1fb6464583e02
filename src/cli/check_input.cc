#include "cli/check_input.h"

#include <boost/json.hpp>

namespace drawbridge::cli {

CheckRequest CheckInput::View() const {
  CheckRequest r;
  r.principal = principal;
  r.action = action;
  r.resource = resource;
  r.payload.kind = payload_kind;
  r.payload.text = text;
  r.payload.argv = &argv;
  r.payload.resolved_program = resolved_program;
  r.payload.http_method = http_method;
  r.payload.http_path = http_path;
  r.payload.database = database;
  r.payload.role = role;
  r.payload.search_path = search_path;
  for (const auto& [k, v] : labels) r.context.resource_labels.emplace_back(k, v);
  r.context.resource_kind = kind;
  for (const std::string& g : groups) r.context.groups.push_back(g);
  r.context.mfa = mfa;
  r.context.source_ip = source_ip;
  return r;
}

Status ParseContextJson(const boost::json::value& json, CheckInput& input) {
  if (!json.is_object()) return InvalidArgument("context must be a JSON object");
  for (const auto& [key, value] : json.as_object()) {
    if (key == "labels") {
      if (!value.is_object()) return InvalidArgument("context.labels must be an object of strings");
      for (const auto& [k, v] : value.as_object()) {
        if (!v.is_string())
          return InvalidArgument("context.labels." + std::string(k) + " must be a string");
        input.labels.emplace_back(std::string(k), std::string(v.as_string()));
      }
    } else if (key == "kind") {
      if (!value.is_string()) return InvalidArgument("context.kind must be a string");
      input.kind = std::string(value.as_string());
    } else if (key == "groups") {
      if (!value.is_array()) return InvalidArgument("context.groups must be a list of strings");
      for (const auto& g : value.as_array()) {
        if (!g.is_string()) return InvalidArgument("context.groups must be a list of strings");
        input.groups.emplace_back(g.as_string());
      }
    } else if (key == "mfa") {
      if (!value.is_bool()) return InvalidArgument("context.mfa must be true or false");
      input.mfa = value.as_bool();
    } else if (key == "source_ip") {
      if (!value.is_string()) return InvalidArgument("context.source_ip must be a string");
      input.source_ip = std::string(value.as_string());
    } else {
      return InvalidArgument("unknown context key '" + std::string(key) +
                             "' (expected labels, kind, groups, mfa, source_ip)");
    }
  }
  return Status::Ok();
}

boost::json::object ExplanationToJson(const core::Explanation& e) {
  boost::json::object out;
  out["decision"] = DecisionName(e.decision);
  out["reason"] = e.reason;
  out["reason_code"] = e.reason_code;
  boost::json::array rules;
  for (const auto& r : e.rules) rules.emplace_back(r);
  out["rules"] = std::move(rules);
  out["grant"] = e.grant.empty() ? boost::json::value(nullptr) : boost::json::value(e.grant);
  boost::json::array facts;
  for (const auto& f : e.facts) facts.emplace_back(f);
  out["facts"] = std::move(facts);
  if (e.request) {
    const core::RequestHint& h = *e.request;
    boost::json::object req;
    req["kind"] = h.kind;
    req["rule"] = h.rule;
    if (!h.fingerprint.empty()) req["fingerprint"] = h.fingerprint;
    req["approval_mode"] = h.approval_mode;
    boost::json::array approvers;
    for (const auto& a : h.approvers) approvers.emplace_back(a);
    req["approvers"] = std::move(approvers);
    req["min_approvals"] = h.min_approvals;
    req["max_duration_seconds"] = h.max_duration_seconds;
    if (!h.roles.empty()) {
      boost::json::array roles;
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

}  // namespace drawbridge::cli
