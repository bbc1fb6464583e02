// What the server refuses or reshapes at its edge, end to end on a real `drawbridge serve --dev`:
// caps on user text, bounded audit payloads, webhook URLs hidden from non-admins, method and
// media type handling, strict query flags and JSON bodies, bounded scheduled starts.
#include <gtest/gtest.h>

#include "audit/digest.h"
#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

using json = boost::json::value;

constexpr char kHookUrl[] = "http://127.0.0.1:9/hooks/T000/SECRETPATH?token=SECRETQUERY";

class InputValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string policy = CopyExamplePolicy(dir_);
    // Port 9 (discard) on loopback: nothing here leaves the machine.
    notifications_ = std::string("version: 1\nnotifications:\n") +
                     "  - on: [request.created]  # the chat room\n" +
                     "    webhook:\n      url: \"" + kHookUrl + "\"\n      format: slack\n" +
                     "  - on: [\"*\"]\n    webhook: {url: 'http://127.0.0.1:9/siem/SECRETFLOW', " +
                     "format: json}\n";
    WriteFile(policy + "/notifications.yaml", notifications_);
    server_.emplace(dir_, DevServerArgs(dir_, policy));
    tokens_ = ReadTokens(dir_ / "tokens.env");
    ASSERT_FALSE(tokens_.empty());
  }

  std::string Token(const std::string& name) { return tokens_.at("DRAWBRIDGE_TOKEN_" + name); }
  HttpResult Call(http::verb method, const std::string& target, const std::string& who,
                  const std::string& body = "",
                  const std::string& content_type = "application/json") {
    return Send(server_->port(), method, target, who.empty() ? "" : Token(who), body, content_type);
  }
  HttpResult Get(const std::string& target, const std::string& who) {
    return Call(http::verb::get, target, who);
  }
  HttpResult Post(const std::string& target, const std::string& who, const json& body) {
    return Call(http::verb::post, target, who, Json(body));
  }
  static std::string Message(const HttpResult& r) {
    return std::string(r.json().at("error").at("message").as_string());
  }
  size_t RequestCount() {
    HttpResult r = Get("/v1/requests?limit=1000", "ADMIN");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("requests").as_array().size();
  }

  TempDir dir_;
  std::string notifications_;
  std::optional<ServerProcess> server_;
  std::map<std::string, std::string> tokens_;
};

// Test that an over-long reason, ticket or review comment is refused with 422 naming the field
// and its cap, and nothing is created or reviewed.
TEST_F(InputValidationTest, LongWorkflowTextIsRefused) {
  boost::json::object request = AliceDbAdminRequest();
  request["reason"] = std::string(2001, 'r');
  HttpResult reason = Post("/v1/requests", "ALICE", request);
  EXPECT_EQ(reason.status, 422) << reason.body;
  EXPECT_NE(Message(reason).find("reason"), std::string::npos) << reason.body;
  EXPECT_NE(Message(reason).find("2000 bytes"), std::string::npos) << reason.body;
  request = AliceDbAdminRequest();
  request["ticket"] = std::string(201, 't');
  HttpResult ticket = Post("/v1/requests", "ALICE", request);
  EXPECT_EQ(ticket.status, 422) << ticket.body;
  EXPECT_NE(Message(ticket).find("ticket"), std::string::npos) << ticket.body;
  EXPECT_NE(Message(ticket).find("200 bytes"), std::string::npos) << ticket.body;
  EXPECT_EQ(RequestCount(), 0u);

  request = AliceDbAdminRequest();
  request["reason"] = std::string(2000, 'r');  // at the cap: taken
  HttpResult created = Post("/v1/requests", "ALICE", request);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(created.json().at("id").as_string());
  HttpResult comment =
      Post("/v1/requests/" + id + "/reviews", "ERIN",
           boost::json::object{{"approve", true}, {"comment", std::string(2001, 'c')}});
  EXPECT_EQ(comment.status, 422) << comment.body;
  EXPECT_NE(Message(comment).find("comment"), std::string::npos) << comment.body;
  HttpResult still = Get("/v1/requests/" + id, "ALICE");
  EXPECT_EQ(still.json().at("state"), "pending") << still.body;
}

// Test that an action request whose payload is over 64 KiB is refused with 422.
TEST_F(InputValidationTest, LongActionPayloadIsRefused) {
  HttpResult r = Post(
      "/v1/requests", "ALICE",
      boost::json::object{
          {"kind", "action"},
          {"action", "db.query"},
          {"resource", "db/analytics-prod"},
          {"payload",
           {{"kind", "sql"},
            {"text", "DELETE FROM events WHERE note = '" + std::string(70000, 'x') + "' OR true"}}},
          {"reason", "purge"}});
  EXPECT_EQ(r.status, 422) << r.body.substr(0, 300);
  EXPECT_NE(Message(r).find("payload"), std::string::npos);
  EXPECT_NE(Message(r).find("65536 bytes"), std::string::npos);
  EXPECT_EQ(RequestCount(), 0u);
}

