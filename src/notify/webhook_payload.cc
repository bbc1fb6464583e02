#include "notify/webhook_payload.h"

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "audit/canonical_json.h"
#include "audit/escape.h"
#include "audit/time_format.h"

namespace drawbridge::notify {
namespace {

// Longest rendering of one detail in a Slack summary, before mrkdwn escaping.
constexpr size_t kMaxDetailBytes = 200;

// The details a reader wants first, in the order they read best, with their labels.
constexpr std::array<std::string_view, 15> kSummaryDetails = {
    "requester", "principal", "action",       "resource",  "scope",
    "roles",     "actions",   "payload_kind", "facts",     "decision",
    "reason",    "comment",   "ticket",       "source_ip", "rule"};

// An action's payload in its code block: at most this many bytes as rendered, and this many
// lines, so that the summary line keeps the rest of the message.
constexpr size_t kMaxPayloadShownBytes = 1500;
constexpr size_t kMaxPayloadLines = 40;
// Put between two backticks of a payload: three in a row would close the code block early.
constexpr std::string_view kZeroWidthSpace = "\xe2\x80\x8b";

// Cuts at a UTF-8 character boundary and marks the cut.
std::string TruncateUtf8(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  text += "…";
  return text;
}

// One line of text, safe for a terminal and for Slack: controls become visible escapes.
std::string SafeText(std::string_view text) {
  return EscapeSlackText(TruncateUtf8(audit::EscapeForTerminal(text), kMaxDetailBytes));
}

// A detail as summary text; empty when it has nothing to show.
std::string DetailText(const boost::json::value& value) {
  if (const auto* text = value.if_string()) return std::string(text->data(), text->size());
  if (const auto* number = value.if_int64()) return std::to_string(*number);
  if (const auto* number = value.if_uint64()) return std::to_string(*number);
  if (const auto* list = value.if_array()) {
    std::string joined;
    for (const boost::json::value& item : *list) {
      std::string part = DetailText(item);
      if (part.empty()) continue;
      if (!joined.empty()) joined += ", ";
      joined += part;
    }
    return joined;
  }
  return "";
}

// Bytes of the character at text[pos]: its UTF-8 sequence, or 1 for a byte that starts none
// (the terminal escaping shows it as \xNN). ASCII is never part of a longer sequence, so a
// line break or backtick always stands alone.
size_t CharacterLength(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  size_t length = 1;
  if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  }
  if (pos + length > text.size()) return 1;
  for (size_t i = pos + 1; i < pos + length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 1;
  }
  return length;
}

// The payload of an action request as a Slack code block on the lines after the summary, or
// nothing when the event has none. Line breaks stay line breaks (the block cannot be left by
// one); every other control character is shown as its escape, & < > as entities, and no run
// of backticks can close the block. A cut falls between characters, never inside one or inside
// an escape, and is marked after the block: the audit record holds the whole text.
std::string PayloadBlock(const audit::AuditEvent& event) {
  const boost::json::value* value = event.details.if_contains("payload");
  if (value == nullptr || !value->is_string() || value->get_string().empty()) return "";
  const std::string_view payload(value->get_string().data(), value->get_string().size());
  std::string shown;
  size_t lines = 1;
  size_t pos = 0;
  while (pos < payload.size()) {
    const size_t length = CharacterLength(payload, pos);
    const std::string_view character = payload.substr(pos, length);
    std::string piece;
    if (character == "\n") {
      if (lines == kMaxPayloadLines) break;
      ++lines;
      piece = "\n";
    } else if (character == "`") {
      if (!shown.empty() && shown.back() == '`') piece = kZeroWidthSpace;
      piece += '`';
    } else {
      piece = EscapeSlackText(audit::EscapeForTerminal(character));
    }
    if (shown.size() + piece.size() > kMaxPayloadShownBytes) break;
    shown += piece;
    pos += length;
  }
  std::string block = "\n```\n" + shown;
  if (pos < payload.size()) block += "…";
  block += "\n```";
  if (pos < payload.size()) {
    block += "\n_cut: the first " + std::to_string(pos) + " of " + std::to_string(payload.size()) +
             " bytes are shown; the audit log holds the whole payload_";
  }
  return block;
}

bool IsBreakGlass(const audit::AuditEvent& event) {
  if (event.type.starts_with("breakglass.")) return true;
  const boost::json::value* flag = event.details.if_contains("break_glass");
  return flag != nullptr && flag->is_bool() && flag->get_bool();
}

}  // namespace

