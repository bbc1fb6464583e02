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
// Thread-safety: every method may be called from any thread. The table is an immutable value
// published whole (core/published.h): each thread authenticates through its own reference to the
// table in force, so requests on different threads write no shared cache line. A change (Load,
// Upsert) publishes a new table before it returns: a token revoked by Upsert is refused from the
// next Authenticate on, on every thread. Refresh reads the store without the lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "auth/caller.h"
#include "core/published.h"
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
  using Table = std::unordered_map<Digest, ApiToken, DigestHash>;

  static StatusOr<Table> BuildTable(Store& store);

  core::Published<Table> by_hash_{std::make_shared<const Table>()};
  mutable std::mutex mu_;        // serialises changes to by_hash_
  uint64_t loaded_changes_ = 0;  // guarded by mu_: the store's change count at the last load
  bool loaded_ = false;          // guarded by mu_
};

}  // namespace drawbridge::auth
