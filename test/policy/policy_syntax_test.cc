// The small parsers the loader is made of: durations, names, CIDRs, time windows, suggestions.
#include <gtest/gtest.h>

#include "policy/cidr.h"
#include "policy/durations.h"
#include "policy/group_graph.h"
#include "policy/names.h"
#include "policy/suggest.h"
#include "policy/time_window.h"

namespace drawbridge::policy {
namespace {

// Test that every documented duration form parses to the right number of seconds.
TEST(Durations, AcceptedForms) {
  EXPECT_EQ(ParseDuration("90s"), Seconds(90));
  EXPECT_EQ(ParseDuration("15m"), Seconds(900));
  EXPECT_EQ(ParseDuration("2h"), Seconds(7200));
  EXPECT_EQ(ParseDuration("1d"), Seconds(86400));
  EXPECT_EQ(ParseDuration("1h30m"), Seconds(5400));
  EXPECT_EQ(ParseDuration("1d2h3m4s"), Seconds(93784));
}

// Test that anything else, zero included, is refused.
TEST(Durations, RejectedForms) {
  for (const char* text : {"", "0s", "0h0m", "2", "h", "2 h", "2H", "-1h", "1m1h", "1h1h", "1.5h",
                           "1w", "99999999999s", "4000d"}) {
    EXPECT_EQ(ParseDuration(text), std::nullopt) << text;
  }
}

// Test that formatting is the inverse of parsing.
TEST(Durations, FormatRoundTrips) {
  EXPECT_EQ(FormatDuration(Seconds(5400)), "1h30m");
  EXPECT_EQ(FormatDuration(Seconds(86400 + 1)), "1d1s");
  for (int seconds : {1, 59, 60, 61, 3599, 3600, 90061}) {
    EXPECT_EQ(ParseDuration(FormatDuration(Seconds(seconds))), Seconds(seconds));
  }
}

// Test which principals are well-formed, and where "*" is allowed.
TEST(Names, Principals) {
  EXPECT_EQ(CheckPrincipal("user:alice", false), std::nullopt);
  EXPECT_EQ(CheckPrincipal("service:ci-deployer", false), std::nullopt);
  EXPECT_EQ(CheckPrincipal("agent:copilot-7", false), std::nullopt);
  EXPECT_EQ(CheckPrincipal("group:dba", false), std::nullopt);
  EXPECT_EQ(CheckPrincipal("*", true), std::nullopt);
  EXPECT_NE(CheckPrincipal("*", false), std::nullopt);
  EXPECT_NE(CheckPrincipal("alice", true), std::nullopt);
  EXPECT_NE(CheckPrincipal("user:", true), std::nullopt);
  EXPECT_NE(CheckPrincipal("robot:x", true), std::nullopt);
  EXPECT_NE(CheckPrincipal("user:a b", true), std::nullopt);
}

// Test which action patterns are well-formed.
TEST(Names, ActionPatterns) {
  for (const char* ok : {"db.query", "db.*", "*", "k8s.delete", "shell.exec", "a.b-c.d_e"}) {
    EXPECT_EQ(CheckActionPattern(ok), std::nullopt) << ok;
  }
  for (const char* bad :
       {"", "DB.query", "db.", ".db", "db*", "db.*.x", "1db", "db..query", "db.*x"}) {
    EXPECT_NE(CheckActionPattern(bad), std::nullopt) << bad;
  }
}

// Test that CIDRs parse for both families and clear host bits.
TEST(Cidrs, ParseAndMask) {
  StatusOr<Cidr> v4 = ParseCidr("10.1.2.3/8");
  ASSERT_TRUE(v4.ok());
  EXPECT_FALSE(v4->v6);
  EXPECT_EQ(v4->prefix, 8);
  EXPECT_EQ(v4->address[0], 10);
  EXPECT_EQ(v4->address[1], 0);
  EXPECT_EQ(v4->text, "10.1.2.3/8");
  StatusOr<Cidr> v6 = ParseCidr("::1/128");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->v6);
  EXPECT_EQ(v6->address[15], 1);
  StatusOr<Cidr> bare = ParseCidr("192.168.0.1");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->prefix, 32);
  for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/x", "10.0.0/8", "::1/129", "fe80::1%eth0"}) {
    EXPECT_FALSE(ParseCidr(bad).ok()) << bad;
  }
}

// Test weekday ranges, including one that wraps past Sunday.
TEST(TimeWindows, Weekdays) {
  EXPECT_EQ(*ParseWeekdays("mon-fri"), 0b0011111);
  EXPECT_EQ(*ParseWeekdays("sat-sun"), 0b1100000);
  EXPECT_EQ(*ParseWeekdays("fri-mon"), 0b1110001);
  EXPECT_EQ(*ParseWeekdays("wed"), 0b0000100);
  EXPECT_FALSE(ParseWeekdays("monday").ok());
}

// Test hour ranges, overnight ranges and 24:00.
TEST(TimeWindows, Hours) {
  StatusOr<HourRange> office = ParseHourRange("08:00-18:30");
  ASSERT_TRUE(office.ok());
  EXPECT_EQ(office->start_minute, 480);
  EXPECT_EQ(office->end_minute, 1110);
  EXPECT_EQ(ParseHourRange("22:00-06:00")->end_minute, 360);
  EXPECT_EQ(ParseHourRange("00:00-24:00")->end_minute, 1440);
  for (const char* bad :
       {"8-18", "08:00", "25:00-26:00", "08:60-09:00", "24:00-01:00", "09:00-09:00"}) {
    EXPECT_FALSE(ParseHourRange(bad).ok()) << bad;
  }
}

// Test UTC offsets, and that a named zone explains the limitation.
TEST(TimeWindows, Offsets) {
  EXPECT_EQ(*ParseUtcOffset("UTC"), 0);
  EXPECT_EQ(*ParseUtcOffset("+01:00"), 60);
  EXPECT_EQ(*ParseUtcOffset("-05:30"), -330);
  EXPECT_FALSE(ParseUtcOffset("+15:00").ok());
  StatusOr<int> named = ParseUtcOffset("America/New_York");
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.status().message().find("only UTC offsets"), std::string::npos);
}

// Test that suggestions find typos, transpositions included, and not unrelated words.
TEST(Suggest, NearestName) {
  std::vector<std::string_view> keys = {"approvers", "min_approvals", "max_denials"};
  EXPECT_EQ(NearestName("aprovers", keys), "approvers");
  EXPECT_EQ(NearestName("min_aprovals", keys), "min_approvals");
  EXPECT_EQ(NearestName("dorp", std::vector<std::string_view>{"drop", "ddl"}), "drop");
  EXPECT_EQ(NearestName("colour", keys), std::nullopt);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("ab", "ba"), 1u);
}

// Test that nested groups expand to people and cycles are named once.
TEST(Groups, ExpandAndCycles) {
  std::map<std::string, std::vector<std::string>> groups = {
      {"a", {"user:x", "group:b"}}, {"b", {"user:y", "group:a"}}, {"c", {"agent:z", "group:a"}}};
  GroupGraph graph(groups);
  EXPECT_EQ(graph.Expand("group:c"), (std::set<std::string>{"agent:z", "user:x", "user:y"}));
  EXPECT_EQ(graph.Expand("user:q"), (std::set<std::string>{"user:q"}));
  EXPECT_TRUE(graph.Expand("group:missing").empty());
  ASSERT_EQ(graph.cycles().size(), 1u);
  EXPECT_EQ(graph.cycles()[0], (std::vector<std::string>{"a", "b", "a"}));
}

}  // namespace
}  // namespace drawbridge::policy
