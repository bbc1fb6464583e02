#include "notify/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <cstdlib>

#include "core/hex.h"

namespace drawbridge::notify {
namespace {

Digest Hmac(std::string_view secret, int64_t timestamp_seconds, std::string_view body) {
  std::string message = std::to_string(timestamp_seconds);
  message += '.';
  message.append(body);
  Digest mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &length);
  return mac;
}

// Unix seconds written as plain decimal digits, as Drawbridge sends them.
bool ParseTimestamp(std::string_view text, int64_t& out) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string SignWebhook(std::string_view secret, int64_t timestamp_seconds, std::string_view body) {
  return std::string(kSignatureVersion) + "=" +
         core::DigestToHex(Hmac(secret, timestamp_seconds, body));
}

Status VerifyWebhook(std::string_view secret, std::string_view timestamp_header,
                     std::string_view signature_header, std::string_view body, int64_t now_seconds,
                     int64_t tolerance_seconds) {
  int64_t timestamp = 0;
  if (!ParseTimestamp(Trim(timestamp_header), timestamp)) {
    return {StatusCode::kUnauthenticated, "missing or malformed webhook timestamp"};
  }
  if (std::llabs(now_seconds - timestamp) > tolerance_seconds) {
    return PermissionDenied("webhook timestamp " + std::to_string(timestamp) + " is more than " +
                            std::to_string(tolerance_seconds) + " s from now (" +
                            std::to_string(now_seconds) + "); refusing a possible replay");
  }
  const Digest expected = Hmac(secret, timestamp, body);
  const std::string prefix = std::string(kSignatureVersion) + "=";
  bool valid = false;
  std::string_view rest = signature_header;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view entry = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (!entry.starts_with(prefix)) continue;
    Digest given{};
    if (!core::DigestFromHex(entry.substr(prefix.size()), given)) continue;
    // Every entry is compared, in constant time, so timing tells nothing about the secret.
    valid |= CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
  }
  if (!valid) return {StatusCode::kUnauthenticated, "webhook signature does not match"};
  return Status::Ok();
}

}  // namespace drawbridge::notify
