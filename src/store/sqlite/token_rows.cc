#include "store/sqlite/token_rows.h"

#include "store/sqlite/list_codec.h"
#include "store/sqlite/rows.h"

namespace drawbridge::sqlite {
namespace {

#define DB_TOKEN_COLUMNS                                                                          \
  "tenant, id, principal, group_claims, role, secret_hash, description, created_at, created_by, " \
  "expires_at, revoked_at, revoked_by"

// Statement texts are static: their addresses key each connection's statement cache.
constexpr char kSelectToken[] =
    "SELECT " DB_TOKEN_COLUMNS " FROM tokens WHERE tenant = ?1 AND id = ?2";
constexpr char kUpsertToken[] =
    "INSERT INTO tokens (" DB_TOKEN_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT (tenant, id) DO UPDATE SET principal = excluded.principal, "
    "group_claims = excluded.group_claims, role = excluded.role, "
    "secret_hash = excluded.secret_hash, description = excluded.description, "
    "created_at = excluded.created_at, created_by = excluded.created_by, "
    "expires_at = excluded.expires_at, revoked_at = excluded.revoked_at, "
    "revoked_by = excluded.revoked_by";
// Indexed by (all tenants ? 1 : 0) + (live only ? 2 : 0).
constexpr const char* kListTokens[4] = {
    "SELECT " DB_TOKEN_COLUMNS " FROM tokens WHERE tenant = ?1 ORDER BY tenant, created_at, id",
    "SELECT " DB_TOKEN_COLUMNS " FROM tokens ORDER BY tenant, created_at, id",
    "SELECT " DB_TOKEN_COLUMNS
    " FROM tokens WHERE tenant = ?1 AND revoked_at = 0 ORDER BY tenant, created_at, id",
    "SELECT " DB_TOKEN_COLUMNS " FROM tokens WHERE revoked_at = 0 ORDER BY tenant, created_at, id",
};

#undef DB_TOKEN_COLUMNS

constexpr char kTokenChangeCount[] = "SELECT COALESCE(SUM(changes), 0) FROM token_changes";

void BindToken(Statement& s, const ApiToken& t) {
  s.BindText(1, t.tenant);
  s.BindText(2, t.id);
  s.BindText(3, t.principal);
  s.BindTextCopy(4, EncodeStrings(t.groups));
  s.BindText(5, TokenRoleName(t.role));
  s.BindText(6, t.secret_hash);
  s.BindText(7, t.description);
  s.BindInt(8, t.created_at);
  s.BindText(9, t.created_by);
  s.BindInt(10, t.expires_at);
  s.BindInt(11, t.revoked_at);
  s.BindText(12, t.revoked_by);
}

Status ReadToken(const Statement& row, ApiToken& t) {
  t.tenant = row.Text(0);
  t.id = row.Text(1);
  t.principal = row.Text(2);
  DB_RETURN_IF_ERROR(DecodeStrings(row.Text(3), t.groups));
  DB_RETURN_IF_ERROR(ReadEnum(row, 4, ParseTokenRole, t.role, "token role"));
  t.secret_hash = row.Text(5);
  t.description = row.Text(6);
  t.created_at = row.Int(7);
  t.created_by = row.Text(8);
  t.expires_at = row.Int(9);
  t.revoked_at = row.Int(10);
  t.revoked_by = row.Text(11);
  return Status::Ok();
}

}  // namespace

StatusOr<std::optional<ApiToken>> SelectToken(Connection& connection, const std::string& tenant,
                                              const std::string& id) {
  DB_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(kSelectToken));
  statement.BindText(1, tenant);
  statement.BindText(2, id);
  DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
  if (!has_row) return std::optional<ApiToken>();
  ApiToken token;
  DB_RETURN_IF_ERROR(ReadToken(statement, token));
  return std::optional<ApiToken>(std::move(token));
}

Status UpsertToken(Connection& connection, const ApiToken& token) {
  if (token.tenant.empty()) return InvalidArgument("token has no tenant");
  if (token.id.empty()) return InvalidArgument("token has no id");
  if (token.secret_hash.empty()) return InvalidArgument("token " + token.id + " has no hash");
  DB_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(kUpsertToken));
  BindToken(statement, token);
  return statement.Run().WithContext("storing token " + token.id);
}

StatusOr<std::vector<ApiToken>> SelectTokens(Connection& connection, const TokenFilter& filter) {
  const int variant = (filter.all_tenants ? 1 : 0) + (filter.include_revoked ? 0 : 2);
  DB_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(kListTokens[variant]));
  if (!filter.all_tenants) statement.BindText(1, filter.tenant);
  std::vector<ApiToken> rows;
  while (true) {
    DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
    if (!has_row) break;
    DB_RETURN_IF_ERROR(ReadToken(statement, rows.emplace_back()));
  }
  return rows;
}

StatusOr<uint64_t> SelectTokenChangeCount(Connection& connection) {
  DB_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(kTokenChangeCount));
  DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
  if (!has_row) return Internal("SUM(changes) returned no row");
  return static_cast<uint64_t>(statement.Int(0));
}

}  // namespace drawbridge::sqlite
