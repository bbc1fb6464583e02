#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace drawbridge::server {

bool RateLimiter::Allow(std::string_view key, int64_t now_ms, int* retry_after_s) {
  if (rate_ <= 0) return true;
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    // Forget idle callers now and then so the map stays the size of the active set.
    if (shard.buckets.size() > 4096) {
      std::erase_if(shard.buckets, [&](const auto& kv) {
        return (now_ms - kv.second.updated_ms) / 1000.0 * rate_ >= burst_;
      });
    }
    it = shard.buckets.emplace(std::string(key), Bucket{burst_, now_ms}).first;
  }
  Bucket& b = it->second;
  double elapsed = std::max<int64_t>(0, now_ms - b.updated_ms) / 1000.0;
  b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
  b.updated_ms = now_ms;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  if (retry_after_s != nullptr) {
    *retry_after_s = std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / rate_)));
  }
  return false;
}

}  // namespace drawbridge::server
