// Helpers for policy loader tests: load YAML text and find an error by position and text.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "policy/loader.h"

namespace drawbridge::policy::testing {

inline constexpr std::string_view kFile = "policy.yaml";

// The errors of loading `yaml` as policy.yaml, one per line.
inline std::string LoadErrors(std::string_view yaml) {
  return LoadPolicyText(yaml, kFile).ErrorText();
}

// Passes when loading `yaml` reports an error at `where` ("LINE:COL") whose message contains
// `text`.
inline ::testing::AssertionResult HasError(std::string_view yaml, std::string_view where,
                                           std::string_view text) {
  LoadResult result = LoadPolicyText(yaml, kFile);
  const std::string position = std::string(kFile) + ":" + std::string(where);
  for (const PolicyError& error : result.errors) {
    if (FormatPos(error.pos) == position && error.message.find(text) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no error at " << position << " containing '" << text << "'; errors were:\n"
         << result.ErrorText();
}

}  // namespace drawbridge::policy::testing
