#include "notify/outbox_deliverer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json/parse.hpp>
#include <chrono>

#include "notify/delivery_metrics.h"
#include "notify/signature.h"
#include "notify/test_support.h"
#include "store/faulty_store.h"
#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"

namespace drawbridge::notify {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using testing::HttpReceiver;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::OutboxWriter;
using testing::ReceivedRequest;
using testing::RefusingPort;
using namespace std::chrono_literals;

constexpr int64_t kStartMs = 1714557600000;  // 2024-05-01T10:00:00Z
constexpr const char* kSecretEnv = "DRAWBRIDGE_NOTIFY_TEST_SECRET";
constexpr const char* kUnsetEnv = "DRAWBRIDGE_NOTIFY_TEST_UNSET";
constexpr const char* kSecret = "test-secret-Zq9";

policy::NotificationRoute Route(std::vector<std::string> on, std::string url,
                                std::string format = "json", std::string secret_env = kSecretEnv) {
  policy::NotificationRoute route;
  route.on = std::move(on);
  route.webhook = {
      .url = std::move(url), .format = std::move(format), .secret_env = std::move(secret_env)};
  return route;
}

class OutboxDelivererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv(kSecretEnv, kSecret, 1);
    unsetenv(kUnsetEnv);
    auto opened = SqliteStore::Open({.path = dir_.File("drawbridge.db")});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    writer_ = std::make_unique<OutboxWriter>(*store_);
  }

  DelivererOptions Options() {
    DelivererOptions options;
    options.http.connect_timeout = 500ms;
    options.http.total_timeout = 1000ms;
    options.backoff = {.base_seconds = 10, .cap_seconds = 60};
    options.jitter_seed = 42;
    options.log = [this](std::string_view line) { logged_.emplace_back(line); };
    return options;
  }

  int64_t Now() const { return clock_.NowSeconds(); }

  int64_t AppendEvent(const std::string& type = "request.created") {
    return writer_->Append(type, "user:alice", "req-1",
                           {{"reason", "fix stuck orders"}, {"ticket", "OPS-12"}}, Now());
  }

  std::vector<OutboxMessage> Due(int64_t at) {
    auto due = store_->DueOutbox(at, 100);
    EXPECT_TRUE(due.ok()) << due.status().ToString();
    return due.ok() ? *due : std::vector<OutboxMessage>{};
  }

  DeliveryReport Run(OutboxDeliverer& deliverer) {
    auto report = deliverer.RunOnce();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : DeliveryReport{};
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<OutboxWriter> writer_;
  ManualClock clock_{kStartMs};
  std::vector<std::string> logged_;
};

// Test that an event is delivered once, signed, with the documented headers and JSON shape, and
// is then marked delivered.
TEST_F(OutboxDelivererTest, DeliversOnceWithValidSignature) {
  HttpReceiver receiver;
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetRoutes({Route({"request.created"}, receiver.Url())});
  AppendEvent();

  DeliveryReport report = Run(deliverer);
  EXPECT_EQ(report.messages, 1u);
  EXPECT_EQ(report.delivered, 1u);
  EXPECT_EQ(report.requests, 1u);
  EXPECT_EQ(report.failures, 0u);
  EXPECT_THAT(report.problems, IsEmpty());

  std::vector<ReceivedRequest> requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const ReceivedRequest& request = requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/hook");
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_THAT(request.Header("user-agent"), HasSubstr("Drawbridge"));
  EXPECT_EQ(request.Header("expect"), "");
  EXPECT_EQ(request.Header("x-drawbridge-event-id"), "default/1");
  EXPECT_EQ(request.Header("x-drawbridge-event-type"), "request.created");
  EXPECT_EQ(request.Header("x-drawbridge-timestamp"), std::to_string(Now()));
  Status verified = VerifyWebhook(kSecret, request.Header("x-drawbridge-timestamp"),
                                  request.Header("x-drawbridge-signature"), request.body, Now());
  EXPECT_TRUE(verified.ok()) << verified.ToString();

  boost::json::object body = boost::json::parse(request.body).as_object();
  EXPECT_EQ(body.at("id"), "default/1");
  EXPECT_EQ(body.at("type"), "request.created");
  EXPECT_EQ(body.at("tenant"), "default");
  EXPECT_EQ(body.at("time"), "2024-05-01T10:00:00.000Z");
  EXPECT_EQ(body.at("event").at("actor"), "user:alice");
  EXPECT_EQ(body.at("event").at("details").at("reason"), "fix stuck orders");

  EXPECT_THAT(Due(kDeadLetterAt), IsEmpty());
  EXPECT_EQ(Run(deliverer).messages, 0u);
  EXPECT_EQ(receiver.Requests().size(), 1u);
  DeliveryCounters counters = deliverer.Counters();
  EXPECT_EQ(counters.deliveries, 1u);
  EXPECT_EQ(counters.failures, 0u);
}

