// Deadlines: one sweep per thread ends what is past its deadline, once, forgets what is gone, and
// stops when nothing is left to watch.
#include "server/deadlines.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

namespace drawbridge::server {
namespace {

using std::chrono::milliseconds;

// Counts its deadlines; stops being watched when released.
class Counted : public Deadlines::Watched {
 public:
  int ended = 0;

 private:
  void OnDeadline() override { ++ended; }
};

// Test that a deadline that passes ends its object once, an object without a deadline is left
// alone, and the sweep then stops by itself once nothing is watched (run() returns).
TEST(DeadlinesTest, EndsWhatIsDueOnceAndStopsWhenNothingIsLeft) {
  boost::asio::io_context context;
  Deadlines deadlines(context);
  auto due = std::make_shared<Counted>();
  auto never = std::make_shared<Counted>();
  due->ExpiresAfter(milliseconds(10));
  never->ExpiresNever();
  deadlines.Watch(due);
  deadlines.Watch(never);
  // Releases both after the first deadline could have passed twice over.
  boost::asio::steady_timer release(context, Deadlines::kTick * 3);
  release.async_wait([&](const boost::system::error_code&) {
    EXPECT_EQ(due->ended, 1);
    EXPECT_EQ(never->ended, 0);
    due.reset();
    never.reset();
  });
  context.run();  // returns only if the sweep stopped re-arming once both were gone
  EXPECT_EQ(deadlines.watched(), 0u);
}

// Test that a deadline moved later before it passes is not acted on: a connection renews its
// deadline with every request.
TEST(DeadlinesTest, ARenewedDeadlineIsNotEnded) {
  boost::asio::io_context context;
  Deadlines deadlines(context);
  auto renewed = std::make_shared<Counted>();
  renewed->ExpiresAfter(Deadlines::kTick / 2);
  deadlines.Watch(renewed);
  boost::asio::post(context, [&] { renewed->ExpiresAfter(std::chrono::hours(1)); });
  boost::asio::steady_timer release(context, Deadlines::kTick * 3);
  release.async_wait([&](const boost::system::error_code&) {
    EXPECT_EQ(renewed->ended, 0);
    renewed.reset();
  });
  context.run();
}

// Test that watching again after the sweep stopped starts it again.
TEST(DeadlinesTest, WatchingAgainRestartsTheSweep) {
  boost::asio::io_context context;
  Deadlines deadlines(context);
  auto first = std::make_shared<Counted>();
  deadlines.Watch(first);
  first.reset();
  context.run();
  context.restart();
  auto second = std::make_shared<Counted>();
  second->ExpiresAfter(milliseconds(1));
  deadlines.Watch(second);
  boost::asio::steady_timer release(context, Deadlines::kTick * 3);
  release.async_wait([&](const boost::system::error_code&) {
    EXPECT_EQ(second->ended, 1);
    second.reset();
  });
  context.run();
  EXPECT_EQ(deadlines.watched(), 0u);
}

}  // namespace
}  // namespace drawbridge::server
