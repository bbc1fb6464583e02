#include "audit/event.h"

#include <array>
#include <boost/json.hpp>
#include <charconv>

#include "audit/canonical_json.h"
#include "audit/digest.h"

namespace drawbridge::audit {
namespace {

constexpr std::array<std::string_view, 18> kKnownTypes = {
    event_type::kRequestCreated,   event_type::kRequestApproved,    event_type::kRequestDenied,
    event_type::kRequestCancelled, event_type::kRequestExpired,     event_type::kReviewRecorded,
    event_type::kGrantActivated,   event_type::kGrantScheduled,     event_type::kGrantExpired,
    event_type::kGrantRevoked,     event_type::kGrantReleased,      event_type::kGrantConsumed,
    event_type::kBreakglassUsed,   event_type::kBreakglassReviewed, event_type::kPolicyChanged,
    event_type::kTokenCreated,     event_type::kTokenRevoked,       event_type::kCheckDecided,
};

bool IsLowerAlpha(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlnum(char c) {
  return IsLowerAlpha(c) || (c >= 'A' && c <= 'Z') || IsDigit(c);
}

template <typename Integer>
void AppendInteger(std::string& out, Integer value) {
  char buffer[24];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

// Writes the event's members in key order; `hash` is written only when given, and the details
// are encoded from event.details unless given already encoded.
Status AppendEventJson(std::string& out, const AuditEvent& event, const std::string* hash,
                       const std::string_view* canonical_details = nullptr) {
  out += "{\"actor\":";
  AppendCanonicalString(out, event.actor);
  out += ",\"details\":";
  if (canonical_details != nullptr) {
    out += *canonical_details;
  } else {
    DB_RETURN_IF_ERROR(AppendCanonicalJson(out, event.details, "details"));
  }
  if (hash != nullptr) {
    out += ",\"hash\":";
    AppendCanonicalString(out, *hash);
  }
  out += ",\"prev_hash\":";
  AppendCanonicalString(out, event.prev_hash);
  out += ",\"seq\":";
  AppendInteger(out, event.seq);
  out += ",\"subject\":";
  AppendCanonicalString(out, event.subject);
  out += ",\"tenant\":";
  AppendCanonicalString(out, event.tenant);
  out += ",\"time_ms\":";
  AppendInteger(out, event.time_ms);
  out += ",\"type\":";
  AppendCanonicalString(out, event.type);
  out += '}';
  return Status::Ok();
}

StatusOr<std::string> TakeString(boost::json::object& object, std::string_view key) {
  auto* value = object.if_contains(key);
  if (value == nullptr) return InvalidArgument("missing \"" + std::string(key) + "\"");
  if (!value->is_string()) {
    return InvalidArgument("\"" + std::string(key) + "\" must be a string");
  }
  return std::string(value->get_string());
}

StatusOr<uint64_t> TakeUnsigned(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return InvalidArgument("missing \"" + std::string(key) + "\"");
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64() && value->get_int64() >= 0) {
    return static_cast<uint64_t>(value->get_int64());
  }
  return InvalidArgument("\"" + std::string(key) + "\" must be a non-negative integer");
}

StatusOr<int64_t> TakeSigned(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return InvalidArgument("missing \"" + std::string(key) + "\"");
  if (value->is_int64()) return value->get_int64();
  return InvalidArgument("\"" + std::string(key) + "\" must be an integer");
}

}  // namespace

std::span<const std::string_view> KnownEventTypes() {
  return kKnownTypes;
}

bool IsKnownEventType(std::string_view type) {
  for (std::string_view known : kKnownTypes) {
    if (known == type) return true;
  }
  return false;
}

Status ValidateTenant(std::string_view tenant) {
  if (tenant.empty() || tenant.size() > 128) {
    return InvalidArgument("tenant must be 1 to 128 characters long");
  }
  if (!IsAlnum(tenant.front())) {
    return InvalidArgument("tenant must start with a letter or digit");
  }
  for (char c : tenant) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != ':' && c != '-') {
      return InvalidArgument("tenant may hold only letters, digits and . _ : -");
    }
  }
  return Status::Ok();
}

Status ValidateEventType(std::string_view type) {
  int words = 0;
  std::size_t pos = 0;
  while (true) {
    if (pos >= type.size() || !IsLowerAlpha(type[pos])) {
      return InvalidArgument("event type must be dotted lowercase words such as \"grant.revoked\"");
    }
    while (pos < type.size() &&
           (IsLowerAlpha(type[pos]) || IsDigit(type[pos]) || type[pos] == '_')) {
      ++pos;
    }
    ++words;
    if (pos == type.size()) break;
    if (type[pos] != '.') {
      return InvalidArgument("event type must be dotted lowercase words such as \"grant.revoked\"");
    }
    ++pos;
  }
  if (words < 2) {
    return InvalidArgument("event type needs a family and a verb, such as \"grant.revoked\"");
  }
  return Status::Ok();
}

