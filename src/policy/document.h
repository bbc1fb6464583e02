// The policy as written: a faithful, validated tree of what the YAML says, with source positions.
//
// The loader (loader.h) builds a PolicyDocument from one file or a directory of files and
// validates it; the compiler (compiler.h) turns a valid document into the immutable, fast
// core::CompiledPolicy the decision engine reads. Nothing here is on the hot path.
// Format reference: docs/POLICY.md.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drawbridge/facts.h"

namespace drawbridge::policy {

using Seconds = std::chrono::seconds;

// Where a thing was written: "policy/roles.yaml:12:5". line/column are 1-based.
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
};

// Which resources a rule applies to. Every present field must hold; an empty selector matches
// every resource.
struct ResourceSelector {
  std::vector<std::string> ids;    // exact ids, or globs with a trailing '*' ("db/*")
  std::vector<std::string> kinds;  // any of
  // label -> any of these values. The label "kind" is not special here; use `kinds`.
  std::map<std::string, std::vector<std::string>> labels;
  // label -> none of these values (a resource without the label passes).
  std::map<std::string, std::vector<std::string>> labels_not;
  // Names of labels whose value must be the name of a group the principal belongs to
  // (e.g. `owner`: "a team may touch what it owns").
  std::vector<std::string> labels_in_principal_groups;
  SourcePos pos;
};

// A daily time window in a fixed UTC offset, e.g. Mon-Fri 08:00-18:00 +01:00.
struct TimeWindow {
  uint8_t weekdays = 0x7f;     // bit 0 = Monday ... bit 6 = Sunday
  int start_minute = 0;        // minutes after local midnight, inclusive
  int end_minute = 24 * 60;    // exclusive; may be < start for windows across midnight
  int utc_offset_minutes = 0;  // "+01:00" -> 60
  SourcePos pos;
};

// IPv4 or IPv6 network.
struct Cidr {
  bool v6 = false;
  std::array<uint8_t, 16> address{};  // v4 in the first 4 bytes
  int prefix = 0;
  std::string text;
};

// Declarative extra conditions (`when:`). All present conditions must hold.
struct Conditions {
  FactSet sql_facts;                     // `sql: [drop, truncate]`: any of
  FactSet shell_facts;                   // `shell: [k8s_destructive]`
  FactSet http_facts;                    // `http: [delete, write]`
  std::vector<std::string> http_paths;   // globs with a trailing '*': "/admin/*"
  std::vector<TimeWindow> time_windows;  // any of
  std::vector<Cidr> source_cidrs;        // any of
  bool require_mfa = false;
  ResourceSelector resources;  // only in auto_approve's `when`
  bool has_resources = false;
  SourcePos pos;

  bool has_facts() const {
    return !sql_facts.empty() || !shell_facts.empty() || !http_facts.empty();
  }
};

struct Permission {
  std::vector<std::string> actions;  // "db.query", or globs "db.*", "*"
  ResourceSelector resources;
  SourcePos pos;
};

struct Role {
  std::string name;
  std::string description;
  std::vector<Permission> permissions;
  SourcePos pos;
};

struct ResourceDecl {
  std::string id;    // "db/orders-prod"
  std::string kind;  // "postgres"
  std::map<std::string, std::string> labels;
  SourcePos pos;
};

// Standing access: who has which roles without asking.
struct Assignment {
  std::vector<std::string> principals;  // "user:alice", "group:dba", "*" (everyone)
  std::vector<std::string> roles;
  Conditions when;  // optional (time windows, CIDRs, mfa)
  SourcePos pos;
};

// `min_approvals` distinct approvers out of `approvers`.
struct ApprovalStep {
  std::vector<std::string> approvers;  // "user:erin", "group:leads"
  int min_approvals = 1;
  SourcePos pos;
};

// How a request is approved. Either one step (approvers/min_approvals), or all_of / any_of over
// steps. A reviewer's approval counts once per request, but may satisfy several steps only when
// `distinct_steps` is false (default true: one person cannot be both the lead and the DBA).
struct ApprovalRule {
  enum class Mode { kSingle, kAllOf, kAnyOf };
  Mode mode = Mode::kSingle;
  std::vector<ApprovalStep> steps;  // one step for kSingle
  int max_denials = 1;
  bool allow_self = false;  // a requester may approve their own request (audited)
  bool distinct_steps = true;
  Seconds pending_ttl{24 * 3600};  // an undecided request expires after this
  SourcePos pos;
};

struct AutoApprove {
  Conditions when;
  std::optional<Seconds> max_duration;
  SourcePos pos;
};

struct BreakGlass {
  Seconds max_duration{30 * 60};
  std::vector<std::string> notify;  // principals/groups to notify
  SourcePos pos;
};

struct Requirements {
  bool reason = true;
  std::string ticket_pattern;  // RE2 syntax, full match; empty = no ticket required
};

// JIT access: who may request what, approved how.
struct Eligibility {
  std::string name;
  std::vector<std::string> principals;
  std::vector<std::string> roles;
  Seconds max_duration{3600};
  Requirements require;
  ApprovalRule approval;
  std::vector<AutoApprove> auto_approve;
  std::optional<BreakGlass> break_glass;
  SourcePos pos;
};

enum class GuardrailEffect {
  kDeny,             // never, whatever grants exist
  kRequireApproval,  // needs an action grant whose fingerprint equals this action's
  kRequireGrant,     // standing access is not enough: needs an active JIT access grant
};

// JIT action approval: dangerous actions.
struct Guardrail {
  std::string name;
  std::string description;
  std::vector<std::string> principals;         // empty = everyone
  std::vector<std::string> except_principals;  // these are exempt
  std::vector<std::string> actions;            // globs
  ResourceSelector resources;
  Conditions when;
  GuardrailEffect effect = GuardrailEffect::kDeny;
  ApprovalRule approval;  // for kRequireApproval
  Seconds ttl{15 * 60};   // an approved action must be used within this
  int uses = 1;           // how many times one approval may be used
  SourcePos pos;
};

struct Webhook {
  std::string url;
  std::string format = "json";  // "json" or "slack"
  std::string secret_env;       // name of the environment variable holding the HMAC secret
};

struct NotificationRoute {
  std::vector<std::string> on;  // event types: "request.created", ...
  Webhook webhook;
  SourcePos pos;
};

struct PolicyDocument {
  int version = 1;
  std::map<std::string, std::vector<std::string>> groups;  // name -> members (principals, group:x)
  std::map<std::string, SourcePos> group_pos;
  std::vector<ResourceDecl> resources;
  std::vector<Role> roles;
  std::vector<Assignment> assignments;
  std::vector<Eligibility> eligibility;
  std::vector<Guardrail> guardrails;
  std::vector<NotificationRoute> notifications;
  std::vector<std::string> files;  // the files it was read from, in order
};

}  // namespace drawbridge::policy
