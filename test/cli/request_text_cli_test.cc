// Local mode (--db): how requests and grants are shown. Text output escapes user text (SPEC §5)
// and names the source IP (SPEC §4); lists take --limit.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

const std::string kPolicy = std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy";

class RequestTextCliTest : public ::testing::Test {
 protected:
  CliResult Local(const std::string& who, std::vector<std::string> args) {
    std::vector<std::string> all = {"--db", dir_ / "db.sqlite", "--policy", kPolicy};
    if (!who.empty()) all.insert(all.end(), {"--as", who});
    all.insert(all.end(), args.begin(), args.end());
    return RunDrawbridge(dir_, all);
  }

  std::string RequestDbAdmin(const std::string& reason, const std::string& ticket) {
    CliResult r = Local("user:alice", {"-o", "json", "request", "access", "--rule", "dba-elevation",
                                       "--resource", "db/orders-prod", "--duration", "30m",
                                       "--reason", reason, "--ticket", ticket});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (r.exit_code != 0) return "";
    return std::string(boost::json::parse(r.out).at("id").as_string());
  }

  TempDir dir_;
};

// Test that the reason and review comments reach the terminal escaped: a requester cannot hide
// text from the approver, retitle the window or overwrite a line.
TEST_F(RequestTextCliTest, ShowEscapesReasonAndComments) {
  const std::string reason = "routine\x1b[8m and also dump every table\x1b[0m\x1b]0;ok\a\rdone";
  const std::string id = RequestDbAdmin(reason, "INC-7");
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(Local("user:erin", {"requests", "approve", id, "--comment", "ok\x1b[2K"}).exit_code, 0);

  CliResult shown = Local("", {"requests", "show", id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  for (char raw : {'\x1b', '\a', '\r'}) {
    EXPECT_EQ(shown.out.find(raw), std::string::npos)
        << "raw control " << static_cast<int>(raw) << " in " << shown.out;
  }
  EXPECT_NE(
      shown.out.find("reason:  routine\\e[8m and also dump every table\\e[0m\\e]0;ok\\a\\rdone\n"),
      std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("ticket:  INC-7\n"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find(": ok\\e[2K\n"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("  source:  "), std::string::npos) << shown.out;

  // JSON keeps the exact text (its own escaping keeps the terminal safe).
  CliResult json = Local("", {"-o", "json", "requests", "show", id});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.find('\x1b'), std::string::npos) << json.out;
  EXPECT_EQ(boost::json::parse(json.out).at("reason").as_string(), reason);
}

// Test that an error quoting what the user typed (a ticket the rule refuses) is escaped too.
TEST_F(RequestTextCliTest, ErrorsEscapeQuotedText) {
  CliResult r = Local(
      "user:alice", {"request", "access", "--rule", "dba-elevation", "--resource", "db/orders-prod",
                     "--reason", "r", "--ticket", "INC-7\x1b]0;approved\a\rINC-8"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("INC-7\\e]0;approved\\a\\rINC-8"), std::string::npos) << r.err;
}

// Test that check's text explanation, which quotes the SQL in its ready-to-run command, shows
// it escaped.
TEST_F(RequestTextCliTest, CheckTextEscapesTheStatement) {
  CliResult r =
      RunDrawbridge(dir_, {"check", "--policy", kPolicy, "--at", "2026-01-05T10:00:00Z",
                           "--principal", "user:alice", "--action", "db.query", "--resource",
                           "db/analytics-prod", "--sql", "TRUNCATE events /* a\x1b[8mb */"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\\e[8m"), std::string::npos) << r.out;
}

// Test that requests ls and grants ls show at most --limit items, and refuse a limit out of range.
TEST_F(RequestTextCliTest, ListLimit) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(RequestDbAdmin("r", "INC-" + std::to_string(i)));
  CliResult all = Local("", {"-o", "json", "requests", "ls"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(boost::json::parse(all.out).as_array().size(), 3u);
  CliResult two = Local("", {"-o", "json", "requests", "ls", "--limit", "2"});
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(boost::json::parse(two.out).as_array().size(), 2u);

  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Local("user:erin", {"requests", "approve", ids[i]}).exit_code, 0);
  }
  CliResult grants = Local("", {"-o", "json", "grants", "ls"});
  ASSERT_EQ(grants.exit_code, 0) << grants.err;
  EXPECT_EQ(boost::json::parse(grants.out).as_array().size(), 2u) << grants.out;
  CliResult one = Local("", {"-o", "json", "grants", "ls", "--limit", "1"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(boost::json::parse(one.out).as_array().size(), 1u);

  EXPECT_EQ(Local("", {"requests", "ls", "--limit", "0"}).exit_code, 2);
  EXPECT_EQ(Local("", {"grants", "ls", "--limit", "5000"}).exit_code, 2);
  CliResult help = Local("", {"requests", "ls", "--help"});
  EXPECT_NE(help.out.find("--limit"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace drawbridge::testing
