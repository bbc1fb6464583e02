// RequestWaiters: a notification wakes the long polls waiting on that request, and sticks when it
// lands before the poll has started its wait (it was still reading the request).
#include "server/waiters.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>

namespace drawbridge::server {
namespace {

using Timer = RequestWaiters::Timer;
using std::chrono::hours;
using std::chrono::milliseconds;

// Test that a waiting poll is woken by a notification for its request, and not by another's.
TEST(RequestWaitersTest, NotifyWakesTheRequestsWaiters) {
  boost::asio::io_context context;
  RequestWaiters waiters;
  auto mine = std::make_shared<Timer>(context, Timer::clock_type::now() + hours(1));
  auto other = std::make_shared<Timer>(context, Timer::clock_type::now() + hours(1));
  waiters.Add("t", "r-1", mine);
  waiters.Add("t", "r-2", other);
  bool mine_woken = false, other_woken = false;
  mine->async_wait([&](const boost::system::error_code&) { mine_woken = true; });
  other->async_wait([&](const boost::system::error_code&) { other_woken = true; });
  waiters.Notify("t", "r-1");
  context.run_for(milliseconds(100));
  EXPECT_TRUE(mine_woken);
  EXPECT_FALSE(other_woken);
}

// Test that a notification delivered before the poll starts waiting is not lost: the wait that
// starts afterwards completes at once instead of sleeping to its deadline.
TEST(RequestWaitersTest, ANotificationBeforeTheWaitIsNotLost) {
  boost::asio::io_context context;
  RequestWaiters waiters;
  auto timer = std::make_shared<Timer>(context, Timer::clock_type::now() + hours(1));
  waiters.Add("t", "r-1", timer);
  waiters.Notify("t", "r-1");
  context.run_for(milliseconds(50));  // the wake-up runs on the timer's thread first
  context.restart();
  bool woken = false;
  timer->async_wait([&](const boost::system::error_code&) { woken = true; });
  context.run_for(milliseconds(100));
  EXPECT_TRUE(woken);
}

}  // namespace
}  // namespace drawbridge::server