// Test that a Slack route gets an incoming-webhook message, signed as well.
TEST_F(OutboxDelivererTest, DeliversSlackFormat) {
  HttpReceiver receiver;
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetRoutes({Route({"*"}, receiver.Url("/services/T0/B0/x"), "slack")});
  AppendEvent();
  EXPECT_EQ(Run(deliverer).delivered, 1u);
  ASSERT_EQ(receiver.Requests().size(), 1u);
  ReceivedRequest request = receiver.Requests()[0];
  boost::json::object body = boost::json::parse(request.body).as_object();
  EXPECT_THAT(std::string(body.at("text").as_string()),
              AllOf(HasSubstr("*request.created*"), HasSubstr("user:alice"),
                    HasSubstr("reason: fix stuck orders")));
  EXPECT_TRUE(body.contains("blocks"));
  EXPECT_TRUE(VerifyWebhook(kSecret, request.Header("x-drawbridge-timestamp"),
                            request.Header("x-drawbridge-signature"), request.body, Now())
                  .ok());
}

// Test that a 500 is retried after the backoff, not before, with the same event id, and that
// the retry is signed with its own timestamp.
TEST_F(OutboxDelivererTest, RetriesWithBackoffAfterServerError) {
  HttpReceiver receiver;
  receiver.QueueStatuses({500});
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetRoutes({Route({"request.created"}, receiver.Url())});
  const int64_t id = AppendEvent();

  DeliveryReport first = Run(deliverer);
  EXPECT_EQ(first.retrying, 1u);
  EXPECT_EQ(first.failures, 1u);
  EXPECT_THAT(first.problems, Contains(HasSubstr("answered HTTP 500")));
  EXPECT_THAT(Due(Now()), IsEmpty());
  // First retry: between half the base (5 s) and the base (10 s) later.
  EXPECT_THAT(Due(Now() + 4), IsEmpty());
  std::vector<OutboxMessage> due = Due(Now() + 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, id);
  EXPECT_EQ(due[0].attempts, 1);
  EXPECT_FALSE(due[0].delivered);

  clock_.AdvanceSeconds(4);
  EXPECT_EQ(Run(deliverer).messages, 0u);
  clock_.AdvanceSeconds(6);
  DeliveryReport second = Run(deliverer);
  EXPECT_EQ(second.delivered, 1u);

  std::vector<ReceivedRequest> requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("x-drawbridge-event-id"),
            requests[1].Header("x-drawbridge-event-id"));
  EXPECT_EQ(requests[0].body, requests[1].body);
  EXPECT_EQ(requests[1].Header("x-drawbridge-timestamp"), std::to_string(Now()));
  EXPECT_NE(requests[0].Header("x-drawbridge-signature"),
            requests[1].Header("x-drawbridge-signature"));
  EXPECT_TRUE(VerifyWebhook(kSecret, requests[1].Header("x-drawbridge-timestamp"),
                            requests[1].Header("x-drawbridge-signature"), requests[1].body, Now())
                  .ok());
  EXPECT_THAT(Due(kDeadLetterAt), IsEmpty());
  DeliveryCounters counters = deliverer.Counters();
  EXPECT_EQ(counters.deliveries, 1u);
  EXPECT_EQ(counters.failures, 1u);
}

