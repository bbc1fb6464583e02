#include "service/audit_records.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <deque>

#include "audit/canonical_json.h"
#include "audit/utf8.h"

namespace drawbridge::service {

StatusOr<AuditRecord> ToRecord(const audit::AuditEvent& event) {
  auto details = audit::CanonicalJson(event.details);
  if (!details.ok()) return details.status();
  AuditRecord r;
  r.seq = event.seq;
  r.time_ms = event.time_ms;
  r.tenant = event.tenant;
  r.actor = event.actor;
  r.type = event.type;
  r.subject = event.subject;
  r.details = std::move(details).value();
  r.prev_hash = event.prev_hash;
  r.hash = event.hash;
  return r;
}

StatusOr<audit::AuditEvent> FromRecord(const AuditRecord& r) {
  boost::system::error_code ec;
  boost::json::value details = boost::json::parse(r.details, ec);
  if (ec || !details.is_object()) {
    return DataLoss("audit event " + std::to_string(r.seq) +
                    " has details that are not a JSON object");
  }
  audit::AuditEvent e;
  e.seq = r.seq;
  e.time_ms = r.time_ms;
  e.tenant = r.tenant;
  e.actor = r.actor;
  e.type = r.type;
  e.subject = r.subject;
  e.details = std::move(details.as_object());
  e.prev_hash = r.prev_hash;
  e.hash = r.hash;
  return e;
}

audit::AuditEventDraft ToAuditDraft(const workflow::EventDraft& draft, int64_t time_ms) {
  audit::AuditEventDraft out;
  out.time_ms = time_ms;
  out.actor = draft.actor;
  out.type = draft.type;
  out.subject = draft.subject;
  for (const auto& [key, value] : draft.details) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            boost::json::array a;
            for (const auto& s : v) a.emplace_back(s);
            out.details[key] = std::move(a);
          } else {
            out.details[key] = v;
          }
        },
        value);
  }
  return out;
}

StatusOr<audit::AuditChain> ResumeChain(StoreTransaction& tx, const std::string& tenant) {
  DB_ASSIGN_OR_RETURN(AuditRecord head, tx.AuditHead(tenant));
  audit::ChainHead chain_head;
  if (head.seq > 0) chain_head = {head.seq, head.hash};
  return audit::AuditChain::Resume(tenant, std::move(chain_head));
}

StatusOr<PreparedEvent> PrepareEvent(const workflow::EventDraft& draft) {
  PreparedEvent prepared;
  prepared.actor = draft.actor;
  prepared.type = draft.type;
  prepared.subject = draft.subject;
  prepared.notify = draft.notify;
  // As a JSON object built from the draft: a key given twice keeps its last value; keys are then
  // made valid UTF-8 and sorted by their bytes, and two that read alike are an error.
  struct Member {
    std::string_view key;
    const workflow::FieldValue* value;
  };
  std::deque<std::string> replaced_keys;
  std::vector<Member> members;
  members.reserve(draft.details.size());
  for (size_t i = 0; i < draft.details.size(); ++i) {
    const auto& [key, value] = draft.details[i];
    bool given_again = false;
    for (size_t j = i + 1; j < draft.details.size() && !given_again; ++j) {
      given_again = draft.details[j].first == key;
    }
    if (given_again) continue;
    std::string_view valid = key;
    if (!audit::IsValidUtf8(valid)) valid = replaced_keys.emplace_back(audit::SanitizeUtf8(key));
    members.push_back({valid, &value});
  }
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.key < b.key; });
  auto text = [](std::string& out, const std::string& s) {
    if (audit::IsValidUtf8(s)) return audit::AppendCanonicalString(out, s);
    audit::AppendCanonicalString(out, audit::SanitizeUtf8(s));
  };
  std::string& out = prepared.details;
  out.push_back('{');
  for (size_t i = 0; i < members.size(); ++i) {
    if (i > 0) {
      if (members[i].key == members[i - 1].key) {
        return InvalidArgument("details has two keys that read \"" + std::string(members[i].key) +
                               "\" once invalid UTF-8 is replaced");
      }
      out.push_back(',');
    }
    audit::AppendCanonicalString(out, members[i].key);
    out.push_back(':');
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            text(out, v);
          } else if constexpr (std::is_same_v<T, bool>) {
            out += v ? "true" : "false";
          } else if constexpr (std::is_same_v<T, int64_t>) {
            char digits[24];
            out.append(digits, std::to_chars(digits, digits + sizeof(digits), v).ptr);
          } else {
            out.push_back('[');
            for (size_t k = 0; k < v.size(); ++k) {
              if (k > 0) out.push_back(',');
              text(out, v[k]);
            }
            out.push_back(']');
          }
        },
        *members[i].value);
  }
  out.push_back('}');
  return prepared;
}

StatusOr<SealedEvents> SealEvents(audit::AuditChain& chain,
                                  std::span<const workflow::EventDraft> drafts, int64_t time_ms) {
  std::vector<PreparedEvent> prepared;
  prepared.reserve(drafts.size());
  for (const workflow::EventDraft& d : drafts) {
    auto p = PrepareEvent(d);
    if (!p.ok()) return p.status().WithContext("audit event " + d.type);
    prepared.push_back(std::move(p).value());
  }
  return SealEvents(chain, prepared, time_ms);
}

StatusOr<SealedEvents> SealEvents(audit::AuditChain& chain, std::span<const PreparedEvent> events,
                                  int64_t time_ms) {
  audit::AuditChain next = chain;
  SealedEvents sealed;
  sealed.audit.reserve(events.size());
  for (const PreparedEvent& p : events) {
    audit::AuditEventDraft fields;
    fields.time_ms = time_ms;
    fields.actor = p.actor;
    fields.type = p.type;
    fields.subject = p.subject;
    auto event = next.AppendEncoded(std::move(fields), p.details);
    if (!event.ok()) return event.status().WithContext("audit event " + p.type);
    if (p.notify) {
      auto line = audit::EventToJsonLine(*event, p.details);
      if (!line.ok()) return line.status().WithContext("audit event " + p.type);
      OutboxMessage& m = sealed.outbox.emplace_back();
      m.tenant = chain.tenant();
      m.event_type = p.type;
      m.payload = std::move(line).value();
      m.created_at = time_ms / 1000;
      m.next_attempt_at = time_ms / 1000;
    }
    AuditRecord& r = sealed.audit.emplace_back();
    r.seq = event->seq;
    r.time_ms = event->time_ms;
    r.tenant = std::move(event->tenant);
    r.actor = std::move(event->actor);
    r.type = std::move(event->type);
    r.subject = std::move(event->subject);
    r.details = p.details;
    r.prev_hash = std::move(event->prev_hash);
    r.hash = std::move(event->hash);
  }
  chain = std::move(next);
  return sealed;
}

Status WriteEvents(StoreTransaction& tx, SealedEvents& sealed) {
  for (const AuditRecord& r : sealed.audit) DB_RETURN_IF_ERROR(tx.AppendAudit(r));
  for (OutboxMessage& m : sealed.outbox) DB_RETURN_IF_ERROR(tx.AppendOutbox(m));
  return Status::Ok();
}

}  // namespace drawbridge::service
