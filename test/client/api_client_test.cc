#include "client/api_client.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "api/wire.h"
#include "client/test_http_server.h"

namespace drawbridge::client {
namespace {

namespace json = boost::json;
using testing::CannedResponse;
using testing::TestHttpServer;

Request SampleRequest(RequestState state = RequestState::kPending) {
  Request r;
  r.id = "r-42";
  r.kind = RequestKind::kAccess;
  r.state = state;
  r.requester = "user:alice";
  r.reason = "fix INC-9";
  r.rule = "oncall-prod";
  r.roles = {"reader"};
  r.scope.resource = "db/orders-prod";
  r.duration_seconds = 3600;
  r.created_at = 1767607200;
  return r;
}

Grant SampleGrant() {
  Grant g;
  g.id = "g-7";
  g.request_id = "r-42";
  g.principal = "user:alice";
  g.actions = {"db.query"};
  g.scope.resource = "db/orders-prod";
  g.not_before = 1767607200;
  g.expires_at = 1767610800;
  return g;
}

std::string Body(const json::value& v) {
  return json::serialize(v);
}

json::object Parsed(const std::string& body) {
  return json::parse(body).as_object();
}

class ApiClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<ApiClient> Client(std::string token = "dbt_test",
                                    Timeouts timeouts = {std::chrono::seconds(2),
                                                         std::chrono::seconds(5)},
                                    std::string prefix = "") {
    ClientConfig config{.addr = server_.url() + prefix, .token = std::move(token)};
    config.timeouts = timeouts;
    auto c = ApiClient::Create(config);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return std::move(c).value();
  }

  TestHttpServer server_;
};

// Test that every call carries the bearer token and JSON bodies are labelled as JSON.
TEST_F(ApiClientTest, SendsBearerTokenAndJsonContentType) {
  server_.Route("POST", "/v1/requests",
                {.status = 201, .body = Body(api::RequestToJson(SampleRequest()))});
  AccessRequestSpec spec;
  spec.scope.resource = "db/orders-prod";
  spec.reason = "fix INC-9";
  auto r = Client("dbt_abc")->CreateAccessRequest(spec);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto got = server_.last();
  EXPECT_EQ(got.authorization, "Bearer dbt_abc");
  EXPECT_EQ(got.content_type, "application/json");
  EXPECT_EQ(got.host, "127.0.0.1:" + std::to_string(server_.port()));
}

// Test that an access request body carries exactly what the user asked for.
TEST_F(ApiClientTest, BuildsAccessRequestBody) {
  server_.Route("POST", "/v1/requests",
                {.status = 201, .body = Body(api::RequestToJson(SampleRequest()))});
  AccessRequestSpec spec{.roles = {"reader", "writer"},
                         .duration_seconds = 5400,
                         .not_before = 1767607200,
                         .rule = "oncall-prod",
                         .break_glass = true,
                         .extends = "g-1",
                         .reason = "fix INC-9",
                         .ticket = "INC-9"};
  spec.scope.selector = {{"env", "prod"}};
  auto r = Client()->CreateAccessRequest(spec);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->id, "r-42");
  EXPECT_EQ(r->requester, "user:alice");
  json::object body = Parsed(server_.last().body);
  EXPECT_EQ(body.at("kind"), "access");
  EXPECT_EQ(body.at("roles"), (json::array{"reader", "writer"}));
  EXPECT_EQ(body.at("selector"), (json::object{{"env", "prod"}}));
  EXPECT_FALSE(body.contains("resource"));
  EXPECT_EQ(body.at("duration_seconds"), 5400);
  EXPECT_EQ(body.at("not_before"), "2026-01-05T10:00:00Z");
  EXPECT_EQ(body.at("rule"), "oncall-prod");
  EXPECT_EQ(body.at("break_glass"), true);
  EXPECT_EQ(body.at("extends"), "g-1");
  EXPECT_EQ(body.at("reason"), "fix INC-9");
  EXPECT_EQ(body.at("ticket"), "INC-9");
}

