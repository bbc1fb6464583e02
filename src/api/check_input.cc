#include "api/check_input.h"

#include <boost/json.hpp>

namespace drawbridge::api {

CheckRequest CheckInput::View() const {
  CheckRequest r;
  r.principal = principal;
  r.action = action;
  r.resource = resource;
  r.payload.kind = payload_kind;
  r.payload.text = text;
  r.payload.argv = &argv;
  r.payload.resolved_program = resolved_program;
  r.payload.http_method = http_method;
  r.payload.http_path = http_path;
  r.payload.database = database;
  r.payload.role = role;
  r.payload.search_path = search_path;
  for (const auto& [k, v] : labels) r.context.resource_labels.emplace_back(k, v);
  r.context.resource_kind = kind;
  for (const std::string& g : groups) r.context.groups.push_back(g);
  r.context.mfa = mfa;
  r.context.source_ip = source_ip;
  return r;
}

Status ParseContextJson(const boost::json::value& json, CheckInput& input) {
  if (!json.is_object()) return InvalidArgument("context must be a JSON object");
  for (const auto& [key, value] : json.as_object()) {
    if (key == "labels") {
      if (!value.is_object()) return InvalidArgument("context.labels must be an object of strings");
      for (const auto& [k, v] : value.as_object()) {
        if (!v.is_string())
          return InvalidArgument("context.labels." + std::string(k) + " must be a string");
        input.labels.emplace_back(std::string(k), std::string(v.as_string()));
      }
    } else if (key == "kind") {
      if (!value.is_string()) return InvalidArgument("context.kind must be a string");
      input.kind = std::string(value.as_string());
    } else if (key == "groups") {
      if (!value.is_array()) return InvalidArgument("context.groups must be a list of strings");
      for (const auto& g : value.as_array()) {
        if (!g.is_string()) return InvalidArgument("context.groups must be a list of strings");
        input.groups.emplace_back(g.as_string());
      }
    } else if (key == "mfa") {
      if (!value.is_bool()) return InvalidArgument("context.mfa must be true or false");
      input.mfa = value.as_bool();
    } else if (key == "source_ip") {
      if (!value.is_string()) return InvalidArgument("context.source_ip must be a string");
      input.source_ip = std::string(value.as_string());
    } else {
      return InvalidArgument("unknown context key '" + std::string(key) +
                             "' (expected labels, kind, groups, mfa, source_ip)");
    }
  }
  return Status::Ok();
}

namespace {

StatusOr<std::string> StringField(const boost::json::value& v, std::string_view name) {
  if (!v.is_string()) return InvalidArgument(std::string(name) + " must be a string");
  return std::string(v.as_string());
}

Status ParsePayloadJson(const boost::json::value& json, CheckInput& input) {
  if (!json.is_object()) return InvalidArgument("payload must be a JSON object");
  const boost::json::object& o = json.as_object();
  const boost::json::value* kind = o.if_contains("kind");
  if (kind == nullptr || !kind->is_string()) {
    return InvalidArgument("payload.kind must be one of sql, shell, argv, http");
  }
  const std::string_view k = kind->as_string();
  for (const auto& member : o) {
    const std::string_view key = member.key();
    const boost::json::value& value = member.value();
    auto field = [&](std::string& out) -> Status {
      auto s = StringField(value, "payload." + std::string(key));
      if (!s.ok()) return s.status();
      out = std::move(s).value();
      return Status::Ok();
    };
    if (key == "kind") continue;
    if (key == "text" && (k == "sql" || k == "shell")) {
      DB_RETURN_IF_ERROR(field(input.text));
    } else if (k == "sql" && key == "database") {
      DB_RETURN_IF_ERROR(field(input.database));
    } else if (k == "sql" && key == "role") {
      DB_RETURN_IF_ERROR(field(input.role));
    } else if (k == "sql" && key == "search_path") {
      DB_RETURN_IF_ERROR(field(input.search_path));
    } else if (k == "argv" && key == "argv") {
      if (!value.is_array()) return InvalidArgument("payload.argv must be a list of strings");
      for (const auto& a : value.as_array()) {
        if (!a.is_string()) return InvalidArgument("payload.argv must be a list of strings");
        input.argv.emplace_back(a.as_string());
      }
    } else if (k == "argv" && key == "program") {
      DB_RETURN_IF_ERROR(field(input.resolved_program));
    } else if (k == "http" && key == "method") {
      DB_RETURN_IF_ERROR(field(input.http_method));
    } else if (k == "http" && key == "path") {
      DB_RETURN_IF_ERROR(field(input.http_path));
    } else {
      return InvalidArgument("unknown key '" + std::string(key) + "' in a " + std::string(k) +
                             " payload");
    }
  }
  if (k == "sql" || k == "shell") {
    input.payload_kind = k == "sql" ? Payload::Kind::kSql : Payload::Kind::kShell;
    if (input.text.empty())
      return InvalidArgument("payload.text is required for " + std::string(k));
  } else if (k == "argv") {
    input.payload_kind = Payload::Kind::kArgv;
    if (input.argv.empty()) return InvalidArgument("payload.argv must name a program");
  } else if (k == "http") {
    input.payload_kind = Payload::Kind::kHttp;
    if (input.http_method.empty() || input.http_path.empty()) {
      return InvalidArgument("an http payload needs method and path");
    }
  } else {
    return InvalidArgument("payload.kind must be one of sql, shell, argv, http");
  }
  return Status::Ok();
}

}  // namespace

Status ParseCheckJson(const boost::json::value& json, CheckInput& input) {
  if (!json.is_object()) return InvalidArgument("the body must be a JSON object");
  for (const auto& [key, value] : json.as_object()) {
    if (key == "principal" || key == "action" || key == "resource") {
      auto s = StringField(value, key);
      if (!s.ok()) return s.status();
      (key == "principal" ? input.principal
       : key == "action"  ? input.action
                          : input.resource) = std::move(s).value();
    } else if (key == "payload") {
      if (!value.is_null()) DB_RETURN_IF_ERROR(ParsePayloadJson(value, input));
    } else if (key == "context") {
      DB_RETURN_IF_ERROR(ParseContextJson(value, input));
    } else {
      return InvalidArgument("unknown key '" + std::string(key) +
                             "' (expected principal, action, resource, payload, context)");
    }
  }
  if (input.action.empty()) return InvalidArgument("action is required, e.g. \"db.query\"");
  if (input.resource.empty()) return InvalidArgument("resource is required, e.g. \"db/orders\"");
  return Status::Ok();
}

boost::json::object CheckInputToJson(const CheckInput& input) {
  boost::json::object o{
      {"principal", input.principal}, {"action", input.action}, {"resource", input.resource}};
  switch (input.payload_kind) {
    case Payload::Kind::kNone: break;
    case Payload::Kind::kSql: {
      boost::json::object p{{"kind", "sql"}, {"text", input.text}};
      if (!input.database.empty()) p["database"] = input.database;
      if (!input.role.empty()) p["role"] = input.role;
      if (!input.search_path.empty()) p["search_path"] = input.search_path;
      o["payload"] = std::move(p);
      break;
    }
    case Payload::Kind::kShell:
      o["payload"] = boost::json::object{{"kind", "shell"}, {"text", input.text}};
      break;
    case Payload::Kind::kArgv: {
      boost::json::array argv;
      for (const auto& a : input.argv) argv.emplace_back(a);
      boost::json::object p{{"kind", "argv"}, {"argv", std::move(argv)}};
      if (!input.resolved_program.empty()) p["program"] = input.resolved_program;
      o["payload"] = std::move(p);
      break;
    }
    case Payload::Kind::kHttp:
      o["payload"] = boost::json::object{
          {"kind", "http"}, {"method", input.http_method}, {"path", input.http_path}};
      break;
  }
  boost::json::object ctx;
  if (!input.labels.empty()) {
    boost::json::object labels;
    for (const auto& [k, v] : input.labels) labels[k] = v;
    ctx["labels"] = std::move(labels);
  }
  if (!input.kind.empty()) ctx["kind"] = input.kind;
  if (!input.groups.empty()) {
    boost::json::array groups;
    for (const auto& g : input.groups) groups.emplace_back(g);
    ctx["groups"] = std::move(groups);
  }
  if (input.mfa) ctx["mfa"] = true;
  if (!input.source_ip.empty()) ctx["source_ip"] = input.source_ip;
  if (!ctx.empty()) o["context"] = std::move(ctx);
  return o;
}

}  // namespace drawbridge::api
