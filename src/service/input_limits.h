// The caps on what a caller may write into the workflow and the audit log: free text (reasons,
// tickets, review comments), an action request's payload, the identifiers a request or check
// names (principal, action, resource, roles, labels, context), and how far ahead access may be
// scheduled. Every record and audit event holds these, and every list answer repeats them, so
// without a cap one caller could grow the database and every later response without bound.
// The caps are far above what a person writes (docs/API.md lists them). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/workflow/workflow.h"
#include "drawbridge/decision.h"
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

// Identifiers. Each is at least what the engine and the policy accept as valid (a principal's
// name 200 bytes, an action 128, a resource id 256, a policy name 256), so a cap never refuses
// what could be decided on; past it the input is refused whole rather than decided (a deny).
inline constexpr size_t kMaxPrincipalBytes = 256;
inline constexpr size_t kMaxActionBytes = 128;
inline constexpr size_t kMaxResourceBytes = 1024;
inline constexpr size_t kMaxLabelKeyBytes = 256;    // a context label or selector key
inline constexpr size_t kMaxLabelValueBytes = 256;  // ... and its value
inline constexpr size_t kMaxLabels = 64;            // context labels, or selector entries
inline constexpr size_t kMaxResourceKindBytes = 128;
inline constexpr size_t kMaxGroupBytes = 256;  // one group claim
inline constexpr size_t kMaxGroups = 256;      // group claims (identity providers send many)
inline constexpr size_t kMaxSourceIpBytes = 64;
inline constexpr size_t kMaxRoleNameBytes = 256;
inline constexpr size_t kMaxRoles = 64;
inline constexpr size_t kMaxRuleNameBytes = 256;  // an eligibility rule named by a request

// kInvalidArgument naming `field` and the cap when `text` is longer than `max_bytes`.
Status CheckTextLength(std::string_view field, std::string_view text, size_t max_bytes);

// kInvalidArgument naming `field` and the cap when it holds more than `max_count` entries.
Status CheckEntryCount(std::string_view field, size_t count, size_t max_count);

// The first identifier of a check over its cap (principal, action, resource, context labels,
// kind, groups, source_ip), as kInvalidArgument naming the field and the cap. Every check runs
// it: it compares lengths only and allocates nothing unless it refuses.
Status CheckIdentifierLimits(const CheckRequest& request);

// The same for an access request: requester, resource, selector, roles, rule, group claims and
// source address.
Status CheckIdentifierLimits(const workflow::AccessRequestInput& input);

// The longest prefix of `text` of at most `max_bytes` that does not end inside a UTF-8
// sequence.
std::string_view Utf8Prefix(std::string_view text, size_t max_bytes);

}  // namespace drawbridge::service
