// An owned check request as it arrives from a command line, a test file or a JSON body, and the
// conversion to the borrowed drawbridge::CheckRequest the engine reads.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "drawbridge/decision.h"
#include "drawbridge/status.h"

namespace drawbridge::api {

struct CheckInput {
  std::string principal, action, resource;
  Payload::Kind payload_kind = Payload::Kind::kNone;
  std::string text;               // SQL or command line
  std::vector<std::string> argv;  // kArgv
  std::string resolved_program;
  std::string http_method, http_path;
  std::string database, role, search_path;
  // context
  std::vector<std::pair<std::string, std::string>> labels;
  std::string kind;
  std::vector<std::string> groups;
  bool mfa = false;
  std::string source_ip;

  // Views into this object: keep it alive while the request is used.
  CheckRequest View() const;
};

// Reads `{"labels": {..}, "kind": "..", "groups": [..], "mfa": bool, "source_ip": ".."}`.
Status ParseContextJson(const boost::json::value& json, CheckInput& input);

// The body of POST /v1/check (and of an action request's "action" part):
//   {"principal", "action", "resource",
//    "payload": {"kind": "sql", "text", "database"?, "role"?, "search_path"?}
//             | {"kind": "shell", "text"} | {"kind": "argv", "argv": [..], "program"?}
//             | {"kind": "http", "method", "path"},
//    "context": {...as ParseContextJson}}
// Unknown keys are refused so that a misspelt field never silently widens a decision.
Status ParseCheckJson(const boost::json::value& json, CheckInput& input);
boost::json::object CheckInputToJson(const CheckInput& input);

}  // namespace drawbridge::api
