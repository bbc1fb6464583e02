#include "audit/time_format.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "audit/escape.h"
#include "audit/event.h"

namespace drawbridge::audit {
namespace {

// Reads exactly `digits` decimal digits at text[pos].
bool ReadNumber(std::string_view text, std::size_t pos, std::size_t digits, int* value) {
  if (pos + digits > text.size()) return false;
  int result = 0;
  for (std::size_t i = pos; i < pos + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    result = result * 10 + (text[i] - '0');
  }
  *value = result;
  return true;
}

Status BadTime(std::string_view text) {
  return InvalidArgument("\"" + EscapeForTerminal(text.substr(0, 64)) +
                         "\" is not an RFC 3339 time such as 2024-05-01T10:00:00Z");
}

}  // namespace

std::string FormatRfc3339Millis(int64_t unix_ms) {
  using namespace std::chrono;
  unix_ms = std::clamp<int64_t>(unix_ms, 0, kMaxEventTimeMs);
  const sys_time<milliseconds> time{milliseconds(unix_ms)};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> clock{time - day};
  char buffer[64];
  std::snprintf(
      buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
      static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return buffer;
}

StatusOr<int64_t> ParseRfc3339Millis(std::string_view text) {
  using namespace std::chrono;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadNumber(text, 0, 4, &year) || text.size() < 10 || text[4] != '-' ||
      !ReadNumber(text, 5, 2, &month) || text[7] != '-' || !ReadNumber(text, 8, 2, &day)) {
    return BadTime(text);
  }
  const year_month_day date{std::chrono::year(year), std::chrono::month(month),
                            std::chrono::day(day)};
  if (!date.ok()) return BadTime(text);
  int64_t millis = 0;
  int64_t offset_minutes = 0;
  if (text.size() > 10) {
    const char separator = text[10];
    if ((separator != 'T' && separator != 't' && separator != ' ') ||
        !ReadNumber(text, 11, 2, &hour) || text.size() < 19 || text[13] != ':' ||
        !ReadNumber(text, 14, 2, &minute) || text[16] != ':' || !ReadNumber(text, 17, 2, &second) ||
        hour > 23 || minute > 59 || second > 60) {
      return BadTime(text);
    }
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      std::size_t digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 3) millis = millis * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return BadTime(text);
      for (std::size_t i = digits; i < 3; ++i) millis *= 10;
    }
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
      ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      int offset_hours = 0, offset_mins = 0;
      if (!ReadNumber(text, pos + 1, 2, &offset_hours) || pos + 3 >= text.size() ||
          text[pos + 3] != ':' || !ReadNumber(text, pos + 4, 2, &offset_mins) ||
          offset_hours > 23 || offset_mins > 59) {
        return BadTime(text);
      }
      offset_minutes = (text[pos] == '+' ? 1 : -1) * (offset_hours * 60 + offset_mins);
      pos += 6;
    } else {
      return BadTime(text);  // a time without a zone is ambiguous
    }
    if (pos != text.size()) return BadTime(text);
  }
  // A leap second (:60) is read as the last millisecond of the minute's 59th second.
  if (second == 60) {
    second = 59;
    millis = 999;
  }
  const int64_t days_since_epoch = sys_days(date).time_since_epoch().count();
  return ((days_since_epoch * 24 + hour) * 60 + minute - offset_minutes) * 60000 +
         int64_t{second} * 1000 + millis;
}

}  // namespace drawbridge::audit
