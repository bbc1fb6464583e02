#include <string>

#include "classify/common/sha256.h"
#include "drawbridge/classify.h"

namespace drawbridge::classify {
namespace {

bool IsToken(std::string_view method) {
  if (method.empty() || method.size() > 32) return false;
  for (char c : method) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_')) return false;
  }
  return true;
}

bool EqualsUpper(std::string_view method, std::string_view upper) {
  if (method.size() != upper.size()) return false;
  for (size_t i = 0; i < method.size(); ++i) {
    char c = method[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

}  // namespace

Classification ClassifyHttp(std::string_view method, std::string_view path) {
  Classification out;
  if (!IsToken(method)) {
    out.facts.Add(Fact::kUnparseable);
    out.error = "HTTP method is not a token";
    return out;
  }
  if (path.empty() || path.front() != '/') {
    out.facts.Add(Fact::kUnparseable);
    out.error = "HTTP path must start with '/'";
    return out;
  }
  struct Known {
    std::string_view name;
    Fact fact;
    bool writes;
  };
  static constexpr Known kMethods[] = {
      {"GET", Fact::kHttpMethodGet, false},         {"HEAD", Fact::kHttpMethodHead, false},
      {"OPTIONS", Fact::kHttpMethodOptions, false}, {"POST", Fact::kHttpMethodPost, true},
      {"PUT", Fact::kHttpMethodPut, true},          {"PATCH", Fact::kHttpMethodPatch, true},
      {"DELETE", Fact::kHttpMethodDelete, true},
  };
  for (const Known& known : kMethods) {
    if (EqualsUpper(method, known.name)) {
      out.facts.Add(known.fact);
      if (known.writes) out.facts.Add(Fact::kHttpWrite);
      return out;
    }
  }
  out.facts.Add(Fact::kHttpMethodOther);
  out.facts.Add(Fact::kHttpWrite);  // an unknown method may change state: assume it does
  return out;
}

Digest FingerprintHttp(std::string_view method, std::string_view path) {
  std::string upper(method);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  Sha256 sha;
  sha.UpdateField("http/1").UpdateField(upper).UpdateField(path);
  return sha.Finish();
}

}  // namespace drawbridge::classify
