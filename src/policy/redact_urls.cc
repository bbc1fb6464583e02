#include "policy/redact_urls.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <vector>

namespace drawbridge::policy {
namespace {

// Every webhook url node of a policy document, in document order.
std::vector<YAML::Node> WebhookUrls(const YAML::Node& root) {
  std::vector<YAML::Node> urls;
  if (!root.IsMap()) return urls;
  const YAML::Node routes = root["notifications"];
  if (!routes || !routes.IsSequence()) return urls;
  for (const YAML::Node& route : routes) {
    if (!route.IsMap()) continue;
    const YAML::Node hook = route["webhook"];
    if (!hook || !hook.IsMap()) continue;
    const YAML::Node url = hook["url"];
    if (url && url.IsScalar()) urls.push_back(url);
  }
  return urls;
}

// The byte offset of a mark: yaml-cpp counts lines at '\n' and columns in bytes.
std::optional<size_t> OffsetOf(std::string_view text, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return std::nullopt;
  size_t offset = 0;
  for (int line = 0; line < mark.line; ++line) {
    offset = text.find('\n', offset);
    if (offset == std::string_view::npos) return std::nullopt;
    ++offset;
  }
  offset += static_cast<size_t>(mark.column);
  if (offset > text.size()) return std::nullopt;
  return offset;
}

// The end of the quoted scalar that opens at `begin` (one past its closing quote), or nothing.
std::optional<size_t> QuotedEnd(std::string_view text, size_t begin) {
  const char quote = text[begin];
  for (size_t i = begin + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is an escaped quote inside single quotes
      } else {
        return i + 1;
      }
    }
  }
  return std::nullopt;
}

// Whether `token`, read as YAML on its own, is the scalar `value`.
bool ReadsAs(std::string_view token, const std::string& value) {
  try {
    const YAML::Node node = YAML::Load(std::string(token));
    return node.IsScalar() && node.Scalar() == value;
  } catch (const YAML::Exception&) {
    return false;
  }
}

// `value` written in the quoting style `quote` ('"', '\'' or 0 for plain).
std::string Quote(std::string_view value, char quote) {
  if (quote == 0) return std::string(value);
  std::string out(1, quote);
  for (char c : value) {
    if (quote == '"' && (c == '"' || c == '\\')) out += '\\';
    if (quote == '\'' && c == '\'') out += '\'';
    out += c;
  }
  out += quote;
  return out;
}

struct Replacement {
  size_t begin, end;
  std::string text;
};

// Where the scalar `url` is written in `text`, and what replaces it.
StatusOr<Replacement> Locate(std::string_view text, const YAML::Node& url,
                             const std::function<std::string(std::string_view)>& redact) {
  const YAML::Mark mark = url.Mark();
  auto where = [&] {
    return "line " + std::to_string(mark.line + 1) + " column " + std::to_string(mark.column + 1);
  };
  std::optional<size_t> at = OffsetOf(text, mark);
  if (!at) return InvalidArgument("a webhook url's position is outside the text (" + where() + ")");
  size_t begin = *at;
  // An anchor or a tag may come before the value on its line: `url: &hook !!str "https://..."`.
  while (begin < text.size() && (text[begin] == '&' || text[begin] == '!')) {
    begin = text.find_first_of(" \t\r\n", begin);
    if (begin == std::string_view::npos) begin = text.size();
    while (begin < text.size() && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  }
  if (begin >= text.size()) return InvalidArgument("no webhook url at " + where());
  const std::string& value = url.Scalar();
  const std::string redacted = redact(value);
  const char first = text[begin];
  if (first == '"' || first == '\'') {
    std::optional<size_t> end = QuotedEnd(text, begin);
    if (end && ReadsAs(text.substr(begin, *end - begin), value)) {
      return Replacement{begin, *end, Quote(redacted, first)};
    }
  } else if (text.substr(begin, value.size()) == value && ReadsAs(value, value)) {
    return Replacement{begin, begin + value.size(), Quote(redacted, 0)};
  }
  return InvalidArgument("the webhook url at " + where() +
                         " is not a one-line plain or quoted scalar");
}

StatusOr<std::vector<YAML::Node>> LoadUrls(const std::string& text) {
  try {
    return WebhookUrls(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument("the text is not YAML: " + e.msg);
  }
}

}  // namespace

StatusOr<std::string> RedactWebhookUrls(
    std::string_view yaml_text, const std::function<std::string(std::string_view)>& redact) {
  const std::string text(yaml_text);
  DB_ASSIGN_OR_RETURN(std::vector<YAML::Node> urls, LoadUrls(text));
  std::vector<Replacement> replacements;
  std::vector<std::string> expected;
  for (const YAML::Node& url : urls) {
    expected.push_back(redact(url.Scalar()));
    DB_ASSIGN_OR_RETURN(Replacement r, Locate(text, url, redact));
    // An alias (`webhook: *hook`) is the anchored node again: its text is replaced once.
    bool seen = false;
    for (const Replacement& other : replacements) seen = seen || other.begin == r.begin;
    if (!seen) replacements.push_back(std::move(r));
  }
  std::sort(replacements.begin(), replacements.end(),
            [](const Replacement& a, const Replacement& b) { return a.begin > b.begin; });
  std::string out = text;
  for (size_t i = 0; i < replacements.size(); ++i) {
    const Replacement& r = replacements[i];
    if (i > 0 && r.end > replacements[i - 1].begin) {
      return InvalidArgument("two webhook urls overlap in the text");
    }
    out.replace(r.begin, r.end - r.begin, r.text);
  }
  // The result must read as the same policy with every URL redacted, or it is not shown.
  DB_ASSIGN_OR_RETURN(std::vector<YAML::Node> after, LoadUrls(out));
  if (after.size() != expected.size()) {
    return InvalidArgument("the redacted text no longer has the same webhook urls");
  }
  for (size_t i = 0; i < after.size(); ++i) {
    if (after[i].Scalar() != expected[i]) {
      return InvalidArgument("a webhook url could not be redacted in place");
    }
  }
  return out;
}

}  // namespace drawbridge::policy