// Test that the delay grows with each failure and never passes the cap.
TEST_F(OutboxDelivererTest, BackoffGrowsUntilTheCap) {
  HttpReceiver receiver;
  receiver.QueueStatuses(std::vector<int>(10, 503));
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetRoutes({Route({"*"}, receiver.Url())});
  AppendEvent();
  std::vector<int64_t> delays;
  for (int attempt = 1; attempt <= 6; ++attempt) {
    ASSERT_EQ(Run(deliverer).retrying, 1u) << "attempt " << attempt;
    std::vector<OutboxMessage> due = Due(kDeadLetterAt - 1);
    ASSERT_EQ(due.size(), 1u);
    delays.push_back(due[0].next_attempt_at - Now());
    clock_.Set(due[0].next_attempt_at * 1000);
  }
  // Ceilings 10, 20, 40, 60, 60, 60; each delay in [ceiling/2, ceiling].
  const int64_t ceilings[] = {10, 20, 40, 60, 60, 60};
  for (size_t i = 0; i < delays.size(); ++i) {
    EXPECT_GE(delays[i], ceilings[i] / 2) << i;
    EXPECT_LE(delays[i], ceilings[i]) << i;
  }
}

// Test that a refused connection and an endpoint that never answers hold up neither the live
// route of the same event nor other events in the batch beyond their own timeout, and that the
// live route is not sent the event again when it is retried for the dead ones.
TEST_F(OutboxDelivererTest, DeadEndpointsDoNotDelayLiveRoutes) {
  HttpReceiver live;
  HttpReceiver hung(HttpReceiver::Mode::kSilent);
  DelivererOptions options = Options();
  options.http.total_timeout = 5000ms;
  OutboxDeliverer deliverer(*store_, clock_, options);
  deliverer.SetRoutes({
      Route({"request.created"}, "http://127.0.0.1:" + std::to_string(RefusingPort()) + "/x"),
      Route({"request.created"}, hung.Url()),
      Route({"*"}, live.Url()),
  });
  AppendEvent("request.created");
  AppendEvent("grant.revoked");

  const auto start = std::chrono::steady_clock::now();
  DeliveryReport report = Run(deliverer);
  const auto elapsed = std::chrono::steady_clock::now() - start;

  EXPECT_EQ(report.messages, 2u);
  EXPECT_EQ(report.requests, 4u);
  EXPECT_EQ(report.delivered, 1u);  // grant.revoked: only the live route
  EXPECT_EQ(report.retrying, 1u);   // request.created: two routes failed
  EXPECT_EQ(report.failures, 2u);
  std::vector<ReceivedRequest> received = live.Requests();
  ASSERT_EQ(received.size(), 2u);
  RecordProperty("live_latency_ms",
                 static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::max(received[0].at, received[1].at) - start)
                                      .count()));
  RecordProperty(
      "batch_ms",
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
  for (const ReceivedRequest& request : received) {
    // Typically a few milliseconds; half the hung post's timeout leaves room for a loaded machine.
    EXPECT_LT(request.at - start, 2500ms) << "the live endpoint waited for a dead one";
  }
  EXPECT_EQ(hung.Requests().size(), 1u);
  // The batch as a whole waited for the hung endpoint's total timeout.
  EXPECT_GE(elapsed, 4900ms);
  EXPECT_THAT(report.problems, Contains(HasSubstr("Timeout")));
  EXPECT_THAT(report.problems, Contains(HasSubstr("onnect")));

  clock_.AdvanceSeconds(60);
  DeliveryReport retry = Run(deliverer);
  EXPECT_EQ(retry.messages, 1u);
  EXPECT_EQ(retry.requests, 2u);  // the two dead routes only
  EXPECT_EQ(live.Requests().size(), 2u);
}

