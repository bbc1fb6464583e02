// Token buckets per (tenant, principal): one noisy caller runs out of its own tokens without
// touching anyone else's. Thread-safe; the map is sharded so that callers rarely share a lock.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace drawbridge::server {

class RateLimiter {
 public:
  // rate: tokens per second; burst: bucket size. rate <= 0 disables the limiter.
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  // Takes one token for `key` at `now_ms`; false when the bucket is empty. `retry_after_s`
  // receives the seconds until a token is back.
  bool Allow(std::string_view key, int64_t now_ms, int* retry_after_s = nullptr);

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr size_t kShards = 16;

  double rate_, burst_;
  std::array<Shard, kShards> shards_;
};

}  // namespace drawbridge::server
