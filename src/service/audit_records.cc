#include "service/audit_records.h"

#include <boost/json.hpp>

#include "audit/canonical_json.h"

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

StatusOr<SealedEvents> SealEvents(audit::AuditChain& chain,
                                  std::span<const workflow::EventDraft> drafts, int64_t time_ms) {
  audit::AuditChain next = chain;
  SealedEvents sealed;
  sealed.audit.reserve(drafts.size());
  for (const workflow::EventDraft& d : drafts) {
    auto event = next.Append(ToAuditDraft(d, time_ms));
    if (!event.ok()) return event.status().WithContext("audit event " + d.type);
    auto record = ToRecord(*event);
    if (!record.ok()) return record.status().WithContext("audit event " + d.type);
    sealed.audit.push_back(std::move(record).value());
    if (d.notify) {
      auto line = audit::EventToJsonLine(*event);
      if (!line.ok()) return line.status().WithContext("audit event " + d.type);
      OutboxMessage& m = sealed.outbox.emplace_back();
      m.tenant = chain.tenant();
      m.event_type = d.type;
      m.payload = std::move(line).value();
      m.created_at = time_ms / 1000;
      m.next_attempt_at = time_ms / 1000;
    }
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
