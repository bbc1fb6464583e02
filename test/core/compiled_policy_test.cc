#include "core/compiled_policy.h"

#include <gtest/gtest.h>

namespace drawbridge::core {
namespace {

// Test the principal, action and resource syntax every check starts with.
TEST(Syntax, PrincipalsActionsResources) {
  EXPECT_TRUE(IsValidPrincipal("user:alice"));
  EXPECT_TRUE(IsValidPrincipal("service:ci-deployer"));
  EXPECT_TRUE(IsValidPrincipal("agent:copilot-7"));
  EXPECT_TRUE(IsValidPrincipal("user:alice@example.com"));
  EXPECT_FALSE(IsValidPrincipal("group:dba"));
  EXPECT_FALSE(IsValidPrincipal("alice"));
  EXPECT_FALSE(IsValidPrincipal("user:"));
  EXPECT_FALSE(IsValidPrincipal("user:a b"));
  EXPECT_TRUE(IsValidAction("db.query"));
  EXPECT_TRUE(IsValidAction("exec-as-root"));
  EXPECT_FALSE(IsValidAction("db."));
  EXPECT_FALSE(IsValidAction(".db"));
  EXPECT_FALSE(IsValidAction("db.*"));
  EXPECT_FALSE(IsValidAction("Db.query"));
  EXPECT_TRUE(IsValidResourceId("db/orders-prod"));
  EXPECT_FALSE(IsValidResourceId(""));
  EXPECT_FALSE(IsValidResourceId("db/orders prod"));
  EXPECT_FALSE(IsValidResourceId(std::string(257, 'a')));
}

// Test that time windows respect weekdays, offsets and windows across midnight.
TEST(TimeWindow, WeekdaysOffsetsAndMidnight) {
  TimeWindowC office{0x1f, 9 * 60, 17 * 60, 60};  // Mon-Fri 09:00-17:00 at +01:00
  auto at = [](int64_t t) { return TimePoint(std::chrono::seconds(t)); };
  const int64_t monday_0830_utc = 1767601800;  // 2026-01-05T08:30:00Z = 09:30 local
  EXPECT_TRUE(office.Contains(at(monday_0830_utc)));
  EXPECT_FALSE(office.Contains(at(monday_0830_utc - 3600)));       // 08:30 local
  EXPECT_FALSE(office.Contains(at(monday_0830_utc - 2 * 86400)));  // Saturday
  TimeWindowC night{0x01, 22 * 60, 6 * 60, 0};  // Monday 22:00 - Tuesday 06:00 UTC
  const int64_t monday_midnight = 1767571200;   // 2026-01-05T00:00:00Z
  EXPECT_TRUE(night.Contains(at(monday_midnight + 23 * 3600)));
  EXPECT_TRUE(night.Contains(at(monday_midnight + 86400 + 3 * 3600)));  // Tuesday 03:00
  EXPECT_FALSE(night.Contains(at(monday_midnight + 3 * 3600)));         // Monday 03:00
}

// Test the action matcher's exact names, prefix globs and wildcard.
TEST(ActionMatcher, ExactPrefixAny) {
  ActionMatcher m;
  m.exact = {"db.query"};
  m.prefixes = {"k8s."};
  EXPECT_TRUE(m.Matches("db.query"));
  EXPECT_FALSE(m.Matches("db.queryx"));
  EXPECT_TRUE(m.Matches("k8s.delete"));
  EXPECT_FALSE(m.Matches("k8s."));
  EXPECT_FALSE(m.Matches("k8sx.delete"));
  m.any = true;
  EXPECT_TRUE(m.Matches("anything"));
}

}  // namespace
}  // namespace drawbridge::core