StatusOr<WebhookFormat> ParseWebhookFormat(std::string_view name) {
  if (name == "json") return WebhookFormat::kJson;
  if (name == "slack") return WebhookFormat::kSlack;
  return InvalidArgument("unknown webhook format '" + std::string(name) + "'; use json or slack");
}

std::string WebhookEventId(std::string_view tenant, uint64_t seq) {
  return std::string(tenant) + "/" + std::to_string(seq);
}

StatusOr<WebhookEvent> ParseOutboxMessage(const OutboxMessage& message) {
  StatusOr<audit::AuditEvent> event = audit::ParseEventLine(message.payload);
  if (!event.ok()) {
    return DataLoss("outbox message " + std::to_string(message.id) +
                    " does not hold an audit record: " + event.status().message());
  }
  if (event->tenant != message.tenant) {
    return DataLoss("outbox message " + std::to_string(message.id) + " of tenant '" +
                    message.tenant + "' holds an event of tenant '" + event->tenant + "'");
  }
  WebhookEvent out;
  out.id = WebhookEventId(event->tenant, event->seq);
  out.record = message.payload;
  while (!out.record.empty() && (out.record.back() == '\n' || out.record.back() == '\r')) {
    out.record.pop_back();
  }
  out.event = std::move(event).value();
  return out;
}

std::string FormatWebhookBody(const WebhookEvent& event, WebhookFormat format) {
  return format == WebhookFormat::kSlack ? SlackWebhookBody(event) : JsonWebhookBody(event);
}

std::string JsonWebhookBody(const WebhookEvent& event) {
  // Keys in sorted order and the record embedded as stored, so the body is canonical JSON and a
  // receiver can re-hash the record exactly as docs/AUDIT.md describes.
  std::string body = "{\"event\":";
  body += event.record;
  body += ",\"id\":";
  audit::AppendCanonicalString(body, event.id);
  body += ",\"tenant\":";
  audit::AppendCanonicalString(body, event.event.tenant);
  body += ",\"time\":";
  audit::AppendCanonicalString(body, audit::FormatRfc3339Millis(event.event.time_ms));
  body += ",\"type\":";
  audit::AppendCanonicalString(body, event.event.type);
  body += '}';
  return body;
}

std::string SlackSummary(const audit::AuditEvent& event) {
  const std::string payload = PayloadBlock(event);
  const size_t line_budget = kMaxSlackSummaryBytes - payload.size();
  std::string summary;
  if (IsBreakGlass(event)) summary += ":rotating_light: BREAK-GLASS ";
  summary += "Drawbridge [" + SafeText(event.tenant) + "] *" + SafeText(event.type) + "*";
  if (!event.subject.empty()) summary += " " + SafeText(event.subject);
  summary += " by " + SafeText(event.actor);
  for (std::string_view key : kSummaryDetails) {
    const boost::json::value* value = event.details.if_contains(key);
    if (value == nullptr) continue;
    std::string text = DetailText(*value);
    if (text.empty()) continue;
    if ((key == "requester" || key == "principal") && text == event.actor) continue;
    std::string part = " · " + std::string(key) + ": " + SafeText(text);
    if (summary.size() + part.size() > line_budget - 4) {
      summary += " …";
      break;
    }
    summary += part;
  }
  summary += payload;
  return summary;
}

std::string SlackWebhookBody(const WebhookEvent& event) {
  std::string summary = SlackSummary(event.event);
  std::string context =
      "event " + SafeText(event.id) + " · " + audit::FormatRfc3339Millis(event.event.time_ms);
  boost::json::object section{{"type", "section"},
                              {"text", {{"type", "mrkdwn"}, {"text", summary}}}};
  boost::json::object footer{
      {"type", "context"},
      {"elements", boost::json::array{boost::json::object{{"type", "mrkdwn"}, {"text", context}}}}};
  boost::json::object body{{"text", summary},
                           {"blocks", boost::json::array{std::move(section), std::move(footer)}}};
  return boost::json::serialize(body);
}

std::string EscapeSlackText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace drawbridge::notify
