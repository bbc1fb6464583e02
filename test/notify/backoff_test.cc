#include "notify/backoff.h"

#include <gtest/gtest.h>

namespace drawbridge::notify {
namespace {

// Test that the ceiling doubles from the base after each failure and stops at the cap.
TEST(BackoffTest, CeilingDoublesUpToTheCap) {
  BackoffOptions options{.base_seconds = 5, .cap_seconds = 60};
  EXPECT_EQ(BackoffCeilingSeconds(1, options), 5);
  EXPECT_EQ(BackoffCeilingSeconds(2, options), 10);
  EXPECT_EQ(BackoffCeilingSeconds(3, options), 20);
  EXPECT_EQ(BackoffCeilingSeconds(4, options), 40);
  EXPECT_EQ(BackoffCeilingSeconds(5, options), 60);
  EXPECT_EQ(BackoffCeilingSeconds(1000000, options), 60);
  EXPECT_EQ(BackoffCeilingSeconds(0, options), 5);
}

// Test that jitter keeps the delay between half the ceiling and the ceiling.
TEST(BackoffTest, JitterStaysWithinHalfAndFull) {
  BackoffOptions options{.base_seconds = 8, .cap_seconds = 3600};
  EXPECT_EQ(BackoffDelaySeconds(3, options, 0.0), 16);
  EXPECT_EQ(BackoffDelaySeconds(3, options, 1.0), 32);
  EXPECT_EQ(BackoffDelaySeconds(3, options, 0.5), 24);
  for (double u = 0; u <= 1.0; u += 0.01) {
    int64_t delay = BackoffDelaySeconds(4, options, u);
    EXPECT_GE(delay, 32);
    EXPECT_LE(delay, 64);
  }
}

// Test that out-of-range randomness and odd options still give a sane delay.
TEST(BackoffTest, DegenerateInputsAreClamped) {
  EXPECT_EQ(BackoffDelaySeconds(1, {.base_seconds = 0, .cap_seconds = 0}, 0.0), 1);
  EXPECT_EQ(BackoffDelaySeconds(1, {.base_seconds = 10, .cap_seconds = 5}, 7.0), 10);
  EXPECT_EQ(BackoffDelaySeconds(1, {.base_seconds = 10, .cap_seconds = 100}, -3.0), 5);
  // An odd ceiling rounds its half up, never below the documented minimum.
  EXPECT_EQ(BackoffDelaySeconds(1, {.base_seconds = 5, .cap_seconds = 3600}, 0.0), 3);
  EXPECT_EQ(BackoffCeilingSeconds(62, {.base_seconds = 1, .cap_seconds = INT64_MAX}),
            int64_t{1} << 61);
  EXPECT_EQ(BackoffCeilingSeconds(100, {.base_seconds = 1, .cap_seconds = INT64_MAX}), INT64_MAX);
}

}  // namespace
}  // namespace drawbridge::notify
