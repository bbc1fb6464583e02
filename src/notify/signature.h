// Webhook signatures: HMAC-SHA256 over the attempt's timestamp and the exact body bytes.
//
//   X-Drawbridge-Timestamp: <unix seconds of the attempt>
//   X-Drawbridge-Signature: v1=<lowercase hex HMAC-SHA256(secret, timestamp + "." + body)>
//
// Signing the timestamp lets a receiver reject a captured request replayed later (VerifySignature
// refuses timestamps further than a tolerance from its clock); the event id header lets it drop a
// retry it has already processed. Pure, thread-safe. See docs/WEBHOOKS.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::notify {

inline constexpr std::string_view kEventIdHeader = "X-Drawbridge-Event-Id";
inline constexpr std::string_view kEventTypeHeader = "X-Drawbridge-Event-Type";
inline constexpr std::string_view kTimestampHeader = "X-Drawbridge-Timestamp";
inline constexpr std::string_view kSignatureHeader = "X-Drawbridge-Signature";
inline constexpr std::string_view kSignatureVersion = "v1";

// How far a timestamp may be from the receiver's clock, either way, by default.
inline constexpr int64_t kDefaultSignatureToleranceSeconds = 300;

// The X-Drawbridge-Signature value: "v1=" + hex HMAC-SHA256(secret, timestamp "." body).
std::string SignWebhook(std::string_view secret, int64_t timestamp_seconds, std::string_view body);

// Checks a received request. `signature_header` may list several comma-separated "v1=<hex>"
// entries (one per secret during a rotation); one valid entry suffices. Fails with
// kUnauthenticated for a missing or wrong signature and kPermissionDenied for a timestamp outside
// `tolerance_seconds` of `now_seconds` (a replay, or a clock far off). Compares in constant time.
Status VerifyWebhook(std::string_view secret, std::string_view timestamp_header,
                     std::string_view signature_header, std::string_view body, int64_t now_seconds,
                     int64_t tolerance_seconds = kDefaultSignatureToleranceSeconds);

}  // namespace drawbridge::notify
