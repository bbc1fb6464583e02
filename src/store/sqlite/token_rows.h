// The SQLite store's API token rows (table `tokens`, schema migration 4): the statements that
// read and write them, on whichever connection the caller holds (the writer inside a
// transaction, a reader otherwise). The group claims are kept as a JSON list (list_codec.h), the
// role by name.
//
// Thread-safety: a Connection is used by one thread at a time (connection.h); these functions
// touch only their arguments.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "drawbridge/model.h"
#include "drawbridge/status.h"
#include "drawbridge/store.h"
#include "store/sqlite/connection.h"

namespace drawbridge::sqlite {

StatusOr<std::optional<ApiToken>> SelectToken(Connection& connection, const std::string& tenant,
                                              const std::string& id);
// Insert or replace by (tenant, id). kFailedPrecondition when another token has the same hash.
Status UpsertToken(Connection& connection, const ApiToken& token);
StatusOr<std::vector<ApiToken>> SelectTokens(Connection& connection, const TokenFilter& filter);
// The sum of every tenant's count in `token_changes`, kept by triggers on `tokens`.
StatusOr<uint64_t> SelectTokenChangeCount(Connection& connection);

}  // namespace drawbridge::sqlite
