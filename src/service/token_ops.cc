// JitService's API token operations: issue, revoke, list. Like every other transition, a token
// change and its audit event commit together or not at all, under the service's writer lock so
// the audit chain has one head at a time.
#include <limits>
#include <mutex>

#include "audit/event.h"
#include "service/jit_service.h"

namespace drawbridge::service {
namespace {

// Longer lifetimes are refused: a token that should live that long should never expire, and
// saying so is clearer than a date centuries away.
constexpr int64_t kMaxTokenTtlSeconds = int64_t{10} * 366 * 24 * 3600;
constexpr size_t kMaxDescriptionBytes = 512;

workflow::EventDraft TokenEvent(std::string_view type, const ApiToken& token,
                                const std::string& actor) {
  workflow::EventDraft event;
  event.type = std::string(type);
  event.actor = actor;
  event.subject = token.id;
  event.notify = false;
  // Never the secret or its hash: the audit log is read by more people than tokens are.
  event.Add("id", token.id)
      .Add("principal", token.principal)
      .Add("role", std::string(TokenRoleName(token.role)))
      .Add("groups", token.groups)
      .Add("expires_at", token.expires_at);
  return event;
}

Status ValidateTokenInput(const TokenInput& input, const std::string& actor) {
  DB_RETURN_IF_ERROR(ValidateTokenPrincipal(input.principal));
  if (actor.empty()) return InvalidArgument("a token change needs an actor (who makes it)");
  if (input.ttl_seconds) {
    if (*input.ttl_seconds <= 0) {
      return InvalidArgument(
          "the token lifetime must be positive (e.g. 30d or 12h); leave it out for a token that "
          "does not expire");
    }
    if (*input.ttl_seconds > kMaxTokenTtlSeconds) {
      return InvalidArgument(
          "the token lifetime is longer than 10 years; leave it out for a "
          "token that does not expire");
    }
  }
  if (input.description.size() > kMaxDescriptionBytes) {
    return InvalidArgument("the token description is longer than " +
                           std::to_string(kMaxDescriptionBytes) + " bytes");
  }
  return Status::Ok();
}

}  // namespace

Status JitService::CommitToken(StoreTransaction& tx, const ApiToken& token,
                               const workflow::EventDraft& event, int64_t now_ms) {
  DB_RETURN_IF_ERROR(tx.PutToken(token));
  DB_RETURN_IF_ERROR(AppendEvents(tx, std::span(&event, 1), now_ms));
  return tx.Commit();
}

StatusOr<IssuedToken> JitService::CreateToken(const TokenInput& input, const std::string& actor) {
  DB_RETURN_IF_ERROR(ValidateTokenInput(input, actor));
  DB_ASSIGN_OR_RETURN(std::vector<std::string> groups, NormalizeTokenGroups(input.groups));
  IssuedToken issued;
  DB_ASSIGN_OR_RETURN(issued.secret, NewTokenSecret());
  ApiToken& token = issued.record;
  DB_ASSIGN_OR_RETURN(token.id, NewTokenId());
  token.tenant = options_.tenant;
  token.principal = input.principal;
  token.groups = std::move(groups);
  token.role = input.role;
  token.secret_hash = TokenSecretHashHex(issued.secret);
  token.description = input.description;
  token.created_by = actor;

  std::lock_guard lock(write_mu_);
  const int64_t now_ms = clock_.NowMillis();
  token.created_at = now_ms / 1000;
  token.expires_at = input.ttl_seconds ? token.created_at + *input.ttl_seconds : 0;
  DB_ASSIGN_OR_RETURN(std::unique_ptr<StoreTransaction> tx, store_.Begin());
  DB_RETURN_IF_ERROR(
      CommitToken(*tx, token, TokenEvent(audit::event_type::kTokenCreated, token, actor), now_ms)
          .WithContext("recording token " + token.id));
  return issued;
}

StatusOr<ApiToken> JitService::RevokeToken(const std::string& id, const std::string& actor) {
  if (actor.empty()) return InvalidArgument("a token change needs an actor (who makes it)");
  std::lock_guard lock(write_mu_);
  const int64_t now_ms = clock_.NowMillis();
  // Read inside the transaction: another process sharing the store may revoke it meanwhile.
  DB_ASSIGN_OR_RETURN(std::unique_ptr<StoreTransaction> tx, store_.Begin());
  DB_ASSIGN_OR_RETURN(std::optional<ApiToken> found, tx->GetToken(options_.tenant, id));
  if (!found) return NotFound("no token '" + id + "' (see `drawbridge token ls`)");
  ApiToken token = std::move(*found);
  if (token.revoked_at != 0) {
    return FailedPrecondition("token " + id + " was already revoked by " + token.revoked_by);
  }
  token.revoked_at = now_ms / 1000;
  token.revoked_by = actor;
  DB_RETURN_IF_ERROR(
      CommitToken(*tx, token, TokenEvent(audit::event_type::kTokenRevoked, token, actor), now_ms)
          .WithContext("revoking token " + id));
  return token;
}

StatusOr<std::vector<ApiToken>> JitService::ListTokens() {
  TokenFilter filter;
  filter.tenant = options_.tenant;
  return store_.ListTokens(filter);
}

}  // namespace drawbridge::service
