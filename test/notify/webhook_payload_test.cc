#include "notify/webhook_payload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "audit/chain.h"

namespace drawbridge::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kTimeMs = 1714557600123;  // 2024-05-01T10:00:00.123Z

OutboxMessage MessageFor(const std::string& type, const std::string& actor,
                         const std::string& subject, boost::json::object details,
                         const std::string& tenant = "default") {
  auto chain = audit::AuditChain::Start(tenant).value();
  audit::AuditEvent event = chain
                                .Append({.time_ms = kTimeMs,
                                         .actor = actor,
                                         .type = type,
                                         .subject = subject,
                                         .details = std::move(details)})
                                .value();
  OutboxMessage message;
  message.id = 7;
  message.tenant = tenant;
  message.event_type = type;
  message.payload = audit::EventToJsonLine(event).value();
  return message;
}

WebhookEvent Parsed(const OutboxMessage& message) {
  auto event = ParseOutboxMessage(message);
  EXPECT_TRUE(event.ok()) << event.status().ToString();
  return event.ok() ? *event : WebhookEvent{};
}

// Test that the event id names the tenant and the audit seq, so it is the same on every retry.
TEST(WebhookPayloadTest, EventIdIsTenantAndSeq) {
  WebhookEvent event = Parsed(MessageFor("request.created", "user:alice", "req-1", {}, "acme"));
  EXPECT_EQ(event.id, "acme/1");
  EXPECT_EQ(Parsed(MessageFor("request.created", "user:alice", "req-1", {}, "acme")).id, event.id);
}

// Test that the generic JSON body has id, type, tenant, time and the audit record as stored.
TEST(WebhookPayloadTest, JsonBodyCarriesTheRecord) {
  OutboxMessage message =
      MessageFor("request.created", "user:alice", "req-1", {{"reason", "fix orders"}});
  WebhookEvent event = Parsed(message);
  std::string body = JsonWebhookBody(event);
  boost::json::object parsed = boost::json::parse(body).as_object();
  EXPECT_EQ(parsed.at("id"), "default/1");
  EXPECT_EQ(parsed.at("type"), "request.created");
  EXPECT_EQ(parsed.at("tenant"), "default");
  EXPECT_EQ(parsed.at("time"), "2024-05-01T10:00:00.123Z");
  EXPECT_EQ(parsed.at("event"), boost::json::parse(message.payload));
  EXPECT_EQ(parsed.at("event").at("details").at("reason"), "fix orders");
  // The record's bytes are embedded unchanged, so a receiver can re-hash it.
  EXPECT_THAT(body, HasSubstr(message.payload));
  EXPECT_EQ(parsed.size(), 5u);
}

// Test that a payload that is not an audit record is reported as data loss, not retried.
TEST(WebhookPayloadTest, GarbagePayloadIsDataLoss) {
  OutboxMessage message = MessageFor("request.created", "user:alice", "req-1", {});
  message.payload = "{\"not\":\"an event\"}";
  EXPECT_EQ(ParseOutboxMessage(message).status().code(), StatusCode::kDataLoss);
}

// Test that a payload of another tenant than its row is refused.
TEST(WebhookPayloadTest, TenantMismatchIsDataLoss) {
  OutboxMessage message = MessageFor("request.created", "user:alice", "req-1", {}, "acme");
  message.tenant = "default";
  EXPECT_EQ(ParseOutboxMessage(message).status().code(), StatusCode::kDataLoss);
}

// Test that the Slack summary is one readable line with actor, type, subject and reason.
TEST(WebhookPayloadTest, SlackSummaryIsReadable) {
  WebhookEvent event = Parsed(MessageFor("request.created", "user:alice", "req-1",
                                         {{"requester", "user:alice"},
                                          {"reason", "fix stuck orders"},
                                          {"ticket", "OPS-12"},
                                          {"roles", boost::json::array{"dba", "reader"}},
                                          {"scope", "db/orders-prod"}}));
  EXPECT_EQ(SlackSummary(event.event),
            "Drawbridge [default] *request.created* req-1 by user:alice · scope: db/orders-prod · "
            "roles: dba, reader · reason: fix stuck orders · ticket: OPS-12");
}

// Test that user text cannot inject Slack mentions, links or entities.
TEST(WebhookPayloadTest, SlackSummaryEscapesMrkdwn) {
  WebhookEvent event =
      Parsed(MessageFor("request.created", "user:<!channel>", "req-1",
                        {{"reason", "<!channel> see <https://evil.example|docs> & <@U123>"}}));
  std::string summary = SlackSummary(event.event);
  EXPECT_THAT(summary, Not(HasSubstr("<")));
  EXPECT_THAT(summary, Not(HasSubstr(">")));
  EXPECT_THAT(summary, HasSubstr("&lt;!channel&gt; see &lt;https://evil.example|docs&gt; &amp; "
                                 "&lt;@U123&gt;"));
  EXPECT_THAT(summary, HasSubstr("by user:&lt;!channel&gt;"));
}

