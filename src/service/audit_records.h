// Conversions between the audit layer's events (details as JSON objects) and the rows a Store
// keeps (details as canonical JSON text), and from workflow event drafts to audit drafts; and
// sealing drafts onto a tenant's chain as the rows to write.
#pragma once

#include <span>
#include <vector>

#include "audit/chain.h"
#include "audit/event.h"
#include "core/workflow/events.h"
#include "drawbridge/model.h"
#include "drawbridge/status.h"
#include "drawbridge/store.h"

namespace drawbridge::service {

StatusOr<AuditRecord> ToRecord(const audit::AuditEvent& event);
StatusOr<audit::AuditEvent> FromRecord(const AuditRecord& record);
audit::AuditEventDraft ToAuditDraft(const workflow::EventDraft& draft, int64_t time_ms);

// An event draft made ready to seal: its details encoded once as canonical JSON (exactly what
// CanonicalJson makes of ToAuditDraft's details), straight from the draft's fields. Preparing
// needs no chain, so it can happen on any thread before the writer seals.
struct PreparedEvent {
  std::string actor, type, subject;
  std::string details;  // canonical JSON
  bool notify = false;
};
// Fails when two detail keys read the same once ill-formed UTF-8 is replaced.
StatusOr<PreparedEvent> PrepareEvent(const workflow::EventDraft& draft);

// The rows that record some event drafts: one audit row each, and an outbox row for each draft
// that notifies.
struct SealedEvents {
  std::vector<AuditRecord> audit;
  std::vector<OutboxMessage> outbox;
};

// The chain of `tenant` as stored: resumed from the last event `tx` holds.
StatusOr<audit::AuditChain> ResumeChain(StoreTransaction& tx, const std::string& tenant);

// Seals `drafts` onto `chain` at `time_ms`. All or nothing: when one of them cannot be made into
// an event (bad fields), the error names it and `chain` is unchanged; otherwise `chain` has
// advanced past them, and the rows must be written before the next seal's are.
StatusOr<SealedEvents> SealEvents(audit::AuditChain& chain,
                                  std::span<const workflow::EventDraft> drafts, int64_t time_ms);
StatusOr<SealedEvents> SealEvents(audit::AuditChain& chain, std::span<const PreparedEvent> events,
                                  int64_t time_ms);
// Appends the rows to `tx`, in order.
Status WriteEvents(StoreTransaction& tx, SealedEvents& sealed);

}  // namespace drawbridge::service