// Test that an action request sends the exact action without a principal (the token's own).
TEST_F(ApiClientTest, BuildsActionRequestBodyWithoutPrincipal) {
  server_.Route("POST", "/v1/requests",
                {.status = 201, .body = Body(api::RequestToJson(SampleRequest()))});
  ActionRequestSpec spec;
  spec.check.principal = "user:mallory";
  spec.check.action = "db.query";
  spec.check.resource = "db/orders-prod";
  spec.check.payload_kind = Payload::Kind::kSql;
  spec.check.text = "DELETE FROM orders";
  spec.check.database = "orders";
  spec.reason = "cleanup";
  ASSERT_TRUE(Client()->CreateActionRequest(spec).ok());
  json::object body = Parsed(server_.last().body);
  EXPECT_EQ(body.at("kind"), "action");
  EXPECT_EQ(body.at("action"), "db.query");
  EXPECT_EQ(body.at("resource"), "db/orders-prod");
  EXPECT_EQ(body.at("payload").at("kind"), "sql");
  EXPECT_EQ(body.at("payload").at("text"), "DELETE FROM orders");
  EXPECT_EQ(body.at("payload").at("database"), "orders");
  EXPECT_EQ(body.at("reason"), "cleanup");
  EXPECT_FALSE(body.contains("principal"));
  EXPECT_FALSE(body.contains("ticket"));
}

// Test that a check without a principal asks about the caller, and the answer is decoded.
TEST_F(ApiClientTest, CheckDecodesExplanation) {
  core::Explanation e;
  e.decision = Decision::kApprovalRequired;
  e.reason_code = "guardrail";
  e.reason = "DELETE without WHERE needs approval";
  e.rules = {"guardrail:no-mass-delete"};
  e.facts = {"delete_all"};
  server_.Route("POST", "/v1/check", {.body = Body(api::ExplanationToJson(e))});
  api::CheckInput in;
  in.action = "db.query";
  in.resource = "db/x";
  auto got = Client()->Check(in);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->decision, Decision::kApprovalRequired);
  EXPECT_EQ(got->rules, e.rules);
  EXPECT_EQ(got->facts, e.facts);
  EXPECT_FALSE(Parsed(server_.last().body).contains("principal"));
  in.principal = "user:bob";
  ASSERT_TRUE(Client()->Check(in).ok());
  EXPECT_EQ(Parsed(server_.last().body).at("principal"), "user:bob");
}

// Test that a long-poll read asks the server to wait and gives the server that extra time.
TEST_F(ApiClientTest, GetRequestWithWaitLongPolls) {
  server_.Route("GET", "/v1/requests/r-42",
                {.body = Body(api::RequestToJson(SampleRequest(RequestState::kActive))),
                 .delay = std::chrono::milliseconds(600)});
  // The read timeout alone (300 ms) is shorter than the server's answer; the wait covers it.
  auto client = Client("t", {std::chrono::seconds(1), std::chrono::milliseconds(300)});
  auto r = client->GetRequest("r-42", std::chrono::seconds(30));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->state, RequestState::kActive);
  EXPECT_EQ(server_.last().target, "/v1/requests/r-42?wait=30s");
  ASSERT_TRUE(client->GetRequest("r-42", std::chrono::seconds(30), 2).ok());
  EXPECT_EQ(server_.last().target, "/v1/requests/r-42?wait=30s&reviews=2");
  ASSERT_TRUE(client->GetRequest("r-42").ok() == false);  // no wait: 300 ms is too short
}

// Test that waits are capped at the server's maximum.
TEST_F(ApiClientTest, CapsWaitAtServerMaximum) {
  server_.Route("GET", "/v1/requests/r-42", {.body = Body(api::RequestToJson(SampleRequest()))});
  ASSERT_TRUE(Client()->GetRequest("r-42", std::chrono::hours(1)).ok());
  EXPECT_EQ(server_.last().target, "/v1/requests/r-42?wait=300s");
}

// Test that ids are percent-encoded into paths.
TEST_F(ApiClientTest, EncodesIdsInPaths) {
  auto r = Client()->GetRequest("../admin?x=1");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(server_.last().target, "/v1/requests/..%2Fadmin%3Fx%3D1");
}

