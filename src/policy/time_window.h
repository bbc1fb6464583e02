// Time window conditions: days ("mon-fri" or [mon, wed]), hours ("08:00-18:00") and a fixed UTC
// offset ("UTC", "+01:00", "-05:30"). Pure; thread-safe.
#pragma once

#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::policy {

// "mon-fri", "sat-sun", "fri-mon" (wraps), "wed": bit 0 = Monday ... bit 6 = Sunday.
StatusOr<uint8_t> ParseWeekdays(std::string_view text);

struct HourRange {
  int start_minute = 0;
  int end_minute = 24 * 60;
};
// "08:00-18:00"; "22:00-06:00" crosses midnight; "24:00" may end a range.
StatusOr<HourRange> ParseHourRange(std::string_view text);

// "UTC", "Z", "+01:00", "-05:30" -> minutes east of UTC.
StatusOr<int> ParseUtcOffset(std::string_view text);

}  // namespace drawbridge::policy
