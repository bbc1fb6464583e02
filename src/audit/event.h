// Audit events: the record type, its canonical encoding, its hash, and its JSON line.
//
// An event is one entry of a tenant's append-only, hash-chained log (docs/AUDIT.md). Its hash is
//   hash = hex(SHA-256(raw 32 bytes of prev_hash || canonical JSON of the event without "hash")).
// Events are plain values; the functions here are pure and thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::audit {

// prev_hash of the first event of every chain.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Latest time an event may carry: 9999-12-31T23:59:59.999Z, so every time has an RFC 3339 form.
inline constexpr int64_t kMaxEventTimeMs = 253402300799999;

// The event types Drawbridge records. Other dotted lowercase names are accepted (a newer writer
// may add types), so readers must not reject an unknown type.
namespace event_type {
inline constexpr std::string_view kRequestCreated = "request.created";
inline constexpr std::string_view kRequestApproved = "request.approved";
inline constexpr std::string_view kRequestDenied = "request.denied";
inline constexpr std::string_view kRequestCancelled = "request.cancelled";
inline constexpr std::string_view kRequestExpired = "request.expired";
inline constexpr std::string_view kReviewRecorded = "review.recorded";
inline constexpr std::string_view kGrantActivated = "grant.activated";
inline constexpr std::string_view kGrantScheduled = "grant.scheduled";
inline constexpr std::string_view kGrantExpired = "grant.expired";
inline constexpr std::string_view kGrantRevoked = "grant.revoked";
inline constexpr std::string_view kGrantReleased = "grant.released";
inline constexpr std::string_view kGrantConsumed = "grant.consumed";
inline constexpr std::string_view kBreakglassUsed = "breakglass.used";
inline constexpr std::string_view kBreakglassReviewed = "breakglass.reviewed";
inline constexpr std::string_view kPolicyChanged = "policy.changed";
inline constexpr std::string_view kTokenCreated = "token.created";
inline constexpr std::string_view kTokenRevoked = "token.revoked";
inline constexpr std::string_view kCheckDecided = "check.decided";
}  // namespace event_type

std::span<const std::string_view> KnownEventTypes();
bool IsKnownEventType(std::string_view type);

// What a caller supplies; the chain adds tenant, seq, prev_hash and hash (audit/chain.h).
struct AuditEventDraft {
  int64_t time_ms = 0;  // Unix time in milliseconds, UTC, from the caller's clock
  std::string actor;    // who did it: "user:alice", "system:sweeper"
  std::string type;     // event_type::k...
  std::string subject;  // what it is about: a request id, grant id, principal, policy version
  boost::json::object details;  // integers, strings, booleans, null, arrays, objects; no floats
};

struct AuditEvent {
  uint64_t seq = 0;  // 1 for the first event of a tenant's chain, then +1 each
  int64_t time_ms = 0;
  std::string tenant;
  std::string actor;
  std::string type;
  std::string subject;
  boost::json::object details;
  std::string prev_hash;  // 64 lowercase hex; kGenesisHash for seq 1
  std::string hash;       // 64 lowercase hex

  bool operator==(const AuditEvent&) const = default;
};

// Tenant names: 1-128 characters of [A-Za-z0-9._:-], starting with a letter or digit. They appear
// in signed checkpoint messages, so they may hold no separators or control characters.
Status ValidateTenant(std::string_view tenant);
// Event types: dotted lowercase words, at least two: [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+.
Status ValidateEventType(std::string_view type);

// Checks everything but `hash`: seq >= 1, time in [0, kMaxEventTimeMs], tenant and type syntax,
// non-empty actor, prev_hash format.
Status ValidateEventFields(const AuditEvent& event);

// The canonical JSON of the event without its "hash" member: the bytes that are hashed.
StatusOr<std::string> CanonicalEventJson(const AuditEvent& event);

// hex(SHA-256(raw prev_hash || CanonicalEventJson(event))). Ignores event.hash.
StatusOr<std::string> ComputeEventHash(const AuditEvent& event);

// The event's JSONL record: its canonical JSON including "hash", without a line terminator.
StatusOr<std::string> EventToJsonLine(const AuditEvent& event);

// The same two for an event whose details come already encoded (`canonical_details`, exactly
// what CanonicalJson makes of them; event.details is not read): what a writer sealing many
// events uses, so that each event's details are encoded once.
StatusOr<std::string> ComputeEventHash(const AuditEvent& event, std::string_view canonical_details);
StatusOr<std::string> EventToJsonLine(const AuditEvent& event, std::string_view canonical_details);

// Parses one JSONL record strictly: exactly the nine members with the right types, valid fields,
// and byte-for-byte canonical form (one trailing "\n" or "\r\n" is allowed). Does not check the
// hash; that is verification's job (audit/verify.h), which can say which seq is bad.
StatusOr<AuditEvent> ParseEventLine(std::string_view line);

}  // namespace drawbridge::audit
