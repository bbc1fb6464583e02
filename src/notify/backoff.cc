#include "notify/backoff.h"

#include <algorithm>
#include <cmath>

namespace drawbridge::notify {

int64_t BackoffCeilingSeconds(int failed_attempts, const BackoffOptions& options) {
  const int64_t base = std::max<int64_t>(options.base_seconds, 1);
  const int64_t cap = std::max(options.cap_seconds, base);
  int64_t ceiling = base;
  // Doubling stops at the cap, so this neither overflows nor loops more than ~63 times.
  for (int n = 1; n < failed_attempts && ceiling < cap; ++n) {
    ceiling = ceiling > cap / 2 ? cap : ceiling * 2;
  }
  return std::min(ceiling, cap);
}

int64_t BackoffDelaySeconds(int failed_attempts, const BackoffOptions& options,
                            double unit_random) {
  const int64_t ceiling = BackoffCeilingSeconds(failed_attempts, options);
  const double fraction = std::isnan(unit_random) ? 1.0 : std::clamp(unit_random, 0.0, 1.0);
  // Half, rounded up: whole seconds must not cut the documented minimum (5 s / 2 is 3 s, not 2).
  const int64_t floor = (ceiling + 1) / 2;
  const int64_t delay =
      floor + static_cast<int64_t>(std::llround(fraction * static_cast<double>(ceiling - floor)));
  return std::clamp<int64_t>(delay, 1, ceiling);
}

}  // namespace drawbridge::notify
