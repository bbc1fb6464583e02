// The server under contention and interruption: concurrent reviewers and checkers racing on one
// request or grant, a restart, and SIGTERM while writes are in flight.
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "server/server_process.h"

namespace drawbridge::testing {
namespace {

using json = boost::json::value;

constexpr int kReviewers = 100;

std::string Reviewer(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "r%03d", i);
  return buf;
}

// One rule whose approval needs three of a hundred reviewers.
std::string RacePolicy() {
  std::string approvers;
  for (int i = 0; i < kReviewers; ++i) approvers += (i ? ", user:" : "user:") + Reviewer(i);
  return "version: 1\n"
         "groups:\n"
         "  requesters: [user:alice]\n"
         "  reviewers: [" +
         approvers +
         "]\n"
         "resources:\n"
         "  - {id: db/orders-prod, kind: postgres, labels: {env: prod}}\n"
         "roles:\n"
         "  db-read:\n"
         "    permissions:\n"
         "      - {actions: [db.query], resources: {kind: postgres}}\n"
         "eligibility:\n"
         "  - name: prod-read\n"
         "    principals: [group:requesters]\n"
         "    roles: [db-read]\n"
         "    max_duration: 1h\n"
         "    approval: {approvers: [group:reviewers], min_approvals: 3}\n"
         "guardrails:\n"
         "  - name: destructive-sql\n"
         "    actions: [db.query]\n"
         "    resources: {kind: postgres}\n"
         "    when: {sql: [delete_all, drop]}\n"
         "    effect: require_approval\n"
         "    approval: {approvers: [group:reviewers], min_approvals: 1, ttl: 15m, uses: 1}\n";
}

class ServerRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_ / "policy.yaml") << RacePolicy();
    Start();
  }
  void Start() {
    server_.emplace(dir_,
                    std::vector<std::string>{"--dev", "--listen", "127.0.0.1:0", "--db",
                                             dir_ / "db.sqlite", "--policy", dir_ / "policy.yaml",
                                             "--tokens-file", dir_ / "tokens.env"});
    if (tokens_.empty()) tokens_ = ReadTokens(dir_ / "tokens.env");
    ASSERT_GE(tokens_.size(), static_cast<size_t>(kReviewers + 1));
  }
  std::string Token(const std::string& name) { return tokens_.at("DRAWBRIDGE_TOKEN_" + name); }
  uint16_t port() const { return server_->port(); }

  std::string RequestAccess() {
    HttpResult r = Send(port(), http::verb::post, "/v1/requests", Token("ALICE"),
                        Json(boost::json::object{{"kind", "access"},
                                                 {"roles", boost::json::array{"db-read"}},
                                                 {"resource", "db/orders-prod"},
                                                 {"duration", "30m"},
                                                 {"reason", "race"}}));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().at("id").as_string());
  }

  TempDir dir_;
  std::optional<ServerProcess> server_;
  std::map<std::string, std::string> tokens_;
};

// Test that 100 reviewers approving at once move the request to approved exactly once, with each
// reviewer counted once and no more approvals recorded than the rule needs.
TEST_F(ServerRaceTest, HundredConcurrentReviewersApproveOnce) {
  const std::string id = RequestAccess();
  std::atomic<int> ok{0}, conflict{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kReviewers; ++i) {
    threads.emplace_back([&, i] {
      std::string name = Reviewer(i);
      for (char& c : name) c = static_cast<char>(std::toupper(c));
      const std::string token = Token(name);
      HttpResult r = Send(port(), http::verb::post, "/v1/requests/" + id + "/reviews", token,
                          Json(boost::json::object{{"approve", true}}));
      if (r.status == 200) {
        ++ok;
      } else if (r.status == 409) {
        ++conflict;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 3);
  EXPECT_EQ(conflict.load(), kReviewers - 3);
  EXPECT_EQ(other.load(), 0);
  json request = Send(port(), http::verb::get, "/v1/requests/" + id, Token("ALICE")).json();
  EXPECT_EQ(request.at("state"), "active");
  std::set<std::string> reviewers;
  for (const auto& rv : request.at("reviews").as_array()) {
    reviewers.insert(std::string(rv.at("reviewer").as_string()));
  }
  EXPECT_EQ(reviewers.size(), 3u);
  EXPECT_EQ(request.at("reviews").as_array().size(), 3u);
  HttpResult audit =
      Send(port(), http::verb::get, "/v1/audit?type=request.approved", Token("ADMIN"));
  size_t approvals = 0;
  for (size_t at = audit.body.find("request.approved"); at != std::string::npos;
       at = audit.body.find("request.approved", at + 1)) {
    ++approvals;
  }
  EXPECT_EQ(approvals, 1u) << audit.body;
}

// Test that one reviewer sending the same approval many times at once is counted once.
TEST_F(ServerRaceTest, OneReviewerRacingWithItselfCountsOnce) {
  const std::string id = RequestAccess();
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      Send(port(), http::verb::post, "/v1/requests/" + id + "/reviews", Token("R007"),
           Json(boost::json::object{{"approve", true}}));
    });
  }
  for (auto& t : threads) t.join();
  json request = Send(port(), http::verb::get, "/v1/requests/" + id, Token("ALICE")).json();
  EXPECT_EQ(request.at("state"), "pending");
  EXPECT_EQ(request.at("reviews").as_array().size(), 1u);
}

