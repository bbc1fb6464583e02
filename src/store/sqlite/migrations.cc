#include "store/sqlite/migrations.h"

#include <array>
#include <chrono>
#include <string>

namespace drawbridge::sqlite {
namespace {

// Every table is keyed by (tenant, ...) so that no lookup, list or index scan can leave its
// tenant. List orders (created_at, id) are the trailing index columns, so lists need no sort.
constexpr std::string_view kCoreTables = R"sql(
CREATE TABLE requests (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  requester TEXT NOT NULL,
  reason TEXT NOT NULL,
  ticket TEXT NOT NULL,
  source_ip TEXT NOT NULL,
  rule TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  roles TEXT NOT NULL,           -- JSON array of strings
  actions TEXT NOT NULL,         -- JSON array of strings
  scope_resource TEXT NOT NULL,
  scope_selector TEXT NOT NULL,  -- JSON array of [key, value]
  duration_seconds INTEGER NOT NULL,
  not_before INTEGER NOT NULL,
  action TEXT NOT NULL,
  resource TEXT NOT NULL,
  payload_kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  facts TEXT NOT NULL,           -- JSON array of strings
  fingerprint TEXT NOT NULL,
  uses INTEGER NOT NULL,
  break_glass INTEGER NOT NULL,
  post_review_open INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  pending_expires_at INTEGER NOT NULL,
  reviews TEXT NOT NULL,         -- JSON array of review objects
  grant_id TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX requests_by_created ON requests (tenant, created_at, id);
CREATE INDEX requests_by_state ON requests (tenant, state, created_at, id);
CREATE INDEX requests_by_requester ON requests (tenant, requester, created_at, id);

CREATE TABLE grants (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  principal TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  actions TEXT NOT NULL,         -- JSON array of strings
  scope_resource TEXT NOT NULL,
  scope_selector TEXT NOT NULL,  -- JSON array of [key, value]
  fingerprint TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  uses_left INTEGER NOT NULL,
  break_glass INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  ended_by TEXT NOT NULL,
  PRIMARY KEY (tenant, id),
  FOREIGN KEY (tenant, request_id) REFERENCES requests (tenant, id)
    DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID;
CREATE INDEX grants_by_created ON grants (tenant, created_at, id);
CREATE INDEX grants_by_principal ON grants (tenant, principal, created_at, id);
CREATE INDEX grants_by_request ON grants (tenant, request_id);

CREATE TABLE audit (
  tenant TEXT NOT NULL,
  seq INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  subject TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (tenant, seq)
) WITHOUT ROWID;

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant TEXT NOT NULL,
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  delivered INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id, tenant) WHERE delivered = 0;
CREATE INDEX outbox_by_tenant ON outbox (tenant, id);
)sql";

// Audit rows are written once. Changing or removing one through SQL needs these triggers dropped
// first, which a reviewer of the database can see; the hash chain catches the rest.
constexpr std::string_view kAuditAppendOnly = R"sql(
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit rows are append-only: UPDATE refused');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit rows are append-only: DELETE refused');
END;
)sql";

// Startup loads every active grant. This index holds every column of a grant after the state,
// so that load is one ordered scan of the index, never a lookup into the table per row.
constexpr std::string_view kGrantLoadIndex = R"sql(
CREATE INDEX grants_by_state ON grants (
  tenant, state, created_at, id, request_id, principal, kind, actions, scope_resource,
  scope_selector, fingerprint, not_before, expires_at, uses_left, break_glass, ended_at, ended_by);
)sql";

