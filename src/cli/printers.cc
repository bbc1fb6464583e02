#include "cli/printers.h"

#include <boost/json.hpp>
#include <iostream>

#include "api/wire.h"
#include "audit/escape.h"
#include "cli/io.h"
#include "core/time_format.h"
#include "policy/durations.h"

namespace drawbridge::cli {
namespace {

// Every string a request or grant carries may have come from a user (reasons, SQL, argv, but
// also resource ids and principals a requester typed), so text output shows each one escaped:
// an ESC sequence must not hide part of a statement from the approver who reads it.
std::string Safe(std::string_view text) {
  return audit::EscapeForTerminal(text);
}

std::string DescribeScope(const Scope& scope) {
  if (!scope.resource.empty()) return Safe(scope.resource);
  std::string out = "labels";
  for (const auto& [key, value] : scope.selector) out += " " + Safe(key) + "=" + Safe(value);
  return out;
}

}  // namespace

void PrintRequest(const GlobalOptions& g, const Request& r) {
  if (g.json()) {
    PrintJson(api::RequestToJson(r));
    return;
  }
  std::cout << Safe(r.id) << "  " << RequestStateName(r.state) << "  " << RequestKindName(r.kind)
            << "  " << Safe(r.requester) << "  ";
  if (r.kind == RequestKind::kAccess) {
    for (const auto& role : r.roles) std::cout << Safe(role) << " ";
    std::cout << "on " << DescribeScope(r.scope) << " for "
              << policy::FormatDuration(std::chrono::seconds(r.duration_seconds));
  } else {
    std::cout << Safe(r.action) << " on " << Safe(r.resource);
  }
  if (!r.grant_id.empty()) std::cout << "  grant " << Safe(r.grant_id);
  if (r.break_glass) std::cout << "  BREAK-GLASS";
  std::cout << "\n";
}

void PrintRequestDetail(const GlobalOptions& g, const Request& r) {
  if (g.json()) {
    PrintJson(api::RequestToJson(r));
    return;
  }
  PrintRequest(g, r);
  std::cout << "  reason:  " << Safe(r.reason) << "\n";
  if (!r.ticket.empty()) std::cout << "  ticket:  " << Safe(r.ticket) << "\n";
  std::cout << "  source:  " << (r.source_ip.empty() ? "-" : Safe(r.source_ip)) << "\n";
  std::cout << "  rule:    " << Safe(r.rule) << "\n";
  if (r.kind == RequestKind::kAction) {
    std::cout << "  " << Safe(r.payload_kind) << ":     " << Safe(r.payload) << "\n  facts:  ";
    for (const auto& f : r.facts) std::cout << " " << Safe(f);
    std::cout << "\n  fingerprint: " << Safe(r.fingerprint) << "\n";
  }
  for (const Review& rv : r.reviews) {
    std::cout << "  review:  " << Safe(rv.reviewer) << (rv.approve ? " approved" : " denied")
              << (rv.self_review ? " (self-review)" : "");
    if (!rv.group_claims.empty()) {
      std::cout << " (claims:";
      for (const auto& claim : rv.group_claims) std::cout << " " << Safe(claim);
      std::cout << ")";
    }
    std::cout << " at " << core::FormatRfc3339(rv.at)
              << (rv.comment.empty() ? "" : ": " + Safe(rv.comment)) << "\n";
  }
}

void PrintGrant(const GlobalOptions& g, const Grant& grant) {
  if (g.json()) {
    PrintJson(api::GrantToJson(grant));
    return;
  }
  std::cout << Safe(grant.id) << "  " << GrantStateName(grant.state) << "  "
            << Safe(grant.principal) << "  ";
  if (grant.kind == RequestKind::kAccess) {
    for (const auto& a : grant.actions) std::cout << Safe(a) << " ";
    std::cout << "on " << DescribeScope(grant.scope);
  } else {
    std::cout << "action " << Safe(grant.fingerprint.substr(0, 12)) << " uses left "
              << grant.uses_left;
  }
  std::cout << "  " << core::FormatRfc3339(grant.not_before) << " .. "
            << core::FormatRfc3339(grant.expires_at) << "\n";
}

void PrintRequests(const GlobalOptions& g, const std::vector<Request>& requests) {
  if (g.json()) {
    boost::json::array a;
    for (const Request& r : requests) a.push_back(api::RequestToJson(r));
    PrintJson(a);
    return;
  }
  for (const Request& r : requests) PrintRequest(g, r);
}

void PrintGrants(const GlobalOptions& g, const std::vector<Grant>& grants) {
  if (g.json()) {
    boost::json::array a;
    for (const Grant& gr : grants) a.push_back(api::GrantToJson(gr));
    PrintJson(a);
    return;
  }
  for (const Grant& gr : grants) PrintGrant(g, gr);
}

}  // namespace drawbridge::cli