// Test that list filters become query parameters and the lists are decoded.
TEST_F(ApiClientTest, ListsRequestsAndGrantsWithFilters) {
  server_.Route(
      "GET", "/v1/requests",
      {.body = Body(json::object{{"requests", json::array{api::RequestToJson(SampleRequest()),
                                                          api::RequestToJson(SampleRequest())}}})});
  server_.Route(
      "GET", "/v1/grants",
      {.body = Body(json::object{{"grants", json::array{api::GrantToJson(SampleGrant())}}})});
  auto client = Client();
  auto requests = client->ListRequests({.state = "pending", .mine = true, .limit = 50});
  ASSERT_TRUE(requests.ok()) << requests.status().message();
  EXPECT_EQ(requests->size(), 2u);
  EXPECT_EQ(server_.last().target, "/v1/requests?state=pending&mine=true&limit=50");
  ASSERT_TRUE(client->ListRequests({}).ok());
  EXPECT_EQ(server_.last().target, "/v1/requests");
  auto grants = client->ListGrants({.state = "active", .principal = "user:a b"});
  ASSERT_TRUE(grants.ok()) << grants.status().message();
  ASSERT_EQ(grants->size(), 1u);
  EXPECT_EQ((*grants)[0].id, "g-7");
  EXPECT_EQ((*grants)[0].expires_at, 1767610800);
  EXPECT_EQ(server_.last().target, "/v1/grants?state=active&principal=user%3Aa%20b");
}

// Test the review, cancel, revoke and release calls: their paths and bodies.
TEST_F(ApiClientTest, DecisionCallsUseTheirPaths) {
  std::string request = Body(api::RequestToJson(SampleRequest(RequestState::kApproved)));
  std::string grant = Body(api::GrantToJson(SampleGrant()));
  server_.Route("POST", "/v1/requests/r-42/reviews", {.body = request});
  server_.Route("POST", "/v1/requests/r-42/cancel", {.body = request});
  server_.Route("POST", "/v1/grants/g-7/revoke", {.body = grant});
  server_.Route("POST", "/v1/grants/g-7/release", {.body = grant});
  auto client = Client();
  ASSERT_TRUE(client->Review("r-42", false, "not during the freeze").ok());
  json::object review = Parsed(server_.last().body);
  EXPECT_EQ(review.at("approve"), false);
  EXPECT_EQ(review.at("comment"), "not during the freeze");
  EXPECT_FALSE(review.contains("post_review"));
  ASSERT_TRUE(client->CloseBreakGlassReview("r-42", true, "outage was real").ok());
  EXPECT_EQ(server_.last().target, "/v1/requests/r-42/reviews");
  json::object post_review = Parsed(server_.last().body);
  EXPECT_EQ(post_review.at("post_review"), true);
  EXPECT_EQ(post_review.at("approve"), true);
  EXPECT_EQ(post_review.at("comment"), "outage was real");
  ASSERT_TRUE(client->Cancel("r-42").ok());
  EXPECT_EQ(server_.last().target, "/v1/requests/r-42/cancel");
  auto revoked = client->Revoke("g-7", "left the team");
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(Parsed(server_.last().body).at("reason"), "left the team");
  ASSERT_TRUE(client->Release("g-7").ok());
  EXPECT_EQ(server_.last().method, "POST");
  EXPECT_EQ(server_.last().target, "/v1/grants/g-7/release");
}

