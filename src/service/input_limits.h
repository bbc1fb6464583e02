// The caps on what a caller may write into the workflow and the audit log: free text (reasons,
// tickets, review comments), an action request's payload, and how far ahead access may be
// scheduled. Every record and audit event holds these, and every list answer repeats them, so
// without a cap one caller could grow the database and every later response without bound.
// The caps are far above what a person writes (docs/API.md lists them). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::service {

inline constexpr size_t kMaxReasonBytes = 2000;              // request reason, revoke reason
inline constexpr size_t kMaxTicketBytes = 200;               // a ticket reference
inline constexpr size_t kMaxCommentBytes = 2000;             // a review comment
inline constexpr size_t kMaxActionPayloadBytes = 64 * 1024;  // the payload of an action request
// An audited check records this much of its payload text, with the whole text's SHA-256 and
// length: the decision is made on the whole text, the record stays small.
inline constexpr size_t kAuditedPayloadBytes = 8 * 1024;
// A scheduled start (not_before) at most this far ahead: one year, leap day included.
inline constexpr int64_t kMaxScheduleAheadSeconds = int64_t{366} * 24 * 3600;

// kInvalidArgument naming `field` and the cap when `text` is longer than `max_bytes`.
Status CheckTextLength(std::string_view field, std::string_view text, size_t max_bytes);

// The longest prefix of `text` of at most `max_bytes` that does not end inside a UTF-8
// sequence.
std::string_view Utf8Prefix(std::string_view text, size_t max_bytes);

}  // namespace drawbridge::service
