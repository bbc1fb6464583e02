#include <gtest/gtest.h>

#include "drawbridge/classify.h"

namespace drawbridge::classify {
namespace {

// Test that each method maps to its fact and that writes are marked.
TEST(ClassifyHttp, MethodsMapToFacts) {
  EXPECT_TRUE(ClassifyHttp("GET", "/x").facts.Has(Fact::kHttpMethodGet));
  EXPECT_FALSE(ClassifyHttp("GET", "/x").facts.Has(Fact::kHttpWrite));
  EXPECT_TRUE(ClassifyHttp("delete", "/x").facts.Has(Fact::kHttpMethodDelete));
  EXPECT_TRUE(ClassifyHttp("DELETE", "/x").facts.Has(Fact::kHttpWrite));
  EXPECT_TRUE(ClassifyHttp("PURGE", "/x").facts.Has(Fact::kHttpMethodOther));
  EXPECT_TRUE(ClassifyHttp("PURGE", "/x").facts.Has(Fact::kHttpWrite));
}

// Test that malformed input fails closed.
TEST(ClassifyHttp, MalformedIsUnparseable) {
  EXPECT_TRUE(ClassifyHttp("GE T", "/x").dangerous());
  EXPECT_TRUE(ClassifyHttp("GET", "x").dangerous());
  EXPECT_FALSE(ClassifyHttp("GET", "x").error.empty());
}

// Test that the fingerprint binds method and path, case-insensitively for the method only.
TEST(FingerprintHttp, BindsMethodAndPath) {
  EXPECT_EQ(FingerprintHttp("get", "/a"), FingerprintHttp("GET", "/a"));
  EXPECT_NE(FingerprintHttp("GET", "/a"), FingerprintHttp("GET", "/A"));
  EXPECT_NE(FingerprintHttp("GET", "/a"), FingerprintHttp("POST", "/a"));
  EXPECT_EQ(DigestHex(FingerprintHttp("GET", "/a")).size(), 64u);
}

}  // namespace
}  // namespace drawbridge::classify
