// What a webhook receives for one outbox message: the event id and the body in the route's
// format. Pure, thread-safe.
//
// Formats (docs/WEBHOOKS.md):
//   json   {"event": <the audit record, byte for byte as stored>, "id": "<tenant>/<seq>",
//           "tenant": ..., "time": "<RFC 3339>", "type": ...}, keys sorted, no whitespace
//   slack  {"text": <summary>, "blocks": [section with the summary, context with the event id
//           and time]}: an incoming-webhook message
// The summary is one line with actor, type, subject and the details a reviewer reads first
// (reason, ticket, source address, scope, an action's classification, ...), then, for an action
// request, its exact payload in a code block. User text in the line is made one line (control
// characters shown as escapes) and escaped for Slack mrkdwn (& < >), so a reason cannot mention
// @channel, link anywhere or break the line; the payload keeps its line breaks, shows every
// other control as an escape, and cannot close its code block.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "audit/event.h"
#include "drawbridge/model.h"
#include "drawbridge/status.h"

namespace drawbridge::notify {

enum class WebhookFormat { kJson, kSlack };

// "json" or "slack" (policy::Webhook::format).
StatusOr<WebhookFormat> ParseWebhookFormat(std::string_view name);

// One outbox message, parsed.
struct WebhookEvent {
  std::string id;           // stable across retries, so receivers can drop duplicates
  std::string record;       // the audit record as stored (canonical JSON, no newline)
  audit::AuditEvent event;  // the same record, parsed
};

// "<tenant>/<seq>": unique per deployment ('/' cannot occur in a tenant name) and the same on
// every attempt, and it names the audit event it carries.
std::string WebhookEventId(std::string_view tenant, uint64_t seq);

// Parses the message's payload (an audit JSON line). kDataLoss when it is not a valid record or
// names another tenant than the message: retrying cannot fix it.
StatusOr<WebhookEvent> ParseOutboxMessage(const OutboxMessage& message);

std::string FormatWebhookBody(const WebhookEvent& event, WebhookFormat format);
std::string JsonWebhookBody(const WebhookEvent& event);
std::string SlackWebhookBody(const WebhookEvent& event);

// The Slack summary (the line, and an action request's payload block), already mrkdwn-escaped,
// at most kMaxSlackSummaryBytes.
inline constexpr size_t kMaxSlackSummaryBytes = 2900;  // a section block holds 3000 characters
std::string SlackSummary(const audit::AuditEvent& event);

// & < > as &amp; &lt; &gt;: the three characters Slack's mrkdwn gives meaning to (links,
// mentions, entities).
std::string EscapeSlackText(std::string_view text);

}  // namespace drawbridge::notify