// Test that a route whose secret variable is unset is not sent unsigned: it fails, is logged
// without any secret, and is retried later.
TEST_F(OutboxDelivererTest, UnsetSecretFailsClosed) {
  HttpReceiver receiver;
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetRoutes({Route({"*"}, receiver.Url(), "json", kUnsetEnv)});
  AppendEvent();
  DeliveryReport report = Run(deliverer);
  EXPECT_EQ(report.requests, 0u);
  EXPECT_EQ(report.failures, 1u);
  EXPECT_EQ(report.retrying, 1u);
  EXPECT_THAT(report.problems, Contains(AllOf(HasSubstr(kUnsetEnv), HasSubstr("unsigned"))));
  EXPECT_THAT(logged_, Contains(HasSubstr(kUnsetEnv)));
  EXPECT_TRUE(receiver.Requests().empty());
  EXPECT_EQ(deliverer.Counters().failures, 1u);

  setenv(kUnsetEnv, "now-set", 1);
  clock_.AdvanceSeconds(60);
  EXPECT_EQ(Run(deliverer).delivered, 1u);
  ASSERT_EQ(receiver.Requests().size(), 1u);
  unsetenv(kUnsetEnv);
}

// Test that an unset secret is logged when the routes are set, not again on every retry of every
// event while it stays unset (each failure is still counted and reported), and again once it
// was set and is gone.
TEST_F(OutboxDelivererTest, UnsetSecretIsLoggedOnceUntilItIsSet) {
  HttpReceiver receiver;
  OutboxDeliverer deliverer(*store_, clock_, Options());
  auto mentions_unset = [&] {
    return std::count_if(logged_.begin(), logged_.end(), [](const std::string& line) {
      return line.find(kUnsetEnv) != std::string::npos;
    });
  };
  deliverer.SetRoutes({Route({"*"}, receiver.Url(), "json", kUnsetEnv)});
  ASSERT_EQ(mentions_unset(), 1) << ::testing::PrintToString(logged_);
  EXPECT_THAT(logged_.back(), HasSubstr("(tenant default)"));
  AppendEvent();
  AppendEvent("request.approved");
  DeliveryReport first = Run(deliverer);
  EXPECT_EQ(first.failures, 2u);
  EXPECT_EQ(first.problems.size(), 2u);
  clock_.AdvanceSeconds(120);
  EXPECT_EQ(Run(deliverer).failures, 2u);
  deliverer.SetRoutes({Route({"*"}, receiver.Url(), "json", kUnsetEnv)});
  EXPECT_EQ(mentions_unset(), 1) << ::testing::PrintToString(logged_);
  EXPECT_EQ(deliverer.Counters().failures, 4u);

  setenv(kUnsetEnv, "now-set", 1);
  clock_.AdvanceSeconds(120);
  EXPECT_EQ(Run(deliverer).delivered, 2u);
  unsetenv(kUnsetEnv);
  AppendEvent();
  EXPECT_EQ(Run(deliverer).failures, 1u);
  EXPECT_EQ(mentions_unset(), 2) << ::testing::PrintToString(logged_);
}

// Test that a route without secret_env is sent without a signature, as the policy documents.
TEST_F(OutboxDelivererTest, RouteWithoutSecretIsUnsigned) {
  HttpReceiver receiver;
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetRoutes({Route({"*"}, receiver.Url(), "json", "")});
  AppendEvent();
  EXPECT_EQ(Run(deliverer).delivered, 1u);
  ASSERT_EQ(receiver.Requests().size(), 1u);
  EXPECT_FALSE(receiver.Requests()[0].headers.contains("x-drawbridge-signature"));
  EXPECT_EQ(receiver.Requests()[0].Header("x-drawbridge-event-id"), "default/1");
}

