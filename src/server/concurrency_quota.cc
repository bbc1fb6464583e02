#include "server/concurrency_quota.h"

namespace drawbridge::server {

std::shared_ptr<void> ConcurrencyQuota::TryTake(const std::string& key) {
  {
    std::lock_guard lock(mu_);
    size_t& held = held_[key];
    if (held >= per_key_) {
      if (held == 0) held_.erase(key);
      return nullptr;
    }
    ++held;
  }
  // The handle points at the quota (so that it is not null) but owns nothing: its deleter gives
  // the slot back.
  return std::shared_ptr<void>(static_cast<void*>(this), [this, key](void*) { Give(key); });
}

size_t ConcurrencyQuota::held(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = held_.find(key);
  return it == held_.end() ? 0 : it->second;
}

void ConcurrencyQuota::Give(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = held_.find(key);
  if (it == held_.end()) return;
  if (--it->second == 0) held_.erase(it);
}

}  // namespace drawbridge::server
