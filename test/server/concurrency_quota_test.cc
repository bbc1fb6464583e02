// ConcurrencyQuota: slots per key up to the limit, given back with their handle, and counted
// together with what the caller counts elsewhere.
#include "server/concurrency_quota.h"

#include <gtest/gtest.h>

namespace drawbridge::server {
namespace {

// Test that a key gets at most its limit of slots, another key is not affected, and a dropped
// slot can be taken again.
TEST(ConcurrencyQuotaTest, SlotsPerKeyUpToTheLimit) {
  ConcurrencyQuota quota(2);
  auto first = quota.TryTake("a");
  auto second = quota.TryTake("a");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(quota.TryTake("a"), nullptr);
  EXPECT_NE(quota.TryTake("b"), nullptr);
  first.reset();
  EXPECT_NE(quota.TryTake("a"), nullptr);
}

// Test that what the caller counts elsewhere takes places under the limit, that the count in use
// is reported, and that an error from the count is passed on without taking a slot.
TEST(ConcurrencyQuotaTest, CountsWhatIsHeldElsewhere) {
  ConcurrencyQuota quota(3);
  auto stored_two = [] { return StatusOr<size_t>(size_t{2}); };
  auto taken = quota.TryTake("a", stored_two);
  ASSERT_TRUE(taken.ok());
  ASSERT_NE(taken->slot, nullptr);
  EXPECT_EQ(taken->in_use, 2u);
  auto refused = quota.TryTake("a", stored_two);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->slot, nullptr);
  EXPECT_EQ(refused->in_use, 3u);
  auto failed = quota.TryTake("a", [] { return StatusOr<size_t>(Unavailable("disk")); });
  EXPECT_FALSE(failed.ok());
  taken->slot.reset();
  EXPECT_NE(quota.TryTake("a", stored_two)->slot, nullptr);
}

}  // namespace
}  // namespace drawbridge::server
