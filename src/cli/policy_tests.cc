#include "cli/policy_tests.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "api/check_input.h"
#include "api/wire.h"
#include "classify/payload_analyzer.h"
#include "cli/grants_file.h"
#include "cli/yaml_json.h"
#include "core/engine.h"
#include "core/explain.h"
#include "core/time_format.h"

namespace drawbridge::cli {
using api::CheckInput;
using api::ParseContextJson;
namespace {

const std::set<std::string> kCaseKeys = {
    "name", "principal", "action", "resource", "sql",    "command",  "http",    "context",
    "at",   "grants",    "expect", "rule",     "reason", "database", "db_role", "search_path"};

std::string Where(const std::string& file, const YAML::Node& node) {
  return file + ":" + std::to_string(node.Mark().line + 1) + ":" +
         std::to_string(node.Mark().column + 1);
}

Status AddGrants(const YAML::Node& list, const std::string& file, core::GrantIndex& index) {
  if (!list) return Status::Ok();
  if (!list.IsSequence()) return InvalidArgument(Where(file, list) + ": grants must be a list");
  for (const auto& item : list) {
    auto spec = GrantFromJson(YamlToJson(item));
    if (!spec.ok()) return spec.status().WithContext(Where(file, item));
    if (Status s = index.Add(*spec); !s.ok()) return s.WithContext(Where(file, item));
  }
  return Status::Ok();
}

StatusOr<CheckInput> ReadCase(const YAML::Node& c, const std::string& file) {
  CheckInput in;
  for (const auto& kv : c) {
    std::string key = kv.first.as<std::string>();
    if (kCaseKeys.count(key) == 0) {
      return InvalidArgument(Where(file, kv.first) + ": unknown test key '" + key + "'");
    }
  }
  for (const char* required : {"principal", "action", "resource", "expect"}) {
    if (!c[required]) {
      return InvalidArgument(Where(file, c) + ": test case needs '" + std::string(required) + "'");
    }
  }
  in.principal = c["principal"].as<std::string>();
  in.action = c["action"].as<std::string>();
  in.resource = c["resource"].as<std::string>();
  if (c["sql"]) {
    in.payload_kind = Payload::Kind::kSql;
    in.text = c["sql"].as<std::string>();
  } else if (c["command"]) {
    in.payload_kind = Payload::Kind::kShell;
    in.text = c["command"].as<std::string>();
  } else if (c["http"]) {
    const YAML::Node& h = c["http"];
    if (!h.IsMap() || !h["method"] || !h["path"]) {
      return InvalidArgument(Where(file, h) + ": http must be {method: M, path: P}");
    }
    in.payload_kind = Payload::Kind::kHttp;
    in.http_method = h["method"].as<std::string>();
    in.http_path = h["path"].as<std::string>();
  }
  if (c["database"]) in.database = c["database"].as<std::string>();
  if (c["db_role"]) in.role = c["db_role"].as<std::string>();
  if (c["search_path"]) in.search_path = c["search_path"].as<std::string>();
  if (c["context"]) {
    Status s = ParseContextJson(YamlToJson(c["context"]), in);
    if (!s.ok()) return s.WithContext(Where(file, c["context"]));
  }
  return in;
}

}  // namespace

StatusOr<PolicyTestReport> RunPolicyTests(const core::CompiledPolicy& policy,
                                          const std::string& tests_yaml,
                                          const std::string& file_name) {
  YAML::Node root;
  try {
    root = YAML::Load(tests_yaml);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(file_name + ":" + std::to_string(e.mark.line + 1) + ":" +
                           std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!root.IsMap() || !root["tests"] || !root["tests"].IsSequence()) {
    return InvalidArgument(file_name + ": expected a map with a 'tests' list");
  }
  classify::ClassifierAnalyzer analyzer;
  PolicyTestReport report;
  int index = 0;
  try {
    for (const auto& c : root["tests"]) {
      ++index;
      std::string name = c["name"] ? c["name"].as<std::string>() : "case " + std::to_string(index);
      auto input = ReadCase(c, file_name);
      if (!input.ok()) return input.status();
      core::GrantIndex grants;
      DB_RETURN_IF_ERROR(AddGrants(root["grants"], file_name, grants));
      DB_RETURN_IF_ERROR(AddGrants(c["grants"], file_name, grants));
      int64_t now = 0;
      std::string at =
          c["at"] ? c["at"].as<std::string>() : (root["at"] ? root["at"].as<std::string>() : "");
      if (at.empty()) {
        now = std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
      } else if (auto t = core::ParseRfc3339(at)) {
        now = *t;
      } else {
        return InvalidArgument(Where(file_name, c) + ": 'at' must be an RFC 3339 time");
      }
      std::string expect = c["expect"].as<std::string>();
      if (expect != "allow" && expect != "deny" && expect != "approval_required") {
        return InvalidArgument(Where(file_name, c["expect"]) +
                               ": expect must be allow, deny or approval_required");
      }
      core::Engine engine(policy, grants, analyzer);
      CheckRequest request = input->View();
      core::Verdict v = engine.Check(request, TimePoint(std::chrono::seconds(now)));
      core::Explanation e = core::Explain(engine, request, v);
      std::string got(DecisionName(v.decision));
      std::string problem;
      if (got != expect) {
        problem = "expected " + expect + ", got " + got + " (" + e.reason + ")";
      } else if (c["rule"]) {
        std::string rule = c["rule"].as<std::string>();
        if (std::find(e.rules.begin(), e.rules.end(), rule) == e.rules.end()) {
          std::string rules;
          for (const auto& r : e.rules) rules += (rules.empty() ? "" : ", ") + r;
          problem = "expected rule " + rule + " among the deciding rules, got [" + rules + "]";
        }
      }
      if (problem.empty() && c["reason"] && c["reason"].as<std::string>() != e.reason_code) {
        problem = "expected reason " + c["reason"].as<std::string>() + ", got " + e.reason_code;
      }
      if (problem.empty()) {
        ++report.passed;
      } else {
        report.failures.push_back({name, Where(file_name, c) + ": " + problem});
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(file_name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return report;
}

}  // namespace drawbridge::cli