// Test that a message no route wants is marked delivered without any request.
TEST_F(OutboxDelivererTest, UnroutedMessageIsMarkedDelivered) {
  HttpReceiver receiver;
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetRoutes({Route({"grant.revoked"}, receiver.Url())});
  AppendEvent("request.created");
  DeliveryReport report = Run(deliverer);
  EXPECT_EQ(report.delivered, 1u);
  EXPECT_EQ(report.unrouted, 1u);
  EXPECT_EQ(report.requests, 0u);
  EXPECT_THAT(Due(kDeadLetterAt), IsEmpty());
  EXPECT_EQ(deliverer.Counters().unrouted, 1u);
  EXPECT_TRUE(receiver.Requests().empty());
}

// Test that a delivery round is recorded in two store writes whatever its size: the messages with
// nothing to send before the posts start, the posted ones when the round ends.
TEST_F(OutboxDelivererTest, ARoundIsRecordedInTwoWrites) {
  HttpReceiver receiver;
  auto opened = SqliteStore::Open({.path = dir_.File("rounds.db")});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  drawbridge::testing::FaultyStore store(std::move(opened).value());
  OutboxWriter writer(store);
  for (int i = 0; i < 5; ++i) writer.Append("request.created", "user:alice", "req-1", {}, Now());
  for (int i = 0; i < 3; ++i) writer.Append("grant.revoked", "user:erin", "grant-1", {}, Now());
  OutboxDeliverer deliverer(store, clock_, Options());
  deliverer.SetRoutes({Route({"grant.revoked"}, receiver.Url())});
  auto report = deliverer.RunOnce();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->delivered, 8u);
  EXPECT_EQ(report->unrouted, 5u);
  EXPECT_EQ(receiver.Requests().size(), 3u);
  EXPECT_EQ(store.mark_outbox_calls(), 2);
  auto due = store.DueOutbox(kDeadLetterAt, 100);
  ASSERT_TRUE(due.ok());
  EXPECT_THAT(*due, IsEmpty());
}

// Test that a message is dead-lettered after max_attempts failures: undelivered, never due again,
// logged and counted.
TEST_F(OutboxDelivererTest, DeadLettersAfterMaxAttempts) {
  HttpReceiver receiver;
  receiver.QueueStatuses({500, 500, 500});
  DelivererOptions options = Options();
  options.max_attempts = 2;
  OutboxDeliverer deliverer(*store_, clock_, options);
  deliverer.SetRoutes({Route({"*"}, receiver.Url())});
  AppendEvent();
  EXPECT_EQ(Run(deliverer).retrying, 1u);
  clock_.AdvanceSeconds(60);
  DeliveryReport report = Run(deliverer);
  EXPECT_EQ(report.dead_lettered, 1u);
  EXPECT_THAT(report.problems, Contains(HasSubstr("dead-lettered")));
  clock_.AdvanceSeconds(100000);
  EXPECT_EQ(Run(deliverer).messages, 0u);
  EXPECT_THAT(Due(kDeadLetterAt - 1), IsEmpty());
  std::vector<OutboxMessage> dead = Due(kDeadLetterAt);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_FALSE(dead[0].delivered);
  EXPECT_EQ(dead[0].attempts, 2);
  EXPECT_EQ(deliverer.Counters().dead_letters, 1u);
  EXPECT_EQ(receiver.Requests().size(), 2u);
}

// Test that a failure after max_age_seconds is final, whatever the attempt count.
TEST_F(OutboxDelivererTest, DeadLettersWhenTooOld) {
  HttpReceiver receiver;
  receiver.QueueStatuses({500});
  DelivererOptions options = Options();
  options.max_age_seconds = 3600;
  OutboxDeliverer deliverer(*store_, clock_, options);
  deliverer.SetRoutes({Route({"*"}, receiver.Url())});
  AppendEvent();
  clock_.AdvanceSeconds(3600);
  EXPECT_EQ(Run(deliverer).dead_lettered, 1u);
}

