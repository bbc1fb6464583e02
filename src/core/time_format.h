// RFC 3339 timestamps <-> Unix seconds, without the C library's time zone state (pure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace drawbridge::core {

// "2026-01-05T10:00:00Z", "2026-01-05T11:00:00+01:00", fractional seconds ignored.
std::optional<int64_t> ParseRfc3339(std::string_view text);
// "2026-01-05T10:00:00Z"; times outside years 0000..9999 are shown at the nearer bound.
std::string FormatRfc3339(int64_t unix_seconds);

}  // namespace drawbridge::core