// Test that API errors come back as their Status with the server's message.
TEST_F(ApiClientTest, MapsApiErrors) {
  server_.Route("POST", "/v1/requests/r-1/cancel",
                {.status = 409,
                 .body = R"({"error":{"code":"failed_precondition","message":"request r-1 is )"
                         R"(approved, not pending"}})"});
  server_.Route(
      "GET", "/v1/tokens",
      {.status = 403, .body = R"({"error":{"code":"permission_denied","message":"admins only"}})"});
  auto client = Client();
  auto cancelled = client->Cancel("r-1");
  EXPECT_EQ(cancelled.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(cancelled.status().message(), "request r-1 is approved, not pending");
  auto tokens = client->ListTokens();
  EXPECT_EQ(tokens.status().code(), StatusCode::kPermissionDenied);
  auto missing = client->GetRequest("r-404");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

// Test that an answer that is not JSON is an internal error, not a crash or a silent default.
TEST_F(ApiClientTest, RefusesNonJsonAnswers) {
  server_.Route("GET", "/v1/whoami", {.body = "<html>login</html>", .content_type = "text/html"});
  auto me = Client()->WhoAmI();
  EXPECT_EQ(me.status().code(), StatusCode::kInternal);
  server_.Route("GET", "/v1/whoami", {.body = R"({"principal": 7})"});
  EXPECT_EQ(Client()->WhoAmI().status().code(), StatusCode::kInternal);
  server_.Route("GET", "/v1/requests/r-42", {.body = R"({"id": "r-42", "state": "sleepy"})"});
  EXPECT_EQ(Client()->GetRequest("r-42").status().code(), StatusCode::kInternal);
}

// Test that whoami and the policy description are decoded.
TEST_F(ApiClientTest, DecodesWhoAmIAndPolicy) {
  server_.Route("GET", "/v1/whoami",
                {.body = R"({"principal":"user:alice","tenant":"acme","role":"user",)"
                         R"("groups":["dba","oncall"],"token_id":"t-1"})"});
  server_.Route("GET", "/v1/policy",
                {.body = R"({"version":"abc123","source":"/etc/drawbridge/policy",)"
                         R"("loaded_at":"2026-01-05T10:00:00Z"})"});
  auto client = Client();
  auto me = client->WhoAmI();
  ASSERT_TRUE(me.ok()) << me.status().message();
  EXPECT_EQ(me->principal, "user:alice");
  EXPECT_EQ(me->tenant, "acme");
  EXPECT_EQ(me->groups, (std::vector<std::string>{"dba", "oncall"}));
  EXPECT_EQ(me->token_id, "t-1");
  auto policy = client->GetPolicy();
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->version, "abc123");
  EXPECT_EQ(policy->loaded_at, "2026-01-05T10:00:00Z");
}

// Test that a policy upload is sent as YAML and an invalid policy's errors come back whole.
TEST_F(ApiClientTest, PutPolicySendsYaml) {
  server_.Route("PUT", "/v1/policy",
                {.status = 422,
                 .body = R"({"error":{"code":"invalid_policy","message":"policy.yaml:3:5: )"
                         R"(unknown key 'aprovers'"}})"});
  auto put = Client()->PutPolicy("rules: []\n");
  EXPECT_EQ(put.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(put.status().message(), "policy.yaml:3:5: unknown key 'aprovers'");
  EXPECT_EQ(server_.last().content_type, "application/yaml");
  EXPECT_EQ(server_.last().body, "rules: []\n");
  server_.Route("PUT", "/v1/policy", {.body = R"({"version":"def456"})"});
  auto ok = Client()->PutPolicy("rules: []\n");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->version, "def456");
}

// Test that audit export passes its filters and returns the body untouched, with where the next
// page starts.
TEST_F(ApiClientTest, ExportsAuditWithFilters) {
  std::string lines = "{\"seq\":11}\n{\"seq\":12}\n";
  server_.Route("GET", "/v1/audit",
                {.body = lines,
                 .content_type = "application/x-ndjson",
                 .headers = {{"X-Drawbridge-Last-Seq", "14"}}});
  auto page = Client()->ExportAudit(
      {.after = 10, .limit = 500, .since = "2026-01-05T00:00:00Z", .type = "grant."});
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_EQ(page->body, lines);
  EXPECT_EQ(page->last_seq, 14u);
  EXPECT_EQ(server_.last().target,
            "/v1/audit?after=10&limit=500&since=2026-01-05T00%3A00%3A00Z&type=grant.");
  ASSERT_TRUE(Client()->ExportAudit({.format = "csv"}).ok());
  EXPECT_EQ(server_.last().target, "/v1/audit?format=csv");
}

