// A value replaced now and then and read all the time from many threads: the policy a check
// decides by, the table of API tokens. Loading a shared pointer on every read takes its lock and
// reference count, cache lines every reading thread would pass back and forth. Local() reads
// through this thread's own reference to the value in force instead, renewed only when a newer
// value has been published (a generation number, unique among the values of one T in the
// process, tells). Publish puts a value in force before it returns: every Local() that starts
// after it sees that value.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

namespace drawbridge::core {

template <typename T>
class Published {
 public:
  explicit Published(std::shared_ptr<const T> first) { (void)Publish(std::move(first)); }
  Published(const Published&) = delete;
  Published& operator=(const Published&) = delete;

  // Puts `value` (not null) in force. Returns the value it replaces, so that a caller holding a
  // lock of its own can release it after that lock.
  std::shared_ptr<const T> Publish(std::shared_ptr<const T> value) {
    auto entry = std::make_shared<const Entry>(
        Entry{std::move(value), next_generation_.fetch_add(1, std::memory_order_relaxed)});
    std::shared_ptr<const Entry> replaced;
    {
      std::lock_guard lock(mu_);
      replaced = std::exchange(current_, entry);
      generation_.store(entry->generation, std::memory_order_release);
    }
    return replaced == nullptr ? nullptr : replaced->value;
  }

  // The value in force, to keep: for readers off the hot path.
  std::shared_ptr<const T> Load() const {
    std::lock_guard lock(mu_);
    return current_->value;
  }

  // The value in force, through this thread's reference to it. Valid until this thread's next
  // Local() on any Published<T>. A replaced value stays alive in a thread's reference until that
  // thread's next call.
  const T& Local() const {
    thread_local std::shared_ptr<const Entry> mine;
    if (mine == nullptr || mine->generation != generation_.load(std::memory_order_acquire)) {
      std::shared_ptr<const Entry> in_force;
      {
        std::lock_guard lock(mu_);
        in_force = current_;
      }
      mine.swap(in_force);  // the one replaced is released here, outside the lock
    }
    return *mine->value;
  }

 private:
  struct Entry {
    std::shared_ptr<const T> value;
    uint64_t generation;
  };
  static inline std::atomic<uint64_t> next_generation_{1};

  mutable std::mutex mu_;
  std::shared_ptr<const Entry> current_;  // guarded by mu_
  std::atomic<uint64_t> generation_{0};   // current_'s
};

}  // namespace drawbridge::core
