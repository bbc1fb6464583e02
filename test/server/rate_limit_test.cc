// Rate limits and caps on the real server: the per-principal token bucket for API calls, the cap
// on pending requests per requester, and checks: unlimited by default for enforcement points'
// checker tokens, limited for user tokens.
#include <gtest/gtest.h>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

using json = boost::json::value;

// An access request for db-admin on `resource` under dba-elevation (the example policy).
boost::json::object DbAdminRequest(const std::string& resource, const std::string& reason) {
  return {
      {"kind", "access"},     {"rule", "dba-elevation"}, {"roles", boost::json::array{"db-admin"}},
      {"resource", resource}, {"duration", "30m"},       {"reason", reason},
      {"ticket", "INC-42"}};
}

class RateLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string policy = CopyExamplePolicy(dir_);
    WriteFile(dir_ / "server.yaml",
              "tenants: [{name: default, policy: " + policy +
                  "}]\n"
                  "limits: {requests_per_second: 2, burst: 2, max_open_requests: 2,\n"
                  "         user_checks_per_second: 1, max_long_polls: 2}\n");
    server_.emplace(dir_, std::vector<std::string>{
                              "--config", dir_ / "server.yaml", "--dev", "--listen", "127.0.0.1:0",
                              "--db", dir_ / "db.sqlite", "--tokens-file", dir_ / "tokens.env"});
    tokens_ = ReadTokens(dir_ / "tokens.env");
    ASSERT_FALSE(tokens_.empty());
  }

  std::string Token(const std::string& name) { return tokens_.at("DRAWBRIDGE_TOKEN_" + name); }

  HttpResult Call(http::verb method, const std::string& target, const std::string& who,
                  const json& body = nullptr) {
    return Send(server_->port(), method, target, Token(who), body.is_null() ? "" : Json(body));
  }

  static bool RateLimited(const HttpResult& r) {
    return r.status == 429 && r.body.find("too many requests") != std::string::npos;
  }

  // Sends, waiting out the per-principal rate limit (bounded), so a test can reach the cap on
  // open requests without tripping the rate limit first.
  HttpResult CallPaced(http::verb method, const std::string& target, const std::string& who,
                       const json& body = nullptr) {
    HttpResult r;
    for (int attempt = 0; attempt < 20; ++attempt) {
      r = Call(method, target, who, body);
      if (!RateLimited(r)) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    return r;
  }

  HttpResult RequestAccess(const std::string& resource) {
    return CallPaced(http::verb::post, "/v1/requests", "ALICE",
                     DbAdminRequest(resource, "fix the stuck migration"));
  }

  TempDir dir_;
  std::optional<ServerProcess> server_;
  std::map<std::string, std::string> tokens_;
};

