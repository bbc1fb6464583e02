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

// The details of an action request's request.created event (core/workflow/transition_parts.cc).
boost::json::object ActionRequestDetails(std::string payload_kind, std::string payload) {
  return {{"kind", "action"},
          {"requester", "user:alice"},
          {"rule", "destructive-sql"},
          {"reason", "purge test rows"},
          {"ticket", "OPS-7"},
          {"source_ip", "10.1.2.3"},
          {"action", "db.query"},
          {"resource", "db/orders-prod"},
          {"payload_kind", std::move(payload_kind)},
          {"payload", std::move(payload)},
          {"facts", boost::json::array{"delete_all", "write"}},
          {"fingerprint", std::string(64, 'a')},
          {"uses", 1}};
}

std::string ActionSummary(std::string payload_kind, std::string payload) {
  return SlackSummary(
      Parsed(MessageFor("request.created", "user:alice", "req-5",
                        ActionRequestDetails(std::move(payload_kind), std::move(payload))))
          .event);
}

size_t Count(std::string_view text, std::string_view part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Test that approvers see an action request's exact statement in a code block after the line,
// with its classification, the reason, the ticket and the source address.
TEST(WebhookPayloadTest, ActionRequestShowsStatementAndFacts) {
  EXPECT_EQ(ActionSummary("sql", "DELETE FROM orders\nWHERE created < now()"),
            "Drawbridge [default] *request.created* req-5 by user:alice · action: db.query · "
            "resource: db/orders-prod · payload_kind: sql · facts: delete_all, write · reason: "
            "purge test rows · ticket: OPS-7 · source_ip: 10.1.2.3 · rule: destructive-sql\n"
            "```\nDELETE FROM orders\nWHERE created &lt; now()\n```");
}

// Test that an argv payload is shown as its JSON array, every argument exactly as executed.
TEST(WebhookPayloadTest, ActionRequestShowsArgv) {
  std::string summary = ActionSummary("argv", R"(["rm","-rf","/srv/data dir"])");
  EXPECT_THAT(summary, HasSubstr("payload_kind: argv"));
  EXPECT_THAT(summary, HasSubstr("\n```\n[\"rm\",\"-rf\",\"/srv/data dir\"]\n```"));
}

// Test that the source address of an access request is shown too.
TEST(WebhookPayloadTest, AccessRequestShowsSourceAddress) {
  WebhookEvent event =
      Parsed(MessageFor("request.created", "user:alice", "req-1",
                        {{"kind", "access"}, {"reason", "fix"}, {"source_ip", "192.0.2.7"}}));
  EXPECT_THAT(SlackSummary(event.event), HasSubstr("reason: fix · source_ip: 192.0.2.7"));
  EXPECT_THAT(SlackSummary(event.event), Not(HasSubstr("```")));
}

// Test that backticks in a payload cannot close its code block: only the block's own two
// fences are runs of three.
TEST(WebhookPayloadTest, PayloadCannotCloseItsCodeBlock) {
  std::string summary = ActionSummary("shell", "echo ```\n*bold* <!channel>\n```` `id`");
  EXPECT_EQ(Count(summary, "```"), 2u) << summary;
  EXPECT_EQ(Count(summary, "``"), 4u) << summary;  // twice in each fence, nowhere else
  EXPECT_THAT(summary, HasSubstr("`\xe2\x80\x8b`\xe2\x80\x8b`"));
  EXPECT_THAT(summary, HasSubstr("`id`"));
  EXPECT_THAT(summary, HasSubstr("&lt;!channel&gt;"));
  EXPECT_THAT(summary, Not(HasSubstr("<")));
}

// Test that terminal and bidi controls in a payload are shown as escapes, while its line breaks
// stay line breaks inside the block.
TEST(WebhookPayloadTest, PayloadControlsAreEscaped) {
  std::string summary =
      ActionSummary("sql", "SELECT 1;\r\x1b[2K\xe2\x80\xae-- hidden\x07\nSELECT 2");
  EXPECT_THAT(summary, HasSubstr("SELECT 1;\\r\\e[2K\\u{202e}-- hidden\\a\nSELECT 2\n```"));
  EXPECT_THAT(summary, Not(HasSubstr("\x1b")));
  EXPECT_THAT(summary, Not(HasSubstr("\r")));
  EXPECT_THAT(summary, Not(HasSubstr("\xe2\x80\xae")));
}

// Test that a long payload is cut between characters, marked outside the block, and the whole
// message stays within the cap and valid JSON.
TEST(WebhookPayloadTest, LongPayloadIsCutAndMarked) {
  std::string sql = "DELETE FROM t WHERE note = '";
  for (int i = 0; i < 20000; ++i) sql += "é";
  sql += "' OR true";
  WebhookEvent event = Parsed(
      MessageFor("request.created", "user:alice", "req-5", ActionRequestDetails("sql", sql)));
  std::string summary = SlackSummary(event.event);
  EXPECT_LE(summary.size(), kMaxSlackSummaryBytes);
  EXPECT_THAT(summary, HasSubstr("éé…\n```\n_cut: the first "));
  EXPECT_THAT(summary, HasSubstr(" of " + std::to_string(sql.size()) + " bytes are shown"));
  EXPECT_THAT(summary, HasSubstr("facts: delete_all, write"));  // the line is kept whole
  EXPECT_NO_THROW(boost::json::parse(SlackWebhookBody(event)));
}

// Test that a payload of many lines shows only the first ones.
TEST(WebhookPayloadTest, ManyLinePayloadIsCut) {
  std::string sql;
  for (int i = 0; i < 500; ++i) sql += "SELECT " + std::to_string(i) + ";\n";
  std::string summary = ActionSummary("sql", sql);
  EXPECT_LT(Count(summary, "\n"), 50u);
  EXPECT_THAT(summary, HasSubstr("SELECT 0;"));
  EXPECT_THAT(summary, Not(HasSubstr("SELECT 499;")));
  EXPECT_THAT(summary, HasSubstr("_cut: the first "));
}

// Test that huge details and a huge payload of entity characters together stay within the cap,
// with no entity cut in half and both fences present.
TEST(WebhookPayloadTest, DetailsAndPayloadFitTogether) {
  std::string long_text(100000, '&');
  boost::json::object details = ActionRequestDetails("shell", long_text);
  for (const char* key : {"reason", "ticket", "resource", "action", "rule", "source_ip"}) {
    details[key] = long_text;
  }
  std::string summary =
      SlackSummary(Parsed(MessageFor("request.created", "user:alice", "req-5", details)).event);
  EXPECT_LE(summary.size(), kMaxSlackSummaryBytes);
  EXPECT_EQ(Count(summary, "```"), 2u);
  for (size_t at = summary.find('&'); at != std::string::npos; at = summary.find('&', at + 1)) {
    ASSERT_EQ(summary.compare(at, 5, "&amp;"), 0) << "at byte " << at;
  }
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
