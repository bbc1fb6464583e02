// RFC 3339 timestamps in UTC with milliseconds, for exports and filters. Pure, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::audit {

// "2024-05-01T10:00:00.123Z". Times before 1970 or after 9999 are clamped to those bounds.
std::string FormatRfc3339Millis(int64_t unix_ms);

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" (a lowercase t/z and a space for T are
// accepted) or a bare date "YYYY-MM-DD" (midnight UTC). Fractions beyond milliseconds are
// truncated. Returns Unix ms.
StatusOr<int64_t> ParseRfc3339Millis(std::string_view text);

}  // namespace drawbridge::audit
