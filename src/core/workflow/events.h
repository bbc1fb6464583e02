// Audit and notification events that workflow transitions produce, before they are stored.
//
// A transition returns EventDrafts; the service layer writes each one to the audit chain (and,
// when `notify` is set, to the notification outbox) in the same transaction as the records it
// describes. Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace drawbridge::workflow {

// A detail value: text, a number, a flag, or a list of names.
using FieldValue = std::variant<std::string, int64_t, bool, std::vector<std::string>>;

struct EventDraft {
  std::string type;     // one of the names in `event_type`
  std::string actor;    // principal, "system" or "system:auto"
  std::string subject;  // request id for request.*, review.*, breakglass.*; grant id for grant.*
  std::vector<std::pair<std::string, FieldValue>> details;
  bool notify = false;  // a candidate for the notification outbox

  // The value of a detail, or nullptr.
  const FieldValue* Find(std::string_view key) const;
  // Adds a detail; the typed overloads keep literals from turning into bools.
  EventDraft& Add(std::string key, std::string value);
  EventDraft& Add(std::string key, const char* value);
  EventDraft& Add(std::string key, int64_t value);
  EventDraft& Add(std::string key, bool value);
  EventDraft& Add(std::string key, std::vector<std::string> value);
};

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
inline constexpr std::string_view kBreakGlassUsed = "breakglass.used";
inline constexpr std::string_view kBreakGlassReviewed = "breakglass.reviewed";
}  // namespace event_type

// Every event type a transition can produce, in the order above.
const std::vector<std::string_view>& AllEventTypes();

// Whether events of this type go to the notification outbox: decisions and changes people must
// hear about (created, decided, revoked, break-glass), not bookkeeping (a use consumed).
bool NotifiesByDefault(std::string_view type);

// A draft of `type` with its default notify flag.
EventDraft MakeEvent(std::string_view type, std::string actor, std::string subject);

// Actors the workflow itself acts as.
inline constexpr std::string_view kSystemActor = "system";
inline constexpr std::string_view kAutoApprover = "system:auto";

}  // namespace drawbridge::workflow
