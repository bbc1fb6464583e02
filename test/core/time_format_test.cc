#include "core/time_format.h"

#include <gtest/gtest.h>

namespace drawbridge::core {
namespace {

// Test that RFC 3339 times parse to Unix seconds, offsets included, and format back.
TEST(TimeFormat, RoundTrip) {
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339("2026-01-01T00:00:00Z"), 1767225600);
  EXPECT_EQ(ParseRfc3339("2026-01-01T01:00:00+01:00"), 1767225600);
  EXPECT_EQ(ParseRfc3339("2025-12-31T19:00:00-05:00"), 1767225600);
  EXPECT_EQ(ParseRfc3339("2026-01-01T00:00:00.123Z"), 1767225600);
  EXPECT_EQ(FormatRfc3339(1767225600), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(951782400), "2000-02-29T00:00:00Z");
  for (int64_t t : {int64_t{0}, int64_t{86399}, int64_t{1700000000}, int64_t{4102444800}}) {
    EXPECT_EQ(ParseRfc3339(FormatRfc3339(t)), t);
  }
}

// Test that malformed times are refused rather than guessed.
TEST(TimeFormat, RejectsMalformed) {
  for (const char* bad : {"", "2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z",
                          "2026-01-01T25:00:00Z", "2026-01-01T00:00:00+0100", "yesterday",
                          "2026-01-01T00:00:00Zjunk", "2026-01-01T00:00:00."}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace drawbridge::core
