// Shared setup for the token tests: a JitService on a store (memory or a SQLite file in a
// scratch directory) under a manual clock, and the example policy.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "classify/payload_analyzer.h"
#include "policy/compiler.h"
#include "service/jit_service.h"
#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_contract.h"

namespace drawbridge::testing {

inline constexpr int64_t kTokenTestStart = 1767607200000;  // 2026-01-05T10:00:00Z

inline std::shared_ptr<const core::CompiledPolicy> TokenTestPolicy() {
  static auto policy =
      *policy::LoadAndCompile(std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy");
  return policy;
}

// A service of one tenant over a store it does not own.
class ServiceHarness {
 public:
  explicit ServiceHarness(Store& store, std::string tenant = "default") {
    auto service = service::JitService::Open(TokenTestPolicy(), store, clock_, ids_, analyzer_,
                                             {.tenant = std::move(tenant)});
    EXPECT_TRUE(service.ok()) << service.status().ToString();
    if (service.ok()) service_ = std::move(service).value();
  }

  service::JitService& service() { return *service_; }
  ManualClock& clock() { return clock_; }
  int64_t now_seconds() const { return clock_.NowMillis() / 1000; }

 private:
  ManualClock clock_{kTokenTestStart};
  workflow::SequentialIdSource ids_;
  classify::ClassifierAnalyzer analyzer_;
  std::unique_ptr<service::JitService> service_;
};

inline service::TokenInput TokenFor(std::string principal, TokenRole role = TokenRole::kUser) {
  service::TokenInput input;
  input.principal = std::move(principal);
  input.role = role;
  return input;
}

inline std::string Bearer(const std::string& token) {
  return "Bearer " + token;
}

}  // namespace drawbridge::testing
