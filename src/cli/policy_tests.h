// Policy unit tests (`drawbridge policy test POLICY TESTS.yaml`): each case is a check with the
// decision it must get, and optionally the rule that must be among those that decided.
// Format: docs/POLICY_TESTING.md.
#pragma once

#include <string>
#include <vector>

#include "core/compiled_policy.h"
#include "drawbridge/status.h"

namespace drawbridge::cli {

struct PolicyTestFailure {
  std::string name;
  std::string message;  // "expected allow, got deny (no_permission: ...)"
};

struct PolicyTestReport {
  int passed = 0;
  std::vector<PolicyTestFailure> failures;
};

// Runs every case of the YAML text against `policy`. A malformed test file is an error.
StatusOr<PolicyTestReport> RunPolicyTests(const core::CompiledPolicy& policy,
                                          const std::string& tests_yaml,
                                          const std::string& file_name);

}  // namespace drawbridge::cli
