// JsonReader: reads the named members of one JSON object into typed fields, remembering the
// first error with the member's name ("request: duration_seconds must be an integer"). A missing
// or null member leaves its field as it was. Used to decode the API's bodies on both sides: the
// server reading what a client sent, the client reading what the server answered.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drawbridge/model.h"
#include "drawbridge/status.h"

namespace drawbridge::api {

class JsonReader {
 public:
  // `what` names the object in errors ("request", "decision.request").
  JsonReader(const boost::json::value& v, std::string what);

  const boost::json::value* Find(std::string_view key) const;
  void String(std::string_view key, std::string& out);
  void Strings(std::string_view key, std::vector<std::string>& out);
  template <typename Int>
  void Integer(std::string_view key, Int& out) {
    const boost::json::value* v = Find(key);
    if (v == nullptr || v->is_null()) return;
    if (!v->is_int64()) return Fail(std::string(key) + " must be an integer");
    out = static_cast<Int>(v->as_int64());
  }
  // A non-negative integer, up to 2^64 - 1.
  void Unsigned(std::string_view key, uint64_t& out);
  void Bool(std::string_view key, bool& out);
  // RFC 3339 text.
  void TimeField(std::string_view key, int64_t& out);
  // "scope": {"resource": ...} or {"selector": {label: value, ...}}.
  void ScopeField(Scope& out);
  // Records `message` (about this object) unless an error is already recorded.
  void Fail(const std::string& message);
  // kInvalidArgument with "what: message" for the first error, or OK.
  const Status& status() const { return error_; }

 private:
  std::string what_;
  const boost::json::object* object_ = nullptr;
  Status error_;
};

}  // namespace drawbridge::api
