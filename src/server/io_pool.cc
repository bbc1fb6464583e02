#include "server/io_pool.h"

#include <pthread.h>

#include <algorithm>
#include <string>

namespace drawbridge::server {

IoPool::IoPool(int threads) {
  const int n = std::max(1, threads);
  contexts_.reserve(static_cast<size_t>(n));
  // A hint of 1: each context is run by one thread, which lets Asio skip waking other threads.
  // Posting from other threads stays safe (the hint does not remove the scheduler's lock).
  for (int i = 0; i < n; ++i) {
    contexts_.push_back(std::make_unique<Context>(1));
    mailboxes_.push_back(std::make_unique<Mailbox>(*contexts_.back()));
    deadlines_.push_back(std::make_unique<Deadlines>(*contexts_.back()));
  }
}

IoPool::~IoPool() {
  Stop();
  // Every context drops its queued handlers while all of them still exist; only then are they
  // destroyed.
  for (auto& context : contexts_) context->shutdown();
}

void IoPool::Start() {
  for (size_t i = 0; i < contexts_.size(); ++i) {
    guards_.push_back(boost::asio::make_work_guard(*contexts_[i]));
    threads_.emplace_back([c = contexts_[i].get(), i] {
      // Named for `top -H` and profilers: "db-io-0", "db-io-1", ...
      const std::string name = "db-io-" + std::to_string(i);
      pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
      c->run();
    });
  }
}

void IoPool::Stop() {
  guards_.clear();
  for (auto& ctx : contexts_) ctx->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

size_t IoPool::Next() {
  return next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size();
}

}  // namespace drawbridge::server
