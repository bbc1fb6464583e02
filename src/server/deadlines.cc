#include "server/deadlines.h"

#include <algorithm>

namespace drawbridge::server {

void Deadlines::Watch(std::weak_ptr<Watched> watched) {
  watched_.push_back(std::move(watched));
  if (!armed_) Arm();
}

void Deadlines::Arm() {
  armed_ = true;
  timer_.expires_after(kTick);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    armed_ = false;
    if (!ec) Sweep();
  });
}

void Deadlines::Sweep() {
  const Clock::time_point now = Clock::now();
  // Collected first: ending a connection may release others, or watch new ones.
  std::vector<std::shared_ptr<Watched>> due;
  std::erase_if(watched_, [&](const std::weak_ptr<Watched>& weak) {
    std::shared_ptr<Watched> w = weak.lock();
    if (!w) return true;
    if (w->deadline_ <= now) {
      w->deadline_ = Clock::time_point::max();
      due.push_back(std::move(w));
    }
    return false;
  });
  for (const auto& w : due) w->OnDeadline();
  if (!watched_.empty() && !armed_) Arm();
}

}  // namespace drawbridge::server
