#include "cli/printers.h"

#include <boost/json.hpp>
#include <iostream>

#include "api/wire.h"
#include "cli/io.h"
#include "core/time_format.h"
#include "policy/durations.h"

namespace drawbridge::cli {

void PrintRequest(const GlobalOptions& g, const Request& r) {
  if (g.json()) {
    PrintJson(api::RequestToJson(r));
    return;
  }
  std::cout << r.id << "  " << RequestStateName(r.state) << "  " << RequestKindName(r.kind) << "  "
            << r.requester << "  ";
  if (r.kind == RequestKind::kAccess) {
    for (const auto& role : r.roles) std::cout << role << " ";
    std::cout << "on " << (r.scope.resource.empty() ? "labels" : r.scope.resource) << " for "
              << policy::FormatDuration(std::chrono::seconds(r.duration_seconds));
  } else {
    std::cout << r.action << " on " << r.resource;
  }
  if (!r.grant_id.empty()) std::cout << "  grant " << r.grant_id;
  if (r.break_glass) std::cout << "  BREAK-GLASS";
  std::cout << "\n";
}

void PrintRequestDetail(const GlobalOptions& g, const Request& r) {
  if (g.json()) {
    PrintJson(api::RequestToJson(r));
    return;
  }
  PrintRequest(g, r);
  std::cout << "  reason:  " << r.reason << "\n";
  if (!r.ticket.empty()) std::cout << "  ticket:  " << r.ticket << "\n";
  std::cout << "  rule:    " << r.rule << "\n";
  if (r.kind == RequestKind::kAction) {
    std::cout << "  " << r.payload_kind << ":     " << r.payload << "\n  facts:  ";
    for (const auto& f : r.facts) std::cout << " " << f;
    std::cout << "\n  fingerprint: " << r.fingerprint << "\n";
  }
  for (const Review& rv : r.reviews) {
    std::cout << "  review:  " << rv.reviewer << (rv.approve ? " approved" : " denied")
              << (rv.self_review ? " (self-review)" : "") << " at " << core::FormatRfc3339(rv.at)
              << (rv.comment.empty() ? "" : ": " + rv.comment) << "\n";
  }
}

void PrintGrant(const GlobalOptions& g, const Grant& grant) {
  if (g.json()) {
    PrintJson(api::GrantToJson(grant));
    return;
  }
  std::cout << grant.id << "  " << GrantStateName(grant.state) << "  " << grant.principal << "  ";
  if (grant.kind == RequestKind::kAccess) {
    for (const auto& a : grant.actions) std::cout << a << " ";
    std::cout << "on " << (grant.scope.resource.empty() ? "labels" : grant.scope.resource);
  } else {
    std::cout << "action " << grant.fingerprint.substr(0, 12) << " uses left " << grant.uses_left;
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
