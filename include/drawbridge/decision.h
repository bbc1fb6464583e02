// The decision contract: check(principal, action, resource, payload, context, now) -> Decision.
//
// A CheckRequest only borrows its strings (string_view) so that the hot path does not copy; the
// caller keeps them alive for the duration of the call. Every decision comes with the reason and
// the rules that made it (see core/explain.h for the rendered form). Value types.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drawbridge/facts.h"

namespace drawbridge {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::seconds>;
using Digest = std::array<uint8_t, 32>;

enum class Decision : uint8_t { kAllow, kDeny, kApprovalRequired };
std::string_view DecisionName(Decision d);  // "allow", "deny", "approval_required"

// What the principal wants to do, when the action carries content.
struct Payload {
  enum class Kind : uint8_t { kNone, kSql, kShell, kArgv, kHttp };
  Kind kind = Kind::kNone;
  std::string_view text;                           // SQL text, or a shell command line
  const std::vector<std::string>* argv = nullptr;  // kArgv: argv as execve receives it
  std::string_view resolved_program;               // kArgv: absolute path of argv[0]
  std::string_view http_method, http_path;         // kHttp
  // kSql: where the statement runs (bound into the fingerprint).
  std::string_view database, role, search_path;
};

// What an enforcement point or identity provider adds.
struct CheckContext {
  // Labels the enforcement point sends for the resource. Catalog labels win over these.
  std::vector<std::pair<std::string_view, std::string_view>> resource_labels;
  std::string_view resource_kind;        // used only for resources not in the catalog
  std::vector<std::string_view> groups;  // group claims from the identity provider
  bool mfa = false;                      // the identity provider says MFA was used
  std::string_view source_ip;            // "10.1.2.3" or "::1"; empty when unknown
};

struct CheckRequest {
  std::string_view principal;  // "user:alice", "service:ci", "agent:copilot-7"
  std::string_view action;     // "db.query"
  std::string_view resource;   // "db/orders-prod"
  Payload payload;
  CheckContext context;
};

}  // namespace drawbridge
