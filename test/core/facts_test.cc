#include "drawbridge/facts.h"

#include <gtest/gtest.h>

namespace drawbridge {
namespace {

// Test that every fact's name parses back to it.
TEST(Facts, NamesRoundTrip) {
  for (int i = 0; i < static_cast<int>(Fact::kCount_); ++i) {
    Fact f = static_cast<Fact>(i);
    auto parsed = ParseFact(FactName(f));
    ASSERT_TRUE(parsed.has_value()) << FactName(f);
    EXPECT_EQ(*parsed, f);
  }
  EXPECT_FALSE(ParseFact("sql.nope").has_value());
}

// Test that short names resolve only within their family.
TEST(Facts, ShortNamesAreScopedByFamily) {
  EXPECT_EQ(ParseFactShortName("sql", "drop"), Fact::kSqlDrop);
  EXPECT_EQ(ParseFactShortName("shell", "k8s_destructive"), Fact::kShellK8sDestructive);
  EXPECT_FALSE(ParseFactShortName("shell", "drop").has_value());
  EXPECT_EQ(ParseFactShortName("http", "delete"), Fact::kHttpMethodDelete);
}

// Test that read/write/ddl are not dangerous and unparseable always is.
TEST(Facts, DangerousSet) {
  EXPECT_FALSE(IsDangerous({Fact::kSqlRead, Fact::kSqlWrite, Fact::kSqlDdl}));
  EXPECT_TRUE(IsDangerous({Fact::kSqlRead, Fact::kSqlDrop}));
  EXPECT_TRUE(IsDangerous({Fact::kUnparseable}));
  EXPECT_FALSE(IsDangerous({Fact::kHttpMethodDelete}));
}

}  // namespace
}  // namespace drawbridge
