// How many of one kind of call a key (tenant and principal) may have in flight at once: long
// polls hold a connection each, so one principal must not be able to hold them all. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace drawbridge::server {

class ConcurrencyQuota {
 public:
  explicit ConcurrencyQuota(size_t per_key) : per_key_(per_key) {}

  // A slot for `key`, given back when the last copy of the handle is dropped; null when `key`
  // already holds `per_key` slots.
  std::shared_ptr<void> TryTake(const std::string& key);

  size_t held(const std::string& key) const;

 private:
  void Give(const std::string& key);

  const size_t per_key_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, size_t> held_;
};

}  // namespace drawbridge::server
