// Syntax of the names a policy writes: principals, action patterns, rule names, notification
// events, environment variable names. Each checker returns nullopt when the text is valid, or an
// explanation of what is wrong and how to write it. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drawbridge::policy {

enum class PrincipalKind { kUser, kService, kAgent, kGroup, kEveryone };

struct PrincipalName {
  PrincipalKind kind;
  std::string_view name;  // after the "kind:" prefix; empty for kEveryone
};

// "user:alice", "service:ci-deployer", "agent:copilot-7", "group:dba", "*".
std::optional<PrincipalName> ParsePrincipal(std::string_view text);

// `allow_everyone`: whether "*" may appear here (assignment and eligibility principals only).
std::optional<std::string> CheckPrincipal(std::string_view text, bool allow_everyone);

// "db.query", "db.*", "*".
std::optional<std::string> CheckActionPattern(std::string_view text);

// Names of groups, roles, eligibility rules and guardrails: letters, digits, '_', '-', '.',
// starting with a letter or digit.
std::optional<std::string> CheckRuleName(std::string_view text);

// Resource ids in the catalog: printable, no spaces, no '*'.
std::optional<std::string> CheckResourceId(std::string_view text);

// Environment variable names: [A-Za-z_][A-Za-z0-9_]*.
std::optional<std::string> CheckEnvName(std::string_view text);

// Notification event types ("request.created", ...), and "*" for all of them.
const std::vector<std::string_view>& NotificationEvents();

}  // namespace drawbridge::policy
