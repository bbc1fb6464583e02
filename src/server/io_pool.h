// The I/O threads: one io_context per thread. A connection is placed on one context when it is
// accepted and stays there, so its handlers never need a strand or a lock, and the threads never
// wake each other to run a connection's next step. Work from other threads (the blocking pool,
// the service's writer thread) reaches a connection through its context's Mailbox; each context's
// connections share its Deadlines.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "server/deadlines.h"
#include "server/mailbox.h"

namespace drawbridge::server {

class IoPool {
 public:
  explicit IoPool(int threads);
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  // Starts one thread per context. Contexts do not return while idle, only after Stop.
  void Start();
  // Stops every context and joins its thread; pending handlers are dropped.
  void Stop();

  // The context of the listener and the signal handler.
  boost::asio::io_context& main() { return *contexts_.front(); }

  // The index of the context for the next accepted connection, round-robin.
  size_t Next();
  boost::asio::io_context& context(size_t i) { return *contexts_[i]; }
  Mailbox& mailbox(size_t i) { return *mailboxes_[i]; }
  Deadlines& deadlines(size_t i) { return *deadlines_[i]; }
  size_t size() const { return contexts_.size(); }

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

  // An io_context whose shutdown (destroying every handler still queued) can be asked for
  // before any context is destroyed: a connection's last handler, dropped by one context, may
  // release objects that live on another (the listener's acceptor on the first).
  class Context : public boost::asio::io_context {
   public:
    using boost::asio::io_context::io_context;
    using boost::asio::io_context::shutdown;
  };

  std::vector<std::unique_ptr<Context>> contexts_;
  std::vector<std::unique_ptr<Mailbox>> mailboxes_;    // one per context
  std::vector<std::unique_ptr<Deadlines>> deadlines_;  // one per context
  std::vector<WorkGuard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_{0};
};

}  // namespace drawbridge::server
