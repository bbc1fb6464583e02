#include "cli/grants_file.h"

#include <boost/json.hpp>

#include "core/hex.h"
#include "core/time_format.h"

namespace drawbridge::cli {
namespace {

StatusOr<int64_t> TimeField(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return InvalidArgument("missing '" + std::string(key) + "'");
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_string()) {
    auto t = core::ParseRfc3339(std::string_view(v->as_string()));
    if (t) return *t;
  }
  return InvalidArgument("'" + std::string(key) +
                         "' must be Unix seconds or an RFC 3339 time like 2026-01-05T10:00:00Z");
}

}  // namespace

StatusOr<core::GrantSpec> GrantFromJson(const boost::json::value& json) {
  if (!json.is_object()) return InvalidArgument("a grant must be a JSON object");
  const auto& o = json.as_object();
  core::GrantSpec g;
  auto str = [&](std::string_view key, std::string& out) -> Status {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) {
      return InvalidArgument("'" + std::string(key) + "' must be a string");
    }
    out = std::string(v->as_string());
    return Status::Ok();
  };
  DB_RETURN_IF_ERROR(str("id", g.id));
  DB_RETURN_IF_ERROR(str("principal", g.principal).WithContext("grant " + g.id));
  std::string kind = "access";
  if (o.contains("kind")) DB_RETURN_IF_ERROR(str("kind", kind).WithContext("grant " + g.id));
  if (kind == "action") {
    g.kind = core::GrantKind::kAction;
    std::string fp;
    DB_RETURN_IF_ERROR(str("fingerprint", fp).WithContext("grant " + g.id));
    if (!core::DigestFromHex(fp, g.fingerprint)) {
      return InvalidArgument("grant " + g.id + ": fingerprint must be 64 lowercase hex digits");
    }
  } else if (kind != "access") {
    return InvalidArgument("grant " + g.id + ": kind must be 'access' or 'action'");
  } else {
    const boost::json::value* actions = o.if_contains("actions");
    if (actions == nullptr || !actions->is_array()) {
      return InvalidArgument("grant " + g.id + ": 'actions' must be a list of action names");
    }
    for (const auto& a : actions->as_array()) {
      if (!a.is_string()) return InvalidArgument("grant " + g.id + ": actions must be strings");
      g.actions.emplace_back(a.as_string());
    }
    const boost::json::value* scope = o.if_contains("scope");
    if (scope == nullptr || !scope->is_object()) {
      return InvalidArgument("grant " + g.id +
                             ": 'scope' must be {\"resource\": ID} or {\"selector\": {...}}");
    }
    if (const auto* r = scope->as_object().if_contains("resource"); r && r->is_string()) {
      g.scope.resource = std::string(r->as_string());
    } else if (const auto* s = scope->as_object().if_contains("selector"); s && s->is_object()) {
      for (const auto& [k, v] : s->as_object()) {
        if (!v.is_string())
          return InvalidArgument("grant " + g.id + ": selector values must be strings");
        g.scope.selector.emplace_back(std::string(k), std::string(v.as_string()));
      }
    } else {
      return InvalidArgument("grant " + g.id +
                             ": 'scope' must be {\"resource\": ID} or {\"selector\": {...}}");
    }
  }
  auto nb = TimeField(o, "not_before");
  if (!nb.ok()) return nb.status().WithContext("grant " + g.id);
  auto exp = TimeField(o, "expires_at");
  if (!exp.ok()) return exp.status().WithContext("grant " + g.id);
  g.not_before = *nb;
  g.expires_at = *exp;
  g.uses = kind == "action" ? 1 : -1;
  if (const auto* u = o.if_contains("uses")) {
    if (!u->is_int64()) return InvalidArgument("grant " + g.id + ": 'uses' must be an integer");
    g.uses = static_cast<int32_t>(u->as_int64());
  }
  return g;
}

StatusOr<std::vector<core::GrantSpec>> ParseGrants(std::string_view text, std::string_view source) {
  std::vector<core::GrantSpec> out;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return out;
  boost::system::error_code ec;
  if (text[first] == '[') {
    boost::json::value v = boost::json::parse(text, ec);
    if (ec) return InvalidArgument(std::string(source) + ": not valid JSON: " + ec.message());
    for (const auto& item : v.as_array()) {
      auto g = GrantFromJson(item);
      if (!g.ok()) return g.status().WithContext(std::string(source));
      out.push_back(std::move(g).value());
    }
    return out;
  }
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    boost::json::value v = boost::json::parse(line, ec);
    std::string where = std::string(source) + ":" + std::to_string(line_no);
    if (ec) return InvalidArgument(where + ": not valid JSON: " + ec.message());
    auto g = GrantFromJson(v);
    if (!g.ok()) return g.status().WithContext(where);
    out.push_back(std::move(g).value());
  }
  return out;
}

}  // namespace drawbridge::cli