// Test that a paged audit read waits out the server's rate limit (429 with Retry-After) and asks
// again, a bounded number of times.
TEST_F(ApiClientTest, AuditPageRetriesWhenRateLimited) {
  server_.Route("GET", "/v1/audit",
                {.status = 429,
                 .body = R"({"error":{"code":"resource_exhausted","message":"too many requests"}})",
                 .headers = {{"Retry-After", "0"}}});
  auto page = Client()->ExportAudit({});
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(server_.received().size(), static_cast<size_t>(kRateLimitRetries + 1));
  // Writes are not repeated.
  server_.Route("POST", "/v1/requests/r-1/cancel",
                {.status = 429, .body = "{}", .headers = {{"Retry-After", "0"}}});
  EXPECT_FALSE(Client()->Cancel("r-1").ok());
  EXPECT_EQ(server_.received().size(), static_cast<size_t>(kRateLimitRetries + 2));
}

// Test that an audit page without X-Drawbridge-Last-Seq is an error: without it the next page
// cannot be asked for, and stopping there would cut the export short without a word.
TEST_F(ApiClientTest, AuditPageWithoutItsEndIsAnError) {
  server_.Route("GET", "/v1/audit", {.body = "", .content_type = "application/x-ndjson"});
  auto page = Client()->ExportAudit({});
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kInternal);
  EXPECT_NE(page.status().message().find("X-Drawbridge-Last-Seq"), std::string::npos)
      << page.status().message();
}

// Test that a verification report, failed or not, is decoded.
TEST_F(ApiClientTest, DecodesAuditVerification) {
  server_.Route("GET", "/v1/audit/verify",
                {.body = R"({"ok":false,"events":12,"head_seq":12,"head_hash":"ab",)"
                         R"("error":{"seq":7,"message":"hash mismatch"}})"});
  auto bad = Client()->VerifyAudit();
  ASSERT_TRUE(bad.ok()) << bad.status().message();
  EXPECT_FALSE(bad->ok);
  EXPECT_EQ(bad->events, 12u);
  ASSERT_TRUE(bad->error_seq.has_value());
  EXPECT_EQ(*bad->error_seq, 7u);
  EXPECT_EQ(bad->error_message, "hash mismatch");
  server_.Route("GET", "/v1/audit/verify",
                {.body = R"({"ok":true,"events":3,"head_seq":3,"head_hash":"cd","error":null})"});
  auto good = Client()->VerifyAudit();
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good->ok);
  EXPECT_FALSE(good->error_seq.has_value());
}

// Test the token calls: the secret is returned once, listings and revocations are decoded.
TEST_F(ApiClientTest, TokenCalls) {
  server_.Route(
      "POST", "/v1/tokens",
      {.status = 201,
       .body = R"({"token":"dbt_s3cret","id":"t-9","principal":"service:ci",)"
               R"("tenant":"default","role":"checker","groups":[],)"
               R"("expires_at":"2026-02-04T10:00:00Z","created_at":"2026-01-05T10:00:00Z"})"});
  server_.Route("GET", "/v1/tokens",
                {.body = R"({"tokens":[{"id":"t-9","principal":"service:ci","role":"checker",)"
                         R"("groups":["ci"],"created_at":"2026-01-05T10:00:00Z",)"
                         R"("expires_at":null,"revoked_at":null,"description":"CI"}]})"});
  server_.Route("POST", "/v1/tokens/t-9/revoke",
                {.body = R"({"id":"t-9","principal":"service:ci","role":"checker",)"
                         R"("revoked_at":"2026-01-06T10:00:00Z"})"});
  auto client = Client();
  auto created = client->CreateToken(
      {.principal = "service:ci", .groups = {"ci"}, .role = "checker", .ttl = "30d"});
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(created->secret, "dbt_s3cret");
  EXPECT_EQ(created->info.id, "t-9");
  EXPECT_EQ(created->info.role, TokenRole::kChecker);
  EXPECT_EQ(created->info.expires_at, 1770199200);
  EXPECT_EQ(created->info.created_at, 1767607200);
  json::object body = Parsed(server_.last().body);
  EXPECT_EQ(body.at("principal"), "service:ci");
  EXPECT_EQ(body.at("groups"), (json::array{"ci"}));
  EXPECT_EQ(body.at("role"), "checker");
  EXPECT_EQ(body.at("ttl"), "30d");
  auto list = client->ListTokens();
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].description, "CI");
  EXPECT_EQ((*list)[0].expires_at, 0);
  auto revoked = client->RevokeToken("t-9");
  ASSERT_TRUE(revoked.ok()) << revoked.status().message();
  EXPECT_EQ(revoked->revoked_at, 1767693600);
}

