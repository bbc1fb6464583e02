#include "policy/durations.h"

#include <cstdint>

namespace drawbridge::policy {
namespace {

constexpr int64_t kMaxSeconds = int64_t{10} * 366 * 24 * 3600;

struct Unit {
  char letter;
  int64_t seconds;
};
constexpr Unit kUnits[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};

}  // namespace

std::optional<Seconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t next_unit = 0;  // units must appear largest first, each once
  size_t i = 0;
  while (i < text.size()) {
    int64_t number = 0;
    size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (++digits > 9) return std::nullopt;
      number = number * 10 + (text[i] - '0');
      ++i;
    }
    if (digits == 0 || i == text.size()) return std::nullopt;
    char letter = text[i++];
    while (next_unit < std::size(kUnits) && kUnits[next_unit].letter != letter) ++next_unit;
    if (next_unit == std::size(kUnits)) return std::nullopt;
    total += number * kUnits[next_unit].seconds;
    ++next_unit;
    if (total > kMaxSeconds) return std::nullopt;
  }
  if (total <= 0) return std::nullopt;
  return Seconds(total);
}

std::string FormatDuration(Seconds duration) {
  int64_t remaining = duration.count();
  if (remaining <= 0) return "0s";
  std::string out;
  for (const Unit& unit : kUnits) {
    if (remaining >= unit.seconds) {
      out += std::to_string(remaining / unit.seconds);
      out += unit.letter;
      remaining %= unit.seconds;
    }
  }
  return out;
}

}  // namespace drawbridge::policy
