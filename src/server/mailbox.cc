#include "server/mailbox.h"

#include <boost/asio/post.hpp>

namespace drawbridge::server {

void Mailbox::Deliver(std::function<void()> work) {
  {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(work));
    if (scheduled_) return;
    scheduled_ = true;
  }
  boost::asio::post(context_, [this] { Drain(); });
}

void Mailbox::Drain() {
  {
    std::lock_guard lock(mu_);
    running_.swap(pending_);
    scheduled_ = false;
  }
  for (auto& work : running_) work();
  running_.clear();
}

}  // namespace drawbridge::server