// Test that a check naming an identifier past its cap (resource, group claims) is refused with
// 422 naming the field and the cap, and records nothing.
TEST_F(InputValidationTest, OverlongCheckIdentifiersAreRefused) {
  HttpResult resource = Post(
      "/v1/check", "ALICE",
      boost::json::object{{"action", "db.query"}, {"resource", "db/" + std::string(2000, 'x')}});
  EXPECT_EQ(resource.status, 422) << resource.body;
  EXPECT_NE(Message(resource).find("resource"), std::string::npos) << resource.body;
  EXPECT_NE(Message(resource).find("1024"), std::string::npos) << resource.body;

  boost::json::array groups;
  for (int i = 0; i < 300; ++i) groups.emplace_back("team-" + std::to_string(i));
  HttpResult claims = Post("/v1/check", "ENFORCER",
                           boost::json::object{{"principal", "user:alice"},
                                               {"action", "db.query"},
                                               {"resource", "db/orders-prod"},
                                               {"context", {{"groups", groups}}}});
  EXPECT_EQ(claims.status, 422) << claims.body;
  EXPECT_NE(Message(claims).find("groups"), std::string::npos) << claims.body;

  HttpResult within = Post(
      "/v1/check", "ALICE",
      boost::json::object{{"action", "db.query"}, {"resource", "db/" + std::string(1000, 'x')}});
  EXPECT_EQ(within.status, 200) << within.body;
  HttpResult log = Get("/v1/audit?type=check.decided", "ADMIN");
  ASSERT_EQ(log.status, 200) << log.body;
  EXPECT_EQ(log.body.find(std::string(2000, 'x')), std::string::npos);
}

// Test that an audited check of a long statement records an 8 KiB prefix with the whole text's
// length and SHA-256, and the audit chain still verifies.
TEST_F(InputValidationTest, AuditedCheckRecordsABoundedPayload) {
  const std::string sql = "DROP TABLE orders /* " + std::string(100000, 'x') + " */";
  HttpResult check = Post("/v1/check", "ALICE",
                          boost::json::object{{"action", "db.query"},
                                              {"resource", "db/orders-prod"},
                                              {"payload", {{"kind", "sql"}, {"text", sql}}}});
  ASSERT_EQ(check.status, 200) << check.body;
  HttpResult log = Get("/v1/audit?type=check.decided", "ADMIN");
  ASSERT_EQ(log.status, 200) << log.body.substr(0, 300);
  ASSERT_FALSE(log.body.empty());
  EXPECT_LT(log.body.size(), 12000u);
  const json event = boost::json::parse(log.body.substr(0, log.body.find('\n')));
  const json& details = event.at("details");
  EXPECT_EQ(details.at("payload").as_string().size(), 8192u);
  EXPECT_EQ(details.at("payload_bytes").as_int64(), static_cast<int64_t>(sql.size()));
  EXPECT_EQ(details.at("payload_sha256").as_string(), audit::HexEncode(audit::Sha256(sql)));
  EXPECT_EQ(details.at("payload_truncated"), true);
  HttpResult verify = Get("/v1/audit/verify", "ADMIN");
  ASSERT_EQ(verify.status, 200) << verify.body;
  EXPECT_EQ(verify.json().at("ok"), true) << verify.body;
}

// Test that user and checker tokens read the policy with webhook URLs cut to scheme and host,
// while an admin reads the exact text.
TEST_F(InputValidationTest, PolicyWebhookUrlsAreHiddenFromNonAdmins) {
  auto notifications_text = [](const HttpResult& r) {
    const json body = r.json();
    for (const json& file : body.at("files").as_array()) {
      if (file.at("name") == "notifications.yaml") return std::string(file.at("text").as_string());
    }
    return std::string();
  };
  for (const char* who : {"ALICE", "ENFORCER"}) {
    HttpResult r = Get("/v1/policy", who);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << who << ": " << r.body;
    const std::string text = notifications_text(r);
    EXPECT_NE(text.find("url: \"http://127.0.0.1:9/…\""), std::string::npos) << text;
    EXPECT_NE(text.find("{url: 'http://127.0.0.1:9/…', format: json}"), std::string::npos) << text;
    EXPECT_NE(text.find("# the chat room"), std::string::npos) << text;
  }
  HttpResult admin = Get("/v1/policy", "ADMIN");
  ASSERT_EQ(admin.status, 200) << admin.body;
  EXPECT_EQ(notifications_text(admin), notifications_);
}

