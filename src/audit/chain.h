// AuditChain: builds a tenant's hash chain one event at a time.
//
// Pure: no clock, no storage. The caller supplies the time in the draft and persists the events.
// Two-step use inside a storage transaction keeps the in-memory head equal to the stored one:
//   DB_ASSIGN_OR_RETURN(AuditEvent event, chain.Seal(draft));  // head unchanged
//   ... insert `event` in the same transaction as the change it records, commit ...
//   DB_RETURN_IF_ERROR(chain.Commit(event));                    // head advances
// If the commit fails, nothing needs undoing; the next Seal reuses the same seq. After a restart,
// Resume from the stored last (seq, hash). Append = Seal + Commit, for callers without a store.
// Not thread-safe: one writer per tenant chain, serialized by the caller (e.g. the store's lock).
#pragma once

#include <cstdint>
#include <string>

#include "audit/event.h"
#include "drawbridge/status.h"

namespace drawbridge::audit {

// The last event of a chain (or, for an empty chain, seq 0 and kGenesisHash).
struct ChainHead {
  uint64_t seq = 0;
  std::string hash = std::string(kGenesisHash);

  bool operator==(const ChainHead&) const = default;
};

class AuditChain {
 public:
  // An empty chain for `tenant`; its first event will be seq 1 with prev_hash kGenesisHash.
  static StatusOr<AuditChain> Start(std::string tenant);
  // A chain whose last stored event is `head`.
  static StatusOr<AuditChain> Resume(std::string tenant, ChainHead head);

  // The next event for `draft`, hashed onto the current head. Text is made valid UTF-8 (ill-formed
  // bytes become U+FFFD) so the event stored equals the event hashed. Fails on bad fields (type
  // syntax, empty actor, time out of range) and on floats or over-deep nesting in details.
  StatusOr<AuditEvent> Seal(AuditEventDraft draft) const;

  // Moves the head to `event`, which must follow the current head (tenant, seq, prev_hash) and
  // carry its correct hash: normally the event Seal returned.
  Status Commit(const AuditEvent& event);

  // Seal, then Commit.
  StatusOr<AuditEvent> Append(AuditEventDraft draft);

  // Append for a draft whose details come already encoded as canonical JSON (`canonical_details`,
  // exactly what CanonicalJson makes of them; draft.details is not read). The event returned has
  // empty details: its record holds `canonical_details`.
  StatusOr<AuditEvent> AppendEncoded(AuditEventDraft draft, std::string_view canonical_details);

  const std::string& tenant() const { return tenant_; }
  const ChainHead& head() const { return head_; }

 private:
  // The next event's fields from `draft` (text made valid UTF-8, fields checked), without details
  // or hash; takes the draft's strings.
  StatusOr<AuditEvent> NextEvent(AuditEventDraft& draft) const;

  AuditChain(std::string tenant, ChainHead head)
      : tenant_(std::move(tenant)), head_(std::move(head)) {}

  std::string tenant_;
  ChainHead head_;
};

}  // namespace drawbridge::audit
