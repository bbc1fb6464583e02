// Loads a policy from YAML (one file, or a directory whose *.yaml/*.yml files form one policy)
// and validates it. Errors carry FILE:LINE:COL and say what is wrong and how to fix it; every
// position names the file it is in, so errors from a directory point into the right file.
// Reads files; not for the hot path. Thread-compatible.
// Format reference: docs/POLICY.md.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drawbridge/status.h"
#include "policy/document.h"
#include "policy/error.h"

namespace drawbridge::policy {

struct LoadResult {
  PolicyDocument document;          // meaningful only when errors is empty
  std::vector<PolicyError> errors;  // every problem found, in file order
  // Each file as it was read, (name, text) in load order: what the policy in force says, and
  // what its version is a hash of, without reading the files a second time.
  std::vector<std::pair<std::string, std::string>> sources;
  bool ok() const { return errors.empty(); }
  // All errors, one per line; or "" when ok.
  std::string ErrorText() const;
};

// A file, or a directory: its *.yaml and *.yml files in name order, merged into one policy
// (sections concatenate; a name defined twice is an error naming both places). Policy test files
// in the directory (tests.yaml, test.yaml, *_test.yaml, *_tests.yaml; .yml alike) are skipped.
LoadResult LoadPolicy(const std::filesystem::path& path);

// Whether a directory policy's loader reads this file: *.yaml or *.yml, not a policy test file.
bool IsPolicyFile(const std::filesystem::path& path);

// One document given as text; `file_name` is what error positions name.
LoadResult LoadPolicyText(std::string_view yaml, std::string_view file_name);

// Several documents (name, text) merged as LoadPolicy merges a directory's files.
LoadResult LoadPolicyTexts(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace drawbridge::policy