Status ValidateEventFields(const AuditEvent& event) {
  if (event.seq == 0) return InvalidArgument("seq must be 1 or more");
  if (event.time_ms < 0 || event.time_ms > kMaxEventTimeMs) {
    return InvalidArgument("time_ms must lie between 1970 and the end of year 9999");
  }
  DB_RETURN_IF_ERROR(ValidateTenant(event.tenant));
  if (event.actor.empty()) return InvalidArgument("actor must not be empty");
  DB_RETURN_IF_ERROR(ValidateEventType(event.type));
  if (!IsLowerHex(event.prev_hash, 64)) {
    return InvalidArgument("prev_hash must be 64 lowercase hex digits");
  }
  return Status::Ok();
}

StatusOr<std::string> CanonicalEventJson(const AuditEvent& event) {
  std::string out;
  out.reserve(256);
  DB_RETURN_IF_ERROR(AppendEventJson(out, event, nullptr));
  return out;
}

namespace {

StatusOr<std::string> HashEvent(const AuditEvent& event,
                                const std::string_view* canonical_details) {
  std::string hashed;
  if (!IsLowerHex(event.prev_hash, 64) || !HexDecode(event.prev_hash, &hashed)) {
    return InvalidArgument("prev_hash must be 64 lowercase hex digits");
  }
  hashed.reserve(hashed.size() + 256 +
                 (canonical_details != nullptr ? canonical_details->size() : 0));
  DB_RETURN_IF_ERROR(AppendEventJson(hashed, event, nullptr, canonical_details));
  return HexEncode(Sha256(hashed));
}

StatusOr<std::string> JsonLine(const AuditEvent& event, const std::string_view* canonical_details) {
  std::string out;
  out.reserve(320 + (canonical_details != nullptr ? canonical_details->size() : 0));
  DB_RETURN_IF_ERROR(AppendEventJson(out, event, &event.hash, canonical_details));
  return out;
}

}  // namespace

StatusOr<std::string> ComputeEventHash(const AuditEvent& event) {
  return HashEvent(event, nullptr);
}

StatusOr<std::string> ComputeEventHash(const AuditEvent& event,
                                       std::string_view canonical_details) {
  return HashEvent(event, &canonical_details);
}

StatusOr<std::string> EventToJsonLine(const AuditEvent& event) {
  return JsonLine(event, nullptr);
}

StatusOr<std::string> EventToJsonLine(const AuditEvent& event, std::string_view canonical_details) {
  return JsonLine(event, &canonical_details);
}

StatusOr<AuditEvent> ParseEventLine(std::string_view line) {
  if (line.ends_with("\r\n")) {
    line.remove_suffix(2);
  } else if (line.ends_with('\n')) {
    line.remove_suffix(1);
  }
  boost::json::parse_options options;
  options.max_depth = kMaxDetailsDepth + 1;  // the event object wraps details
  boost::json::error_code error;
  boost::json::value parsed = boost::json::parse(line, error, {}, options);
  if (error) return InvalidArgument("audit event is not valid JSON: " + error.message());
  if (!parsed.is_object()) return InvalidArgument("audit event must be a JSON object");
  boost::json::object& object = parsed.get_object();
  if (object.size() != 9) {
    return InvalidArgument(
        "audit event must have exactly the members actor, details, hash, prev_hash, seq, "
        "subject, tenant, time_ms, type");
  }

  AuditEvent event;
  DB_ASSIGN_OR_RETURN(event.seq, TakeUnsigned(object, "seq"));
  DB_ASSIGN_OR_RETURN(event.time_ms, TakeSigned(object, "time_ms"));
  DB_ASSIGN_OR_RETURN(event.tenant, TakeString(object, "tenant"));
  DB_ASSIGN_OR_RETURN(event.actor, TakeString(object, "actor"));
  DB_ASSIGN_OR_RETURN(event.type, TakeString(object, "type"));
  DB_ASSIGN_OR_RETURN(event.subject, TakeString(object, "subject"));
  DB_ASSIGN_OR_RETURN(event.prev_hash, TakeString(object, "prev_hash"));
  DB_ASSIGN_OR_RETURN(event.hash, TakeString(object, "hash"));
  auto* details = object.if_contains("details");
  if (details == nullptr) return InvalidArgument("missing \"details\"");
  if (!details->is_object()) return InvalidArgument("\"details\" must be an object");
  event.details = std::move(details->get_object());

  DB_RETURN_IF_ERROR(ValidateEventFields(event));
  if (!IsLowerHex(event.hash, 64)) return InvalidArgument("hash must be 64 lowercase hex digits");

  // Canonical form is required so that a stored line has exactly one spelling: any byte changed
  // in a record is either rejected here or changes what the hash covers.
  DB_ASSIGN_OR_RETURN(std::string canonical, EventToJsonLine(event));
  if (canonical != line) {
    return InvalidArgument("audit event is not in canonical form (seq " +
                           std::to_string(event.seq) + ")");
  }
  return event;
}

}  // namespace drawbridge::audit
