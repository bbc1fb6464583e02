// Input the parser cannot read fails closed; input with nothing to run has no facts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "drawbridge/classify.h"

namespace drawbridge::classify {
namespace {

using testing::HasSubstr;

// Test that unparseable text is flagged dangerous with the parser's message and position.
TEST(SqlParseFailureTest, UnparseableTextFailsClosed) {
  Classification result = ClassifySql("DELET FROM users");
  EXPECT_TRUE(result.facts.Has(Fact::kUnparseable));
  EXPECT_TRUE(result.dangerous());
  EXPECT_THAT(result.error, HasSubstr("syntax error at or near \"DELET\""));
  EXPECT_THAT(result.error, HasSubstr("position 1"));
}

// Test that one bad statement makes the whole string unparseable, even after good ones.
TEST(SqlParseFailureTest, BadStatementAfterGoodOnesFailsClosed) {
  Classification result = ClassifySql("SELECT 1; SELEC 2");
  EXPECT_EQ(result.facts, FactSet{Fact::kUnparseable});
  EXPECT_THAT(result.error, HasSubstr("position 11"));
}

// Test that an unterminated literal, which could hide anything after it, fails closed.
TEST(SqlParseFailureTest, UnterminatedLiteralFailsClosed) {
  EXPECT_TRUE(ClassifySql("SELECT 'abc").facts.Has(Fact::kUnparseable));
  EXPECT_TRUE(ClassifySql("SELECT $$abc").facts.Has(Fact::kUnparseable));
  EXPECT_TRUE(ClassifySql("SELECT 1 /* open comment").facts.Has(Fact::kUnparseable));
}

// Test that other dialects' syntax is not guessed at.
TEST(SqlParseFailureTest, OtherDialectsFailClosed) {
  EXPECT_TRUE(ClassifySql("SHOW TABLES; DROP TABLE `users`").dangerous());
  EXPECT_TRUE(ClassifySql("rm -rf /").dangerous());
}

// Test that a NUL byte, which would hide the rest of the string from the parser, fails closed.
TEST(SqlParseFailureTest, EmbeddedNulFailsClosed) {
  const std::string sql("SELECT 1;\0DROP TABLE t", 22);
  Classification result = ClassifySql(sql);
  EXPECT_EQ(result.facts, FactSet{Fact::kUnparseable});
  EXPECT_THAT(result.error, HasSubstr("NUL byte at position 10"));
}

// Test that nesting deeper than the parser allows fails closed instead of crashing.
TEST(SqlParseFailureTest, ExtremeNestingFailsClosed) {
  std::string sql = "SELECT ";
  for (int i = 0; i < 20000; ++i) sql += "NOT ";
  sql += "true";
  Classification result = ClassifySql(sql);
  EXPECT_TRUE(result.facts.Has(Fact::kUnparseable));
  EXPECT_FALSE(result.error.empty());
}

// Test that deep but legal nesting still classifies.
TEST(SqlParseFailureTest, ModerateNestingClassifies) {
  std::string sql = "DELETE FROM t WHERE ";
  for (int i = 0; i < 200; ++i) sql += "(";
  sql += "id = 1";
  for (int i = 0; i < 200; ++i) sql += ")";
  sql += " OR true";
  Classification result = ClassifySql(sql);
  EXPECT_EQ(result.error, "");
  EXPECT_TRUE(result.facts.Has(Fact::kSqlDeleteAll));
}

// Test that empty and comment-only input runs nothing: no facts, no error.
TEST(SqlParseFailureTest, NothingToRunHasNoFacts) {
  for (const char* sql : {"", "   \n\t", "-- DROP TABLE t", "/* TRUNCATE t */", ";", ";;"}) {
    Classification result = ClassifySql(sql);
    EXPECT_TRUE(result.facts.empty()) << sql;
    EXPECT_EQ(result.error, "") << sql;
    EXPECT_FALSE(result.dangerous()) << sql;
  }
}

// Test that parse errors leave no fingerprint.
TEST(SqlParseFailureTest, UnparseableHasNoFingerprint) {
  Digest digest{};
  digest[0] = 7;
  EXPECT_FALSE(FingerprintSql("DELET FROM t", {}, digest));
  EXPECT_EQ(digest[0], 7) << "the output must stay untouched";
}

}  // namespace
}  // namespace drawbridge::classify
