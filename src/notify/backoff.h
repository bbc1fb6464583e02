// When to try a failed webhook delivery again: capped exponential backoff with jitter. Pure,
// thread-safe.
//
// After the n-th failed attempt (n >= 1) the ceiling is min(cap, base * 2^(n-1)) and the delay is
// drawn uniformly from [ceiling/2, ceiling] ("equal jitter"): never less than half the schedule,
// so a dead endpoint is not hammered, and spread out, so many messages that failed together do
// not all come back in the same second.
#pragma once

#include <cstdint>

namespace drawbridge::notify {

struct BackoffOptions {
  int64_t base_seconds = 5;
  int64_t cap_seconds = 3600;
};

// The schedule's ceiling after `failed_attempts` failures (values < 1 count as 1).
int64_t BackoffCeilingSeconds(int failed_attempts, const BackoffOptions& options);

// The delay for a uniform `unit_random` in [0, 1]: at least 1 s, at most the ceiling.
int64_t BackoffDelaySeconds(int failed_attempts, const BackoffOptions& options, double unit_random);

}  // namespace drawbridge::notify
