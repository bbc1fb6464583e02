// FingerprintSql binds an approval to exactly one statement in one session.
#include <gtest/gtest.h>

#include <string>

#include "drawbridge/classify.h"

namespace drawbridge::classify {
namespace {

const SqlSession kSession{.database = "app", .role = "alice", .search_path = "public"};

std::string Fingerprint(std::string_view sql, const SqlSession& session = kSession) {
  Digest digest{};
  EXPECT_TRUE(FingerprintSql(sql, session, digest)) << sql;
  return DigestHex(digest);
}

// Test that layout, comments and keyword case do not change the fingerprint.
TEST(SqlFingerprintTest, IgnoresLayoutCommentsAndCase) {
  EXPECT_EQ(Fingerprint("delete from t where id = 42 -- c"),
            Fingerprint("DELETE FROM t WHERE id=42"));
  EXPECT_EQ(Fingerprint("SELECT /* x */ a\n  FROM   t"), Fingerprint("select a from t"));
  EXPECT_EQ(Fingerprint("SELECT a FROM T"), Fingerprint("select a from t"));
}

// Test that adding a tautology changes the fingerprint.
TEST(SqlFingerprintTest, TautologyChangesIt) {
  EXPECT_NE(Fingerprint("DELETE FROM t WHERE id=42"),
            Fingerprint("DELETE FROM t WHERE id=42 OR true"));
}

// Test that every kind of constant is part of the fingerprint.
TEST(SqlFingerprintTest, ConstantsChangeIt) {
  EXPECT_NE(Fingerprint("DELETE FROM t WHERE id = 42"), Fingerprint("DELETE FROM t WHERE id = 43"));
  EXPECT_NE(Fingerprint("DELETE FROM t WHERE n = 'a'"), Fingerprint("DELETE FROM t WHERE n = 'b'"));
  EXPECT_NE(Fingerprint("DELETE FROM t WHERE x = 1.5"), Fingerprint("DELETE FROM t WHERE x = 2.5"));
  EXPECT_NE(Fingerprint("DELETE FROM t WHERE b = true"),
            Fingerprint("DELETE FROM t WHERE b = false"));
  EXPECT_NE(Fingerprint("DELETE FROM t WHERE id = $1"), Fingerprint("DELETE FROM t WHERE id = $2"));
}

// Test that zero and negative integers, which libpg_query's JSON writes alike, still differ.
TEST(SqlFingerprintTest, ZeroAndNegativeIntegersDiffer) {
  std::string zero = Fingerprint("DELETE FROM t WHERE id = 0");
  std::string minus_three = Fingerprint("DELETE FROM t WHERE id = -3");
  std::string minus_five = Fingerprint("DELETE FROM t WHERE id = -5");
  EXPECT_NE(zero, minus_three);
  EXPECT_NE(minus_three, minus_five);
  EXPECT_NE(Fingerprint("SELECT -3, 0"), Fingerprint("SELECT 0, -3"));
  EXPECT_NE(Fingerprint("ALTER SEQUENCE s INCREMENT BY -1"),
            Fingerprint("ALTER SEQUENCE s INCREMENT BY -2"));
}

// Test that identifiers, tables and statement order are part of the fingerprint.
TEST(SqlFingerprintTest, StructureChangesIt) {
  EXPECT_NE(Fingerprint("DELETE FROM a WHERE id = 1"), Fingerprint("DELETE FROM b WHERE id = 1"));
  EXPECT_NE(Fingerprint("SELECT \"A\" FROM t"), Fingerprint("SELECT a FROM t"));
  EXPECT_NE(Fingerprint("SELECT 1; SELECT 2"), Fingerprint("SELECT 2; SELECT 1"));
  EXPECT_NE(Fingerprint("SELECT 1"), Fingerprint("SELECT 1; SELECT 1"));
}

// Test that the same statement in another database, as another role or with another search_path
// has another fingerprint.
TEST(SqlFingerprintTest, SessionChangesIt) {
  const std::string sql = "DELETE FROM t WHERE id = 1";
  std::string base = Fingerprint(sql);
  EXPECT_NE(base,
            Fingerprint(sql, {.database = "other", .role = "alice", .search_path = "public"}));
  EXPECT_NE(base, Fingerprint(sql, {.database = "app", .role = "bob", .search_path = "public"}));
  EXPECT_NE(base, Fingerprint(sql, {.database = "app", .role = "alice", .search_path = "evil"}));
  // Fields are length-prefixed: moving a character from one field to the next is another session.
  EXPECT_NE(Fingerprint(sql, {.database = "ab", .role = "c", .search_path = ""}),
            Fingerprint(sql, {.database = "a", .role = "bc", .search_path = ""}));
}

// Test that the fingerprint is deterministic and 32 bytes of hex.
TEST(SqlFingerprintTest, IsStable) {
  std::string first = Fingerprint("UPDATE t SET x = 1 WHERE id = 2");
  EXPECT_EQ(first, Fingerprint("UPDATE t SET x = 1 WHERE id = 2"));
  EXPECT_EQ(first.size(), 64u);
}

// Test that empty input has a fingerprint (it parses), distinct from any statement.
TEST(SqlFingerprintTest, EmptyInputHasOne) {
  EXPECT_EQ(Fingerprint(""), Fingerprint("-- nothing"));
  EXPECT_NE(Fingerprint(""), Fingerprint("SELECT 1"));
}

}  // namespace
}  // namespace drawbridge::classify
