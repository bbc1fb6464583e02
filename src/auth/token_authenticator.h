// TokenAuthenticator: turns an `Authorization: Bearer <token>` header into a Caller. It keeps
// every tenant's tokens in memory, keyed by the SHA-256 of the token string, so authenticating
// is one hash and one lookup, never a database read; the match is confirmed with a
// constant-time comparison. Messages never repeat the token.
//
// The store is the truth: Load fills the table; Refresh reloads it when the store's token change
// count has moved since the last load (a server calls it every second, so tokens created or
// revoked by another process on the same database, such as the local CLI, take effect within
// that time, and an idle second costs one small read); Upsert applies a change this process has
// just committed at once.
//
// Thread-safety: every method may be called from any thread. Authenticate takes a shared lock;
// Refresh reads the store without the lock and swaps the new table in under a brief exclusive
// one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>

#include "auth/caller.h"
#include "drawbridge/decision.h"
#include "drawbridge/model.h"
#include "drawbridge/status.h"
#include "drawbridge/store.h"

namespace drawbridge::auth {

class TokenAuthenticator {
 public:
  TokenAuthenticator() = default;
  TokenAuthenticator(const TokenAuthenticator&) = delete;
  TokenAuthenticator& operator=(const TokenAuthenticator&) = delete;

  // Replaces the table with every token of every tenant in `store`. On error the table is left
  // as it was; kDataLoss names a stored token whose hash is not 64 hex digits.
  Status Load(Store& store);
  // Load, when the store's TokenChangeCount differs from the one the table was loaded at.
  Status Refresh(Store& store);
  // Adds or replaces one token (by id and tenant; its hash may not change).
  void Upsert(const ApiToken& token);

  // The caller the header's token belongs to. kUnauthenticated when the header is missing, not
  // `Bearer <token>` (the scheme in any case), or the token is malformed, unknown, expired
  // (now_seconds >= expires_at) or revoked.
  StatusOr<Caller> Authenticate(std::string_view authorization_header, int64_t now_seconds) const;

  // Tokens in the table, revoked and expired ones included.
  size_t size() const;

 private:
  struct DigestHash {
    size_t operator()(const Digest& digest) const;
  };
  using Table = std::unordered_map<Digest, std::shared_ptr<const ApiToken>, DigestHash>;

  static StatusOr<Table> BuildTable(Store& store);

  mutable std::shared_mutex mu_;
  Table by_hash_;                // guarded by mu_
  uint64_t loaded_changes_ = 0;  // guarded by mu_: the store's change count at the last load
  bool loaded_ = false;          // guarded by mu_
};

}  // namespace drawbridge::auth
