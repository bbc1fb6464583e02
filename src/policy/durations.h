// Policy durations: "90s", "15m", "2h", "1d", "1h30m". Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "policy/document.h"

namespace drawbridge::policy {

// What an error message shows as the accepted forms.
inline constexpr std::string_view kDurationForms =
    "a positive number with a unit, at most 10 years, e.g. 90s, 15m, 2h, 1d or 1h30m (units d, "
    "h, m, s, largest first)";

// Parses one or more <digits><unit> parts with units d, h, m, s, each at most once and in that
// order. nullopt for anything else, for zero, and for more than 10 years.
std::optional<Seconds> ParseDuration(std::string_view text);

// The shortest form ParseDuration reads back: 5400s -> "1h30m".
std::string FormatDuration(Seconds duration);

}  // namespace drawbridge::policy
