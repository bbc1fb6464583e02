// How many requests the server is answering, for a drain that waits for them. Counted in
// stripes, one per thread (round-robin beyond 16): a check enters and leaves on its I/O thread,
// so the count never passes a cache line between the threads, as one shared counter would on
// every request.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace drawbridge::server {

class InFlight {
 public:
  // Counts a request in; returns the stripe to count it out on, from any thread.
  size_t Enter() {
    const size_t stripe = ThreadStripe();
    stripes_[stripe].count.fetch_add(1, std::memory_order_relaxed);
    return stripe;
  }
  void Leave(size_t stripe) { stripes_[stripe].count.fetch_sub(1, std::memory_order_acq_rel); }
  // The requests counted in and not yet out.
  int64_t Total() const {
    int64_t total = 0;
    for (const Stripe& s : stripes_) total += s.count.load(std::memory_order_acquire);
    return total;
  }

 private:
  static constexpr size_t kStripes = 16;
  struct alignas(64) Stripe {
    std::atomic<int64_t> count{0};
  };

  static size_t ThreadStripe() {
    static std::atomic<size_t> next{0};
    thread_local const size_t stripe = next.fetch_add(1, std::memory_order_relaxed) % kStripes;
    return stripe;
  }

  std::array<Stripe, kStripes> stripes_;
};

}  // namespace drawbridge::server
