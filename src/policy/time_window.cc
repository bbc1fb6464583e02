#include "policy/time_window.h"

#include <array>
#include <optional>
#include <string>

#include "policy/suggest.h"

namespace drawbridge::policy {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::optional<int> DayIndex(std::string_view text) {
  for (size_t i = 0; i < kDays.size(); ++i) {
    if (text == kDays[i]) return static_cast<int>(i);
  }
  return std::nullopt;
}

Status BadDay(std::string_view text) {
  std::vector<std::string_view> days(kDays.begin(), kDays.end());
  return InvalidArgument("invalid day '" + std::string(text) + "'" + DidYouMean(text, days) +
                         "; write mon, tue, wed, thu, fri, sat or sun, or a range like mon-fri");
}

// "HH:MM" with 00 <= HH <= 24 and MM < 60; 24:00 only when `allow_24`.
std::optional<int> ParseClock(std::string_view text, bool allow_24) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  int hours = (text[0] - '0') * 10 + (text[1] - '0');
  int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes >= 60) return std::nullopt;
  if (hours > 24 || (hours == 24 && (minutes != 0 || !allow_24))) return std::nullopt;
  return hours * 60 + minutes;
}

}  // namespace

StatusOr<uint8_t> ParseWeekdays(std::string_view text) {
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    std::optional<int> day = DayIndex(text);
    if (!day) return BadDay(text);
    return static_cast<uint8_t>(1u << *day);
  }
  std::string_view first_text = text.substr(0, dash);
  std::string_view last_text = text.substr(dash + 1);
  std::optional<int> first = DayIndex(first_text);
  if (!first) return BadDay(first_text);
  std::optional<int> last = DayIndex(last_text);
  if (!last) return BadDay(last_text);
  uint8_t bits = 0;
  for (int day = *first;; day = (day + 1) % 7) {
    bits |= static_cast<uint8_t>(1u << day);
    if (day == *last) break;
  }
  return bits;
}

StatusOr<HourRange> ParseHourRange(std::string_view text) {
  const std::string hint = "; write HH:MM-HH:MM in 24-hour time, e.g. \"08:00-18:00\"";
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    return InvalidArgument("invalid hours '" + std::string(text) + "'" + hint);
  }
  std::optional<int> start = ParseClock(text.substr(0, dash), /*allow_24=*/false);
  std::optional<int> end = ParseClock(text.substr(dash + 1), /*allow_24=*/true);
  if (!start || !end) return InvalidArgument("invalid hours '" + std::string(text) + "'" + hint);
  if (*start == *end) {
    return InvalidArgument("hours '" + std::string(text) +
                           "' start and end at the same time; leave out 'hours' for the whole "
                           "day");
  }
  return HourRange{*start, *end};
}

StatusOr<int> ParseUtcOffset(std::string_view text) {
  if (text == "UTC" || text == "Z" || text == "utc") return 0;
  if (text.size() == 6 && (text[0] == '+' || text[0] == '-')) {
    std::optional<int> minutes = ParseClock(text.substr(1), /*allow_24=*/false);
    if (minutes && *minutes <= 14 * 60) return text[0] == '-' ? -*minutes : *minutes;
  }
  if (text.find('/') != std::string_view::npos) {
    return InvalidArgument("named time zones such as '" + std::string(text) +
                           "' are not supported yet, only UTC offsets; write e.g. \"+01:00\" "
                           "(a fixed offset does not follow daylight saving time)");
  }
  return InvalidArgument("invalid time zone '" + std::string(text) +
                         "'; write \"UTC\" or a UTC offset such as \"+01:00\" or \"-05:30\"");
}

}  // namespace drawbridge::policy