// Test that an `after` beyond the largest sequence number is refused, not read as 0.
TEST_F(InputValidationTest, AuditAfterBeyondInt64IsRefused) {
  EXPECT_EQ(Get("/v1/audit?after=9223372036854775808", "ADMIN").status, 400);
  EXPECT_EQ(Get("/v1/audit?after=18446744073709551615", "ADMIN").status, 400);
  HttpResult last = Get("/v1/audit?after=9223372036854775807", "ADMIN");
  EXPECT_EQ(last.status, 200) << last.body;
  EXPECT_EQ(last.body, "");
}

// Test that a known path with a method it does not take answers 405 with an Allow header.
TEST_F(InputValidationTest, WrongMethodIs405WithAllow) {
  struct Case {
    http::verb method;
    const char* target;
    const char* allow;
  };
  for (const Case& c : std::initializer_list<Case>{
           {http::verb::get, "/v1/check", "POST"},
           {http::verb::head, "/v1/check", "POST"},
           {http::verb::post, "/healthz", "GET, HEAD"},
           {http::verb::delete_, "/metrics", "GET, HEAD"},
           {http::verb::put, "/readyz", "GET, HEAD"},
           {http::verb::delete_, "/v1/requests", "GET, HEAD, POST"},
           {http::verb::get, "/v1/requests/r-1/reviews", "POST"},
           {http::verb::post, "/v1/requests/r-1", "GET, HEAD"},
           {http::verb::post, "/v1/policy", "GET, HEAD, PUT"},
           {http::verb::delete_, "/v1/tokens", "GET, HEAD, POST"},
       }) {
    HttpResult r = Call(c.method, c.target, "ADMIN");
    EXPECT_EQ(r.status, 405) << c.target << ": " << r.body;
    EXPECT_EQ(r.headers["Allow"], c.allow) << c.target;
    if (c.method == http::verb::head) continue;  // the answer to HEAD has no body
    EXPECT_EQ(r.json().at("error").at("code"), "method_not_allowed") << c.target;
  }
  EXPECT_EQ(Get("/v1/requests/r-1/nothing", "ADMIN").status, 404);
  EXPECT_EQ(Call(http::verb::post, "/nothing", "").status, 404);
}

// Test that a query parameter a route does not read is refused with 400 naming it and the ones
// the route takes, so that a misspelt filter never answers with everything.
TEST_F(InputValidationTest, UnknownQueryParametersAreRefused) {
  struct Case {
    http::verb method;
    const char* target;
    const char* message;
  };
  for (const Case& c : std::initializer_list<Case>{
           {http::verb::get, "/v1/requests?stat=pending",
            "unknown query parameter 'stat': GET /v1/requests takes state, mine, limit"},
           {http::verb::get, "/v1/grants?mine=1&limt=5", "'limt'"},
           {http::verb::get, "/v1/audit?typ=check.decided", "'typ'"},
           {http::verb::get, "/v1/whoami?verbose=1", "GET /v1/whoami takes none"},
           {http::verb::head, "/v1/policy?x=1", "'x'"},
           {http::verb::post, "/v1/requests?state=pending", "POST /v1/requests takes none"},
           {http::verb::get, "/v1/requests?state=pending&state=active",
            "the query parameter 'state' is given more than once"},
           {http::verb::get, "/v1/grants?mine&mine=0", "'mine' is given more than once"},
           {http::verb::get, "/v1/audit?limit=%zz", "not valid percent-encoding"},
       }) {
    HttpResult r = Call(c.method, c.target, "ADMIN", c.method == http::verb::post ? "{}" : "");
    EXPECT_EQ(r.status, 400) << c.target << ": " << r.body;
    if (c.method == http::verb::head) continue;
    EXPECT_NE(Message(r).find(c.message), std::string::npos) << c.target << ": " << r.body;
  }
  EXPECT_EQ(RequestCount(), 0u);
  EXPECT_EQ(Get("/v1/requests?state=pending&mine=1&limit=5", "ADMIN").status, 200);
  EXPECT_EQ(Get("/v1/audit?type=policy.changed&limit=5&format=csv", "ADMIN").status, 200);
}

