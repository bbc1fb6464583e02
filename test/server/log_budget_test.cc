// LogBudget: how many lines of a flood a second are let through, and the count of the rest.
#include <gtest/gtest.h>

#include "server/log.h"

namespace drawbridge::server {
namespace {

// Test that a budget lets `per_second` lines through each second, refuses the rest, and the
// first line of a later second carries how many were refused.
TEST(LogBudgetTest, LetsABoundedNumberThroughAndCountsTheRest) {
  LogBudget budget(3);
  uint64_t left_out = 99;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(budget.Take(1000, left_out)) << i;
    EXPECT_EQ(left_out, 0u);
  }
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(budget.Take(1000, left_out));
  ASSERT_TRUE(budget.Take(1001, left_out));
  EXPECT_EQ(left_out, 5u);
  ASSERT_TRUE(budget.Take(1001, left_out));
  EXPECT_EQ(left_out, 0u);
  ASSERT_TRUE(budget.Take(1001, left_out));
  // A caller still holding the last second does not start the budget over.
  EXPECT_FALSE(budget.Take(1000, left_out));
  EXPECT_FALSE(budget.Take(1001, left_out));
  ASSERT_TRUE(budget.Take(1002, left_out));
  EXPECT_EQ(left_out, 2u);
}

}  // namespace
}  // namespace drawbridge::server