// Test that a row whose payload is not an audit record is dead-lettered at once: retrying it
// cannot help.
TEST_F(OutboxDelivererTest, GarbagePayloadIsDeadLettered) {
  HttpReceiver receiver;
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetRoutes({Route({"*"}, receiver.Url())});
  OutboxMessage message{.tenant = "default",
                        .event_type = "request.created",
                        .payload = "not json",
                        .created_at = Now(),
                        .next_attempt_at = Now()};
  auto tx = store_->Begin();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->AppendOutbox(message).ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  DeliveryReport report = Run(deliverer);
  EXPECT_EQ(report.dead_lettered, 1u);
  EXPECT_EQ(report.requests, 0u);
  EXPECT_TRUE(receiver.Requests().empty());
}

// Test that answers outside 2xx, redirects included, are failures: redirects are not followed.
TEST_F(OutboxDelivererTest, RedirectIsAFailure) {
  HttpReceiver receiver;
  receiver.QueueStatuses({302, 404});
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetRoutes({Route({"*"}, receiver.Url())});
  AppendEvent();
  AppendEvent();
  DeliveryReport report = Run(deliverer);
  EXPECT_EQ(report.retrying, 2u);
  EXPECT_EQ(receiver.Requests().size(), 2u);
}

// Test that only http and https URLs are ever fetched, even if a route slipped past validation.
TEST_F(OutboxDelivererTest, OtherSchemesAreRefused) {
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetRoutes({Route({"*"}, "file:///etc/passwd"), Route({"*"}, "gopher://127.0.0.1/")});
  AppendEvent();
  DeliveryReport report = Run(deliverer);
  EXPECT_EQ(report.failures, 2u);
  EXPECT_EQ(report.retrying, 1u);
  EXPECT_THAT(report.problems, Contains(HasSubstr("only http:// and https://")));
}

// Test that logs show where a delivery failed but never the URL path, where webhook services keep
// their token.
TEST_F(OutboxDelivererTest, LogsRedactUrlPaths) {
  OutboxDeliverer deliverer(*store_, clock_, Options());
  const uint16_t port = RefusingPort();
  deliverer.SetRoutes(
      {Route({"*"}, "http://127.0.0.1:" + std::to_string(port) + "/services/TOKEN123")});
  AppendEvent();
  DeliveryReport report = Run(deliverer);
  ASSERT_EQ(report.failures, 1u);
  EXPECT_THAT(report.problems, Contains(HasSubstr("http://127.0.0.1:" + std::to_string(port))));
  EXPECT_THAT(report.problems, Not(Contains(HasSubstr("TOKEN123"))));
  EXPECT_THAT(logged_, Not(Contains(HasSubstr(kSecret))));
}

// Test that new routes apply to the next batch.
TEST_F(OutboxDelivererTest, SetRoutesAppliesToTheNextBatch) {
  HttpReceiver first;
  HttpReceiver second;
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetRoutes({Route({"*"}, first.Url())});
  AppendEvent();
  Run(deliverer);
  deliverer.SetRoutes({Route({"*"}, second.Url())});
  AppendEvent();
  Run(deliverer);
  EXPECT_EQ(first.Requests().size(), 1u);
  ASSERT_EQ(second.Requests().size(), 1u);
  EXPECT_EQ(second.Requests()[0].Header("x-drawbridge-event-id"), "default/2");
}

