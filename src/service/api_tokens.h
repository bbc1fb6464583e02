// API tokens as the service issues them (docs/TOKENS.md): what a caller asks for, what it gets
// back once, and the token format shared with the authenticator (src/auth).
//
// A token is `dbt_` followed by 43 base64url characters (32 random bytes, no padding). Only the
// lowercase hex SHA-256 of the whole string is stored. Thread-safe: the functions keep no shared
// state (the hashing context is per thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drawbridge/decision.h"
#include "drawbridge/model.h"
#include "drawbridge/status.h"

namespace drawbridge::service {

inline constexpr std::string_view kTokenPrefix = "dbt_";
inline constexpr size_t kTokenSecretChars = 43;  // base64url of 32 bytes, unpadded
inline constexpr size_t kTokenLength = kTokenPrefix.size() + kTokenSecretChars;

struct TokenInput {
  std::string principal;            // user:NAME, service:NAME or agent:NAME
  std::vector<std::string> groups;  // group claims, "dba" (a "group:" prefix is accepted)
  TokenRole role = TokenRole::kUser;
  std::optional<int64_t> ttl_seconds;  // nullopt: never expires; otherwise > 0
  std::string description;
};

struct IssuedToken {
  ApiToken record;     // as stored: the hash, never the secret
  std::string secret;  // the token itself, shown to its owner once
};

// A fresh token string from the OS random source (OpenSSL RAND_bytes). kUnavailable when the
// random source fails.
StatusOr<std::string> NewTokenSecret();
// A fresh token id, "t-" and 16 lowercase base32 characters (80 random bits).
StatusOr<std::string> NewTokenId();

// Whether `text` has the shape of a token (prefix, length, alphabet); says nothing of validity.
bool LooksLikeToken(std::string_view text);
// SHA-256 of the token string, and the same as the hex stored in ApiToken::secret_hash.
Digest HashTokenSecret(std::string_view token);
std::string TokenSecretHashHex(std::string_view token);

// The checks CreateToken applies, with messages that say how to write a valid value. Groups come
// back without any "group:" prefix, sorted and unique.
Status ValidateTokenPrincipal(std::string_view principal);
StatusOr<std::vector<std::string>> NormalizeTokenGroups(const std::vector<std::string>& groups);

}  // namespace drawbridge::service
