// The CLI in remote mode against the real server, as in the README demo: each user runs
// `drawbridge` with DRAWBRIDGE_ADDR and their own DRAWBRIDGE_TOKEN.
#include <gtest/gtest.h>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

using json = boost::json::value;

class CliRemoteTest : public RemoteCliTest {
 protected:
  static std::vector<std::string> RequestDbAdmin(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "request",        "access",     "--rule",   "dba-elevation", "--resource",
        "db/orders-prod", "--duration", "30m",      "--reason",      "fix the stuck migration",
        "--ticket",       "INC-1",      "--output", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  static std::vector<std::string> CheckSelect() {
    return {"check", "--action", "db.query", "--resource", "db/orders-prod", "--sql", "SELECT 1"};
  }

  std::map<std::string, std::string> tokens_;
};

// Test the README flow: alice asks, erin approves, alice's check passes; lists and verify work.
TEST_F(CliRemoteTest, RequestApproveCheckListVerify) {
  EXPECT_EQ(As("ALICE", CheckSelect()).exit_code, 4);

  CliResult requested = As("ALICE", RequestDbAdmin());
  ASSERT_EQ(requested.exit_code, 0) << requested.out << requested.err;
  const std::string id(boost::json::parse(requested.out).at("id").as_string());
  EXPECT_EQ(boost::json::parse(requested.out).at("state"), "pending");

  CliResult pending = As("ERIN", {"requests", "ls", "--state", "pending", "--output", "json"});
  ASSERT_EQ(pending.exit_code, 0) << pending.err;
  EXPECT_NE(pending.out.find(id), std::string::npos) << pending.out;

  // alice cannot approve her own request; erin can.
  EXPECT_NE(As("ALICE", {"requests", "approve", id}).exit_code, 0);
  CliResult approved = As("ERIN", {"requests", "approve", id, "--comment", "ok"});
  ASSERT_EQ(approved.exit_code, 0) << approved.out << approved.err;

  CliResult check = As("ALICE", CheckSelect());
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

  CliResult grants = As("ALICE", {"grants", "ls", "--mine", "--output", "json"});
  ASSERT_EQ(grants.exit_code, 0) << grants.err;
  EXPECT_NE(grants.out.find("user:alice"), std::string::npos) << grants.out;
  EXPECT_NE(grants.out.find("active"), std::string::npos) << grants.out;

  CliResult mine = As("ALICE", {"requests", "ls", "--mine", "--output", "json"});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  EXPECT_NE(mine.out.find(id), std::string::npos) << mine.out;

  CliResult verify = As("ADMIN", {"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // The audit log is for admins only.
  EXPECT_NE(As("ALICE", {"audit", "verify"}).exit_code, 0);
}

// Test that `request access --wait` returns 0 once someone else approves.
TEST_F(CliRemoteTest, WaitReturnsOnceApproved) {
  std::atomic<bool> approved{false};
  std::thread approver([&] {
    // Finds alice's pending request over the API, then approves it as erin.
    Eventually(
        [&] {
          HttpResult list =
              Send(server_->port(), http::verb::get, "/v1/requests?state=pending", Token("ERIN"));
          if (list.status != 200) return false;
          const json body = list.json();
          for (const auto& r : body.at("requests").as_array()) {
            const std::string id(r.at("id").as_string());
            HttpResult review =
                Send(server_->port(), http::verb::post, "/v1/requests/" + id + "/reviews",
                     Token("ERIN"), Json(boost::json::object{{"approve", true}}));
            if (review.status == 200) approved = true;
          }
          return approved.load();
        },
        std::chrono::seconds(30));
  });
  CliResult waited = As("ALICE", RequestDbAdmin({"--wait", "--wait-timeout", "30s"}));
  approver.join();
  EXPECT_TRUE(approved.load());
  EXPECT_EQ(waited.exit_code, 0) << waited.out << waited.err;
  // Off a terminal the wait writes a line per change, its outcome included.
  EXPECT_NE(waited.err.find(" pending, approvals 0, waited "), std::string::npos) << waited.err;
  EXPECT_NE(waited.err.find(" active, approvals 1, waited "), std::string::npos) << waited.err;
  EXPECT_EQ(As("ALICE", CheckSelect()).exit_code, 0);
}

// Test that `--wait` on a request nobody decides ends with exit 4 when its wait runs out.
TEST_F(CliRemoteTest, WaitTimesOutPending) {
  CliResult waited = As("ALICE", RequestDbAdmin({"--wait", "--wait-timeout", "2s"}));
  EXPECT_EQ(waited.exit_code, 4) << waited.out << waited.err;
  // Nothing changed while it waited: one status line, and the note that it is still pending.
  EXPECT_EQ(CountOccurrences(waited.err, " pending, approvals 0, waited "), 1u) << waited.err;
  EXPECT_NE(waited.err.find("still pending after"), std::string::npos) << waited.err;
}

}  // namespace
}  // namespace drawbridge::testing
