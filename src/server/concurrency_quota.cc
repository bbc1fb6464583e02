#include "server/concurrency_quota.h"

namespace drawbridge::server {

std::shared_ptr<void> ConcurrencyQuota::TryTake(const std::string& key) {
  return TryTake(key, [] { return StatusOr<size_t>(size_t{0}); })->slot;
}

StatusOr<ConcurrencyQuota::Taken> ConcurrencyQuota::TryTake(
    const std::string& key, const std::function<StatusOr<size_t>()>& elsewhere) {
  Stripe& stripe = StripeOf(key);
  std::lock_guard lock(stripe.mu);
  StatusOr<size_t> counted = elsewhere();
  if (!counted.ok()) return counted.status();
  auto it = stripe.held.find(key);
  const size_t held = it == stripe.held.end() ? 0 : it->second;
  Taken taken{.in_use = *counted + held};
  if (taken.in_use >= per_key_) return taken;
  if (it == stripe.held.end()) it = stripe.held.emplace(key, 0).first;
  ++it->second;
  // The handle points at the stripe (so that it is not null) but owns nothing: its deleter gives
  // the slot back.
  taken.slot = std::shared_ptr<void>(static_cast<void*>(&stripe), [&stripe, key](void*) {
    std::lock_guard release(stripe.mu);
    if (auto entry = stripe.held.find(key); entry != stripe.held.end() && --entry->second == 0) {
      stripe.held.erase(entry);
    }
  });
  return taken;
}

}  // namespace drawbridge::server
