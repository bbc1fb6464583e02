#include "notify/http_post.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "notify/test_support.h"

namespace drawbridge::notify {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Test that redaction keeps scheme, host and port and drops user info, path and query.
TEST(RedactUrlTest, KeepsOnlySchemeAndAuthority) {
  EXPECT_EQ(RedactUrl("https://hooks.slack.com/services/T0/B0/XXXX"), "https://hooks.slack.com/…");
  EXPECT_EQ(RedactUrl("https://user:pw@siem.example:8443/in?key=abc"),
            "https://siem.example:8443/…");
  EXPECT_EQ(RedactUrl("http://host"), "http://host");
  EXPECT_EQ(RedactUrl("http://host?token=1"), "http://host/…");
  EXPECT_EQ(RedactUrl("no scheme here"), "(not a URL)");
}

// Test that only http and https URLs count as fetchable, in any letter case.
TEST(IsHttpUrlTest, AcceptsOnlyHttpAndHttps) {
  EXPECT_TRUE(IsHttpUrl("http://a"));
  EXPECT_TRUE(IsHttpUrl("HTTPS://a"));
  EXPECT_FALSE(IsHttpUrl("https://"));
  EXPECT_FALSE(IsHttpUrl("file:///etc/passwd"));
  EXPECT_FALSE(IsHttpUrl("ftp://a"));
  EXPECT_FALSE(IsHttpUrl(" http://a"));
}

// Drives `poster` until nothing is in flight.
void DriveAll(HttpPoster& poster) {
  while (poster.InFlight() > 0) poster.Drive(100ms);
}

// Test that every post is reported once, with its own status, and carries its headers and body.
TEST(HttpPosterTest, ReportsEachPost) {
  testing::HttpReceiver ok;
  testing::HttpReceiver failing;
  failing.QueueStatuses({503});
  HttpPoster poster;
  std::vector<HttpOutcome> outcomes(2);
  std::vector<int> calls(2, 0);
  auto record = [&](size_t i) {
    return [&, i](const HttpOutcome& outcome) {
      outcomes[i] = outcome;
      ++calls[i];
    };
  };
  poster.Add({.url = ok.Url("/a"), .headers = {{"X-Test", "one"}}, .body = "{\"n\":1}"}, record(0));
  poster.Add({.url = failing.Url("/b"), .headers = {}, .body = "{}"}, record(1));
  EXPECT_EQ(poster.InFlight(), 2u);
  DriveAll(poster);
  EXPECT_EQ(calls, (std::vector<int>{1, 1}));
  EXPECT_TRUE(outcomes[0].Succeeded());
  EXPECT_EQ(outcomes[0].status, 200);
  EXPECT_FALSE(outcomes[1].Succeeded());
  EXPECT_EQ(outcomes[1].status, 503);
  ASSERT_EQ(ok.Requests().size(), 1u);
  EXPECT_EQ(ok.Requests()[0].Header("x-test"), "one");
  EXPECT_EQ(ok.Requests()[0].body, "{\"n\":1}");
}

// Test that a post added while another hangs is sent and reported without waiting for it.
TEST(HttpPosterTest, APostAddedLaterFinishesBeforeAHungOne) {
  testing::HttpReceiver hung(testing::HttpReceiver::Mode::kSilent);
  testing::HttpReceiver live;
  HttpPoster poster({.total_timeout = 30s});
  bool hung_done = false;
  poster.Add({.url = hung.Url(), .headers = {}, .body = "{}"},
             [&](const HttpOutcome&) { hung_done = true; });
  while (hung.Requests().empty()) poster.Drive(50ms);
  HttpOutcome live_outcome;
  bool live_done = false;
  poster.Add({.url = live.Url(), .headers = {}, .body = "{}"}, [&](const HttpOutcome& outcome) {
    live_outcome = outcome;
    live_done = true;
  });
  while (!live_done) poster.Drive(50ms);
  EXPECT_TRUE(live_outcome.Succeeded());
  EXPECT_FALSE(hung_done);
  EXPECT_EQ(poster.InFlight(), 1u);
  poster.CancelAll();
  EXPECT_TRUE(hung_done);
  EXPECT_EQ(poster.InFlight(), 0u);
}

// Test that a header that would split the request is refused before anything is sent, and is
// reported by Drive, not by Add.
TEST(HttpPosterTest, RefusesHeaderInjection) {
  testing::HttpReceiver receiver;
  HttpPoster poster;
  HttpOutcome outcome;
  int calls = 0;
  poster.Add({.url = receiver.Url(), .headers = {{"X-Event", "a\r\nX-Evil: 1"}}, .body = "{}"},
             [&](const HttpOutcome& o) {
               outcome = o;
               ++calls;
             });
  EXPECT_EQ(calls, 0);
  DriveAll(poster);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(outcome.Succeeded());
  EXPECT_THAT(outcome.error, HasSubstr("line break"));
  EXPECT_TRUE(receiver.Requests().empty());
}

// Test that a connection that never answers ends at the total timeout.
TEST(HttpPosterTest, HungEndpointTimesOut) {
  testing::HttpReceiver hung(testing::HttpReceiver::Mode::kSilent);
  HttpPoster poster({.total_timeout = 300ms});
  HttpOutcome outcome;
  const auto start = std::chrono::steady_clock::now();
  poster.Add({.url = hung.Url(), .headers = {}, .body = "{}"},
             [&](const HttpOutcome& o) { outcome = o; });
  DriveAll(poster);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(outcome.Succeeded());
  EXPECT_EQ(outcome.status, 0);
  EXPECT_THAT(outcome.error, HasSubstr("Timeout"));
  EXPECT_GE(elapsed, 250ms);
}

// Test that Wakeup from another thread ends a Drive that is waiting with nothing in flight.
TEST(HttpPosterTest, WakeupEndsAWait) {
  HttpPoster poster;
  std::thread waker([&] {
    std::this_thread::sleep_for(50ms);
    poster.Wakeup();
  });
  const auto start = std::chrono::steady_clock::now();
  poster.Drive(60s);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  waker.join();
  EXPECT_LT(elapsed, 30s) << "Drive waited out its whole wait";
}

}  // namespace
}  // namespace drawbridge::notify
