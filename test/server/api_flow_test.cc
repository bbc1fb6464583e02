// The server as clients see it: the real `drawbridge serve --dev` process on a loopback port,
// driven over HTTP. Each test gets its own database and tokens.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

using json = boost::json::value;

class ApiFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.emplace(dir_, DevServerArgs(dir_));
    tokens_ = ReadTokens(dir_ / "tokens.env");
    ASSERT_FALSE(tokens_.empty());
  }

  std::string Token(const std::string& name) { return tokens_.at("DRAWBRIDGE_TOKEN_" + name); }
  HttpResult Get(const std::string& target, const std::string& who) {
    return Send(server_->port(), http::verb::get, target, who.empty() ? "" : Token(who));
  }
  HttpResult Post(const std::string& target, const std::string& who, const json& body) {
    return Send(server_->port(), http::verb::post, target, Token(who), Json(body));
  }

  // alice asks for db-admin on orders-prod under dba-elevation (one lead approves).
  std::string RequestDbAdmin() {
    HttpResult r = Post("/v1/requests", "ALICE", AliceDbAdminRequest());
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().at("id").as_string());
  }

  json CheckAlice(const std::string& sql) {
    HttpResult r = Post("/v1/check", "ALICE",
                        boost::json::object{{"action", "db.query"},
                                            {"resource", "db/orders-prod"},
                                            {"payload", {{"kind", "sql"}, {"text", sql}}}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  TempDir dir_;
  std::optional<ServerProcess> server_;
  std::map<std::string, std::string> tokens_;
};

// Test that health, readiness and metrics answer without a token.
TEST_F(ApiFlowTest, HealthReadinessAndMetricsNeedNoToken) {
  EXPECT_EQ(Get("/healthz", "").status, 200);
  EXPECT_EQ(Get("/readyz", "").status, 200);
  HttpResult m = Get("/metrics", "");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("drawbridge_grants_active"), std::string::npos);
}

// Test that /metrics says which policy each tenant serves, since when, and how the server is
// doing: the version /v1/policy reports, no reload failures, open connections, start time.
TEST_F(ApiFlowTest, MetricsShowThePolicyInForce) {
  HttpResult policy = Get("/v1/policy", "ADMIN");
  ASSERT_EQ(policy.status, 200) << policy.body;
  const std::string version(policy.json().at("version").as_string());
  const std::string m = Get("/metrics", "").body;
  EXPECT_NE(m.find("drawbridge_policy_info{tenant=\"default\",version=\"" + version + "\"} 1\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("drawbridge_policy_loaded_timestamp_seconds{tenant=\"default\"} "),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("drawbridge_policy_reload_failures_total{tenant=\"default\"} 0\n"),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find("drawbridge_tls_reload_failures_total"), std::string::npos) << m;
  EXPECT_EQ(m.find("drawbridge_metrics_token_reload_failures_total"), std::string::npos) << m;
  EXPECT_NE(m.find("\ndrawbridge_connections "), std::string::npos) << m;
  const size_t start = m.find("\ndrawbridge_start_time_seconds ");
  ASSERT_NE(start, std::string::npos) << m;
  const double started = std::stod(m.substr(start + 31));
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(started, now - 600);
  EXPECT_LE(started, now + 1);
}

// Test that /metrics serves exactly the families docs/API.md lists, with the documented type and
// labels: dashboards and alerts are written from that table.
TEST_F(ApiFlowTest, MetricsAreTheDocumentedOnes) {
  CheckAlice("DELETE FROM orders");  // a decision, so that the labelled families have samples
  struct Family {
    std::string type;
    std::set<std::string> labels;
  };
  auto label_names = [](std::string_view text) {
    std::set<std::string> names;
    for (size_t at = text.find('`'); at != std::string_view::npos; at = text.find('`', at + 1)) {
      const size_t end = text.find('`', at + 1);
      if (end == std::string_view::npos) {
        ADD_FAILURE() << "an unclosed ` in docs/API.md: " << text;
        break;
      }
      names.insert(std::string(text.substr(at + 1, end - at - 1)));
      at = end;
    }
    return names;
  };
  std::map<std::string, Family> documented;
  std::istringstream api(ReadFile(DRAWBRIDGE_SOURCE_DIR "/docs/API.md"));
  for (std::string line; std::getline(api, line);) {
    if (line.rfind("| `drawbridge_", 0) != 0) continue;
    std::vector<std::string> cells;  // the first three: family, type, labels
    for (size_t at = 1; cells.size() < 3 && at < line.size();) {
      const size_t end = line.find('|', at);
      const size_t first = line.find_first_not_of(' ', at);
      const size_t last = line.find_last_not_of(' ', end - 1);
      cells.push_back(first < end ? line.substr(first, last - first + 1) : "");
      at = end + 1;
    }
    ASSERT_GE(cells.size(), 3u) << line;
    documented[cells[0].substr(1, cells[0].size() - 2)] = {cells[1], label_names(cells[2])};
  }
  ASSERT_GT(documented.size(), 20u);

  std::map<std::string, Family> served;
  std::istringstream scrape(Get("/metrics", "").body);
  for (std::string line; std::getline(scrape, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      const size_t space = line.find(' ', 7);
      served[line.substr(7, space - 7)].type = line.substr(space + 1);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    std::string name = line.substr(0, line.find_first_of("{ "));
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s(suffix);
      const std::string family = name.substr(0, name.size() - std::min(name.size(), s.size()));
      if (name.ends_with(s) && served.count(family) && served[family].type == "histogram") {
        name = family;
      }
    }
    const size_t open = line.find('{');
    if (open == std::string::npos || open > line.find(' ')) continue;
    // The last '}' before the value: a label value may hold braces (route="/v1/requests/{id}").
    const size_t close = line.rfind('}', line.rfind(' '));
    ASSERT_NE(close, std::string::npos) << line;
    const std::string labels = line.substr(open + 1, close - open - 1);
    for (size_t at = 0; at < labels.size();) {
      const size_t eq = labels.find('=', at);
      const std::string key = labels.substr(at, eq - at);
      if (key != "le") served[name].labels.insert(key);
      at = labels.find("\",", eq);
      at = at == std::string::npos ? labels.size() : at + 2;
    }
  }

  for (const auto& [name, family] : served) {
    if (!documented.count(name)) {
      ADD_FAILURE() << name << " is served but not in docs/API.md";
      continue;
    }
    EXPECT_EQ(family.type, documented[name].type) << name;
    EXPECT_EQ(family.labels, documented[name].labels) << name;
  }
  for (const auto& [name, family] : documented) {
    // Only a server with TLS has certificates to reload, and one with a metrics token a token.
    if (name == "drawbridge_tls_reload_failures_total") continue;
    if (name == "drawbridge_metrics_token_reload_failures_total") continue;
    EXPECT_TRUE(served.count(name)) << name << " is in docs/API.md but not served";
  }
}

// Test that the requests gauge counts requests by state, zeros included.
TEST_F(ApiFlowTest, RequestsGaugeCountsByState) {
  RequestDbAdmin();
  const std::string approved = RequestDbAdmin();
  ASSERT_EQ(
      Post("/v1/requests/" + approved + "/reviews", "ERIN", boost::json::object{{"approve", true}})
          .status,
      200);
  const std::string m = Get("/metrics", "").body;
  EXPECT_NE(m.find("drawbridge_requests{tenant=\"default\",state=\"pending\"} 1\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("drawbridge_requests{tenant=\"default\",state=\"active\"} 1\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("drawbridge_requests{tenant=\"default\",state=\"denied\"} 0\n"),
            std::string::npos)
      << m;
}

// Test that an audited check (a guardrail took part) shows in the group-commit metrics.
TEST_F(ApiFlowTest, AuditedChecksShowInTheGroupCommitMetrics) {
  json decision = CheckAlice("DROP TABLE orders");
  ASSERT_NE(boost::json::serialize(decision.at("rules")).find("guardrail:"), std::string::npos)
      << decision;
  std::string m = Get("/metrics", "").body;
  EXPECT_EQ(m.find("drawbridge_audit_commit_seconds_count 0\n"), std::string::npos) << m;
  EXPECT_NE(m.find("drawbridge_audit_commit_seconds_count "), std::string::npos) << m;
  EXPECT_NE(m.find("drawbridge_audit_batch_wait_seconds_bucket{le=\"0.003\"}"), std::string::npos);
  EXPECT_NE(m.find("drawbridge_audit_committed_checks_total 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("drawbridge_writes_queued{tenant=\"default\"} 0\n"), std::string::npos) << m;
}

// Test that a workflow write is written by a group commit and counted there.
TEST_F(ApiFlowTest, WorkflowWritesShowInTheGroupCommitMetrics) {
  std::string before = Get("/metrics", "").body;
  EXPECT_NE(before.find("drawbridge_audit_committed_transitions_total 0\n"), std::string::npos);
  RequestDbAdmin();
  std::string after = Get("/metrics", "").body;
  EXPECT_NE(after.find("drawbridge_audit_committed_transitions_total 1\n"), std::string::npos)
      << after;
  EXPECT_EQ(after.find("drawbridge_audit_commit_seconds_count 0\n"), std::string::npos);
}

// Test that the API refuses a missing or unknown token with 401 and a JSON error.
TEST_F(ApiFlowTest, RefusesMissingAndUnknownTokens) {
  HttpResult none = Get("/v1/whoami", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.json().at("error").at("code"), "unauthenticated");
  HttpResult bad = Send(server_->port(), http::verb::get, "/v1/whoami",
                        "dbt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.body.find("dbt_AAAA"), std::string::npos);  // never echoes the token
}

// Test that whoami reports the token's principal, tenant and role.
TEST_F(ApiFlowTest, WhoAmI) {
  HttpResult r = Get("/v1/whoami", "ALICE");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("principal"), "user:alice");
  EXPECT_EQ(r.json().at("tenant"), "default");
  EXPECT_EQ(r.json().at("role"), "user");
}

// Test the three-step flow: alice requests, erin approves, alice's check is allowed.
TEST_F(ApiFlowTest, RequestApproveCheck) {
  EXPECT_EQ(CheckAlice("SELECT 1").at("decision"), "approval_required");
  std::string id = RequestDbAdmin();
  HttpResult approved = Post("/v1/requests/" + id + "/reviews", "ERIN",
                             boost::json::object{{"approve", true}, {"comment", "go"}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json().at("state"), "active");
  json decision = CheckAlice("SELECT 1");
  EXPECT_EQ(decision.at("decision"), "allow") << Json(decision);
  EXPECT_FALSE(decision.at("grant").is_null());
}

// Test that an approval given through a token's group claims counts when a second approver
// completes the rule: ivan is a DBA only by the claim his admin-made token carries, erin is a
// lead by policy, and prod-pii-read needs one of each. The request shows the claims with ivan's
// review, and its audit event names them.
TEST_F(ApiFlowTest, TokenGroupClaimsCountAtTheLaterReview) {
  HttpResult made =
      Post("/v1/tokens", "ADMIN",
           boost::json::object{{"principal", "user:ivan"}, {"groups", boost::json::array{"dba"}}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string ivan(made.json().at("token").as_string());
  HttpResult created = Post("/v1/requests", "CAROL", PiiReadRequest());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(created.json().at("id").as_string());

  HttpResult by_claim = Send(server_->port(), http::verb::post, "/v1/requests/" + id + "/reviews",
                             ivan, Json(boost::json::object{{"approve", true}}));
  ASSERT_EQ(by_claim.status, 200) << by_claim.body;
  const json pending = by_claim.json();
  EXPECT_EQ(pending.at("state"), "pending");
  const json& review = pending.at("reviews").at(0);
  EXPECT_EQ(review.at("reviewer"), "user:ivan");
  EXPECT_EQ(review.at("group_claims"), boost::json::array{"dba"});

  HttpResult by_lead =
      Post("/v1/requests/" + id + "/reviews", "ERIN", boost::json::object{{"approve", true}});
  ASSERT_EQ(by_lead.status, 200) << by_lead.body;
  EXPECT_EQ(by_lead.json().at("state"), "active") << by_lead.body;
  EXPECT_EQ(by_lead.json().at("reviews").at(1).at("group_claims"), boost::json::array{});

  HttpResult audit = Get("/v1/audit?type=review.recorded", "ADMIN");
  ASSERT_EQ(audit.status, 200) << audit.body;
  size_t with_claims = 0;
  std::istringstream lines(audit.body);
  for (std::string line; std::getline(lines, line);) {
    const json event = boost::json::parse(line);
    const auto& details = event.at("details").as_object();
    if (event.at("actor") == "user:ivan") {
      EXPECT_EQ(details.at("group_claims"), boost::json::array{"dba"});
      ++with_claims;
    } else {
      EXPECT_FALSE(details.contains("group_claims")) << Json(event);
    }
  }
  EXPECT_EQ(with_claims, 1u) << audit.body;
}

// Test that an id holding a '/' (sent as %2F) is one path segment: the answer is that there is no
// such request or grant, not that there is no such endpoint.
TEST_F(ApiFlowTest, IdsWithASlashAreOneSegment) {
  for (const auto& [verb, target] : std::vector<std::pair<http::verb, std::string>>{
           {http::verb::get, "/v1/requests/a%2Fb"},
           {http::verb::post, "/v1/requests/a%2Fb/cancel"},
           {http::verb::post, "/v1/grants/a%2Fb/revoke"}}) {
    HttpResult r =
        Send(server_->port(), verb, target, Token("ADMIN"), verb == http::verb::post ? "{}" : "");
    EXPECT_EQ(r.status, 404) << target << ": " << r.body;
    EXPECT_NE(r.body.find("'a/b'"), std::string::npos) << target << ": " << r.body;
    EXPECT_EQ(r.body.find("endpoint"), std::string::npos) << target << ": " << r.body;
  }
}

// Test that a requester cannot approve her own request, and a checker token cannot review.
TEST_F(ApiFlowTest, SelfReviewAndCheckerReviewAreRefused) {
  std::string id = RequestDbAdmin();
  HttpResult self =
      Post("/v1/requests/" + id + "/reviews", "ALICE", boost::json::object{{"approve", true}});
  EXPECT_GE(self.status, 400);
  EXPECT_LT(self.status, 500);
  HttpResult checker =
      Post("/v1/requests/" + id + "/reviews", "ENFORCER", boost::json::object{{"approve", true}});
  EXPECT_EQ(checker.status, 403) << checker.body;
  EXPECT_EQ(Get("/v1/requests/" + id, "ALICE").json().at("state"), "pending");
}

// Test that a review sent to close a break-glass review ("post_review": true) closes one that
// is open, and on an ordinary pending request is refused instead of approving it; and that an
// ordinary review of an active break-glass request is refused rather than closing its review.
TEST_F(ApiFlowTest, PostReviewOnlyClosesABreakGlassReview) {
  std::string ordinary = RequestDbAdmin();
  HttpResult refused = Post("/v1/requests/" + ordinary + "/reviews", "ERIN",
                            boost::json::object{{"approve", true}, {"post_review", true}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(Get("/v1/requests/" + ordinary, "ALICE").json().at("state"), "pending");

  HttpResult used = Post("/v1/requests", "BOB",
                         boost::json::object{{"kind", "access"},
                                             {"rule", "oncall-breakglass"},
                                             {"roles", boost::json::array{"prod-admin"}},
                                             {"resource", "db/orders-prod"},
                                             {"duration", "15m"},
                                             {"reason", "orders are failing"},
                                             {"break_glass", true}});
  ASSERT_EQ(used.status, 201) << used.body;
  ASSERT_EQ(used.json().at("post_review_open"), true) << used.body;
  std::string id(used.json().at("id").as_string());
  HttpResult denied =
      Post("/v1/requests/" + id + "/reviews", "ERIN", boost::json::object{{"approve", false}});
  EXPECT_EQ(denied.status, 409) << denied.body;
  EXPECT_NE(denied.body.find("not pending"), std::string::npos) << denied.body;
  EXPECT_EQ(Get("/v1/requests/" + id, "ALICE").json().at("post_review_open"), true);
  HttpResult closed = Post("/v1/requests/" + id + "/reviews", "ERIN",
                           boost::json::object{{"approve", true}, {"post_review", true}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json().at("post_review_open"), false) << closed.body;
  HttpResult again = Post("/v1/requests/" + id + "/reviews", "ERIN",
                          boost::json::object{{"approve", true}, {"post_review", true}});
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_NE(again.body.find("already closed"), std::string::npos) << again.body;
}

// Test that a long poll returns as soon as the request is decided.
TEST_F(ApiFlowTest, LongPollReturnsOnDecision) {
  std::string id = RequestDbAdmin();
  std::thread approver([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Post("/v1/requests/" + id + "/reviews", "ERIN", boost::json::object{{"approve", false}});
  });
  HttpResult r = Get("/v1/requests/" + id + "?wait=60s", "ALICE");
  approver.join();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("state"), "denied");
}

// Test that a long poll also answers when a review comes in that does not decide yet (the first
// of two approvals), so a waiting requester sees each approval as it comes.
TEST_F(ApiFlowTest, LongPollAnswersEachApproval) {
  HttpResult created = Post("/v1/requests", "ALICE", PiiReadRequest());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(created.json().at("id").as_string());
  auto long_polls = [&] {
    return MetricSeries(Get("/metrics", "").body, "drawbridge_long_polls").value_or(-1);
  };
  HttpResult r;
  std::thread poller([&] { r = Get("/v1/requests/" + id + "?wait=300s", "ALICE"); });
  ASSERT_TRUE(Eventually([&] { return long_polls() == 1; }, std::chrono::seconds(10)));
  ASSERT_EQ(Post("/v1/requests/" + id + "/reviews", "ERIN", boost::json::object{{"approve", true}})
                .status,
            200);
  EXPECT_TRUE(Eventually([&] { return long_polls() == 0; }, std::chrono::seconds(20)))
      << "the long poll went on waiting after an approval";
  poller.join();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("state"), "pending");
  EXPECT_EQ(r.json().at("reviews").as_array().size(), 1u) << r.body;
}

// Test that a long poll told how many reviews the caller has seen answers at once when the
// request has more (an approval that landed between two polls is not missed), waits while it has
// that many, and refuses a count that is not a number.
TEST_F(ApiFlowTest, LongPollAnswersAReviewTheCallerHasNotSeen) {
  HttpResult created = Post("/v1/requests", "CAROL", PiiReadRequest());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(created.json().at("id").as_string());
  ASSERT_EQ(Post("/v1/requests/" + id + "/reviews", "ERIN", boost::json::object{{"approve", true}})
                .status,
            200);
  auto long_polls = [&] {
    return MetricSeries(Get("/metrics", "").body, "drawbridge_long_polls").value_or(-1);
  };
  HttpResult missed;
  std::thread first([&] { missed = Get("/v1/requests/" + id + "?wait=300s&reviews=0", "CAROL"); });
  EXPECT_TRUE(Eventually([&] { return long_polls() == 0; }, std::chrono::seconds(20)));
  first.join();
  ASSERT_EQ(missed.status, 200) << missed.body;
  EXPECT_EQ(missed.json().at("reviews").as_array().size(), 1u) << missed.body;

  HttpResult decided;
  std::thread second(
      [&] { decided = Get("/v1/requests/" + id + "?wait=300s&reviews=1", "CAROL"); });
  ASSERT_TRUE(Eventually([&] { return long_polls() == 1; }, std::chrono::seconds(10)))
      << "a long poll with every review seen should wait";
  ASSERT_EQ(
      Post("/v1/requests/" + id + "/reviews", "BOB", boost::json::object{{"approve", true}}).status,
      200);
  second.join();
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(decided.json().at("state"), "active") << decided.body;

  HttpResult bad = Get("/v1/requests/" + id + "?wait=5s&reviews=some", "CAROL");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("reviews must be a non-negative integer"), std::string::npos) << bad.body;
}

// Test that a long poll on an undecided request ends with its wait, still pending.
TEST_F(ApiFlowTest, LongPollTimesOutPending) {
  std::string id = RequestDbAdmin();
  HttpResult r = Get("/v1/requests/" + id + "?wait=1s", "ALICE");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("state"), "pending");
}

// Test that a long poll whose client hangs up stops waiting at once instead of holding its waiter
// until the wait ends.
TEST_F(ApiFlowTest, LongPollEndsWhenTheClientHangsUp) {
  std::string id = RequestDbAdmin();
  auto long_polls = [&] {
    const std::string m = Get("/metrics", "").body;
    const std::string name = "\ndrawbridge_long_polls ";
    const size_t at = m.find(name);
    return at == std::string::npos ? -1 : std::stoi(m.substr(at + name.size()));
  };
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
  const std::string head = "GET /v1/requests/" + id +
                           "?wait=300s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                           Token("ALICE") + "\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(head));
  ASSERT_TRUE(Eventually([&] { return long_polls() == 1; }, std::chrono::seconds(10)));
  socket.close();
  EXPECT_TRUE(Eventually([&] { return long_polls() == 0; }, std::chrono::seconds(20)))
      << "the long poll kept waiting for a client that had gone";
  // The server is unharmed: another long poll still waits and answers.
  HttpResult r = Get("/v1/requests/" + id + "?wait=1s", "ALICE");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("state"), "pending");
}

// Test that cancel, release and revoke move requests and grants as SPEC §4 says.
TEST_F(ApiFlowTest, CancelReleaseRevoke) {
  std::string cancelled = RequestDbAdmin();
  HttpResult c = Post("/v1/requests/" + cancelled + "/cancel", "ALICE", boost::json::object{});
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json().at("state"), "cancelled");
  EXPECT_EQ(Post("/v1/requests/" + cancelled + "/cancel", "ALICE", boost::json::object{}).status,
            409);

  std::string id = RequestDbAdmin();
  HttpResult a =
      Post("/v1/requests/" + id + "/reviews", "ERIN", boost::json::object{{"approve", true}});
  std::string grant(a.json().at("grant").as_string());
  HttpResult not_admin = Post("/v1/grants/" + grant + "/revoke", "ERIN", boost::json::object{});
  EXPECT_EQ(not_admin.status, 403);
  HttpResult revoked = Post("/v1/grants/" + grant + "/revoke", "ADMIN",
                            boost::json::object{{"reason", "done early"}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.json().at("state"), "revoked");
  EXPECT_EQ(CheckAlice("SELECT 1").at("decision"), "approval_required");

  std::string id2 = RequestDbAdmin();
  HttpResult a2 =
      Post("/v1/requests/" + id2 + "/reviews", "ERIN", boost::json::object{{"approve", true}});
  std::string grant2(a2.json().at("grant").as_string());
  HttpResult released = Post("/v1/grants/" + grant2 + "/release", "ALICE", boost::json::object{});
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(released.json().at("state"), "released");
}

// Test the error statuses: 400 bad JSON, 404 unknown id and route, 405, 413, 415, 422.
TEST_F(ApiFlowTest, ErrorStatuses) {
  const uint16_t port = server_->port();
  EXPECT_EQ(Send(port, http::verb::post, "/v1/check", Token("ALICE"), "{not json").status, 400);
  EXPECT_EQ(Get("/v1/requests/r-nosuchrequest", "ALICE").status, 404);
  EXPECT_EQ(Get("/v1/nothing", "ALICE").status, 404);
  HttpResult slash = Get("/v1/requests/", "ALICE");
  EXPECT_EQ(slash.status, 404);
  EXPECT_NE(slash.body.find("did you mean /v1/requests?"), std::string::npos) << slash.body;
  EXPECT_NE(Get("/healthz/", "").body.find("did you mean /healthz?"), std::string::npos);
  // An unknown path says so only to a caller the server knows.
  EXPECT_EQ(Send(port, http::verb::get, "/v1/nothing", "dbt_wrong").status, 401);
  EXPECT_EQ(Send(port, http::verb::delete_, "/v1/requests", Token("ALICE")).status, 405);
  EXPECT_EQ(
      Send(port, http::verb::post, "/v1/check", Token("ALICE"), std::string(2 << 20, 'x')).status,
      413);
  EXPECT_EQ(Send(port, http::verb::post, "/v1/check", Token("ALICE"), "a=b",
                 "application/x-www-form-urlencoded")
                .status,
            415);
  HttpResult too_long = Post("/v1/requests", "ALICE",
                             boost::json::object{{"kind", "access"},
                                                 {"rule", "dba-elevation"},
                                                 {"resource", "db/orders-prod"},
                                                 {"duration", "9h"},
                                                 {"reason", "r"},
                                                 {"ticket", "INC-1"}});
  EXPECT_EQ(too_long.status, 422) << too_long.body;
  EXPECT_NE(too_long.json().at("error").at("message").as_string().find("max"), std::string::npos)
      << too_long.body;

  const std::string metrics = Get("/metrics", "").body;
  for (const char* series : {"method=\"GET\",route=\"/v1/requests/{id}\",status=\"404\"} 1\n",
                             "method=\"GET\",route=\"unmatched\",status=\"404\"} 3\n",
                             "method=\"GET\",route=\"unmatched\",status=\"401\"} 1\n",
                             "method=\"DELETE\",route=\"/v1/requests\",status=\"405\"} 1\n"}) {
    EXPECT_NE(metrics.find(series), std::string::npos) << series << "\n" << metrics;
  }
}

// Test that a request refused before it could be read whole (413, 431) still gets a request id
// and is counted, like every other answer.
TEST_F(ApiFlowTest, UnreadableRequestsAreCountedAndCarryARequestId) {
  const uint16_t port = server_->port();
  HttpResult big =
      Send(port, http::verb::post, "/v1/check", Token("ALICE"), std::string(2 << 20, 'x'));
  ASSERT_EQ(big.status, 413);
  EXPECT_FALSE(big.headers["X-Request-Id"].empty());
  EXPECT_EQ(big.json().at("error").at("code"), "payload_too_large");

  // 40 headers of 1 KiB each: over the 16 KiB cap on the request head.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  std::string head = "GET /v1/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int i = 0; i < 40; ++i)
    head += "X-Pad-" + std::to_string(i) + ": " + std::string(1024, 'p') + "\r\n";
  head += "\r\n";
  boost::asio::write(socket, boost::asio::buffer(head));
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> headers;
  http::read(socket, buffer, headers);
  ASSERT_EQ(headers.result_int(), 431u);
  EXPECT_FALSE(headers["X-Request-Id"].empty());
  EXPECT_NE(headers["X-Request-Id"], big.headers["X-Request-Id"]);

  std::string metrics = Get("/metrics", "").body;
  EXPECT_NE(metrics.find(R"(route="unparsed",status="413"} 1)"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(R"(route="unparsed",status="431"} 1)"), std::string::npos) << metrics;
}

// Test that a client's X-Request-Id is echoed and logged, except one that holds a token, which is
// replaced by the server's own so that the token never reaches the log.
TEST_F(ApiFlowTest, RequestIdsHoldingATokenAreReplaced) {
  HttpConnection c(server_->port());
  HttpResult mine = c.Send(http::verb::get, "/v1/whoami", Token("ALICE"), "", "application/json",
                           {{"X-Request-Id", "deploy-42.step_3"}});
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.headers["X-Request-Id"], "deploy-42.step_3");
  const std::string token = Token("ALICE");
  HttpResult leaked = c.Send(http::verb::get, "/v1/whoami", token, "", "application/json",
                             {{"X-Request-Id", token}});
  ASSERT_EQ(leaked.status, 200) << leaked.body;
  EXPECT_NE(leaked.headers["X-Request-Id"], token);
  EXPECT_EQ(leaked.headers["X-Request-Id"].find("dbt_"), std::string::npos);
  ASSERT_TRUE(
      Eventually([&] { return server_->Stderr().find("deploy-42.step_3") != std::string::npos; },
                 std::chrono::seconds(5)));
  EXPECT_EQ(server_->Stderr().find(token), std::string::npos);
}

// Test that refused tokens are logged a bounded number of times a second, and a later line says
// how many were left out; every one is still counted in the metrics.
TEST_F(ApiFlowTest, RefusedTokenFloodsAreSampledInTheLog) {
  auto http_401_lines = [&] { return CountOccurrences(server_->Stderr(), "\"status\":401"); };
  HttpConnection c(server_->port());
  constexpr int kCalls = 300;
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_EQ(c.Send(http::verb::get, "/v1/whoami", "dbt_wrong").status, 401);
  }
  EXPECT_LT(http_401_lines(), static_cast<size_t>(kCalls));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(c.Send(http::verb::get, "/v1/whoami", "dbt_wrong").status, 401);
  ASSERT_TRUE(
      Eventually([&] { return server_->Stderr().find("\"left_out\":") != std::string::npos; },
                 std::chrono::seconds(5)))
      << server_->Stderr().substr(0, 2000);
  const std::string metrics = Get("/metrics", "").body;
  EXPECT_NE(metrics.find("route=\"/v1/whoami\",status=\"401\"} " + std::to_string(kCalls + 1)),
            std::string::npos)
      << metrics;
}

// Test that a user token may only check for itself; a checker token may check for anyone.
TEST_F(ApiFlowTest, CheckOnBehalfNeedsACheckerToken) {
  boost::json::object body{
      {"principal", "user:bob"}, {"action", "db.query"}, {"resource", "db/orders-dev"}};
  EXPECT_EQ(Post("/v1/check", "ALICE", body).status, 403);
  HttpResult r = Post("/v1/check", "ENFORCER", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("principal"), "user:bob");
}

// Test that audit export and verify are admin-only and the chain verifies after a flow.
TEST_F(ApiFlowTest, AuditExportAndVerify) {
  std::string id = RequestDbAdmin();
  Post("/v1/requests/" + id + "/reviews", "ERIN", boost::json::object{{"approve", true}});
  EXPECT_EQ(Get("/v1/audit", "ALICE").status, 403);
  HttpResult log = Get("/v1/audit?type=request.", "ADMIN");
  ASSERT_EQ(log.status, 200) << log.body;
  EXPECT_NE(log.body.find("request.created"), std::string::npos);
  EXPECT_NE(log.body.find("request.approved"), std::string::npos);
  EXPECT_EQ(log.body.find("grant.activated"), std::string::npos);
  HttpResult verify = Get("/v1/audit/verify", "ADMIN");
  ASSERT_EQ(verify.status, 200) << verify.body;
  EXPECT_TRUE(verify.json().at("ok").as_bool()) << verify.body;
}

}  // namespace
}  // namespace drawbridge::testing
