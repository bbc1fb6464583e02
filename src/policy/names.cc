#include "policy/names.h"

namespace drawbridge::policy {
namespace {

bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlpha(char c) {
  return IsLower(c) || (c >= 'A' && c <= 'Z');
}

// A dotted action word: [a-z][a-z0-9_-]*
bool IsActionWord(std::string_view word) {
  if (word.empty() || !IsLower(word[0])) return false;
  for (char c : word) {
    if (!(IsLower(c) || IsDigit(c) || c == '_' || c == '-')) return false;
  }
  return true;
}

bool IsDottedAction(std::string_view text) {
  size_t start = 0;
  while (true) {
    size_t dot = text.find('.', start);
    std::string_view word = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!IsActionWord(word)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool IsPrincipalNameChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.' || c == '@';
}

}  // namespace

std::optional<PrincipalName> ParsePrincipal(std::string_view text) {
  if (text == "*") return PrincipalName{PrincipalKind::kEveryone, {}};
  struct Prefix {
    std::string_view text;
    PrincipalKind kind;
  };
  static constexpr Prefix kPrefixes[] = {{"user:", PrincipalKind::kUser},
                                         {"service:", PrincipalKind::kService},
                                         {"agent:", PrincipalKind::kAgent},
                                         {"group:", PrincipalKind::kGroup}};
  for (const Prefix& prefix : kPrefixes) {
    if (!text.starts_with(prefix.text)) continue;
    std::string_view name = text.substr(prefix.text.size());
    if (name.empty() || name.size() > 256) return std::nullopt;
    if (!(IsAlpha(name[0]) || IsDigit(name[0]))) return std::nullopt;
    for (char c : name) {
      if (!IsPrincipalNameChar(c)) return std::nullopt;
    }
    return PrincipalName{prefix.kind, name};
  }
  return std::nullopt;
}

std::optional<std::string> CheckPrincipal(std::string_view text, bool allow_everyone) {
  std::optional<PrincipalName> parsed = ParsePrincipal(text);
  if (parsed && parsed->kind == PrincipalKind::kEveryone && !allow_everyone) {
    return std::string(
        "'*' (everyone) is only allowed in the principals of assignments and eligibility rules; "
        "name the users, services, agents or groups");
  }
  if (parsed) return std::nullopt;
  std::string message = "invalid principal '" + std::string(text) +
                        "'; write user:NAME, service:NAME, agent:NAME or group:NAME";
  if (allow_everyone) message += ", or \"*\" for everyone";
  if (text.find(':') == std::string_view::npos && !text.empty()) {
    message += " (e.g. user:" + std::string(text) + ")";
  } else {
    message += " (names start with a letter or digit and use letters, digits, '_', '-', '.', '@')";
  }
  return message;
}

std::optional<std::string> CheckActionPattern(std::string_view text) {
  if (text == "*") return std::nullopt;
  std::string_view dotted = text;
  if (text.ends_with(".*")) dotted = text.substr(0, text.size() - 2);
  if (IsDottedAction(dotted)) return std::nullopt;
  return "invalid action '" + std::string(text) +
         "'; write lowercase dotted words such as db.query or k8s.delete, a prefix glob such as "
         "db.*, or * for every action";
}

std::optional<std::string> CheckRuleName(std::string_view text) {
  bool ok = !text.empty() && text.size() <= 128 && (IsAlpha(text[0]) || IsDigit(text[0]));
  for (char c : text) {
    if (!(IsAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.')) ok = false;
  }
  if (ok) return std::nullopt;
  return "invalid name '" + std::string(text) +
         "'; use letters, digits, '_', '-' and '.', starting with a letter or digit";
}

std::optional<std::string> CheckResourceId(std::string_view text) {
  bool ok = !text.empty() && text.size() <= 512;
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '*') ok = false;
  }
  if (ok) return std::nullopt;
  return "invalid resource id '" + std::string(text) +
         "'; ids are non-empty, without spaces, control characters or '*' (e.g. db/orders-prod)";
}

std::optional<std::string> CheckEnvName(std::string_view text) {
  bool ok = !text.empty() && (IsAlpha(text[0]) || text[0] == '_');
  for (char c : text) {
    if (!(IsAlpha(c) || IsDigit(c) || c == '_')) ok = false;
  }
  if (ok) return std::nullopt;
  return "invalid environment variable name '" + std::string(text) +
         "'; use letters, digits and '_', e.g. DRAWBRIDGE_WEBHOOK_SECRET";
}

// Exactly the events the workflow sends to the outbox (core/workflow/events.cc, NotifiesByDefault,
// plus policy.changed): a route naming anything else would load and never fire.
const std::vector<std::string_view>& NotificationEvents() {
  static const std::vector<std::string_view> kEvents = {
      "request.created", "request.approved",    "request.denied",  "request.cancelled",
      "request.expired", "grant.activated",     "grant.scheduled", "grant.revoked",
      "breakglass.used", "breakglass.reviewed", "policy.changed",  "*"};
  return kEvents;
}

}  // namespace drawbridge::policy
