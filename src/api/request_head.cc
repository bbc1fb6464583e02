#include "api/request_head.h"

#include <cctype>

namespace drawbridge::api {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class Part { kPath, kQuery };

// In a path, an escaped '/' or '%' stays escaped (as %2F, %25): the path is split into segments
// after this, and a segment (an id) may hold either.
bool Decode(std::string_view in, std::string& out, Part part) {
  const bool plus_is_space = part == Part::kQuery;
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (part == Part::kPath && (decoded == '/' || decoded == '%')) {
        out += decoded == '/' ? "%2F" : "%25";
      } else {
        out += decoded;
      }
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

}  // namespace

Status ParseTarget(std::string_view target, std::string& path,
                   std::map<std::string, std::string, std::less<>>& query) {
  // Built only when refused: this runs for every request, checks included.
  auto bad_encoding = [] {
    return InvalidArgument("the request target is not valid percent-encoding");
  };
  size_t q = target.find('?');
  if (!Decode(target.substr(0, q), path, Part::kPath)) return bad_encoding();
  if (q == std::string_view::npos) return Status::Ok();
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key, value;
    if (!Decode(pair.substr(0, eq), key, Part::kQuery)) return bad_encoding();
    if (eq != std::string_view::npos && !Decode(pair.substr(eq + 1), value, Part::kQuery)) {
      return bad_encoding();
    }
    auto [it, added] = query.try_emplace(std::move(key), std::move(value));
    if (!added) {
      return InvalidArgument("the query parameter '" + it->first.substr(0, 64) +
                             "' is given more than once; give it once");
    }
  }
  return Status::Ok();
}

std::string DecodePathSegment(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment.substr(i, 3) == "%2F") {
      out += '/';
      i += 2;
    } else if (segment.substr(i, 3) == "%25") {
      out += '%';
      i += 2;
    } else {
      out += segment[i];
    }
  }
  return out;
}

namespace {

std::string_view TrimWhiteSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A parameter value: a token, or a quoted-string with its backslash escapes undone.
std::string Unquote(std::string_view value) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::string(value);
  std::string out;
  for (size_t i = 1; i + 1 < value.size(); ++i) {
    if (value[i] == '\\' && i + 2 < value.size()) ++i;
    out += value[i];
  }
  return out;
}

}  // namespace

MediaType ParseMediaType(std::string_view header) {
  MediaType type;
  size_t semicolon = header.find(';');
  type.essence = Lowercase(TrimWhiteSpace(header.substr(0, semicolon)));
  // Parameters: a quoted value may itself hold ';', so each is read to its own end.
  std::string_view rest =
      semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
  while (!rest.empty()) {
    size_t end = 0;
    bool quoted = false;
    for (; end < rest.size(); ++end) {
      if (rest[end] == '"') quoted = !quoted;
      if (quoted && rest[end] == '\\') ++end;
      if (!quoted && rest[end] == ';') break;
    }
    std::string_view parameter = TrimWhiteSpace(rest.substr(0, end));
    rest = end < rest.size() ? rest.substr(end + 1) : std::string_view();
    size_t eq = parameter.find('=');
    if (eq == std::string_view::npos) continue;
    if (Lowercase(TrimWhiteSpace(parameter.substr(0, eq))) == "charset") {
      type.charset = Lowercase(Unquote(TrimWhiteSpace(parameter.substr(eq + 1))));
    }
  }
  return type;
}

}  // namespace drawbridge::api
