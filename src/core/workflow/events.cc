#include "core/workflow/events.h"

#include <tuple>

namespace drawbridge::workflow {
namespace {

// Builds the value in place; moving a finished variant into the pair trips a spurious
// -Wmaybe-uninitialized in GCC 12.
template <typename T, typename V>
void Emplace(std::vector<std::pair<std::string, FieldValue>>& details, std::string key,
             std::in_place_type_t<T> type, V&& value) {
  details.emplace_back(std::piecewise_construct, std::forward_as_tuple(std::move(key)),
                       std::forward_as_tuple(type, std::forward<V>(value)));
}

}  // namespace

const FieldValue* EventDraft::Find(std::string_view key) const {
  for (const auto& [name, value] : details) {
    if (name == key) return &value;
  }
  return nullptr;
}

EventDraft& EventDraft::Add(std::string key, std::string value) {
  Emplace(details, std::move(key), std::in_place_type<std::string>, std::move(value));
  return *this;
}

EventDraft& EventDraft::Add(std::string key, const char* value) {
  return Add(std::move(key), std::string(value));
}

EventDraft& EventDraft::Add(std::string key, int64_t value) {
  Emplace(details, std::move(key), std::in_place_type<int64_t>, value);
  return *this;
}

EventDraft& EventDraft::Add(std::string key, bool value) {
  Emplace(details, std::move(key), std::in_place_type<bool>, value);
  return *this;
}

EventDraft& EventDraft::Add(std::string key, std::vector<std::string> value) {
  Emplace(details, std::move(key), std::in_place_type<std::vector<std::string>>, std::move(value));
  return *this;
}

const std::vector<std::string_view>& AllEventTypes() {
  using namespace event_type;
  static const std::vector<std::string_view> kAll = {
      kRequestCreated, kRequestApproved, kRequestDenied,  kRequestCancelled,  kRequestExpired,
      kReviewRecorded, kGrantActivated,  kGrantScheduled, kGrantExpired,      kGrantRevoked,
      kGrantReleased,  kGrantConsumed,   kBreakGlassUsed, kBreakGlassReviewed};
  return kAll;
}

bool NotifiesByDefault(std::string_view type) {
  using namespace event_type;
  return type == kRequestCreated || type == kRequestApproved || type == kRequestDenied ||
         type == kRequestCancelled || type == kRequestExpired || type == kGrantActivated ||
         type == kGrantScheduled || type == kGrantRevoked || type == kBreakGlassUsed ||
         type == kBreakGlassReviewed;
}

EventDraft MakeEvent(std::string_view type, std::string actor, std::string subject) {
  EventDraft event;
  event.type = std::string(type);
  event.actor = std::move(actor);
  event.subject = std::move(subject);
  event.notify = NotifiesByDefault(type);
  return event;
}

}  // namespace drawbridge::workflow
