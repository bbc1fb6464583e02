// Work handed to one I/O thread from other threads, in bursts. The writer thread finishes a whole
// group commit at once: posting each answer to its connection's io_context would wake that
// thread (a syscall when it sleeps in epoll) once per answer. A mailbox collects what arrives
// while a delivery is pending and runs it all in one handler, so a burst costs one wake-up per
// I/O thread. A Burst on the delivering thread goes further: nobody is woken until it ends, and
// then each mailbox that received work is woken once, however quickly its thread would have
// drained the first delivery. Thread-safe; handlers run on the context's thread, in arrival
// order.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <mutex>
#include <vector>

namespace drawbridge::server {

class Mailbox {
 public:
  explicit Mailbox(boost::asio::io_context& context) : context_(context) {}
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  void Deliver(std::function<void()> work);

  // Defers the wake-ups of every Deliver made on this thread while it lives (not nestable: an
  // inner Burst defers nothing more and wakes nothing).
  class Burst {
   public:
    Burst();
    ~Burst();
    Burst(const Burst&) = delete;
    Burst& operator=(const Burst&) = delete;

   private:
    friend class Mailbox;
    bool outermost_;
    std::vector<Mailbox*> to_wake_;
  };

  // Whether the caller is the context's own thread (which may just run its work now).
  bool OnItsThread() const { return context_.get_executor().running_in_this_thread(); }

 private:
  void Drain();
  void Wake();

  boost::asio::io_context& context_;
  std::mutex mu_;
  std::vector<std::function<void()>> pending_;  // guarded by mu_
  bool scheduled_ = false;                      // a Drain is posted and has not taken pending_
  std::vector<std::function<void()>> running_;  // only touched by Drain, on the context's thread
};

}  // namespace drawbridge::server
