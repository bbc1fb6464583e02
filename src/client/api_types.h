// What the CLI sends to and reads from the Drawbridge HTTP API (docs: notes on /v1 in the API
// contract), beyond the requests, grants and explanations that src/api/wire.h encodes.
// Plain value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/check_input.h"
#include "drawbridge/model.h"

namespace drawbridge::client {

// POST /v1/requests {"kind": "access", ...}. The requester is the token's principal.
struct AccessRequestSpec {
  std::vector<std::string> roles;
  Scope scope;
  int64_t duration_seconds = 3600;
  int64_t not_before = 0;  // Unix seconds; 0: as soon as approved
  std::string rule;
  bool break_glass = false;
  std::string extends;  // grant id
  std::string reason, ticket;
};

// POST /v1/requests {"kind": "action", ...}: the action, resource, payload and context of
// `check` (its principal is ignored: the requester is the token's principal).
struct ActionRequestSpec {
  api::CheckInput check;
  std::string reason, ticket;
};

struct RequestQuery {
  std::string state;  // "" or a request state name
  bool mine = false;
  int limit = 0;  // 0: the server's default
};

struct GrantQuery {
  std::string state;
  bool mine = false;
  std::string principal;
  int limit = 0;
};

// GET /v1/audit: events after `after` (seq), filtered like `drawbridge audit export`.
struct AuditQuery {
  uint64_t after = 0;
  int limit = 0;
  std::string since, until;  // RFC 3339
  std::string principal, resource, type;
  std::string format = "jsonl";  // or "csv"
};

// One GET /v1/audit answer. `last_seq` is the seq of the last event the server read for this
// page (X-Drawbridge-Last-Seq), whether or not the filters kept it: the next page's `after`.
// It equals the query's `after` when there is nothing more.
struct AuditPage {
  std::string body;
  uint64_t last_seq = 0;
};

// GET /v1/audit/verify
struct AuditVerifyReport {
  bool ok = false;
  uint64_t events = 0;
  uint64_t head_seq = 0;
  std::string head_hash;
  std::optional<uint64_t> error_seq;
  std::string error_message;
};

// GET|PUT /v1/policy
struct PolicyInfo {
  std::string version;  // hex SHA-256 of the policy
  std::string source;
  std::string loaded_at;  // RFC 3339
};

// GET /v1/whoami
struct Identity {
  std::string principal, tenant, role, token_id;
  std::vector<std::string> groups;
};

// POST /v1/tokens
struct TokenSpec {
  std::string principal;
  std::vector<std::string> groups;
  std::string role = "user";  // user, checker, admin
  std::string ttl;            // "30d"; empty: the server's default
  std::string description;
};

// A token as listed (never with its secret or hash): the API codec's ApiToken.
using TokenInfo = ApiToken;

// POST /v1/tokens answers the secret once.
struct CreatedToken {
  std::string secret;
  TokenInfo info;
};

}  // namespace drawbridge::client