// API tokens: only the SHA-256 of each secret is kept. The hash is unique across tenants, since
// the server finds a token (and so its tenant) from the hash alone.
constexpr std::string_view kTokenTable = R"sql(
CREATE TABLE tokens (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  principal TEXT NOT NULL,
  group_claims TEXT NOT NULL,    -- JSON array of strings
  role TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER NOT NULL,   -- 0: never
  revoked_at INTEGER NOT NULL,   -- 0: not revoked
  revoked_by TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX tokens_by_hash ON tokens (secret_hash);
CREATE INDEX tokens_by_created ON tokens (tenant, created_at, id);

-- How often each tenant's tokens changed, kept by triggers so that no write path can forget it:
-- a server polls the sum every second and reloads its tokens only when it moved.
CREATE TABLE token_changes (
  tenant TEXT NOT NULL PRIMARY KEY,
  changes INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER tokens_count_insert AFTER INSERT ON tokens
BEGIN
  INSERT INTO token_changes (tenant, changes) VALUES (NEW.tenant, 1)
    ON CONFLICT (tenant) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER tokens_count_update AFTER UPDATE ON tokens
BEGIN
  INSERT INTO token_changes (tenant, changes) VALUES (NEW.tenant, 1)
    ON CONFLICT (tenant) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER tokens_count_delete AFTER DELETE ON tokens
BEGIN
  INSERT INTO token_changes (tenant, changes) VALUES (OLD.tenant, 1)
    ON CONFLICT (tenant) DO UPDATE SET changes = changes + 1;
END;
)sql";

// Paths that run all the time must read what is due or open, not the history behind it. The
// expiry sweep (every few seconds) finds the active grants whose time has run out in an index that
// holds active grants only; the cap on open requests finds one requester's requests in one state
// without reading every request that requester ever made.
constexpr std::string_view kDueAndOpenIndexes = R"sql(
CREATE INDEX grants_due_to_expire ON grants (tenant, expires_at) WHERE state = 'active';
CREATE INDEX requests_by_requester_state ON requests (tenant, requester, state, created_at, id);
)sql";

// Whether the rule allowed self-approval when the request was made. Requests made before this
// column existed read 0: their requester cannot approve them (fail closed).
constexpr std::string_view kSelfApprovalColumn = R"sql(
ALTER TABLE requests ADD COLUMN self_approval INTEGER NOT NULL DEFAULT 0;
)sql";

constexpr std::array<Migration, 6> kMigrations = {{
    {1, "requests, grants, audit and outbox tables", kCoreTables},
    {2, "audit rows are append-only", kAuditAppendOnly},
    {3, "covering index for loading grants by state", kGrantLoadIndex},
    {4, "API tokens", kTokenTable},
    {5, "indexes for due grants and for one requester's requests by state", kDueAndOpenIndexes},
    {6, "requests record whether their rule allowed self-approval", kSelfApprovalColumn},
}};

constexpr const char* kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at INTEGER NOT NULL
))sql";

constexpr const char* kRecordMigration =
    "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?1, ?2, ?3)";

Status Apply(Connection& connection, const Migration& migration) {
  DB_RETURN_IF_ERROR(connection.Exec("BEGIN IMMEDIATE"));
  auto rollback_on_error = [&](Status status) {
    (void)connection.Exec("ROLLBACK");
    return status.WithContext("schema migration " + std::to_string(migration.version) + " (" +
                              std::string(migration.description) + ")");
  };
  // Another process may have applied it while this one waited for the write lock.
  auto current = CurrentSchemaVersion(connection);
  if (!current.ok()) return rollback_on_error(current.status());
  if (*current >= migration.version) return connection.Exec("COMMIT");
  if (Status status = connection.Exec(migration.sql); !status.ok()) {
    return rollback_on_error(status);
  }
  {
    auto statement = connection.Prepare(kRecordMigration);
    if (!statement.ok()) return rollback_on_error(statement.status());
    statement->BindInt(1, migration.version);
    statement->BindText(2, migration.description);
    statement->BindInt(3, std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
    if (Status status = statement->Run(); !status.ok()) return rollback_on_error(status);
  }
  if (Status status = connection.Exec("COMMIT"); !status.ok()) return rollback_on_error(status);
  return Status::Ok();
}

}  // namespace

std::span<const Migration> SchemaMigrations() {
  return kMigrations;
}

int LatestSchemaVersion() {
  return kMigrations.back().version;
}

StatusOr<int> CurrentSchemaVersion(Connection& connection) {
  DB_RETURN_IF_ERROR(connection.Exec(kCreateMigrationsTable));
  DB_ASSIGN_OR_RETURN(
      Statement statement,
      connection.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
  if (!has_row) return Internal("MAX(version) returned no row");
  return static_cast<int>(statement.Int(0));
}

Status Migrate(Connection& connection) {
  DB_ASSIGN_OR_RETURN(int current, CurrentSchemaVersion(connection));
  if (current > LatestSchemaVersion()) {
    return FailedPrecondition("the database is at schema version " + std::to_string(current) +
                              ", newer than the newest this build of drawbridge knows (" +
                              std::to_string(LatestSchemaVersion()) +
                              "); run a newer drawbridge or restore a backup");
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= current) continue;
    DB_RETURN_IF_ERROR(Apply(connection, migration));
  }
  return Status::Ok();
}

}  // namespace drawbridge::sqlite