// Test that several calls share one keep-alive connection.
TEST_F(ApiClientTest, ReusesOneConnection) {
  server_.Route("GET", "/v1/whoami", {.body = R"({"principal":"user:alice"})"});
  auto client = Client();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client->WhoAmI().ok());
  EXPECT_EQ(client->connections_opened(), 1);
  EXPECT_EQ(server_.connections(), 1);
  for (const auto& r : server_.received()) EXPECT_EQ(r.connection, 1);
}

// Test that a connection the server closed after answering is reopened for the next call.
TEST_F(ApiClientTest, ReopensConnectionTheServerClosed) {
  server_.Route("GET", "/v1/whoami",
                {.body = R"({"principal":"user:alice"})", .close_after = true});
  auto client = Client();
  ASSERT_TRUE(client->WhoAmI().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto again = client->WhoAmI();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(client->connections_opened(), 2);
  EXPECT_EQ(server_.received().size(), 2u);
}

// Test that a server that never answers fails the call after the read timeout, naming it.
TEST_F(ApiClientTest, TimesOutOnSilentServer) {
  server_.Route("GET", "/v1/whoami", {.never_answer = true});
  auto client = Client("t", {std::chrono::seconds(2), std::chrono::milliseconds(300)});
  auto start = std::chrono::steady_clock::now();
  auto me = client->WhoAmI();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(me.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(me.status().message().find(server_.url()), std::string::npos) << me.status().message();
  EXPECT_NE(me.status().message().find("did not answer within 300ms"), std::string::npos)
      << me.status().message();
  EXPECT_GE(took, std::chrono::milliseconds(300));
  EXPECT_LT(took, std::chrono::seconds(2));
}

// Test that the keep-going hook abandons a long wait promptly.
TEST_F(ApiClientTest, KeepGoingHookInterruptsWait) {
  server_.Route("GET", "/v1/requests/r-42", {.never_answer = true});
  auto client = Client();
  auto start = std::chrono::steady_clock::now();
  int polls = 0;
  client->set_keep_going([&] { return ++polls < 3; });
  auto r = client->GetRequest("r-42", std::chrono::seconds(60));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message(), kInterruptedMessage);
  EXPECT_LT(took, std::chrono::seconds(2));
}

// Test that a refused connection is kUnavailable naming the address.
TEST_F(ApiClientTest, ConnectionRefusedNamesAddress) {
  uint16_t port = 0;
  {
    TestHttpServer gone;
    port = gone.port();
  }
  ClientConfig config{.addr = "http://127.0.0.1:" + std::to_string(port), .token = "t"};
  auto client = ApiClient::Create(config);
  ASSERT_TRUE(client.ok());
  auto me = (*client)->WhoAmI();
  EXPECT_EQ(me.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(me.status().message().find("http://127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << me.status().message();
}

// Test that a base URL's path prefix is put before every API path.
TEST_F(ApiClientTest, PrependsPathPrefix) {
  server_.Route("GET", "/drawbridge/v1/whoami", {.body = R"({"principal":"user:alice"})"});
  auto me = Client("t", {}, "/drawbridge/")->WhoAmI();
  ASSERT_TRUE(me.ok()) << me.status().message();
  EXPECT_EQ(server_.last().target, "/drawbridge/v1/whoami");
}

// Test that without a token no Authorization header is sent at all.
TEST_F(ApiClientTest, NoTokenNoAuthorizationHeader) {
  server_.Route(
      "GET", "/v1/whoami",
      {.status = 401, .body = R"({"error":{"code":"unauthenticated","message":"no token"}})"});
  auto me = Client("")->WhoAmI();
  EXPECT_EQ(me.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(server_.last().authorization, "");
}

// Test that creating a client needs an address and a readable CA file.
TEST(ApiClientCreate, ValidatesConfig) {
  EXPECT_EQ(ApiClient::Create({}).status().code(), StatusCode::kInvalidArgument);
  auto bad_ca = ApiClient::Create({.addr = "https://x.example", .ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(bad_ca.ok());
  EXPECT_NE(bad_ca.status().message().find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace drawbridge::client
