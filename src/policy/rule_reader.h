// Readers for the parts that rules share: principal lists, action lists, resource selectors,
// conditions (`when:`) and approval rules. Used by document_reader.cc. Thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "policy/document.h"
#include "policy/references.h"
#include "policy/yaml_reader.h"

namespace drawbridge::policy {

// Where a `when:` appears decides which conditions make sense there.
enum class WhenContext {
  kAssignment,   // time, source_cidrs, mfa
  kGuardrail,    // facts, http_paths, time, source_cidrs, mfa
  kAutoApprove,  // resources, time, source_cidrs, mfa
};

// Guardrail-only parts of a guardrail's `approval:` map.
struct ActionApprovalLimits {
  Seconds ttl{15 * 60};
  int uses = 1;
};

class RuleReader {
 public:
  RuleReader(YamlReader& reader, References& references)
      : reader_(reader), references_(references) {}

  // `allow_everyone`: "*" is accepted (assignments and eligibility only).
  std::vector<std::string> Principals(const YamlValue& value, bool allow_everyone);
  std::vector<std::string> Actions(const YamlValue& value);
  std::vector<std::string> Roles(const YamlValue& value);
  ResourceSelector Selector(const YamlValue& value);
  Conditions When(const YamlValue& value, WhenContext context);
  // `limits` is non-null for a guardrail's approval, which may also set ttl and uses.
  ApprovalRule Approval(const YamlValue& value, ActionApprovalLimits* limits);

 private:
  ApprovalStep Step(const YamlValue& value, const MapFields* single_step_fields);
  FactSet Facts(const YamlValue& value, std::string_view family);
  TimeWindow Window(const YamlValue& value);
  void ReportEmpty(const YamlValue& value, std::string_view example);

  YamlReader& reader_;
  References& references_;
};

}  // namespace drawbridge::policy
