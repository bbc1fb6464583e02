// Connection timeouts for one I/O thread, kept by one timer. Arming an Asio timer per read and
// per write costs a timer-queue insert, a cancellation and a completion handler per request; here
// a connection only writes a time into its own field, and one sweep a tick walks the thread's
// connections and ends those whose deadline has passed. A deadline is therefore kept to within
// one tick (250 ms), which is ample for timeouts counted in whole seconds.
//
// Everything here runs on the context's thread: Watch, the sweep, and the connections' own
// handlers, which are the only writers of their deadlines.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <vector>

namespace drawbridge::server {

class Deadlines {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kTick{250};

  // Something with a deadline, such as a connection.
  class Watched {
   public:
    // From now on, `OnDeadline` is due `after` from now.
    void ExpiresAfter(Clock::duration after) { deadline_ = Clock::now() + after; }
    // No deadline: a long poll waits as long as it was asked to.
    void ExpiresNever() { deadline_ = Clock::time_point::max(); }

   protected:
    virtual ~Watched() = default;

   private:
    friend class Deadlines;
    // Called once, on the context's thread, when the deadline has passed; the deadline is then
    // cleared.
    virtual void OnDeadline() = 0;
    Clock::time_point deadline_ = Clock::time_point::max();
  };

  explicit Deadlines(boost::asio::io_context& context) : timer_(context) {}
  Deadlines(const Deadlines&) = delete;
  Deadlines& operator=(const Deadlines&) = delete;

  // Watches `watched` for as long as it lives. Call on the context's thread.
  void Watch(std::weak_ptr<Watched> watched);
  size_t watched() const { return watched_.size(); }

 private:
  void Arm();
  void Sweep();

  boost::asio::steady_timer timer_;
  std::vector<std::weak_ptr<Watched>> watched_;
  bool armed_ = false;  // a sweep is scheduled; none is while nothing is watched
};

}  // namespace drawbridge::server
