#include "audit/time_format.h"

#include <gtest/gtest.h>

namespace drawbridge::audit {
namespace {

// Test formatting in UTC with milliseconds.
TEST(TimeFormat, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339Millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339Millis(1714557600123), "2024-05-01T10:00:00.123Z");
  EXPECT_EQ(FormatRfc3339Millis(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339Millis(253402300799999), "9999-12-31T23:59:59.999Z");
}

// Test that parsing accepts zones, fractions and bare dates, and inverts formatting.
TEST(TimeFormat, ParsesRfc3339) {
  EXPECT_EQ(*ParseRfc3339Millis("2024-05-01T10:00:00.123Z"), 1714557600123);
  EXPECT_EQ(*ParseRfc3339Millis("2024-05-01T12:00:00+02:00"), 1714557600000);
  EXPECT_EQ(*ParseRfc3339Millis("2024-05-01T09:30:00.5-00:30"), 1714557600500);
  EXPECT_EQ(*ParseRfc3339Millis("2024-05-01"), 1714521600000);
  EXPECT_EQ(*ParseRfc3339Millis("2024-05-01t10:00:00.123456z"), 1714557600123);
  for (int64_t ms : {int64_t{0}, int64_t{1714557600123}, int64_t{253402300799999}}) {
    EXPECT_EQ(*ParseRfc3339Millis(FormatRfc3339Millis(ms)), ms);
  }
}

// Test that malformed times are refused, including times without a zone.
TEST(TimeFormat, RejectsMalformedTimes) {
  for (const char* bad : {"", "2024", "2024-13-01", "2024-02-30", "2024-05-01T10:00:00",
                          "2024-05-01T25:00:00Z", "2024-05-01T10:00:00.Z", "yesterday",
                          "2024-05-01T10:00:00Z junk", "2024-05-01T10:00:00+0200"}) {
    EXPECT_FALSE(ParseRfc3339Millis(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace drawbridge::audit
