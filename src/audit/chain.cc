#include "audit/chain.h"

#include <boost/json.hpp>
#include <limits>
#include <utility>

#include "audit/canonical_json.h"
#include "audit/digest.h"
#include "audit/utf8.h"

namespace drawbridge::audit {
namespace {

std::string ValidText(std::string&& text) {
  if (IsValidUtf8(text)) return std::move(text);
  return SanitizeUtf8(text);
}

}  // namespace

StatusOr<AuditChain> AuditChain::Start(std::string tenant) {
  return Resume(std::move(tenant), ChainHead{});
}

StatusOr<AuditChain> AuditChain::Resume(std::string tenant, ChainHead head) {
  DB_RETURN_IF_ERROR(ValidateTenant(tenant));
  if (!IsLowerHex(head.hash, 64)) {
    return InvalidArgument("chain head hash must be 64 lowercase hex digits");
  }
  if (head.seq == 0 && head.hash != kGenesisHash) {
    return InvalidArgument("an empty chain's head hash must be the genesis hash (64 zeros)");
  }
  return AuditChain(std::move(tenant), std::move(head));
}

StatusOr<AuditEvent> AuditChain::NextEvent(AuditEventDraft& draft) const {
  if (head_.seq == std::numeric_limits<uint64_t>::max()) {
    return ResourceExhausted("audit chain for tenant " + tenant_ + " has run out of seq numbers");
  }
  AuditEvent event;
  event.seq = head_.seq + 1;
  event.time_ms = draft.time_ms;
  event.tenant = tenant_;
  event.actor = ValidText(std::move(draft.actor));
  event.type = ValidText(std::move(draft.type));
  event.subject = ValidText(std::move(draft.subject));
  event.prev_hash = head_.hash;
  DB_RETURN_IF_ERROR(ValidateEventFields(event).WithContext("audit event"));
  return event;
}

StatusOr<AuditEvent> AuditChain::Seal(AuditEventDraft draft) const {
  DB_ASSIGN_OR_RETURN(AuditEvent event, NextEvent(draft));
  DB_ASSIGN_OR_RETURN(boost::json::value details,
                      NormalizeJsonText(boost::json::value(std::move(draft.details)), "details"));
  event.details = std::move(details.get_object());
  DB_ASSIGN_OR_RETURN(event.hash, ComputeEventHash(event));
  return event;
}

StatusOr<AuditEvent> AuditChain::AppendEncoded(AuditEventDraft draft,
                                               std::string_view canonical_details) {
  DB_ASSIGN_OR_RETURN(AuditEvent event, NextEvent(draft));
  DB_ASSIGN_OR_RETURN(event.hash, ComputeEventHash(event, canonical_details));
  head_ = ChainHead{event.seq, event.hash};
  return event;
}

Status AuditChain::Commit(const AuditEvent& event) {
  if (event.tenant != tenant_ || event.seq != head_.seq + 1 || event.prev_hash != head_.hash) {
    return FailedPrecondition("audit event seq " + std::to_string(event.seq) +
                              " does not follow the chain head seq " + std::to_string(head_.seq) +
                              " of tenant " + tenant_);
  }
  // A head that does not match its event would put every later event on a broken link.
  DB_ASSIGN_OR_RETURN(std::string recomputed, ComputeEventHash(event));
  if (recomputed != event.hash) {
    return InvalidArgument("audit event seq " + std::to_string(event.seq) +
                           " carries a hash that does not match its content");
  }
  head_ = ChainHead{event.seq, event.hash};
  return Status::Ok();
}

StatusOr<AuditEvent> AuditChain::Append(AuditEventDraft draft) {
  DB_ASSIGN_OR_RETURN(AuditEvent event, Seal(std::move(draft)));
  // Seal computed the hash from this head a moment ago; Commit's recheck would only repeat it.
  head_ = ChainHead{event.seq, event.hash};
  return event;
}

}  // namespace drawbridge::audit
