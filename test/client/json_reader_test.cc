// JsonReader: the one reader of API bodies, used by the server for what clients send and by the
// client for what the server answers.
#include "api/json_reader.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace drawbridge::api {
namespace {

namespace json = boost::json;

// Test that each typed member is read, and that missing or null members leave their field alone.
TEST(JsonReaderTest, ReadsTypedMembersAndSkipsMissingOnes) {
  json::value v = json::parse(
      R"({"s":"x","l":["a","b"],"i":-3,"u":18446744073709551615,"b":true,"t":"2026-01-05T10:00:00Z",
          "n":null,"scope":{"selector":{"env":"prod"}}})");
  JsonReader r(v, "thing");
  std::string s, missing = "kept";
  std::vector<std::string> l;
  int64_t i = 0, t = 0;
  uint64_t u = 0;
  bool b = false;
  Scope scope;
  r.String("s", s);
  r.String("n", missing);
  r.String("absent", missing);
  r.Strings("l", l);
  r.Integer("i", i);
  r.Unsigned("u", u);
  r.Bool("b", b);
  r.TimeField("t", t);
  r.ScopeField(scope);
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  EXPECT_EQ(s, "x");
  EXPECT_EQ(missing, "kept");
  EXPECT_EQ(l, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(i, -3);
  EXPECT_EQ(u, UINT64_MAX);
  EXPECT_TRUE(b);
  EXPECT_EQ(t, 1767607200);
  ASSERT_EQ(scope.selector.size(), 1u);
  EXPECT_EQ(scope.selector[0], (std::pair<std::string, std::string>{"env", "prod"}));
}

// Test that the first wrong member is the one reported, named with the object it belongs to.
TEST(JsonReaderTest, ReportsTheFirstWrongMemberByName) {
  json::value v = json::parse(R"({"u":-1,"s":7})");
  JsonReader r(v, "verification report");
  uint64_t u = 0;
  std::string s;
  r.Unsigned("u", u);
  r.String("s", s);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "verification report: u must be a non-negative integer");

  JsonReader not_object(json::value(3), "identity");
  EXPECT_EQ(not_object.status().message(), "identity: is not a JSON object");
}

}  // namespace
}  // namespace drawbridge::api
