// How many of one kind of call a key (tenant and principal) may have under way at once: long
// polls hold a connection each, and creates must not slip past the cap on open requests by
// counting at the same moment. Thread-safe; keys are spread over stripes of locks, so callers
// with different keys rarely share one.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "drawbridge/status.h"

namespace drawbridge::server {

class ConcurrencyQuota {
 public:
  explicit ConcurrencyQuota(size_t per_key) : per_key_(per_key) {}

  struct Taken {
    std::shared_ptr<void> slot;  // given back when the last copy is dropped; null: at the limit
    size_t in_use = 0;           // what counted against the limit, this one not included
  };

  // A slot for `key` unless it already holds `per_key`.
  std::shared_ptr<void> TryTake(const std::string& key);
  // The same, where `elsewhere` also counts against the limit (requests already stored, say).
  // It is called under the key's lock: what it counts and the slots taken cannot interleave with
  // another caller for the key. A slot is to be dropped only once what it stood for is counted
  // by `elsewhere`, so that nothing is ever missed (at worst counted twice for a moment).
  StatusOr<Taken> TryTake(const std::string& key,
                          const std::function<StatusOr<size_t>()>& elsewhere);

 private:
  struct Stripe {
    std::mutex mu;
    std::unordered_map<std::string, size_t> held;
  };

  Stripe& StripeOf(const std::string& key) {
    return stripes_[std::hash<std::string>{}(key) % stripes_.size()];
  }

  const size_t per_key_;
  std::array<Stripe, 64> stripes_;
};

}  // namespace drawbridge::server
