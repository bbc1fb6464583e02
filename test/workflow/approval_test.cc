// Counting approvals: which steps a principal serves, and whether approvers meet a spec.
#include "core/workflow/approval.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <functional>

#include "core/workflow/policy_lookup.h"
#include "workflow/workflow_test_util.h"

namespace drawbridge::workflow {
namespace {

using namespace testing;

core::ApprovalSpec Spec(core::ApprovalSpec::Mode mode, std::vector<int> mins, bool distinct) {
  core::ApprovalSpec spec;
  spec.mode = mode;
  spec.distinct_steps = distinct;
  for (int min : mins) spec.steps.push_back({{"group:x"}, min});
  return spec;
}

// Tries every way of giving each approver one step (or none).
bool BruteForce(const core::ApprovalSpec& spec, const std::vector<std::vector<size_t>>& approvers) {
  const size_t n = spec.steps.size();
  std::vector<int> counts(n, 0);
  auto met = [&](const std::vector<int>& c) {
    for (size_t s = 0; s < n; ++s) {
      if (c[s] < spec.steps[s].min_approvals) return false;
    }
    return true;
  };
  std::function<bool(size_t)> seat = [&](size_t i) {
    if (i == approvers.size()) return met(counts);
    if (seat(i + 1)) return true;
    for (size_t s : approvers[i]) {
      ++counts[s];
      const bool ok = seat(i + 1);
      --counts[s];
      if (ok) return true;
    }
    return false;
  };
  return seat(0);
}

// Test that the matching for all_of with distinct steps agrees with trying every seating.
RC_GTEST_PROP(ApprovalPropertyTest, DistinctStepsMatchingAgreesWithBruteForce, ()) {
  const int n_steps = *rc::gen::inRange(1, 4);
  const auto mins =
      *rc::gen::container<std::vector<int>>(static_cast<size_t>(n_steps), rc::gen::inRange(1, 3));
  const auto spec = Spec(core::ApprovalSpec::Mode::kAllOf, mins, true);
  const int n_approvers = *rc::gen::inRange(0, 7);
  std::vector<std::vector<size_t>> approvers;
  for (int a = 0; a < n_approvers; ++a) {
    std::vector<size_t> steps;
    for (int s = 0; s < n_steps; ++s) {
      if (*rc::gen::arbitrary<bool>()) steps.push_back(static_cast<size_t>(s));
    }
    approvers.push_back(steps);
  }
  RC_ASSERT(ApprovalsSatisfy(spec, approvers) == BruteForce(spec, approvers));
}

// Test the modes on small hand-made cases.
TEST(ApprovalTest, Modes) {
  using M = core::ApprovalSpec::Mode;
  EXPECT_FALSE(ApprovalsSatisfy(Spec(M::kSingle, {2}, true), {{0}}));
  EXPECT_TRUE(ApprovalsSatisfy(Spec(M::kSingle, {2}, true), {{0}, {0}}));
  EXPECT_TRUE(ApprovalsSatisfy(Spec(M::kAnyOf, {1, 2}, true), {{0}}));
  EXPECT_FALSE(ApprovalsSatisfy(Spec(M::kAnyOf, {2, 2}, true), {{0}, {1}}));
  // One person in both steps: enough only when steps need not be distinct.
  EXPECT_FALSE(ApprovalsSatisfy(Spec(M::kAllOf, {1, 1}, true), {{0, 1}}));
  EXPECT_TRUE(ApprovalsSatisfy(Spec(M::kAllOf, {1, 1}, false), {{0, 1}}));
  // The flexible approver must take the step nobody else can: a matching, not first-fit.
  EXPECT_TRUE(ApprovalsSatisfy(Spec(M::kAllOf, {1, 1}, true), {{0, 1}, {0}}));
  EXPECT_FALSE(ApprovalsSatisfy(core::ApprovalSpec{}, {{0}}));  // no steps approve nothing
}

// Test that approver steps follow the policy's groups, direct names and claims.
TEST(ApprovalTest, ApproverStepsFromGroupsAndClaims) {
  const core::EligibilityC* rule = FindEligibility(TestPolicy(), "pii-read");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(ApproverSteps(TestPolicy(), rule->approval, "user:erin", {}), std::vector<size_t>{0});
  EXPECT_EQ(ApproverSteps(TestPolicy(), rule->approval, "user:bob", {}), std::vector<size_t>{1});
  EXPECT_EQ(ApproverSteps(TestPolicy(), rule->approval, "user:zoe", {}),
            (std::vector<size_t>{0, 1}));
  EXPECT_TRUE(ApproverSteps(TestPolicy(), rule->approval, "user:carol", {}).empty());
  EXPECT_EQ(ApproverSteps(TestPolicy(), rule->approval, "user:new", {"dba"}),
            std::vector<size_t>{1});
  EXPECT_EQ(DescribeApproval(rule->approval), "all_of [1 of group:leads; 1 of group:dba]");
}

// Test the message helpers used in errors.
TEST(ApprovalTest, DurationsAndScopesReadAsInThePolicy) {
  EXPECT_EQ(FormatDuration(2 * kHour), "2h");
  EXPECT_EQ(FormatDuration(90 * kMinute), "1h30m");
  EXPECT_EQ(FormatDuration(45), "45s");
  EXPECT_EQ(DescribeScope({"", {{"kind", "postgres"}, {"env", "prod"}}}),
            "{env=prod, kind=postgres}");
}

}  // namespace
}  // namespace drawbridge::workflow
