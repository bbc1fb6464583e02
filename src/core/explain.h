// Renders a Verdict for people and programs: the reason in words, the rules that matched, the
// grant used, and for approval_required what to request as a ready-to-run CLI line.
// Off the hot path (allocates). Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/engine.h"

namespace drawbridge::core {

struct RequestHint {
  std::string kind;                    // "access" or "action"
  std::string rule;                    // eligibility or guardrail name
  std::string fingerprint;             // action requests: hex
  std::string approval_mode;           // "single", "all_of", "any_of"
  std::vector<std::string> approvers;  // as written in the policy
  int min_approvals = 0;
  int64_t max_duration_seconds = 0;  // access: eligibility cap; action: approval ttl
  std::vector<std::string> roles;    // access: roles the rule offers
  bool break_glass = false;          // access: break-glass is available
  std::string command;               // ready-to-run `drawbridge request ...` line
};

struct Explanation {
  Decision decision = Decision::kDeny;
  std::string reason_code;
  std::string reason;
  std::vector<std::string> rules;  // "guardrail:x", "role:y", "eligibility:z", "grant:g1"
  std::string grant;
  std::vector<std::string> facts;
  std::optional<RequestHint> request;
};

Explanation Explain(const Engine& engine, const CheckRequest& request, const Verdict& verdict);

// Quotes a word for a POSIX shell so that it is passed literally.
std::string ShellQuote(std::string_view word);

}  // namespace drawbridge::core