// Test that HEAD is answered wherever GET is: the same status and headers, no body.
TEST_F(InputValidationTest, HeadIsAnsweredLikeGet) {
  for (const char* target : {"/healthz", "/v1/whoami", "/v1/requests", "/v1/policy"}) {
    HttpResult get = Get(target, "ADMIN");
    HttpResult head = Call(http::verb::head, target, "ADMIN");
    EXPECT_EQ(get.status, 200) << target << ": " << get.body;
    EXPECT_EQ(head.status, 200) << target;
    EXPECT_EQ(head.body, "") << target;
    EXPECT_EQ(head.headers["Content-Type"], get.headers["Content-Type"]) << target;
    EXPECT_NE(head.headers["Content-Length"], "0") << target;
  }
  EXPECT_EQ(Call(http::verb::head, "/v1/requests/r-404", "ADMIN").status, 404);
  EXPECT_EQ(Call(http::verb::head, "/v1/whoami", "").status, 401);

  // On one kept-alive connection: a body sent after a HEAD answer would be read as the start of
  // the next answer, and that one would not parse.
  HttpConnection c(server_->port());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(c.Send(http::verb::head, "/v1/policy", Token("ADMIN")).status, 200);
    HttpResult next = c.Send(http::verb::get, "/v1/whoami", Token("ADMIN"));
    ASSERT_EQ(next.status, 200) << next.body;
    EXPECT_EQ(next.json().at("principal"), "user:admin") << next.body;
  }
}

// Test that the media type is read per RFC 9110: case-insensitive, white space around ';', only
// a charset other than UTF-8 refused.
TEST_F(InputValidationTest, ContentTypeIsParsedNotCompared) {
  const std::string body =
      Json(boost::json::object{{"action", "db.query"}, {"resource", "db/orders-dev"}});
  for (const char* type :
       {"application/json", "application/json ; charset=utf-8", "Application/JSON",
        "application/json;charset=\"UTF-8\"", "application/json; foo=bar"}) {
    HttpResult r = Call(http::verb::post, "/v1/check", "ALICE", body, type);
    EXPECT_EQ(r.status, 200) << type << ": " << r.body;
  }
  for (const char* type :
       {"text/plain", "application/json; charset=iso-8859-1", "application/jsonp"}) {
    HttpResult r = Call(http::verb::post, "/v1/check", "ALICE", body, type);
    EXPECT_EQ(r.status, 415) << type << ": " << r.body;
  }
}

// Test that `mine` takes exactly its documented forms and refuses anything else with 400.
TEST_F(InputValidationTest, MineFlagIsStrict) {
  for (const char* path : {"/v1/requests", "/v1/grants"}) {
    for (const char* ok : {"?mine", "?mine=1", "?mine=true", ""}) {
      EXPECT_EQ(Get(std::string(path) + ok, "ALICE").status, 200) << path << ok;
    }
    for (const char* bad : {"?mine=yes", "?mine=0", "?mine=false", "?mine=TRUE"}) {
      HttpResult r = Get(std::string(path) + bad, "ALICE");
      EXPECT_EQ(r.status, 400) << path << bad;
      EXPECT_NE(r.body.find("mine"), std::string::npos) << r.body;
    }
  }
}

// Test that access scheduled more than a year ahead is refused with 422.
TEST_F(InputValidationTest, FarScheduledStartIsRefused) {
  boost::json::object request = AliceDbAdminRequest();
  request["not_before"] = "9999-12-31T23:59:59Z";
  HttpResult far = Post("/v1/requests", "ALICE", request);
  EXPECT_EQ(far.status, 422) << far.body;
  EXPECT_NE(Message(far).find("not_before"), std::string::npos) << far.body;
  EXPECT_EQ(RequestCount(), 0u);
}

// Test that a JSON body naming a key twice is refused with 400 wherever bodies are read.
TEST_F(InputValidationTest, DuplicateJsonKeysAreRefused) {
  HttpResult check =
      Call(http::verb::post, "/v1/check", "ALICE",
           R"({"action":"db.query","resource":"db/orders-dev","action":"shell.exec"})");
  EXPECT_EQ(check.status, 400) << check.body;
  EXPECT_NE(Message(check).find("'action'"), std::string::npos) << check.body;
  HttpResult nested = Call(http::verb::post, "/v1/check", "ALICE",
                           R"({"action":"db.query","resource":"db/orders-dev",)"
                           R"("payload":{"kind":"sql","text":"SELECT 1","text":"DROP TABLE x"}})");
  EXPECT_EQ(nested.status, 400) << nested.body;
  HttpResult request =
      Call(http::verb::post, "/v1/requests", "ALICE",
           R"({"kind":"access","rule":"dba-elevation","resource":"db/orders-prod",)"
           R"("duration":"30m","reason":"a","reason":"b","ticket":"INC-1"})");
  EXPECT_EQ(request.status, 400) << request.body;
  EXPECT_EQ(RequestCount(), 0u);
  HttpResult token = Call(http::verb::post, "/v1/tokens", "ADMIN",
                          R"({"principal":"user:zed","role":"user","role":"admin"})");
  EXPECT_EQ(token.status, 400) << token.body;
}

}  // namespace
}  // namespace drawbridge::testing
