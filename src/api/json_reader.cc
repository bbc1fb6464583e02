#include "api/json_reader.h"

#include <boost/json.hpp>

#include "core/time_format.h"

namespace drawbridge::api {
namespace json = boost::json;

JsonReader::JsonReader(const json::value& v, std::string what) : what_(std::move(what)) {
  if (!v.is_object()) {
    Fail("is not a JSON object");
  } else {
    object_ = &v.as_object();
  }
}

const json::value* JsonReader::Find(std::string_view key) const {
  return object_ == nullptr ? nullptr : object_->if_contains(key);
}

void JsonReader::String(std::string_view key, std::string& out) {
  const json::value* v = Find(key);
  if (v == nullptr || v->is_null()) return;
  if (!v->is_string()) return Fail(std::string(key) + " must be a string");
  out = std::string(v->as_string());
}

void JsonReader::Strings(std::string_view key, std::vector<std::string>& out) {
  const json::value* v = Find(key);
  if (v == nullptr || v->is_null()) return;
  if (!v->is_array()) return Fail(std::string(key) + " must be a list of strings");
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) return Fail(std::string(key) + " must be a list of strings");
    out.emplace_back(item.as_string());
  }
}

void JsonReader::Unsigned(std::string_view key, uint64_t& out) {
  const json::value* v = Find(key);
  if (v == nullptr || v->is_null()) return;
  if (v->is_uint64()) {
    out = v->as_uint64();
  } else if (v->is_int64() && v->as_int64() >= 0) {
    out = static_cast<uint64_t>(v->as_int64());
  } else {
    Fail(std::string(key) + " must be a non-negative integer");
  }
}

void JsonReader::Bool(std::string_view key, bool& out) {
  const json::value* v = Find(key);
  if (v == nullptr || v->is_null()) return;
  if (!v->is_bool()) return Fail(std::string(key) + " must be true or false");
  out = v->as_bool();
}

void JsonReader::TimeField(std::string_view key, int64_t& out) {
  std::string text;
  String(key, text);
  if (text.empty()) return;
  auto t = core::ParseRfc3339(text);
  if (!t) return Fail(std::string(key) + " must be an RFC 3339 time");
  out = *t;
}

void JsonReader::ScopeField(Scope& out) {
  const json::value* v = Find("scope");
  if (v == nullptr || v->is_null()) return;
  JsonReader scope(*v, what_ + ".scope");
  scope.String("resource", out.resource);
  if (const json::value* sel = scope.Find("selector"); sel != nullptr) {
    if (!sel->is_object()) return Fail("scope.selector must be an object of strings");
    for (const auto& [k, value] : sel->as_object()) {
      if (!value.is_string()) return Fail("scope.selector values must be strings");
      out.selector.emplace_back(std::string(k), std::string(value.as_string()));
    }
  }
  if (!scope.status().ok()) error_ = scope.status();
}

void JsonReader::Fail(const std::string& message) {
  if (error_.ok()) error_ = InvalidArgument(what_ + ": " + message);
}

}  // namespace drawbridge::api
