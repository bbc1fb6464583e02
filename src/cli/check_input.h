// An owned check request as it arrives from a command line, a test file or a JSON body, and the
// conversion to the borrowed drawbridge::CheckRequest the engine reads.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/explain.h"
#include "drawbridge/decision.h"
#include "drawbridge/status.h"

namespace drawbridge::cli {

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

// {"decision", "reason", "reason_code", "rules", "grant", "facts", "request": {...}}
boost::json::object ExplanationToJson(const core::Explanation& e);
// Human-readable, several lines.
std::string ExplanationToText(const core::Explanation& e);

}  // namespace drawbridge::cli
