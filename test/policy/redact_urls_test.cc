// Redacting webhook URLs in a policy file's text for readers who may not see their secrets.
#include "policy/redact_urls.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace drawbridge::policy {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Keeps the scheme and host, as the server's redaction does; marks what it cut.
std::string KeepHost(std::string_view url) {
  size_t scheme = url.find("://");
  size_t path = url.find_first_of("/?#", scheme + 3);
  return std::string(url.substr(0, path)) + "/REDACTED";
}

std::string Redact(std::string_view text) {
  auto out = RedactWebhookUrls(text, KeepHost);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::string();
}

// Test that a double-quoted, a single-quoted, a plain and a flow-map URL are each replaced in
// their own style, and nothing else in the text changes.
TEST(RedactWebhookUrls, ReplacesEveryStyleInPlace) {
  const std::string text =
      "# routes (a comment stays as written)\n"
      "version: 1\n"
      "notifications:\n"
      "  - on: [request.created]\n"
      "    webhook:\n"
      "      url: \"https://hooks.slack.example/services/T0/B0/SECRET1\"\n"
      "      format: slack\n"
      "  - on: [\"*\"]\n"
      "    webhook:\n"
      "      url: 'https://siem.example:8443/ingest?key=SECRET2'\n"
      "  - on: [grant.revoked]\n"
      "    webhook:\n"
      "      url: https://plain.example/p/SECRET3   # trailing comment\n"
      "  - on: [request.denied]\n"
      "    webhook: {url: \"https://flow.example/x/SECRET4\", format: json,\n"
      "              secret_env: SIEM_SECRET}\n";
  const std::string expected =
      "# routes (a comment stays as written)\n"
      "version: 1\n"
      "notifications:\n"
      "  - on: [request.created]\n"
      "    webhook:\n"
      "      url: \"https://hooks.slack.example/REDACTED\"\n"
      "      format: slack\n"
      "  - on: [\"*\"]\n"
      "    webhook:\n"
      "      url: 'https://siem.example:8443/REDACTED'\n"
      "  - on: [grant.revoked]\n"
      "    webhook:\n"
      "      url: https://plain.example/REDACTED   # trailing comment\n"
      "  - on: [request.denied]\n"
      "    webhook: {url: \"https://flow.example/REDACTED\", format: json,\n"
      "              secret_env: SIEM_SECRET}\n";
  EXPECT_EQ(Redact(text), expected);
}

// Test that a value equal to a URL elsewhere in the file (under another key) is left alone:
// only webhook URLs are located, through the parser, not by matching text.
TEST(RedactWebhookUrls, OnlyWebhookUrlsAreTouched) {
  const std::string text =
      "description: see https://docs.example/a/b\n"
      "notifications:\n"
      "  - on: [\"*\"]\n"
      "    webhook:\n"
      "      url: https://docs.example/a/b\n";
  EXPECT_EQ(Redact(text),
            "description: see https://docs.example/a/b\n"
            "notifications:\n"
            "  - on: [\"*\"]\n"
            "    webhook:\n"
            "      url: https://docs.example/REDACTED\n");
}

// Test that escapes inside quotes, CRLF line ends and a URL behind an anchor and a tag are
// handled.
TEST(RedactWebhookUrls, QuotingLineEndsAnchorsAndTags) {
  EXPECT_EQ(Redact("notifications:\r\n  - on: ['*']\r\n    webhook:\r\n"
                   "      url: \"https://a.example/it\\\"s/SECRET\"\r\n"),
            "notifications:\r\n  - on: ['*']\r\n    webhook:\r\n"
            "      url: \"https://a.example/REDACTED\"\r\n");
  EXPECT_EQ(Redact("notifications:\n  - on: ['*']\n    webhook:\n"
                   "      url: 'https://b.example/it''s/SECRET'\n"),
            "notifications:\n  - on: ['*']\n    webhook:\n"
            "      url: 'https://b.example/REDACTED'\n");
  EXPECT_EQ(Redact("notifications:\n  - on: ['*']\n    webhook:\n"
                   "      url: &hook !!str \"https://c.example/SECRET\"\n"
                   "  - on: [grant.revoked]\n    webhook:\n      url: *hook\n"),
            "notifications:\n  - on: ['*']\n    webhook:\n"
            "      url: &hook !!str \"https://c.example/REDACTED\"\n"
            "  - on: [grant.revoked]\n    webhook:\n      url: *hook\n");
}

// Test that a URL that cannot be replaced in place (a block scalar) fails instead of leaking.
TEST(RedactWebhookUrls, UnlocatableUrlFails) {
  auto out = RedactWebhookUrls(
      "notifications:\n  - on: ['*']\n    webhook:\n      url: >-\n        "
      "https://d.example/SECRET\n",
      KeepHost);
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.status().message(), Not(HasSubstr("SECRET")));
  EXPECT_FALSE(RedactWebhookUrls("notifications: [", KeepHost).ok());
}

// Test that a file without notification routes comes back unchanged.
TEST(RedactWebhookUrls, FileWithoutRoutesIsUnchanged) {
  const std::string text = "version: 1\ngroups:\n  dba: [user:alice]  # DBAs\n";
  EXPECT_EQ(Redact(text), text);
  EXPECT_EQ(Redact(""), "");
}

// Test the example policy's notification file: both of its URLs are redacted.
TEST(RedactWebhookUrls, ExamplePolicyNotifications) {
  std::ifstream in(std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy/notifications.yaml");
  std::stringstream text;
  text << in.rdbuf();
  const std::string out = Redact(text.str());
  EXPECT_THAT(out, HasSubstr("\"https://chat.example/REDACTED\""));
  EXPECT_THAT(out, HasSubstr("\"https://siem.example/REDACTED\""));
  EXPECT_THAT(out, Not(HasSubstr("hooks/T000")));
  EXPECT_THAT(out, Not(HasSubstr("ingest/drawbridge")));
}

}  // namespace
}  // namespace drawbridge::policy
