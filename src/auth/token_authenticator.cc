#include "auth/token_authenticator.h"

#include <openssl/crypto.h>

#include <cstring>
#include <mutex>
#include <utility>

#include "core/hex.h"
#include "core/time_format.h"
#include "service/api_tokens.h"

namespace drawbridge::auth {
namespace {

Status Unauthenticated(std::string message) {
  return {StatusCode::kUnauthenticated, std::move(message)};
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t';
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

// The token of "Bearer <token>", or an explanation of what is wrong with the header.
StatusOr<std::string_view> BearerToken(std::string_view header) {
  header = Trim(header);
  if (header.empty()) {
    return Unauthenticated(
        "no credentials: send the header `Authorization: Bearer <token>` with a token from "
        "`drawbridge token create`");
  }
  size_t space = header.find_first_of(" \t");
  std::string_view scheme = header.substr(0, space);
  if (!EqualsIgnoringCase(scheme, "bearer")) {
    return Unauthenticated(
        "the Authorization header must use the Bearer scheme: "
        "`Authorization: Bearer <token>`");
  }
  std::string_view token = space == std::string_view::npos ? "" : Trim(header.substr(space));
  if (token.empty()) return Unauthenticated("the Authorization header has no token after Bearer");
  if (!service::LooksLikeToken(token)) {
    return Unauthenticated(
        "the bearer token is malformed: Drawbridge tokens are dbt_ followed by " +
        std::to_string(service::kTokenSecretChars) + " base64url characters");
  }
  return token;
}

}  // namespace

size_t TokenAuthenticator::DigestHash::operator()(const Digest& digest) const {
  // A SHA-256 digest is uniformly distributed: any 8 of its bytes make a good hash.
  size_t h = 0;
  std::memcpy(&h, digest.data(), sizeof(h));
  return h;
}

StatusOr<TokenAuthenticator::Table> TokenAuthenticator::BuildTable(Store& store) {
  TokenFilter filter;
  filter.all_tenants = true;
  filter.include_revoked = true;  // so that a revoked token is refused as revoked, not unknown
  DB_ASSIGN_OR_RETURN(std::vector<ApiToken> tokens, store.ListTokens(filter));
  Table table;
  table.reserve(tokens.size());
  for (ApiToken& token : tokens) {
    Digest digest;
    if (!core::DigestFromHex(token.secret_hash, digest)) {
      return DataLoss("stored token " + token.id + " of tenant " + token.tenant +
                      " has a secret hash that is not 64 lowercase hex digits");
    }
    table.insert_or_assign(digest, std::move(token));
  }
  return table;
}

Status TokenAuthenticator::Load(Store& store) {
  // The count is read before the tokens: a change committed in between makes the next Refresh
  // load again, never miss it.
  DB_ASSIGN_OR_RETURN(uint64_t changes, store.TokenChangeCount());
  DB_ASSIGN_OR_RETURN(Table table, BuildTable(store));
  std::shared_ptr<const Table> replaced;  // released after the lock
  std::lock_guard lock(mu_);
  replaced = by_hash_.Publish(std::make_shared<const Table>(std::move(table)));
  loaded_changes_ = changes;
  loaded_ = true;
  return Status::Ok();
}

Status TokenAuthenticator::Refresh(Store& store) {
  DB_ASSIGN_OR_RETURN(uint64_t changes, store.TokenChangeCount());
  {
    std::lock_guard lock(mu_);
    if (loaded_ && changes == loaded_changes_) return Status::Ok();
  }
  return Load(store);
}

void TokenAuthenticator::Upsert(const ApiToken& token) {
  Digest digest;
  if (!core::DigestFromHex(token.secret_hash, digest)) return;  // never matches anything
  std::shared_ptr<const Table> replaced;                        // released after the lock
  std::lock_guard lock(mu_);
  // Tokens change rarely and are few: a whole copy keeps every published table immutable.
  Table table = *by_hash_.Load();
  table.insert_or_assign(digest, token);
  replaced = by_hash_.Publish(std::make_shared<const Table>(std::move(table)));
}

size_t TokenAuthenticator::size() const {
  return by_hash_.Load()->size();
}

StatusOr<Caller> TokenAuthenticator::Authenticate(std::string_view authorization_header,
                                                  int64_t now_seconds) const {
  DB_ASSIGN_OR_RETURN(std::string_view token, BearerToken(authorization_header));
  const Digest digest = service::HashTokenSecret(token);
  const Table& table = by_hash_.Local();
  const ApiToken* found = nullptr;
  auto it = table.find(digest);
  if (it != table.end() && CRYPTO_memcmp(it->first.data(), digest.data(), digest.size()) == 0) {
    found = &it->second;
  }
  if (found == nullptr) {
    return Unauthenticated(
        "the bearer token is not recognised: check that it was copied whole, or ask an "
        "administrator for a new one");
  }
  if (found->revoked_at != 0) {
    return Unauthenticated("token " + found->id + " was revoked at " +
                           core::FormatRfc3339(found->revoked_at));
  }
  if (found->expires_at != 0 && now_seconds >= found->expires_at) {
    return Unauthenticated("token " + found->id + " expired at " +
                           core::FormatRfc3339(found->expires_at));
  }
  return Caller{.tenant = found->tenant,
                .principal = found->principal,
                .groups = found->groups,
                .role = found->role,
                .token_id = found->id};
}

}  // namespace drawbridge::auth
