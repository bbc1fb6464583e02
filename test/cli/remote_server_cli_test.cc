// The drawbridge command in remote mode against a real `drawbridge serve` on a loopback port:
// what a user gets from the server end to end (audit export paging, break-glass post-reviews,
// list limits).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

size_t CountLines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

class RemoteServerCliTest : public RemoteCliTest {
 protected:
  // alice asks for db-admin on orders (pending until a DBA or lead approves); returns its id.
  std::string RequestDbAdmin(const std::string& ticket = "INC-1") {
    CliResult r = As("ALICE", {"request", "access", "--rule", "dba-elevation", "--resource",
                               "db/orders-prod", "--duration", "30m", "--reason", "migration",
                               "--ticket", ticket, "--output", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    if (r.exit_code != 0) return "";
    return std::string(boost::json::parse(r.out).at("id").as_string());
  }

  std::string StateOf(const std::string& id) {
    CliResult r = As("ALICE", {"requests", "show", id, "--output", "json"});
    if (r.exit_code != 0) return "(show failed: " + r.err + ")";
    return std::string(boost::json::parse(r.out).at("state").as_string());
  }

  std::map<std::string, std::string> tokens_;
};

// Test that a remote export pages through the whole log: small pages give exactly what one big
// page gives, JSON lines and CSV (whose header comes once), filtered or not.
TEST_F(RemoteServerCliTest, AuditExportPagesThroughTheWholeLog) {
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(RequestDbAdmin("INC-" + std::to_string(i)).empty());

  CliResult whole = As("ADMIN", {"audit", "export", "--page-size", "10000"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const size_t events = CountLines(whole.out);
  ASSERT_GE(events, 4u) << whole.out;

  CliResult paged = As("ADMIN", {"audit", "export", "--page-size", "2"});
  ASSERT_EQ(paged.exit_code, 0) << paged.err;
  EXPECT_EQ(paged.out, whole.out);

  CliResult csv_whole = As("ADMIN", {"audit", "export", "--format", "csv"});
  CliResult csv_paged = As("ADMIN", {"audit", "export", "--format", "csv", "--page-size", "1"});
  ASSERT_EQ(csv_paged.exit_code, 0) << csv_paged.err;
  EXPECT_EQ(csv_paged.out, csv_whole.out);
  EXPECT_EQ(CountLines(csv_paged.out), events + 1);  // one header row
  EXPECT_EQ(csv_paged.out.find("seq,time,", 1), std::string::npos) << csv_paged.out;

  // A filter that leaves some pages empty must not end the export early.
  CliResult filtered_whole = As("ADMIN", {"audit", "export", "--principal", "user:alice"});
  CliResult filtered_paged =
      As("ADMIN", {"audit", "export", "--principal", "user:alice", "--page-size", "1"});
  ASSERT_EQ(filtered_paged.exit_code, 0) << filtered_paged.err;
  EXPECT_GE(CountLines(filtered_whole.out), 4u) << filtered_whole.out;
  EXPECT_EQ(filtered_paged.out, filtered_whole.out);
}

// Test that --as against a server is said to be unused (the token says who the caller is), and
// the command runs as the token's principal.
TEST_F(RemoteServerCliTest, AsIsNotSentToAServer) {
  RequestDbAdmin();
  CliResult r = As("ALICE", {"--as", "user:erin", "requests", "ls", "--mine", "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("--as (or DRAWBRIDGE_AS) user:erin is not sent to a server"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("user:alice"), std::string::npos) << r.out;
}

// Test that whoami shows the token as the server sees it (principal, role, tenant, token id, group
// claims), that a refused token is exit 1 with the server's reason, and that local mode names the
// --as principal without a role or token.
TEST_F(RemoteServerCliTest, WhoAmI) {
  CliResult alice = As("ALICE", {"whoami"});
  ASSERT_EQ(alice.exit_code, 0) << alice.err;
  EXPECT_EQ(alice.out.rfind("user:alice (role user, tenant default, token t-", 0), 0u) << alice.out;
  EXPECT_NE(alice.out.find(server_->url()), std::string::npos) << alice.out;

  CliResult admin = As("ADMIN", {"whoami", "--output", "json"});
  ASSERT_EQ(admin.exit_code, 0) << admin.err;
  const boost::json::value me = boost::json::parse(admin.out);
  EXPECT_EQ(me.at("role"), "admin");
  EXPECT_EQ(me.at("tenant"), "default");
  EXPECT_EQ(me.at("mode"), "remote");
  EXPECT_EQ(std::string(me.at("token_id").as_string()).rfind("t-", 0), 0u) << admin.out;

  CliResult made = As("ADMIN", {"token", "create", "--principal", "user:ivan", "--groups",
                                "dba,leads", "--output", "json"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  CliResult ivan = RunDrawbridge(
      dir_, {"whoami"},
      {{"DRAWBRIDGE_ADDR", server_->url()},
       {"DRAWBRIDGE_TOKEN", std::string(boost::json::parse(made.out).at("token").as_string())}});
  ASSERT_EQ(ivan.exit_code, 0) << ivan.err;
  EXPECT_NE(ivan.out.find("group claims: dba leads"), std::string::npos) << ivan.out;

  CliResult refused = RunDrawbridge(
      dir_, {"whoami"}, {{"DRAWBRIDGE_ADDR", server_->url()}, {"DRAWBRIDGE_TOKEN", "dbt_nope"}});
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_TRUE(refused.out.empty()) << refused.out;
  EXPECT_FALSE(refused.err.empty());

  const std::string db = dir_ / "local.sqlite";
  CliResult local = RunDrawbridge(dir_, {"--db", db, "--as", "user:bob", "whoami"});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(local.out, "user:bob (from --as), local mode on the database " + db + "\n");
  CliResult local_json =
      RunDrawbridge(dir_, {"--db", db, "--as", "user:bob", "whoami", "--output", "json"});
  ASSERT_EQ(local_json.exit_code, 0) << local_json.err;
  const boost::json::value local_me = boost::json::parse(local_json.out);
  EXPECT_EQ(local_me.at("principal"), "user:bob");
  EXPECT_TRUE(local_me.at("role").is_null());
  EXPECT_EQ(local_me.at("mode"), "local");
}

// Test that review-breakglass on an ordinary pending request is refused with a clear message
// and leaves it pending (it must never approve it), and that it closes a real break-glass review.
TEST_F(RemoteServerCliTest, ReviewBreakglassNeverApprovesAPendingRequest) {
  const std::string ordinary = RequestDbAdmin();
  ASSERT_FALSE(ordinary.empty());
  CliResult refused = As("ERIN", {"requests", "review-breakglass", ordinary, "--comment", "ok"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.err.find("has no post-hoc review"), std::string::npos) << refused.err;
  EXPECT_EQ(StateOf(ordinary), "pending");

  CliResult used = As("BOB", {"request", "access", "--rule", "oncall-breakglass", "--role",
                              "prod-admin", "--resource", "db/orders-prod", "--duration", "15m",
                              "--reason", "orders are failing", "--break-glass", "-o", "json"});
  ASSERT_EQ(used.exit_code, 0) << used.err;
  boost::json::value request = boost::json::parse(used.out);
  ASSERT_EQ(request.at("post_review_open"), true) << used.out;
  const std::string id(request.at("id").as_string());
  CliResult closed =
      As("ERIN", {"requests", "review-breakglass", id, "--comment", "justified", "-o", "json"});
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  EXPECT_EQ(boost::json::parse(closed.out).at("post_review_open"), false) << closed.out;
}

// Test that --limit caps requests ls and grants ls against a server.
TEST_F(RemoteServerCliTest, ListLimit) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(RequestDbAdmin("INC-" + std::to_string(i)));
  CliResult all = As("ALICE", {"requests", "ls", "--mine", "-o", "json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(boost::json::parse(all.out).as_array().size(), 3u);
  CliResult two = As("ALICE", {"requests", "ls", "--mine", "--limit", "2", "-o", "json"});
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(boost::json::parse(two.out).as_array().size(), 2u);
  CliResult text = As("ALICE", {"requests", "ls", "--mine", "--limit", "2"});
  EXPECT_EQ(CountLines(text.out), 2u) << text.out;
  EXPECT_NE(text.err.find("there may be more"), std::string::npos) << text.err;

  for (int i = 0; i < 2; ++i) {
    CliResult approved = As("ERIN", {"requests", "approve", ids[i]});
    ASSERT_EQ(approved.exit_code, 0) << approved.err;
  }
  CliResult grants = As("ADMIN", {"grants", "ls", "-o", "json"});
  ASSERT_EQ(grants.exit_code, 0) << grants.err;
  EXPECT_EQ(boost::json::parse(grants.out).as_array().size(), 2u) << grants.out;
  CliResult one = As("ADMIN", {"grants", "ls", "--limit", "1", "-o", "json"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(boost::json::parse(one.out).as_array().size(), 1u);
}

// Test that `policy explain --server` explains the policy the server is serving: the same text as
// explaining the files it serves, for any token; and that it wants exactly one of PATH and
// --server.
TEST_F(RemoteServerCliTest, PolicyExplainReadsTheServedPolicy) {
  CliResult served = As("ALICE", {"policy", "explain", "--server", "--principal", "user:alice"});
  ASSERT_EQ(served.exit_code, 0) << served.err;
  CliResult local = RunDrawbridge(
      dir_, {"policy", "explain", (dir_.path() / "policy").string(), "--principal", "user:alice"});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(served.out, local.out);
  EXPECT_NE(served.out.find("user:alice"), std::string::npos) << served.out;

  CliResult both =
      As("ALICE", {"policy", "explain", "--server", (dir_.path() / "policy").string()});
  EXPECT_EQ(both.exit_code, 2) << both.err;
  CliResult no_server = RunDrawbridge(dir_, {"policy", "explain", "--server"});
  EXPECT_EQ(no_server.exit_code, 2) << no_server.err;
  EXPECT_NE(no_server.err.find("DRAWBRIDGE_ADDR"), std::string::npos) << no_server.err;
  CliResult unauthenticated =
      RunDrawbridge(dir_, {"policy", "explain", "--server"},
                    {{"DRAWBRIDGE_ADDR", server_->url()}, {"DRAWBRIDGE_TOKEN", "dbt_not_a_token"}});
  EXPECT_EQ(unauthenticated.exit_code, 1) << unauthenticated.err;
}

}  // namespace
}  // namespace drawbridge::testing
