#include "server/io_pool.h"

#include <algorithm>

namespace drawbridge::server {

IoPool::IoPool(int threads) {
  const int n = std::max(1, threads);
  contexts_.reserve(static_cast<size_t>(n));
  // A hint of 1: each context is run by one thread, which lets Asio skip waking other threads.
  // Posting from other threads stays safe (the hint does not remove the scheduler's lock).
  for (int i = 0; i < n; ++i) contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
}

IoPool::~IoPool() {
  Stop();
}

void IoPool::Start() {
  for (auto& ctx : contexts_) {
    guards_.push_back(boost::asio::make_work_guard(*ctx));
    threads_.emplace_back([c = ctx.get()] { c->run(); });
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

boost::asio::io_context& IoPool::Next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

}  // namespace drawbridge::server