// Test that checks racing for a single-use action grant get exactly one allow.
TEST_F(ServerRaceTest, ConcurrentChecksConsumeASingleUseGrantOnce) {
  const boost::json::object action{{"action", "db.query"},
                                   {"resource", "db/orders-prod"},
                                   {"payload", {{"kind", "sql"}, {"text", "DELETE FROM events"}}}};
  // alice has no access to the database yet: give her some, then ask for the one statement.
  const std::string access = RequestAccess();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Send(port(), http::verb::post, "/v1/requests/" + access + "/reviews",
                   Token("R01" + std::to_string(i)), Json(boost::json::object{{"approve", true}}))
                  .status,
              200);
  }
  boost::json::object request = action;
  request["kind"] = "action";
  request["reason"] = "clean up";
  HttpResult created =
      Send(port(), http::verb::post, "/v1/requests", Token("ALICE"), Json(request));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(created.json().at("id").as_string());
  ASSERT_EQ(Send(port(), http::verb::post, "/v1/requests/" + id + "/reviews", Token("R050"),
                 Json(boost::json::object{{"approve", true}}))
                .status,
            200);
  std::atomic<int> allows{0}, others{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      HttpResult r = Send(port(), http::verb::post, "/v1/check", Token("ALICE"), Json(action));
      if (r.status == 200 && r.json().at("decision") == "allow") {
        ++allows;
      } else {
        ++others;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allows.load(), 1);
  EXPECT_EQ(others.load(), 15);
}

// Test that a restart keeps requests, grants, tokens and the audit chain.
TEST_F(ServerRaceTest, RestartKeepsEverything) {
  const std::string id = RequestAccess();
  for (int i = 0; i < 3; ++i) {
    Send(port(), http::verb::post, "/v1/requests/" + id + "/reviews",
         Token("R02" + std::to_string(i)), Json(boost::json::object{{"approve", true}}));
  }
  const std::string pending = RequestAccess();
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  Start();
  json r = Send(port(), http::verb::get, "/v1/requests/" + id, Token("ALICE")).json();
  EXPECT_EQ(r.at("state"), "active");
  EXPECT_EQ(
      Send(port(), http::verb::get, "/v1/requests/" + pending, Token("ALICE")).json().at("state"),
      "pending");
  HttpResult check =
      Send(port(), http::verb::post, "/v1/check", Token("ALICE"),
           Json(boost::json::object{{"action", "db.query"},
                                    {"resource", "db/orders-prod"},
                                    {"payload", {{"kind", "sql"}, {"text", "SELECT 1"}}}}));
  EXPECT_EQ(check.json().at("decision"), "allow") << check.body;
  HttpResult verify = Send(port(), http::verb::get, "/v1/audit/verify", Token("ADMIN"));
  EXPECT_TRUE(verify.json().at("ok").as_bool()) << verify.body;
}

// Test that SIGTERM under write load exits 0 and loses no write the server acknowledged.
TEST_F(ServerRaceTest, SigtermUnderLoadLosesNoAcknowledgedWrite) {
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      HttpConnection conn(port());
      while (!stop) {
        HttpResult r;
        try {
          // Each token is a durable, audited write answered 201 only once committed.
          r = conn.Send(http::verb::post, "/v1/tokens", Token("ADMIN"),
                        Json(boost::json::object{{"principal", "user:w" + std::to_string(w)},
                                                 {"description", "load"}}));
        } catch (const std::exception&) {
          return;  // the server has gone: connection refused or closed
        }
        if (r.status == 201) {
          std::lock_guard lock(mu);
          acknowledged.emplace_back(r.json().at("id").as_string());
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_FALSE(acknowledged.empty());
  Start();
  HttpResult list = Send(port(), http::verb::get, "/v1/tokens", Token("ADMIN"));
  ASSERT_EQ(list.status, 200);
  std::set<std::string> stored;
  const json tokens = list.json();
  for (const auto& t : tokens.at("tokens").as_array()) {
    stored.insert(std::string(t.at("id").as_string()));
  }
  for (const std::string& id : acknowledged) EXPECT_TRUE(stored.count(id)) << id;
}

}  // namespace
}  // namespace drawbridge::testing
