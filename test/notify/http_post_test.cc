#include "notify/http_post.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

// Test that every post of a batch is reported once, with its own status, and carries its headers
// and body.
TEST(PostConcurrentlyTest, ReportsEachPost) {
  testing::HttpReceiver ok;
  testing::HttpReceiver failing;
  failing.QueueStatuses({503});
  std::vector<HttpPost> posts = {
      {.url = ok.Url("/a"), .headers = {{"X-Test", "one"}}, .body = "{\"n\":1}"},
      {.url = failing.Url("/b"), .headers = {}, .body = "{}"},
  };
  std::vector<HttpOutcome> outcomes(posts.size());
  std::vector<int> calls(posts.size(), 0);
  PostConcurrently(posts, {}, nullptr, [&](size_t i, const HttpOutcome& outcome) {
    outcomes[i] = outcome;
    ++calls[i];
  });
  EXPECT_EQ(calls, (std::vector<int>{1, 1}));
  EXPECT_TRUE(outcomes[0].Succeeded());
  EXPECT_EQ(outcomes[0].status, 200);
  EXPECT_FALSE(outcomes[1].Succeeded());
  EXPECT_EQ(outcomes[1].status, 503);
  ASSERT_EQ(ok.Requests().size(), 1u);
  EXPECT_EQ(ok.Requests()[0].Header("x-test"), "one");
  EXPECT_EQ(ok.Requests()[0].body, "{\"n\":1}");
}

// Test that a header that would split the request is refused before anything is sent.
TEST(PostConcurrentlyTest, RefusesHeaderInjection) {
  testing::HttpReceiver receiver;
  std::vector<HttpPost> posts = {
      {.url = receiver.Url(), .headers = {{"X-Event", "a\r\nX-Evil: 1"}}, .body = "{}"}};
  HttpOutcome outcome;
  PostConcurrently(posts, {}, nullptr, [&](size_t, const HttpOutcome& o) { outcome = o; });
  EXPECT_FALSE(outcome.Succeeded());
  EXPECT_THAT(outcome.error, HasSubstr("line break"));
  EXPECT_TRUE(receiver.Requests().empty());
}

// Test that a connection that never answers ends at the total timeout.
TEST(PostConcurrentlyTest, HungEndpointTimesOut) {
  testing::HttpReceiver hung(testing::HttpReceiver::Mode::kSilent);
  std::vector<HttpPost> posts = {{.url = hung.Url(), .headers = {}, .body = "{}"}};
  HttpPostOptions options;
  options.total_timeout = 300ms;
  HttpOutcome outcome;
  const auto start = std::chrono::steady_clock::now();
  PostConcurrently(posts, options, nullptr, [&](size_t, const HttpOutcome& o) { outcome = o; });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(outcome.Succeeded());
  EXPECT_EQ(outcome.status, 0);
  EXPECT_THAT(outcome.error, HasSubstr("Timeout"));
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 1500ms);
}

// Test that an empty batch calls nothing.
TEST(PostConcurrentlyTest, EmptyBatchDoesNothing) {
  int calls = 0;
  PostConcurrently({}, {}, nullptr, [&](size_t, const HttpOutcome&) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace drawbridge::notify
