#include "service/api_tokens.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <memory>

#include "core/compiled_policy.h"
#include "core/hex.h"

namespace drawbridge::service {
namespace {

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// Unpadded base64url of `bytes`.
std::string Base64Url(const uint8_t* bytes, size_t size) {
  std::string out;
  out.reserve((size * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out += kBase64Url[(v >> shift) & 63];
  }
  if (size - i == 1) {
    uint32_t v = uint32_t{bytes[i]} << 16;
    out += kBase64Url[(v >> 18) & 63];
    out += kBase64Url[(v >> 12) & 63];
  } else if (size - i == 2) {
    uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8);
    out += kBase64Url[(v >> 18) & 63];
    out += kBase64Url[(v >> 12) & 63];
    out += kBase64Url[(v >> 6) & 63];
  }
  return out;
}

bool IsGroupNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

StatusOr<std::string> NewTokenSecret() {
  std::array<uint8_t, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Unavailable("the system random source failed; no token was made");
  }
  std::string token(kTokenPrefix);
  token += Base64Url(bytes.data(), bytes.size());
  return token;
}

StatusOr<std::string> NewTokenId() {
  std::array<uint8_t, 10> bytes{};  // 80 bits: 16 base32 characters
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Unavailable("the system random source failed; no token was made");
  }
  std::string id = "t-";
  uint64_t buffer = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      id += kBase32[(buffer >> bits) & 31];
    }
  }
  return id;
}

bool LooksLikeToken(std::string_view text) {
  if (text.size() != kTokenLength || !text.starts_with(kTokenPrefix)) return false;
  return std::all_of(text.begin() + kTokenPrefix.size(), text.end(), IsBase64UrlChar);
}

Digest HashTokenSecret(std::string_view token) {
  // One context per thread, reused: hashing on the authentication path allocates nothing.
  thread_local std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> ctx(EVP_MD_CTX_new());
  // Fetched once: the implicit fetch behind EVP_sha256() costs a lookup per digest.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  Digest digest{};
  unsigned int size = 0;
  if (ctx == nullptr || sha256 == nullptr || EVP_DigestInit_ex(ctx.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), token.data(), token.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1 || size != digest.size()) {
    // Never a usable hash: RAND-made tokens cannot hash to all 0xff, so nothing matches it.
    digest.fill(0xff);
  }
  return digest;
}

std::string TokenSecretHashHex(std::string_view token) {
  return core::DigestToHex(HashTokenSecret(token));
}

Status ValidateTokenPrincipal(std::string_view principal) {
  if (principal.empty()) {
    return InvalidArgument(
        "say who the token acts as: --principal user:NAME, service:NAME or "
        "agent:NAME");
  }
  if (!core::IsValidPrincipal(principal)) {
    std::string example = principal.find(':') == std::string_view::npos
                              ? "user:" + std::string(principal)
                              : std::string("service:ci-deployer");
    return InvalidArgument("principal '" + std::string(principal) +
                           "' is not a principal: use kind:name with kind user, service or agent "
                           "(e.g. " +
                           example + ")");
  }
  return Status::Ok();
}

StatusOr<std::vector<std::string>> NormalizeTokenGroups(const std::vector<std::string>& groups) {
  // The cap of a check's group claims (input_limits.h): a token's groups become those claims.
  constexpr size_t kMaxTokenGroups = 256;
  if (groups.size() > kMaxTokenGroups) {
    return InvalidArgument("a token carries at most " + std::to_string(kMaxTokenGroups) +
                           " groups, got " + std::to_string(groups.size()));
  }
  std::vector<std::string> out;
  out.reserve(groups.size());
  for (const std::string& raw : groups) {
    std::string_view name = raw;
    if (name.starts_with("group:")) name.remove_prefix(6);
    bool ok = !name.empty() && name.size() <= 128 && IsGroupNameChar(name[0]) && name[0] != '.' &&
              name[0] != '-' && name[0] != '_';
    for (char c : name) ok = ok && IsGroupNameChar(c);
    if (!ok) {
      return InvalidArgument("group '" + raw +
                             "' is not a group name: use letters, digits, '_', '-' and '.', "
                             "starting with a letter or digit (e.g. dba or group:dba)");
    }
    out.emplace_back(name);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace drawbridge::service
