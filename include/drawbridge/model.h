// The workflow's records: requests, reviews, grants, outbox messages. Plain value types shared by
// the pure workflow rules (src/core/workflow), the stores (src/store) and the service layer.
//
// Request states (SPEC §4):
//   pending -> approved -> active -> expired | revoked | consumed | released
//   pending -> denied | cancelled | expired
// An approved request becomes active when its grant starts (at once, or at its not_before).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drawbridge {

enum class RequestKind : uint8_t { kAccess, kAction };
enum class RequestState : uint8_t {
  kPending,
  kApproved,
  kActive,
  kDenied,
  kCancelled,
  kExpired,
  kRevoked,
  kConsumed,
  kReleased,
};
enum class GrantState : uint8_t { kActive, kExpired, kRevoked, kReleased, kConsumed };

std::string_view RequestKindName(RequestKind kind);     // "access", "action"
std::string_view RequestStateName(RequestState state);  // "pending", ...
std::string_view GrantStateName(GrantState state);      // "active", ...
std::optional<RequestKind> ParseRequestKind(std::string_view name);
std::optional<RequestState> ParseRequestState(std::string_view name);
std::optional<GrantState> ParseGrantState(std::string_view name);
bool IsTerminal(RequestState state);

struct Review {
  std::string reviewer;  // principal, or "system:auto"
  bool approve = false;
  std::string comment;
  int64_t at = 0;            // Unix seconds
  bool self_review = false;  // allowed only by a rule's allow_self; flagged in the audit
  std::string auto_rule;     // for system:auto: which auto_approve rule fired
  // The identity provider's group claims the reviewer presented (a token's groups). Later
  // reviews re-check this approval against the policy in force then, with these claims.
  std::vector<std::string> group_claims;
};

// What an access grant covers: one resource, or every resource whose labels match.
struct Scope {
  std::string resource;
  std::vector<std::pair<std::string, std::string>> selector;
  bool empty() const { return resource.empty() && selector.empty(); }
};

struct Request {
  std::string id;
  std::string tenant = "default";
  RequestKind kind = RequestKind::kAccess;
  RequestState state = RequestState::kPending;
  std::string requester;  // principal
  std::string reason;
  std::string ticket;
  std::string source_ip;
  std::string rule;            // eligibility (access) or guardrail (action) name
  std::string policy_version;  // policy in force when it was made
  // Access requests.
  std::vector<std::string> roles;
  std::vector<std::string> actions;  // the action patterns the grant will carry
  Scope scope;
  int64_t duration_seconds = 0;
  int64_t not_before = 0;  // 0: as soon as approved
  // Action requests: the one exact action.
  std::string action;
  std::string resource;
  std::string payload_kind;  // "sql", "shell", "argv", "http", "none"
  std::string payload;       // statement, command line, argv as JSON, "METHOD path"
  std::vector<std::string> facts;
  std::string fingerprint;  // hex SHA-256 the grant is bound to
  int32_t uses = 1;
  // Flags and timing.
  bool break_glass = false;
  bool post_review_open = false;  // break-glass: a review after the fact is still due
  // The rule allowed self-approval when the request was made. Self-approval needs this and the
  // policy in force at the review, so a later policy change cannot open it to its requester.
  bool self_approval_allowed = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t pending_expires_at = 0;  // an undecided request expires then
  std::vector<Review> reviews;
  std::string grant_id;  // once approved
};

struct Grant {
  std::string id;
  std::string tenant = "default";
  std::string request_id;
  std::string principal;
  RequestKind kind = RequestKind::kAccess;
  GrantState state = GrantState::kActive;
  std::vector<std::string> actions;  // access
  Scope scope;                       // access
  std::string fingerprint;           // action: hex
  int64_t not_before = 0;
  int64_t expires_at = 0;
  int32_t uses_left = -1;  // -1 unlimited
  bool break_glass = false;
  int64_t created_at = 0;
  int64_t ended_at = 0;  // when it left kActive
  std::string ended_by;  // who revoked/released, or "system"
};

// A notification waiting to be delivered (written in the same transaction as its transition).
struct OutboxMessage {
  int64_t id = 0;  // assigned by the store
  std::string tenant = "default";
  std::string event_type;  // "request.created", ...
  std::string payload;     // JSON
  int64_t created_at = 0;
  int attempts = 0;
  int64_t next_attempt_at = 0;
  bool delivered = false;
};

// One delivery attempt of an outbox message, as the deliverer records it.
struct OutboxMark {
  int64_t id = 0;
  bool delivered = false;
  int64_t next_attempt_at = 0;  // when not delivered: when to try again
};

// What an API token lets its holder do (docs/TOKENS.md). A user token acts as its principal; a
// checker token (an enforcement point) may ask for decisions on behalf of any principal of its
// tenant but never review; an admin token also manages the policy and tokens.
enum class TokenRole : uint8_t { kUser, kChecker, kAdmin };

// "user", "checker", "admin". Defined here so that the stores need no extra library.
inline std::string_view TokenRoleName(TokenRole role) {
  switch (role) {
    case TokenRole::kUser: return "user";
    case TokenRole::kChecker: return "checker";
    case TokenRole::kAdmin: return "admin";
  }
  return "user";
}
inline std::optional<TokenRole> ParseTokenRole(std::string_view name) {
  if (name == "user") return TokenRole::kUser;
  if (name == "checker") return TokenRole::kChecker;
  if (name == "admin") return TokenRole::kAdmin;
  return std::nullopt;
}

// An API token as stored. The secret itself is never kept: only the hex SHA-256 of the whole
// token string, so a copy of the database cannot be replayed against the API.
struct ApiToken {
  std::string id;  // "t-...": names the token in listings, revocations and the audit log
  std::string tenant = "default";
  std::string principal;            // who the holder acts as
  std::vector<std::string> groups;  // group claims the holder carries ("dba")
  TokenRole role = TokenRole::kUser;
  std::string secret_hash;  // 64 lowercase hex digits
  std::string description;
  int64_t created_at = 0;  // Unix seconds
  std::string created_by;
  int64_t expires_at = 0;  // 0: never
  int64_t revoked_at = 0;  // 0: not revoked
  std::string revoked_by;
};

// An audit event as stored: `details` is its canonical JSON text (see docs/AUDIT.md).
struct AuditRecord {
  uint64_t seq = 0;
  int64_t time_ms = 0;
  std::string tenant = "default";
  std::string actor;
  std::string type;
  std::string subject;
  std::string details;  // canonical JSON object
  std::string prev_hash;
  std::string hash;
};

}  // namespace drawbridge