// Test that a tenant's events go only to its own tenant's routes, never to another tenant's.
TEST_F(OutboxDelivererTest, RoutesArePerTenant) {
  HttpReceiver default_hook;
  HttpReceiver acme_hook;
  OutboxDeliverer deliverer(*store_, clock_, Options());
  deliverer.SetTenantRoutes(
      {{"default", {Route({"*"}, default_hook.Url())}}, {"acme", {Route({"*"}, acme_hook.Url())}}});
  OutboxWriter acme(*store_, "acme");
  OutboxWriter globex(*store_, "globex");
  AppendEvent();
  acme.Append("request.created", "user:wile", "req-2", {}, Now());
  globex.Append("request.created", "user:hank", "req-3", {}, Now());
  DeliveryReport report = Run(deliverer);
  EXPECT_EQ(report.delivered, 3u);
  EXPECT_EQ(report.unrouted, 1u);  // globex has no routes
  ASSERT_EQ(default_hook.Requests().size(), 1u);
  ASSERT_EQ(acme_hook.Requests().size(), 1u);
  EXPECT_EQ(default_hook.Requests()[0].Header("x-drawbridge-event-id"), "default/1");
  EXPECT_EQ(acme_hook.Requests()[0].Header("x-drawbridge-event-id"), "acme/1");

  // Replacing one tenant's routes leaves the other tenants' routes alone.
  deliverer.SetRoutes({}, "acme");
  AppendEvent();
  acme.Append("request.created", "user:wile", "req-4", {}, Now());
  report = Run(deliverer);
  EXPECT_EQ(report.unrouted, 1u);
  EXPECT_EQ(default_hook.Requests().size(), 2u);
  EXPECT_EQ(acme_hook.Requests().size(), 1u);
}

// Test that a batch takes at most batch_size messages, oldest first.
TEST_F(OutboxDelivererTest, BatchSizeLimitsABatch) {
  HttpReceiver receiver;
  DelivererOptions options = Options();
  options.batch_size = 2;
  OutboxDeliverer deliverer(*store_, clock_, options);
  deliverer.SetRoutes({Route({"*"}, receiver.Url())});
  for (int i = 0; i < 3; ++i) AppendEvent();
  EXPECT_EQ(Run(deliverer).delivered, 2u);
  EXPECT_EQ(Run(deliverer).delivered, 1u);
  std::vector<ReceivedRequest> requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 3u);
  std::vector<std::string> ids;
  for (const ReceivedRequest& r : requests) ids.push_back(r.Header("x-drawbridge-event-id"));
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"default/1", "default/2", "default/3"}));
}

// Test that the background thread delivers promptly after Wake, without waiting for its poll.
TEST_F(OutboxDelivererTest, BackgroundThreadDeliversOnWake) {
  HttpReceiver receiver;
  DelivererOptions options = Options();
  options.poll_interval = 60s;
  OutboxDeliverer deliverer(*store_, clock_, options);
  deliverer.SetRoutes({Route({"*"}, receiver.Url())});
  deliverer.Start();
  std::this_thread::sleep_for(50ms);  // let the first (empty) batch pass
  AppendEvent();
  deliverer.Wake();
  EXPECT_TRUE(receiver.WaitForRequests(1, 3s));
  // The receiver counts a post when it arrives; its answer is recorded a moment later. A Stop
  // before that leaves the message due for the next run (at-least-once), so wait for the record.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!Due(kDeadLetterAt).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  deliverer.Stop();
  EXPECT_THAT(Due(kDeadLetterAt), IsEmpty());
}

// Test that Stop interrupts a delivery stuck on a hung endpoint promptly and leaves the message
// due, untouched, for the next run.
TEST_F(OutboxDelivererTest, StopInterruptsAHungDelivery) {
  HttpReceiver hung(HttpReceiver::Mode::kSilent);
  DelivererOptions options = Options();
  options.http.total_timeout = 30s;
  OutboxDeliverer deliverer(*store_, clock_, options);
  deliverer.SetRoutes({Route({"*"}, hung.Url())});
  AppendEvent();
  deliverer.Start();
  ASSERT_TRUE(hung.WaitForRequests(1, 3s));
  const auto start = std::chrono::steady_clock::now();
  deliverer.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 15s) << "Stop waited for the hung post";
  std::vector<OutboxMessage> due = Due(Now());
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].attempts, 0);
  EXPECT_EQ(deliverer.Counters().failures, 0u);
}

