// Webhooks from the real server: a policy routes events to a receiver on 127.0.0.1 and to a dead
// port; the live receiver gets signed events with stable ids, and the dead one delays nothing.
#include <gtest/gtest.h>

#include <ctime>
#include <set>

#include "notify/signature.h"
#include "notify/test_support.h"
#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

using json = boost::json::value;
using notify::testing::HttpReceiver;
using notify::testing::ReceivedRequest;
using notify::testing::RefusingPort;

constexpr char kSecretEnv[] = "DRAWBRIDGE_TEST_HOOK_SECRET";
constexpr char kSecret[] = "s3cret-for-the-receiver";

class WebhookE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string policy = CopyExamplePolicy(dir_);
    dead_port_ = RefusingPort();
    WriteFile(policy + "/notifications.yaml",
              "version: 1\n"
              "notifications:\n"
              "  - on: [request.created, request.approved]\n"
              "    webhook: {url: \"" +
                  receiver_.Url("/hook") + "\", format: json, secret_env: " + kSecretEnv +
                  "}\n"
                  "  - on: [\"*\"]\n"
                  "    webhook: {url: \"http://127.0.0.1:" +
                  std::to_string(dead_port_) + "/dead\", format: json, secret_env: " + kSecretEnv +
                  "}\n");
    server_.emplace(dir_, DevServerArgs(dir_, policy),
                    std::vector<std::pair<std::string, std::string>>{{kSecretEnv, kSecret}});
    tokens_ = ReadTokens(dir_ / "tokens.env");
    ASSERT_FALSE(tokens_.empty());
  }

  std::string Token(const std::string& name) { return tokens_.at("DRAWBRIDGE_TOKEN_" + name); }

  // Deliveries of `type` received so far.
  std::vector<ReceivedRequest> Received(const std::string& type) {
    std::vector<ReceivedRequest> out;
    for (const ReceivedRequest& r : receiver_.Requests()) {
      if (r.Header("x-drawbridge-event-type") == type) out.push_back(r);
    }
    return out;
  }

  HttpReceiver receiver_;
  TempDir dir_;
  uint16_t dead_port_ = 0;
  std::optional<ServerProcess> server_;
  std::map<std::string, std::string> tokens_;
};

// Test the whole path: request and approval reach the receiver signed, with stable event ids,
// while a refused route slows neither the API nor the live route.
TEST_F(WebhookE2eTest, RequestAndApprovalAreDeliveredSigned) {
  const auto started = std::chrono::steady_clock::now();
  HttpResult created = Send(server_->port(), http::verb::post, "/v1/requests", Token("ALICE"),
                            Json(AliceDbAdminRequest()));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(created.json().at("id").as_string());
  HttpResult approved =
      Send(server_->port(), http::verb::post, "/v1/requests/" + id + "/reviews", Token("ERIN"),
           Json(boost::json::object{{"approve", true}, {"comment", "go"}}));
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json().at("state"), "active");
  // A sanity bound only: the dead route must not hold the API calls up.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));

  ASSERT_TRUE(Eventually(
      [&] { return !Received("request.created").empty() && !Received("request.approved").empty(); },
      std::chrono::seconds(20)))
      << "received " << receiver_.Requests().size() << " deliveries\n"
      << server_->Stderr();

  for (const std::string type : {"request.created", "request.approved"}) {
    std::set<std::string> ids;
    for (const ReceivedRequest& r : Received(type)) {
      EXPECT_EQ(r.method, "POST");
      EXPECT_EQ(r.target, "/hook");
      Status verified = notify::VerifyWebhook(kSecret, r.Header("x-drawbridge-timestamp"),
                                              r.Header("x-drawbridge-signature"), r.body,
                                              static_cast<int64_t>(std::time(nullptr)));
      EXPECT_TRUE(verified.ok()) << type << ": " << verified.ToString();
      EXPECT_FALSE(notify::VerifyWebhook("another secret", r.Header("x-drawbridge-timestamp"),
                                         r.Header("x-drawbridge-signature"), r.body,
                                         static_cast<int64_t>(std::time(nullptr)))
                       .ok());
      const std::string event_id = r.Header("x-drawbridge-event-id");
      EXPECT_EQ(event_id.rfind("default/", 0), 0u) << event_id;
      json body = boost::json::parse(r.body);
      EXPECT_EQ(body.at("id").as_string(), event_id);
      EXPECT_EQ(body.at("type").as_string(), type);
      EXPECT_EQ(body.at("event").at("subject").as_string(), id) << r.body;
      ids.insert(event_id);
    }
    // Retries, if any, carry the same id: one event, one id.
    EXPECT_EQ(ids.size(), 1u) << type;
  }
  // The receiver's route did not ask for other events.
  for (const ReceivedRequest& r : receiver_.Requests()) {
    const std::string type = r.Header("x-drawbridge-event-type");
    EXPECT_TRUE(type == "request.created" || type == "request.approved") << type;
  }

  ASSERT_TRUE(Eventually([&] {
    HttpResult m = Send(server_->port(), http::verb::get, "/metrics");
    return m.status == 200 &&
           MetricSeries(m.body, "drawbridge_webhook_deliveries_total").value_or(0) > 0;
  }));
  // The dead route's attempts are counted as failures, not deliveries.
  EXPECT_TRUE(Eventually([&] {
    HttpResult m = Send(server_->port(), http::verb::get, "/metrics");
    return m.status == 200 &&
           MetricSeries(m.body, "drawbridge_webhook_failures_total").value_or(0) > 0;
  }));
}

}  // namespace
}  // namespace drawbridge::testing