// Test that line breaks and terminal controls in user text stay visible and on one line.
TEST(WebhookPayloadTest, SlackSummaryStaysOnOneLine) {
  WebhookEvent event = Parsed(MessageFor("request.created", "user:alice", "req-1",
                                         {{"reason", "line one\nline two\x1b[31m"}}));
  std::string summary = SlackSummary(event.event);
  EXPECT_THAT(summary, Not(HasSubstr("\n")));
  EXPECT_THAT(summary, Not(HasSubstr("\x1b")));
  EXPECT_THAT(summary, HasSubstr("reason: line one\\nline two\\e[31m"));
}

// Test that break-glass events stand out.
TEST(WebhookPayloadTest, BreakGlassIsFlagged) {
  WebhookEvent event = Parsed(MessageFor("grant.activated", "user:bob", "grant-9",
                                         {{"principal", "user:bob"}, {"break_glass", true}}));
  EXPECT_THAT(SlackSummary(event.event), HasSubstr("BREAK-GLASS"));
  WebhookEvent normal = Parsed(MessageFor("grant.activated", "user:bob", "grant-9",
                                          {{"principal", "user:bob"}, {"break_glass", false}}));
  EXPECT_THAT(SlackSummary(normal.event), Not(HasSubstr("BREAK-GLASS")));
}

// Test that the principal is shown when someone else acted, e.g. an admin revoking a grant.
TEST(WebhookPayloadTest, PrincipalShownWhenNotTheActor) {
  WebhookEvent event = Parsed(MessageFor("grant.revoked", "user:admin", "grant-9",
                                         {{"principal", "user:bob"}, {"reason", "left team"}}));
  EXPECT_THAT(SlackSummary(event.event), HasSubstr("principal: user:bob · reason: left team"));
}

// Test that huge user text is cut so the summary fits a Slack section block.
TEST(WebhookPayloadTest, SlackSummaryIsBounded) {
  std::string long_text(100000, '&');
  boost::json::object details;
  for (const char* key : {"reason", "comment", "ticket", "scope", "resource", "action", "rule"}) {
    details[key] = long_text;
  }
  WebhookEvent event = Parsed(MessageFor("request.created", "user:alice", "req-1", details));
  std::string summary = SlackSummary(event.event);
  EXPECT_LE(summary.size(), kMaxSlackSummaryBytes);
  EXPECT_THAT(summary, HasSubstr("…"));
  // No entity is cut in half: every & starts a whole &amp;.
  for (size_t at = summary.find('&'); at != std::string::npos; at = summary.find('&', at + 1)) {
    ASSERT_EQ(summary.compare(at, 5, "&amp;"), 0) << "at byte " << at;
  }
}

// Test that multi-byte characters are never split when text is cut.
TEST(WebhookPayloadTest, TruncationKeepsUtf8Whole) {
  std::string long_text;
  for (int i = 0; i < 500; ++i) long_text += "é";
  WebhookEvent event =
      Parsed(MessageFor("request.created", "user:alice", "req-1", {{"reason", long_text}}));
  std::string body = SlackWebhookBody(event);
  EXPECT_NO_THROW(boost::json::parse(body));
  std::string summary = SlackSummary(event.event);
  EXPECT_THAT(summary, HasSubstr("é…"));
}

// Test that the Slack body is an incoming-webhook message: text plus blocks with the summary and
// the event id.
TEST(WebhookPayloadTest, SlackBodyShape) {
  WebhookEvent event = Parsed(
      MessageFor("request.denied", "user:carol", "req-3", {{"comment", "not during freeze"}}));
  boost::json::object body = boost::json::parse(SlackWebhookBody(event)).as_object();
  std::string text(body.at("text").as_string());
  EXPECT_EQ(text, SlackSummary(event.event));
  const boost::json::array& blocks = body.at("blocks").as_array();
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].at("type"), "section");
  EXPECT_EQ(blocks[0].at("text").at("type"), "mrkdwn");
  EXPECT_EQ(blocks[0].at("text").at("text").as_string(), text);
  EXPECT_EQ(blocks[1].at("type"), "context");
  EXPECT_THAT(std::string(blocks[1].at("elements").at(0).at("text").as_string()),
              HasSubstr("default/1"));
}

// Test that formats parse from their policy names only.
TEST(WebhookPayloadTest, ParsesFormatNames) {
  EXPECT_EQ(ParseWebhookFormat("json").value(), WebhookFormat::kJson);
  EXPECT_EQ(ParseWebhookFormat("slack").value(), WebhookFormat::kSlack);
  EXPECT_FALSE(ParseWebhookFormat("Slack").ok());
  EXPECT_FALSE(ParseWebhookFormat("").ok());
}

}  // namespace
}  // namespace drawbridge::notify