// Test that a burst from one principal gets 429 with Retry-After while another is still served.
TEST_F(RateLimitTest, BurstIsLimitedPerPrincipal) {
  HttpConnection alice(server_->port());
  int limited = 0;
  HttpResult last_limited;
  for (int i = 0; i < 12; ++i) {
    HttpResult r = alice.Send(http::verb::get, "/v1/whoami", Token("ALICE"));
    ASSERT_TRUE(r.status == 200 || r.status == 429) << r.status << " " << r.body;
    if (r.status == 429) {
      ++limited;
      last_limited = r;
    }
  }
  ASSERT_GT(limited, 0) << "12 calls at once with burst 2 were never limited";
  const std::string metrics = Send(server_->port(), http::verb::get, "/metrics").body;
  EXPECT_NE(metrics.find("drawbridge_rate_limited_total " + std::to_string(limited) + "\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("drawbridge_open_request_cap_total 0\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("route=\"/v1/whoami\",status=\"429\"} " + std::to_string(limited) + "\n"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(last_limited.json().at("error").at("code"), "resource_exhausted");
  ASSERT_TRUE(last_limited.headers.count("Retry-After")) << last_limited.body;
  EXPECT_GE(std::stoi(last_limited.headers.at("Retry-After")), 1);

  HttpResult bob = Call(http::verb::get, "/v1/whoami", "BOB");
  EXPECT_EQ(bob.status, 200) << bob.body;

  // The bucket refills: after the advertised wait alice is served again.
  std::this_thread::sleep_for(
      std::chrono::seconds(std::stoi(last_limited.headers.at("Retry-After"))));
  EXPECT_EQ(Call(http::verb::get, "/v1/whoami", "ALICE").status, 200);
}

// Test that a requester's third pending request is refused with 429 until one is withdrawn.
TEST_F(RateLimitTest, OpenRequestsAreCappedPerRequester) {
  HttpResult first = RequestAccess("db/orders-prod");
  ASSERT_EQ(first.status, 201) << first.body;
  HttpResult second = RequestAccess("db/payments-prod");
  ASSERT_EQ(second.status, 201) << second.body;
  HttpResult third = RequestAccess("db/analytics-prod");
  ASSERT_EQ(third.status, 429) << third.body;
  EXPECT_NE(third.body.find("pending requests"), std::string::npos) << third.body;
  EXPECT_TRUE(third.headers.count("Retry-After")) << third.body;
  const std::string metrics = Send(server_->port(), http::verb::get, "/metrics").body;
  EXPECT_NE(metrics.find("drawbridge_open_request_cap_total 1\n"), std::string::npos) << metrics;

  // Someone else is not affected by alice's cap.
  HttpResult bob = CallPaced(http::verb::post, "/v1/requests", "BOB",
                             DbAdminRequest("db/orders-prod", "help alice"));
  EXPECT_EQ(bob.status, 201) << bob.body;

  const std::string id(first.json().at("id").as_string());
  HttpResult cancelled =
      CallPaced(http::verb::post, "/v1/requests/" + id + "/cancel", "ALICE", boost::json::object{});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(RequestAccess("db/analytics-prod").status, 201);
}

// Test that a principal's long polls beyond limits.max_long_polls get 429 while its others wait,
// that another principal may still wait, and that a slot is given back when its wait ends.
TEST_F(RateLimitTest, LongPollsAreCappedPerPrincipal) {
  HttpResult created = RequestAccess("db/orders-prod");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(created.json().at("id").as_string());
  const std::string wait = "/v1/requests/" + id + "?wait=60s";
  std::vector<std::thread> waiting;
  std::vector<int> answers(2, 0);
  for (int i = 0; i < 2; ++i) {
    waiting.emplace_back([&, i] {
      answers[static_cast<size_t>(i)] = CallPaced(http::verb::get, wait, "ALICE").status;
    });
  }
  auto long_polls = [&] {
    return MetricSeries(Send(server_->port(), http::verb::get, "/metrics").body,
                        "drawbridge_long_polls")
        .value_or(-1);
  };
  ASSERT_TRUE(Eventually([&] { return long_polls() == 2; })) << long_polls();
  HttpResult third = CallPaced(http::verb::get, wait, "ALICE");
  EXPECT_EQ(third.status, 429) << third.body;
  EXPECT_NE(third.body.find("limits.max_long_polls"), std::string::npos) << third.body;
  EXPECT_EQ(third.headers["Retry-After"], "5");
  // erin's wait is hers: it ends by its own deadline, not with a 429.
  EXPECT_EQ(CallPaced(http::verb::get, "/v1/requests/" + id + "?wait=1s", "ERIN").status, 200);

  // The decision ends both waits, and their slots come back.
  HttpResult cancelled =
      CallPaced(http::verb::post, "/v1/requests/" + id + "/cancel", "ALICE", boost::json::object{});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  for (auto& thread : waiting) thread.join();
  EXPECT_EQ(answers, (std::vector<int>{200, 200}));
  EXPECT_EQ(CallPaced(http::verb::get, wait, "ALICE").status, 200);
}

// Test that a checker token's checks are not rate limited by default, nor by its principal's
// other calls, while a user token's own checks have a bucket of their own.
TEST_F(RateLimitTest, CheckerChecksAreUnlimitedUserChecksAreLimited) {
  for (int i = 0; i < 6; ++i) Call(http::verb::get, "/v1/whoami", "ENFORCER");
  ASSERT_EQ(Call(http::verb::get, "/v1/whoami", "ENFORCER").status, 429);
  HttpConnection alice(server_->port());
  HttpConnection enforcer(server_->port());
  const boost::json::object check{{"action", "db.query"},
                                  {"resource", "db/orders-dev"},
                                  {"payload", {{"kind", "sql"}, {"text", "SELECT 1"}}}};
  boost::json::object on_behalf = check;
  on_behalf["principal"] = "user:alice";
  int alice_limited = 0;
  for (int i = 0; i < 60; ++i) {
    HttpResult own = alice.Send(http::verb::post, "/v1/check", Token("ALICE"), Json(check));
    if (RateLimited(own)) {
      ++alice_limited;
      EXPECT_FALSE(own.headers["Retry-After"].empty());
    } else {
      ASSERT_EQ(own.status, 200) << "check " << i << ": " << own.body;
    }
    HttpResult other =
        enforcer.Send(http::verb::post, "/v1/check", Token("ENFORCER"), Json(on_behalf));
    ASSERT_EQ(other.status, 200) << "check " << i << ": " << other.body;
  }
  // A bucket of 2 refilled at 1 a second cannot let all 60 through.
  EXPECT_GT(alice_limited, 0);
  // The user's check bucket is not its API bucket.
  EXPECT_EQ(Call(http::verb::get, "/v1/whoami", "ALICE").status, 200);
}

// Test that requests created at the same moment by one requester cannot all slip under the cap
// on open requests: of 30 at once, exactly the cap's number are created.
TEST(OpenRequestCapRaceTest, ConcurrentCreatesStopAtTheCap) {
  TempDir dir;
  WriteFile(dir / "server.yaml", "tenants: [{name: default, policy: " + CopyExamplePolicy(dir) +
                                     "}]\n"
                                     "limits: {requests_per_second: 1000, burst: 1000, "
                                     "max_open_requests: 5}\n");
  ServerProcess server(dir, {"--config", dir / "server.yaml", "--dev", "--listen", "127.0.0.1:0",
                             "--db", dir / "db.sqlite", "--tokens-file", dir / "tokens.env"});
  const std::string alice = ReadTokens(dir / "tokens.env").at("DRAWBRIDGE_TOKEN_ALICE");
  const std::string body = Json(DbAdminRequest("db/orders-prod", "one of many"));
  constexpr int kCalls = 30;
  std::vector<int> status(kCalls, 0);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([&, i] {
      status[static_cast<size_t>(i)] =
          Send(server.port(), http::verb::post, "/v1/requests", alice, body).status;
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(std::count(status.begin(), status.end(), 201), 5);
  EXPECT_EQ(std::count(status.begin(), status.end(), 429), kCalls - 5);
}

}  // namespace
}  // namespace drawbridge::testing
