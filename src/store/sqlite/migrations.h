// The SQLite store's schema, as an ordered list of versioned migrations, and the routine that
// brings a database up to date. docs/STORAGE.md describes the resulting schema.
//
// The `schema_migrations` table records each applied version. Each migration runs in its own
// transaction together with its row in that table, so a crash leaves the database at one version
// or the next, never in between. A database recorded at a version newer than this build knows is
// refused, since this build cannot know what the newer schema means.
#pragma once

#include <span>
#include <string_view>

#include "drawbridge/status.h"
#include "store/sqlite/connection.h"

namespace drawbridge::sqlite {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// Every migration in version order (1, 2, ...). Append new ones; never edit a released one.
std::span<const Migration> SchemaMigrations();
int LatestSchemaVersion();

// The highest version recorded in `schema_migrations` (0 for an empty database).
StatusOr<int> CurrentSchemaVersion(Connection& connection);

// Applies every migration above the current version. kFailedPrecondition when the database is
// newer than this build.
Status Migrate(Connection& connection);

}  // namespace drawbridge::sqlite
