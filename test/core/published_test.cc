// Published<T>: each thread reads the value in force through its own reference, renewed when a
// newer value is published, whichever thread published it.
#include "core/published.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace drawbridge::core {
namespace {

// Test that a value published on one thread is what another thread's next Local() reads, though
// that thread had read the old one, and that Publish hands back the value it replaced.
TEST(PublishedTest, ANewValueReachesAThreadThatReadTheOldOne) {
  Published<std::string> value(std::make_shared<const std::string>("first"));
  std::string before, after;
  std::thread reader([&] { before = value.Local(); });
  reader.join();
  std::shared_ptr<const std::string> replaced =
      value.Publish(std::make_shared<const std::string>("second"));
  ASSERT_NE(replaced, nullptr);
  EXPECT_EQ(*replaced, "first");
  std::thread again([&] {
    before = value.Local();
    value.Publish(std::make_shared<const std::string>("third"));
    after = value.Local();
  });
  again.join();
  EXPECT_EQ(before, "second");
  EXPECT_EQ(after, "third");
  EXPECT_EQ(*value.Load(), "third");
  EXPECT_EQ(value.Local(), "third");
}

// Test that two values of one type read in turn on one thread each give their own.
TEST(PublishedTest, TwoValuesOnOneThreadKeepTheirOwn) {
  Published<int> a(std::make_shared<const int>(1));
  Published<int> b(std::make_shared<const int>(2));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(a.Local(), 1);
    EXPECT_EQ(b.Local(), 2);
  }
  b.Publish(std::make_shared<const int>(3));
  EXPECT_EQ(a.Local(), 1);
  EXPECT_EQ(b.Local(), 3);
}

}  // namespace
}  // namespace drawbridge::core
