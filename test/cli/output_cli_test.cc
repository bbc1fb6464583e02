// The global --output / DRAWBRIDGE_OUTPUT option reaches every command (SPEC §6: "--output json
// everywhere"), and a command's own --output still wins.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

const std::string kPolicy = std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy";
const std::string kPolicyTests = kPolicy + "/tests/example_test.yaml";

class OutputCliTest : public ::testing::Test {
 protected:
  CliResult Run(const std::vector<std::string>& args,
                const std::vector<std::pair<std::string, std::string>>& env = {}) {
    return RunDrawbridge(dir_, args, env);
  }

  // Runs `args` once with `--output json` before the command and once with DRAWBRIDGE_OUTPUT,
  // and returns both answers parsed (a JSON value each, or null when the output is not JSON).
  std::vector<boost::json::value> BothWays(const std::vector<std::string>& args, int exit_code) {
    std::vector<std::string> flagged = {"--output", "json"};
    flagged.insert(flagged.end(), args.begin(), args.end());
    std::vector<boost::json::value> out;
    for (const CliResult& r : {Run(flagged), Run(args, {{"DRAWBRIDGE_OUTPUT", "json"}})}) {
      EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(r.out, ec);
      EXPECT_FALSE(ec) << "not JSON: " << r.out;
      out.push_back(ec ? boost::json::value(nullptr) : v);
    }
    return out;
  }

  TempDir dir_;
};

// Test that classify answers in JSON under the global option.
TEST_F(OutputCliTest, Classify) {
  for (const auto& v : BothWays({"classify", "DROP TABLE customers"}, 3)) {
    ASSERT_TRUE(v.is_object());
    EXPECT_EQ(v.at("dangerous"), true);
  }
}

// Test that policy validate, test and explain answer in JSON under the global option.
TEST_F(OutputCliTest, PolicyCommands) {
  for (const auto& v : BothWays({"policy", "validate", kPolicy}, 0)) {
    ASSERT_TRUE(v.is_object());
    EXPECT_EQ(v.at("valid"), true);
  }
  for (const auto& v : BothWays({"policy", "test", kPolicy, kPolicyTests}, 0)) {
    ASSERT_TRUE(v.is_object());
    EXPECT_GT(v.at("passed").as_int64(), 0);
    EXPECT_EQ(v.at("failed"), 0);
  }
  for (const auto& v : BothWays({"policy", "explain", kPolicy, "--principal", "user:alice"}, 0)) {
    ASSERT_TRUE(v.is_object());
    EXPECT_EQ(v.at("principal"), "user:alice");
  }
}

// Test that an invalid policy is reported as JSON too, with each error's position.
TEST_F(OutputCliTest, InvalidPolicyAsJson) {
  const std::string bad = dir_ / "bad.yaml";
  WriteFile(bad, "version: 1\nroles:\n  r:\n    permisions: []\n");
  for (const auto& v : BothWays({"policy", "validate", bad}, 1)) {
    ASSERT_TRUE(v.is_object());
    EXPECT_EQ(v.at("valid"), false);
    ASSERT_FALSE(v.at("errors").as_array().empty());
    EXPECT_NE(std::string(v.at("errors").as_array()[0].as_string()).find(bad + ":4:5"),
              std::string::npos)
        << v;
  }
}

// Test that an offline check (against --policy) answers in JSON under the global option.
TEST_F(OutputCliTest, OfflineCheck) {
  for (const auto& v : BothWays({"check", "--policy", kPolicy, "--at", "2026-01-05T10:00:00Z",
                                 "--principal", "user:alice", "--action", "db.query", "--resource",
                                 "db/analytics-prod", "--sql", "DELETE FROM events"},
                                4)) {
    ASSERT_TRUE(v.is_object());
    EXPECT_EQ(v.at("decision"), "approval_required");
  }
}

// Test that a command's own --output text wins over DRAWBRIDGE_OUTPUT=json.
TEST_F(OutputCliTest, CommandFlagWins) {
  const std::vector<std::pair<std::string, std::string>> json_env = {{"DRAWBRIDGE_OUTPUT", "json"}};
  CliResult classify = Run({"classify", "--output", "text", "SELECT 1"}, json_env);
  EXPECT_EQ(classify.exit_code, 0);
  EXPECT_EQ(classify.out, "safe sql.read\n");
  CliResult validate = Run({"policy", "validate", kPolicy, "-o", "text"}, json_env);
  EXPECT_EQ(validate.exit_code, 0);
  EXPECT_NE(validate.out.find(": valid ("), std::string::npos) << validate.out;
  CliResult plain = Run({"classify", "SELECT 1"});
  EXPECT_EQ(plain.out, "safe sql.read\n");
}

}  // namespace
}  // namespace drawbridge::testing
