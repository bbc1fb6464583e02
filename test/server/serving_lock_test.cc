// While `drawbridge serve` runs on a SQLite file, local commands that would change requests or
// grants behind its in-memory index are refused, and a second server cannot open the file; token
// commands and reads still work, and once the server stops the local commands work again.
#include <gtest/gtest.h>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

class ServingLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.emplace(dir_, DevServerArgs(dir_));
    tokens_ = ReadTokens(dir_ / "tokens.env");
  }

  CliResult Local(const std::string& as, std::vector<std::string> args) {
    std::vector<std::string> all = {"--db", db_, "--policy", dir_ / "policy", "--as", as};
    all.insert(all.end(), args.begin(), args.end());
    return RunDrawbridge(dir_, all);
  }

  std::string RequestOverTheApi() {
    HttpResult r = Send(server_->port(), http::verb::post, "/v1/requests",
                        tokens_.at("DRAWBRIDGE_TOKEN_ALICE"), Json(AliceDbAdminRequest()));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().at("id").as_string());
  }

  std::string State(const std::string& id) {
    HttpResult r = Send(server_->port(), http::verb::get, "/v1/requests/" + id,
                        tokens_.at("DRAWBRIDGE_TOKEN_ALICE"));
    return r.status == 200 ? std::string(r.json().at("state").as_string()) : r.body;
  }

  TempDir dir_;
  std::string db_ = dir_ / "db.sqlite";
  std::optional<ServerProcess> server_;
  std::map<std::string, std::string> tokens_;
};

// Test that a local approval or revocation is refused while the server runs, with a message
// that says what to do instead, and changes nothing; reads and token commands still work.
TEST_F(ServingLockTest, LocalWorkflowWritesAreRefusedWhileServed) {
  const std::string id = RequestOverTheApi();
  CliResult approve = Local("user:erin", {"requests", "approve", id, "--comment", "ok"});
  EXPECT_NE(approve.exit_code, 0) << approve.out;
  EXPECT_NE(approve.err.find("is serving"), std::string::npos) << approve.err;
  EXPECT_NE(approve.err.find("DRAWBRIDGE_ADDR"), std::string::npos) << approve.err;
  EXPECT_EQ(State(id), "pending");

  HttpResult approved =
      Send(server_->port(), http::verb::post, "/v1/requests/" + id + "/reviews",
           tokens_.at("DRAWBRIDGE_TOKEN_ERIN"), Json(boost::json::object{{"approve", true}}));
  ASSERT_EQ(approved.status, 200) << approved.body;
  const std::string grant(approved.json().at("grant").as_string());
  CliResult revoke = Local("user:admin", {"grants", "revoke", grant, "--reason", "done"});
  EXPECT_NE(revoke.exit_code, 0) << revoke.out;
  EXPECT_NE(revoke.err.find("is serving"), std::string::npos) << revoke.err;
  EXPECT_EQ(State(id), "active");
  // A check may consume a grant and is audited: refused too.
  CliResult check = Local("user:alice", {"check", "--action", "db.query", "--resource",
                                         "db/orders-prod", "--sql", "DELETE FROM orders"});
  EXPECT_NE(check.exit_code, 0) << check.out;
  EXPECT_NE(check.err.find("is serving"), std::string::npos) << check.err;
  EXPECT_EQ(check.out, "");

  CliResult list = Local("user:admin", {"requests", "ls"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
  CliResult token = Local("user:admin", {"token", "create", "--principal", "user:carol"});
  EXPECT_EQ(token.exit_code, 0) << token.err;

  // Once the server is gone, the same command works locally.
  ASSERT_EQ(server_->Stop(), 0);
  server_.reset();
  CliResult after = Local("user:admin", {"grants", "revoke", grant, "--reason", "done"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
}

// Test that a second server refuses to start on a database another server serves.
TEST_F(ServingLockTest, ASecondServerCannotOpenTheSameDatabase) {
  CliResult second = RunDrawbridge(dir_, {"serve", "--dev", "--listen", "127.0.0.1:0", "--db", db_,
                                          "--tokens-file", dir_ / "tokens.env"});
  EXPECT_NE(second.exit_code, 0) << second.out;
  EXPECT_NE(second.err.find("in use by another drawbridge server"), std::string::npos)
      << second.err;
  EXPECT_EQ(Send(server_->port(), http::verb::get, "/healthz", "").status, 200);
}

// Test that a server whose port is taken refuses to start, says how to pick another, and
// leaves no database behind.
TEST_F(ServingLockTest, APortInUseIsRefusedWithAWayOut) {
  const std::string other_db = dir_ / "other.sqlite";
  CliResult second = RunDrawbridge(
      dir_, {"serve", "--dev", "--listen", "127.0.0.1:" + std::to_string(server_->port()), "--db",
             other_db, "--tokens-file", dir_ / "other-tokens.env"});
  EXPECT_NE(second.exit_code, 0) << second.out;
  EXPECT_NE(second.err.find("cannot listen on 127.0.0.1:" + std::to_string(server_->port())),
            std::string::npos)
      << second.err;
  EXPECT_NE(second.err.find("--listen; port 0 picks a free one"), std::string::npos) << second.err;
  EXPECT_FALSE(std::filesystem::exists(other_db));
  EXPECT_EQ(Send(server_->port(), http::verb::get, "/healthz", "").status, 200);
}

}  // namespace
}  // namespace drawbridge::testing
