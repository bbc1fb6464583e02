#include "server/mailbox.h"

#include <boost/asio/post.hpp>

namespace drawbridge::server {
namespace {

thread_local Mailbox::Burst* active_burst = nullptr;

}  // namespace

Mailbox::Burst::Burst() : outermost_(active_burst == nullptr) {
  if (outermost_) active_burst = this;
}

Mailbox::Burst::~Burst() {
  if (!outermost_) return;
  active_burst = nullptr;
  for (Mailbox* mailbox : to_wake_) mailbox->Wake();
}

void Mailbox::Deliver(std::function<void()> work) {
  {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(work));
    if (scheduled_) return;
    scheduled_ = true;
  }
  // scheduled_ stays set until the Drain this wakes runs, so a burst records a mailbox once.
  if (active_burst != nullptr) return active_burst->to_wake_.push_back(this);
  Wake();
}

void Mailbox::Wake() {
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
