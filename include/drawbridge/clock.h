// Clock: the one way the service layer reads time, so that tests move time by hand.
// Implementations must be safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace drawbridge {

class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual int64_t NowMillis() const = 0;
  int64_t NowSeconds() const { return NowMillis() / 1000; }
};

class SystemWallClock final : public WallClock {
 public:
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Time that moves only when told to.
class ManualClock final : public WallClock {
 public:
  explicit ManualClock(int64_t start_millis) : now_(start_millis) {}
  int64_t NowMillis() const override { return now_.load(); }
  void Set(int64_t millis) { now_.store(millis); }
  void AdvanceSeconds(int64_t seconds) { now_.fetch_add(seconds * 1000); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace drawbridge
