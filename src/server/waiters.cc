#include "server/waiters.h"

#include <boost/asio/post.hpp>

namespace drawbridge::server {

std::string RequestWaiters::Key(const std::string& tenant, const std::string& id) {
  return tenant + '\n' + id;
}

void RequestWaiters::Wake(const std::shared_ptr<Timer>& timer) {
  // A timer is only touched on its own executor (the session's thread). Moving its expiry into
  // the past, rather than cancelling, makes the wake-up stick: it ends a wait in progress, and a
  // wait that starts after it (the poll was still reading the request) completes at once.
  boost::asio::post(timer->get_executor(),
                    [timer] { timer->expires_at(Timer::time_point::min()); });
}

void RequestWaiters::Add(const std::string& tenant, const std::string& id,
                         const std::shared_ptr<Timer>& timer) {
  std::lock_guard lock(mu_);
  waiting_[Key(tenant, id)].push_back(timer);
}

void RequestWaiters::Remove(const std::string& tenant, const std::string& id, const Timer* timer) {
  std::lock_guard lock(mu_);
  auto it = waiting_.find(Key(tenant, id));
  if (it == waiting_.end()) return;
  std::erase_if(it->second, [&](const std::weak_ptr<Timer>& w) {
    auto t = w.lock();
    return !t || t.get() == timer;
  });
  if (it->second.empty()) waiting_.erase(it);
}

void RequestWaiters::Notify(const std::string& tenant, const std::string& id) {
  std::vector<std::shared_ptr<Timer>> wake;
  {
    std::lock_guard lock(mu_);
    auto it = waiting_.find(Key(tenant, id));
    if (it == waiting_.end()) return;
    for (const auto& w : it->second) {
      if (auto t = w.lock()) wake.push_back(std::move(t));
    }
  }
  for (const auto& t : wake) Wake(t);
}

void RequestWaiters::NotifyAll() {
  std::vector<std::shared_ptr<Timer>> wake;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, list] : waiting_) {
      for (const auto& w : list) {
        if (auto t = w.lock()) wake.push_back(std::move(t));
      }
    }
  }
  for (const auto& t : wake) Wake(t);
}

size_t RequestWaiters::size() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [key, list] : waiting_) n += list.size();
  return n;
}

}  // namespace drawbridge::server
