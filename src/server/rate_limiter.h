// Token buckets per (tenant, principal): one noisy caller runs out of its own tokens without
// touching anyone else's. Thread-safe; the map is sharded so that callers rarely share a lock.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace drawbridge::server {

class RateLimiter {
 public:
  // rate: tokens per second; burst: bucket size. rate <= 0 disables the limiter.
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  bool enabled() const { return rate_ > 0; }

  // Takes one token for `key` at `now_ms`; false when the bucket is empty. `retry_after_s`
  // receives the seconds until a token is back.
  bool Allow(std::string_view key, int64_t now_ms, int* retry_after_s = nullptr);

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
  };
  // Lookups by string_view, without building a std::string for a known caller.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket, KeyHash, std::equal_to<>> buckets;
  };
  static constexpr size_t kShards = 16;

  double rate_, burst_;
  std::array<Shard, kShards> shards_;
};

}  // namespace drawbridge::server
