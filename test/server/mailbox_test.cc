// Mailbox: work delivered from other threads runs on the context's thread, in order, and a Burst
// wakes each mailbox once, when it ends.
#include "server/mailbox.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>
#include <thread>

namespace drawbridge::server {
namespace {

// Test that work delivered from another thread runs on the context's thread, in arrival order.
TEST(MailboxTest, RunsDeliveriesOnItsThreadInOrder) {
  boost::asio::io_context context;
  Mailbox mailbox(context);
  std::string order;
  bool on_its_thread = true;
  std::thread producer([&] {
    for (char c : std::string("abc")) {
      mailbox.Deliver([&, c] {
        on_its_thread = on_its_thread && mailbox.OnItsThread();
        order += c;
      });
    }
  });
  producer.join();
  EXPECT_FALSE(mailbox.OnItsThread());
  context.run();
  EXPECT_EQ(order, "abc");
  EXPECT_TRUE(on_its_thread);
}

// Test that deliveries drained one by one each wake the context, while the same deliveries in a
// Burst wake it once, when the Burst ends.
TEST(MailboxTest, ABurstWakesEachMailboxOnceWhenItEnds) {
  boost::asio::io_context context;
  Mailbox mailbox(context);
  std::string ran;
  mailbox.Deliver([&] { ran += 'a'; });
  EXPECT_EQ(context.poll(), 1u);
  context.restart();
  mailbox.Deliver([&] { ran += 'b'; });
  EXPECT_EQ(context.poll(), 1u);
  context.restart();
  EXPECT_EQ(ran, "ab");

  {
    Mailbox::Burst burst;
    mailbox.Deliver([&] { ran += 'c'; });
    EXPECT_EQ(context.poll(), 0u);  // nobody woken yet
    context.restart();
    {
      Mailbox::Burst inner;  // defers nothing more, wakes nothing
      mailbox.Deliver([&] { ran += 'd'; });
    }
    EXPECT_EQ(context.poll(), 0u);
    context.restart();
  }
  EXPECT_EQ(context.poll(), 1u);  // one wake-up runs both
  EXPECT_EQ(ran, "abcd");
}

// Test that a Burst wakes every mailbox that received work, and only those.
TEST(MailboxTest, ABurstWakesEveryMailboxThatReceivedWork) {
  boost::asio::io_context first_context, second_context, idle_context;
  Mailbox first(first_context), second(second_context), idle(idle_context);
  int runs = 0;
  {
    Mailbox::Burst burst;
    first.Deliver([&] { ++runs; });
    second.Deliver([&] { ++runs; });
    first.Deliver([&] { ++runs; });
  }
  EXPECT_EQ(first_context.poll(), 1u);
  EXPECT_EQ(second_context.poll(), 1u);
  EXPECT_EQ(idle_context.poll(), 0u);
  EXPECT_EQ(runs, 3);
}

}  // namespace
}  // namespace drawbridge::server