// Test that the background thread keeps delivering to a live receiver while a post to a receiver
// that never answers is still in flight, and records those deliveries without waiting for it.
TEST_F(OutboxDelivererTest, AHungReceiverDoesNotHoldLaterEvents) {
  HttpReceiver hung(HttpReceiver::Mode::kSilent);
  HttpReceiver live;
  DelivererOptions options = Options();
  options.http.total_timeout = 60s;
  options.poll_interval = 60s;
  OutboxDeliverer deliverer(*store_, clock_, options);
  deliverer.SetRoutes(
      {Route({"request.created"}, hung.Url()), Route({"grant.revoked"}, live.Url())});
  AppendEvent("request.created");
  deliverer.Start();
  ASSERT_TRUE(hung.WaitForRequests(1, 10s));

  AppendEvent("grant.revoked");
  deliverer.Wake();
  ASSERT_TRUE(live.WaitForRequests(1, 10s)) << "the live receiver waited for the hung one";
  AppendEvent("grant.revoked");
  deliverer.Wake();
  ASSERT_TRUE(live.WaitForRequests(2, 10s));
  // Both are recorded as delivered while the first post still hangs: only it is left due.
  std::vector<OutboxMessage> due;
  for (int i = 0; i < 100; ++i) {
    due = Due(kDeadLetterAt);
    if (due.size() == 1) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].event_type, "request.created");
  EXPECT_EQ(hung.Requests().size(), 1u) << "a message in flight was sent again";
  deliverer.Stop();
  EXPECT_EQ(Due(Now()).size(), 1u);
  EXPECT_EQ(deliverer.Counters().deliveries, 2u);
}

// Test that the deliverer works on the in-memory store as well.
TEST(OutboxDelivererMemoryStoreTest, DeliversFromMemoryStore) {
  setenv(kSecretEnv, kSecret, 1);
  std::unique_ptr<MemoryStore> store = MemoryStore::Create();
  ManualClock clock(kStartMs);
  OutboxWriter writer(*store);
  HttpReceiver receiver;
  receiver.QueueStatuses({500});
  DelivererOptions options;
  options.log = [](std::string_view) {};
  OutboxDeliverer deliverer(*store, clock, options);
  deliverer.SetRoutes({Route({"*"}, receiver.Url())});
  writer.Append("breakglass.used", "user:bob", "req-9", {{"reason", "outage"}}, clock.NowSeconds());
  ASSERT_TRUE(deliverer.RunOnce().ok());
  clock.AdvanceSeconds(3600);
  auto report = deliverer.RunOnce();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->delivered, 1u);
  EXPECT_EQ(receiver.Requests().size(), 2u);
  EXPECT_TRUE(store->DueOutbox(kDeadLetterAt, 10)->empty());
}

// Test that the counters are exported as Prometheus counters.
TEST(DeliveryMetricsTest, WritesPrometheusCounters) {
  std::string text;
  AppendDeliveryMetrics({.deliveries = 7, .failures = 3, .dead_letters = 1, .unrouted = 2}, text);
  EXPECT_THAT(text, HasSubstr("# TYPE drawbridge_webhook_deliveries_total counter\n"
                              "drawbridge_webhook_deliveries_total 7\n"));
  EXPECT_THAT(text, HasSubstr("\ndrawbridge_webhook_failures_total 3\n"));
  EXPECT_THAT(text, HasSubstr("\ndrawbridge_webhook_dead_letters_total 1\n"));
  EXPECT_THAT(text, HasSubstr("\ndrawbridge_webhook_unrouted_total 2\n"));
}

}  // namespace
}  // namespace drawbridge::notify
