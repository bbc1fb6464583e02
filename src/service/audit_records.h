// Conversions between the audit layer's events (details as JSON objects) and the rows a Store
// keeps (details as canonical JSON text), and from workflow event drafts to audit drafts.
#pragma once

#include "audit/event.h"
#include "core/workflow/events.h"
#include "drawbridge/model.h"
#include "drawbridge/status.h"

namespace drawbridge::service {

StatusOr<AuditRecord> ToRecord(const audit::AuditEvent& event);
StatusOr<audit::AuditEvent> FromRecord(const AuditRecord& record);
audit::AuditEventDraft ToAuditDraft(const workflow::EventDraft& draft, int64_t time_ms);

}  // namespace drawbridge::service
