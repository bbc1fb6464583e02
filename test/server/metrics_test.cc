#include "server/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "server/server_e2e_support.h"

namespace drawbridge::server {
namespace {

std::string Rendered(const Metrics& metrics) {
  std::string out;
  metrics.Render(out);
  return out;
}

// The value of one series, or -1 when the text has no such line.
double Series(const std::string& text, const std::string& series) {
  return drawbridge::testing::MetricSeries(text, series).value_or(-1);
}

// Test that what many threads record is summed into one series each, with nothing lost.
TEST(MetricsTest, CountsFromEveryThreadAreSummed) {
  Metrics metrics;
  constexpr int kThreads = 4, kEach = 10'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kEach; ++i) {
        metrics.RecordHttp("POST", "/v1/check", 200, 0.00002);
        metrics.RecordDecision(Decision::kAllow, t % 2 == 0 ? "even" : "odd", 0.000004);
      }
    });
  }
  for (auto& t : threads) t.join();
  const std::string text = Rendered(metrics);
  EXPECT_EQ(
      Series(text,
             R"(drawbridge_http_requests_total{method="POST",route="/v1/check",status="200"})"),
      kThreads * kEach);
  EXPECT_EQ(Series(text, R"(drawbridge_decisions_total{decision="allow",rule="even"})"),
            kThreads / 2 * kEach);
  EXPECT_EQ(Series(text, R"(drawbridge_decisions_total{decision="allow",rule="odd"})"),
            kThreads / 2 * kEach);
  EXPECT_EQ(Series(text, "drawbridge_http_request_seconds_count"), kThreads * kEach);
  // 20 µs falls in the bucket bounded by 25 µs, and so in every bucket above it.
  EXPECT_EQ(Series(text, R"(drawbridge_http_request_seconds_bucket{le="1e-05"})"), 0);
  EXPECT_EQ(Series(text, R"(drawbridge_http_request_seconds_bucket{le="2.5e-05"})"),
            kThreads * kEach);
  EXPECT_EQ(Series(text, R"(drawbridge_http_request_seconds_bucket{le="+Inf"})"), kThreads * kEach);
  EXPECT_EQ(Series(text, R"(drawbridge_decision_seconds_count{decision="allow"})"),
            kThreads * kEach);
  EXPECT_EQ(Series(text, R"(drawbridge_decision_seconds_count{decision="deny"})"), 0);
}

// Test that counts survive the thread that recorded them, and that a thread recording for two
// servers in one process keeps their counts apart.
TEST(MetricsTest, CountsOutliveTheirThreadAndStayWithTheirObject) {
  Metrics first;
  {
    Metrics second;
    std::thread([&] {
      first.RecordHttp("GET", "/healthz", 200, 0.00001);
      second.RecordHttp("GET", "/healthz", 200, 0.00001);
      first.RecordHttp("GET", "/healthz", 200, 0.00001);
    }).join();
    EXPECT_EQ(
        Series(Rendered(second),
               R"(drawbridge_http_requests_total{method="GET",route="/healthz",status="200"})"),
        1);
  }
  // A new object may reuse the destroyed one's memory: it must start from nothing.
  Metrics third;
  third.RecordHttp("GET", "/readyz", 503, 0.00001);
  const std::string text = Rendered(third);
  EXPECT_EQ(
      Series(text, R"(drawbridge_http_requests_total{method="GET",route="/readyz",status="503"})"),
      1);
  EXPECT_EQ(
      Series(text, R"(drawbridge_http_requests_total{method="GET",route="/healthz",status="200"})"),
      -1);
  EXPECT_EQ(Series(Rendered(first),
                   R"(drawbridge_http_requests_total{method="GET",route="/healthz",status="200"})"),
            2);
}

// Test that rendering while threads record neither blocks them for long nor reads a torn count:
// every render's total only grows.
TEST(MetricsTest, RendersWhileThreadsRecord) {
  Metrics metrics;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) metrics.RecordDecision(Decision::kDeny, "guardrail:drop", 0.001);
    });
  }
  double last = -1;  // no line yet: nothing recorded
  for (int i = 0; i < 200; ++i) {
    const double now = Series(
        Rendered(metrics), R"(drawbridge_decisions_total{decision="deny",rule="guardrail:drop"})");
    EXPECT_GE(now, last);
    last = now;
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_GT(Series(Rendered(metrics), R"(drawbridge_decision_seconds_count{decision="deny"})"), 0);
}

// Test that a rule name with characters the text format escapes is escaped, and an empty rule
// is "none".
TEST(MetricsTest, RuleLabelsAreEscaped) {
  Metrics metrics;
  metrics.RecordDecision(Decision::kApprovalRequired, "say \"hi\"\\now", 0.0001);
  metrics.RecordDecision(Decision::kAllow, "", 0.0001);
  const std::string text = Rendered(metrics);
  EXPECT_EQ(
      Series(text,
             R"(drawbridge_decisions_total{decision="approval_required",rule="say \"hi\"\\now"})"),
      1);
  EXPECT_EQ(Series(text, R"(drawbridge_decisions_total{decision="allow",rule="none"})"), 1);
}

}  // namespace
}  // namespace drawbridge::server
