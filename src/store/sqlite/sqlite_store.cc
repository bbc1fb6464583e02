#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>

#include "store/sqlite/connection.h"
#include "store/sqlite/grant_terms_scan.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/token_rows.h"

namespace drawbridge {

using sqlite::Connection;
using sqlite::Statement;

namespace {

// Every statement the store runs, built once from the column lists in rows.cc. Their addresses
// key each connection's statement cache.
struct Queries {
  std::string get_request;
  std::string upsert_request;
  std::string list_requests[4];  // index: (state filter ? 1 : 0) + (requester filter ? 2 : 0)
  std::string get_grant;
  std::string upsert_grant;
  std::string list_grants[4];   // index: (state filter ? 1 : 0) + (principal filter ? 2 : 0)
  std::string count_grants[4];  // the same filters, counted
  std::string due_grants;
  std::string audit_head;
  std::string append_audit;
  std::string read_audit;
  std::string append_outbox;
  std::string due_outbox;
  std::string mark_outbox;
};

std::string Placeholders(int count) {
  std::string out;
  for (int i = 1; i <= count; ++i) out += (i > 1 ? ", ?" : "?") + std::to_string(i);
  return out;
}

// "INSERT ... ON CONFLICT (tenant, id) DO UPDATE SET every other column".
std::string Upsert(const std::string& table, const std::string& columns, int count) {
  std::string sql = "INSERT INTO " + table + " (" + columns + ") VALUES (" + Placeholders(count) +
                    ") ON CONFLICT (tenant, id) DO UPDATE SET ";
  std::stringstream names(columns);
  std::string name;
  bool first = true;
  while (std::getline(names, name, ',')) {
    name.erase(0, name.find_first_not_of(' '));
    if (name == "tenant" || name == "id") continue;
    sql += (first ? "" : ", ") + name + " = excluded." + name;
    first = false;
  }
  return sql;
}

// A filter over `table`: ?1 tenant, then ?2 the state and/or ?3 the person when filtered. It
// matches one of the (tenant, ..., created_at, id) indexes.
std::string Where(const std::string& table, bool by_state, const std::string& person_column,
                  bool by_person) {
  std::string sql = " FROM " + table + " WHERE tenant = ?1";
  if (by_state) sql += " AND state = ?2";
  if (by_person) sql += " AND " + person_column + " = ?3";
  return sql;
}

// A list query: the filter above, in list order, ?4 the limit.
std::string List(const std::string& table, const std::string& columns, bool by_state,
                 const std::string& person_column, bool by_person) {
  return "SELECT " + columns + Where(table, by_state, person_column, by_person) +
         " ORDER BY created_at, id LIMIT ?4";
}

// "a, b" -> "g.a, g.b": a column list for a query that joins tables with columns of one name.
std::string Qualified(const std::string& table, const std::string& columns) {
  std::string out;
  std::stringstream names(columns);
  std::string name;
  while (std::getline(names, name, ',')) {
    name.erase(0, name.find_first_not_of(' '));
    out += (out.empty() ? "" : ", ") + table + "." + name;
  }
  return out;
}

// The grants a sweep acts on (Store::ListDueGrants): ?1 tenant, ?2 now, ?3 the limit. Two
// disjoint halves, each read from an index that holds only what may be due, so neither walks the
// running grants: the expired ones from grants_due_to_expire (active grants only, by expiry), the
// scheduled ones from the approved requests (a request stays approved only until its grant
// starts). Without INDEXED BY, the planner prefers grants_by_state because it yields the list
// order without a sort, and so walks every active grant; sorting the due few is cheaper.
std::string DueGrants(const std::string& grant_columns) {
  const std::string g = Qualified("g", grant_columns);
  return "SELECT " + g +
         " FROM grants AS g INDEXED BY grants_due_to_expire"
         " WHERE g.tenant = ?1 AND g.state = 'active' AND g.expires_at <= ?2"
         " UNION ALL SELECT " +
         g +
         " FROM requests AS r INDEXED BY requests_by_state CROSS JOIN grants AS g"
         " ON g.tenant = r.tenant AND g.id = r.grant_id"
         " WHERE r.tenant = ?1 AND r.state = 'approved' AND g.request_id = r.id"
         " AND g.state = 'active' AND g.not_before <= ?2 AND g.expires_at > ?2"
         " ORDER BY created_at, id LIMIT ?3";
}

const Queries& Sql() {
  static const Queries queries = [] {
    Queries q;
    const std::string requests = sqlite::kRequestColumns;
    const std::string grants = sqlite::kGrantColumns;
    const std::string audit = sqlite::kAuditColumns;
    const std::string outbox = sqlite::kOutboxColumns;
    q.get_request = "SELECT " + requests + " FROM requests WHERE tenant = ?1 AND id = ?2";
    q.upsert_request = Upsert("requests", requests, 31);
    q.get_grant = "SELECT " + grants + " FROM grants WHERE tenant = ?1 AND id = ?2";
    q.upsert_grant = Upsert("grants", grants, 17);
    for (int i = 0; i < 4; ++i) {
      q.list_requests[i] = List("requests", requests, (i & 1) != 0, "requester", (i & 2) != 0);
      q.list_grants[i] = List("grants", grants, (i & 1) != 0, "principal", (i & 2) != 0);
      q.count_grants[i] =
          "SELECT COUNT(*)" + Where("grants", (i & 1) != 0, "principal", (i & 2) != 0);
    }
    q.due_grants = DueGrants(grants);
    q.audit_head = "SELECT " + audit + " FROM audit WHERE tenant = ?1 ORDER BY seq DESC LIMIT 1";
    q.append_audit = "INSERT INTO audit (" + audit + ") VALUES (" + Placeholders(9) + ")";
    q.read_audit =
        "SELECT " + audit + " FROM audit WHERE tenant = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3";
    q.append_outbox =
        "INSERT INTO outbox (tenant, event_type, payload, created_at, attempts, next_attempt_at, "
        "delivered) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    q.due_outbox = "SELECT " + outbox +
                   " FROM outbox WHERE delivered = 0 AND next_attempt_at <= ?1 "
                   "ORDER BY next_attempt_at, id LIMIT ?2";
    q.mark_outbox =
        "UPDATE outbox SET attempts = attempts + 1, delivered = ?2, next_attempt_at = ?3 "
        "WHERE id = ?1";
    return q;
  }();
  return queries;
}

// Lists that may return more rows than this are counted first, to size the result once.
constexpr size_t kCountBeforeListing = 4096;

int64_t SqlLimit(size_t limit) {
  constexpr auto kMax = static_cast<size_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(limit > kMax ? kMax : limit);
}

Status CheckKey(const std::string& what, const std::string& tenant, const std::string& id) {
  if (tenant.empty()) return InvalidArgument(what + " has no tenant");
  if (id.empty()) return InvalidArgument(what + " has no id");
  return Status::Ok();
}

// Point reads shared by the store (on a read connection) and a transaction (on the writer).
StatusOr<std::optional<Request>> SelectRequest(Connection& connection, const std::string& tenant,
                                               const std::string& id) {
  DB_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(Sql().get_request.c_str()));
  statement.BindText(1, tenant);
  statement.BindText(2, id);
  DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
  if (!has_row) return std::optional<Request>();
  Request request;
  DB_RETURN_IF_ERROR(sqlite::ReadRequest(statement, request));
  return std::optional<Request>(std::move(request));
}

StatusOr<std::optional<Grant>> SelectGrant(Connection& connection, const std::string& tenant,
                                           const std::string& id) {
  DB_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(Sql().get_grant.c_str()));
  statement.BindText(1, tenant);
  statement.BindText(2, id);
  DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
  if (!has_row) return std::optional<Grant>();
  Grant grant;
  DB_RETURN_IF_ERROR(sqlite::ReadGrant(statement, grant));
  return std::optional<Grant>(std::move(grant));
}

// Opens a connection and sets what every connection needs.
StatusOr<std::unique_ptr<Connection>> OpenConnection(const SqliteOptions& options, bool read_only) {
  DB_ASSIGN_OR_RETURN(auto connection,
                      Connection::Open({.path = options.path,
                                        .read_only = read_only,
                                        .create = options.create_if_missing,
                                        .busy_timeout_ms = options.busy_timeout_ms}));
  // synchronous and foreign_keys are per connection, not stored in the file.
  DB_RETURN_IF_ERROR(
      connection->Exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA mmap_size = " +
                       std::to_string(options.mmap_size_bytes) +
                       "; PRAGMA cache_size = " + std::to_string(-options.cache_size_kib)));
  return connection;
}

// Starts an explicit read transaction: the connection reads the state committed now until the
// transaction ends (a deferred BEGIN takes its snapshot at the first read).
Status StartReadTransaction(Connection& reader) {
  DB_RETURN_IF_ERROR(reader.Exec("BEGIN"));
  return reader.Exec("SELECT COUNT(*) FROM sqlite_master");
}

// Ends a reader's explicit transaction, if one is open, before the reader goes back to the pool.
class EndReadTransaction {
 public:
  explicit EndReadTransaction(Connection* reader) : reader_(reader) {}
  EndReadTransaction(const EndReadTransaction&) = delete;
  EndReadTransaction& operator=(const EndReadTransaction&) = delete;
  ~EndReadTransaction() { Now(); }
  void Now() {
    if (sqlite3_get_autocommit(reader_->raw()) == 0) (void)reader_->Exec("ROLLBACK");
  }

 private:
  Connection* reader_;
};

}  // namespace

const std::string& sqlite::ListRequestsSql(bool by_state, bool by_requester) {
  return Sql().list_requests[(by_state ? 1 : 0) + (by_requester ? 2 : 0)];
}

const std::string& sqlite::DueGrantsSql() {
  return Sql().due_grants;
}

// A write transaction on the writer connection. It holds writer_mu_ for its whole life.
class SqliteStore::Transaction final : public StoreTransaction {
 public:
  Transaction(std::unique_lock<std::mutex> lock, Connection& connection)
      : lock_(std::move(lock)), connection_(connection) {}

  ~Transaction() override {
    if (!finished_) RollBack();
  }

  StatusOr<std::optional<Request>> GetRequest(const std::string& tenant,
                                              const std::string& id) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    return SelectRequest(connection_, tenant, id);
  }

  Status PutRequest(const Request& request) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    DB_RETURN_IF_ERROR(CheckKey("request", request.tenant, request.id));
    DB_ASSIGN_OR_RETURN(Statement statement, connection_.Prepare(Sql().upsert_request.c_str()));
    sqlite::BindRequest(statement, request);
    return statement.Run().WithContext("storing request " + request.id);
  }

  StatusOr<std::optional<Grant>> GetGrant(const std::string& tenant,
                                          const std::string& id) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    return SelectGrant(connection_, tenant, id);
  }

  Status PutGrant(const Grant& grant) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    DB_RETURN_IF_ERROR(CheckKey("grant", grant.tenant, grant.id));
    DB_ASSIGN_OR_RETURN(Statement statement, connection_.Prepare(Sql().upsert_grant.c_str()));
    sqlite::BindGrant(statement, grant);
    return statement.Run().WithContext("storing grant " + grant.id);
  }

  StatusOr<std::optional<ApiToken>> GetToken(const std::string& tenant,
                                             const std::string& id) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    return sqlite::SelectToken(connection_, tenant, id);
  }

  Status PutToken(const ApiToken& token) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    return sqlite::UpsertToken(connection_, token);
  }

  StatusOr<AuditRecord> AuditHead(const std::string& tenant) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    DB_ASSIGN_OR_RETURN(Statement statement, connection_.Prepare(Sql().audit_head.c_str()));
    statement.BindText(1, tenant);
    DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
    AuditRecord head;
    head.tenant = tenant;
    if (has_row) sqlite::ReadAudit(statement, head);
    return head;
  }

  Status AppendAudit(const AuditRecord& event) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    if (event.tenant.empty()) return InvalidArgument("audit event has no tenant");
    // The head is read once per transaction and tenant: this transaction holds the write lock, so
    // after that only its own appends move it.
    if (!appended_ || appended_->tenant != event.tenant) {
      DB_ASSIGN_OR_RETURN(AuditRecord head, AuditHead(event.tenant));
      appended_ = AppendedHead{event.tenant, head.seq,
                               head.seq == 0 ? std::string(kGenesisPrevHash) : head.hash};
    }
    if (event.seq != appended_->seq + 1) {
      return FailedPrecondition("audit seq " + std::to_string(event.seq) +
                                " does not follow head " + std::to_string(appended_->seq) +
                                " of tenant " + event.tenant);
    }
    if (event.prev_hash != appended_->hash) {
      return FailedPrecondition("audit event " + std::to_string(event.seq) +
                                " does not link to the hash of the head of tenant " + event.tenant);
    }
    DB_ASSIGN_OR_RETURN(Statement statement, connection_.Prepare(Sql().append_audit.c_str()));
    sqlite::BindAudit(statement, event);
    DB_RETURN_IF_ERROR(
        statement.Run().WithContext("appending audit event " + std::to_string(event.seq)));
    appended_->seq = event.seq;
    appended_->hash = event.hash;
    return Status::Ok();
  }

  Status AppendOutbox(OutboxMessage& message) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    if (message.tenant.empty()) return InvalidArgument("outbox message has no tenant");
    DB_ASSIGN_OR_RETURN(Statement statement, connection_.Prepare(Sql().append_outbox.c_str()));
    statement.BindText(1, message.tenant);
    statement.BindText(2, message.event_type);
    statement.BindText(3, message.payload);
    statement.BindInt(4, message.created_at);
    statement.BindInt(5, message.attempts);
    statement.BindInt(6, message.next_attempt_at);
    statement.BindInt(7, message.delivered ? 1 : 0);
    DB_RETURN_IF_ERROR(statement.Run().WithContext("appending outbox message"));
    message.id = connection_.LastInsertRowId();
    return Status::Ok();
  }

  Status Commit() override {
    DB_RETURN_IF_ERROR(CheckOpen());
    finished_ = true;
    Status status = connection_.RunPrepared("COMMIT");
    // A failed COMMIT may leave the transaction open (e.g. SQLITE_BUSY); end it so the next
    // writer starts clean.
    if (!status.ok()) RollBack();
    lock_.unlock();
    return status.ok() ? status : status.WithContext("committing transaction");
  }

 private:
  Status CheckOpen() const {
    if (finished_) return FailedPrecondition("the transaction has already been committed");
    return Status::Ok();
  }

  void RollBack() {
    if (sqlite3_get_autocommit(connection_.raw()) == 0) (void)connection_.Exec("ROLLBACK");
  }

  // The last event this transaction appended (or the head it found), for one tenant.
  struct AppendedHead {
    std::string tenant;
    uint64_t seq = 0;
    std::string hash;
  };

  std::unique_lock<std::mutex> lock_;
  Connection& connection_;
  bool finished_ = false;
  std::optional<AppendedHead> appended_;
};

// A read connection borrowed from the pool and given back when this goes away.
class SqliteStore::ReadLease {
 public:
  ReadLease(SqliteStore& store, std::unique_ptr<Connection> connection)
      : store_(&store), connection_(std::move(connection)) {}
  ReadLease(ReadLease&& other) noexcept = default;
  ReadLease& operator=(ReadLease&&) = delete;
  ~ReadLease() {
    if (connection_ != nullptr) store_->ReturnReader(std::move(connection_));
  }
  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }

 private:
  SqliteStore* store_;
  std::unique_ptr<Connection> connection_;
};

SqliteStore::SqliteStore(SqliteOptions options, std::unique_ptr<Connection> writer)
    : options_(std::move(options)), writer_(std::move(writer)) {}

SqliteStore::~SqliteStore() = default;

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& options) {
  DB_ASSIGN_OR_RETURN(auto writer, OpenConnection(options, /*read_only=*/false));
  // journal_mode=WAL is stored in the file; setting it again is a no-op.
  DB_ASSIGN_OR_RETURN(std::string journal_mode, writer->Pragma("journal_mode = WAL"));
  if (journal_mode != "wal") {
    return Unavailable("could not switch " + options.path + " to WAL mode (journal_mode is '" +
                       journal_mode + "')");
  }
  DB_RETURN_IF_ERROR(sqlite::Migrate(*writer).WithContext("opening " + options.path));
  return std::unique_ptr<SqliteStore>(new SqliteStore(options, std::move(writer)));
}

StatusOr<std::unique_ptr<Connection>> SqliteStore::OpenReader() {
  SqliteOptions reader_options = options_;
  reader_options.create_if_missing = false;
  return OpenConnection(reader_options, /*read_only=*/true);
}

StatusOr<SqliteStore::ReadLease> SqliteStore::LeaseReader() {
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return ReadLease(*this, std::move(connection));
    }
  }
  DB_ASSIGN_OR_RETURN(auto connection, OpenReader());
  return ReadLease(*this, std::move(connection));
}

void SqliteStore::ReturnReader(std::unique_ptr<Connection> connection) {
  std::lock_guard<std::mutex> lock(readers_mu_);
  if (idle_readers_.size() < options_.max_idle_read_connections) {
    idle_readers_.push_back(std::move(connection));
  }
}

StatusOr<std::unique_ptr<StoreTransaction>> SqliteStore::Begin() {
  std::unique_lock<std::mutex> lock(writer_mu_);
  // IMMEDIATE takes the write lock now, so two writers never both read and then fail to upgrade.
  DB_RETURN_IF_ERROR(writer_->RunPrepared("BEGIN IMMEDIATE").WithContext("starting a transaction"));
  return std::unique_ptr<StoreTransaction>(
      std::make_unique<Transaction>(std::move(lock), *writer_));
}

StatusOr<std::optional<Request>> SqliteStore::GetRequest(const std::string& tenant,
                                                         const std::string& id) {
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  return SelectRequest(*reader, tenant, id);
}

StatusOr<std::map<RequestState, uint64_t>> SqliteStore::CountRequestsByState(
    const std::string& tenant) {
  // Counted in the (tenant, state, ...) index, without reading a row.
  static constexpr char kCount[] =
      "SELECT state, COUNT(*) FROM requests INDEXED BY requests_by_state WHERE tenant = ?1 "
      "GROUP BY state";
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  DB_ASSIGN_OR_RETURN(Statement statement, reader->Prepare(kCount));
  statement.BindText(1, tenant);
  std::map<RequestState, uint64_t> counts;
  while (true) {
    DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
    if (!has_row) break;
    auto state = ParseRequestState(statement.Text(0));
    if (!state) return DataLoss("a request of tenant " + tenant + " has an unknown state");
    counts[*state] = static_cast<uint64_t>(statement.Int(1));
  }
  return counts;
}

StatusOr<std::vector<Request>> SqliteStore::ListRequests(const RequestFilter& filter) {
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  const int variant = (filter.state ? 1 : 0) + (filter.requester.empty() ? 0 : 2);
  DB_ASSIGN_OR_RETURN(Statement statement, reader->Prepare(Sql().list_requests[variant].c_str()));
  statement.BindText(1, filter.tenant);
  if (filter.state) statement.BindText(2, RequestStateName(*filter.state));
  if (!filter.requester.empty()) statement.BindText(3, filter.requester);
  statement.BindInt(4, SqlLimit(filter.limit));
  std::vector<Request> rows;
  while (true) {
    DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
    if (!has_row) break;
    DB_RETURN_IF_ERROR(sqlite::ReadRequest(statement, rows.emplace_back()));
  }
  return rows;
}

StatusOr<std::optional<Grant>> SqliteStore::GetGrant(const std::string& tenant,
                                                     const std::string& id) {
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  return SelectGrant(*reader, tenant, id);
}

StatusOr<std::vector<Grant>> SqliteStore::ListGrants(const GrantFilter& filter) {
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  const int variant = (filter.state ? 1 : 0) + (filter.principal.empty() ? 0 : 2);
  auto bind_filter = [&](Statement& statement) {
    statement.BindText(1, filter.tenant);
    if (filter.state) statement.BindText(2, GrantStateName(*filter.state));
    if (!filter.principal.empty()) statement.BindText(3, filter.principal);
  };
  std::vector<Grant> rows;
  if (filter.limit > kCountBeforeListing) {
    // Loading every active grant at startup returns up to millions of rows: counting first (a
    // fast scan of the same covering index) lets the vector be allocated once instead of
    // growing and moving every grant ~20 times.
    DB_ASSIGN_OR_RETURN(Statement count, reader->Prepare(Sql().count_grants[variant].c_str()));
    bind_filter(count);
    DB_ASSIGN_OR_RETURN(bool has_row, count.Step());
    if (has_row) rows.reserve(std::min(filter.limit, static_cast<size_t>(count.Int(0))));
  }
  DB_ASSIGN_OR_RETURN(Statement statement, reader->Prepare(Sql().list_grants[variant].c_str()));
  bind_filter(statement);
  statement.BindInt(4, SqlLimit(filter.limit));
  while (true) {
    DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
    if (!has_row) break;
    DB_RETURN_IF_ERROR(sqlite::ReadGrant(statement, rows.emplace_back()));
  }
  return rows;
}

Status SqliteStore::ForEachGrant(const GrantFilter& filter,
                                 const std::function<Status(const Grant&)>& visit) {
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  const int variant = (filter.state ? 1 : 0) + (filter.principal.empty() ? 0 : 2);
  DB_ASSIGN_OR_RETURN(Statement statement, reader->Prepare(Sql().list_grants[variant].c_str()));
  statement.BindText(1, filter.tenant);
  if (filter.state) statement.BindText(2, GrantStateName(*filter.state));
  if (!filter.principal.empty()) statement.BindText(3, filter.principal);
  statement.BindInt(4, SqlLimit(filter.limit));
  Grant row;  // reused: ReadGrant sets every field, reusing the last row's buffers
  while (true) {
    DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
    if (!has_row) return Status::Ok();
    DB_RETURN_IF_ERROR(sqlite::ReadGrant(statement, row));
    DB_RETURN_IF_ERROR(visit(row));
  }
}

Status SqliteStore::ForEachActiveGrantTerms(const std::string& tenant,
                                            const std::function<Status(const GrantTerms&)>& visit) {
  DB_ASSIGN_OR_RETURN(ReadLease first, LeaseReader());
  if (options_.grant_load_connections < 2) {
    return sqlite::ScanActiveGrantTerms(*first, tenant, visit);
  }
  DB_ASSIGN_OR_RETURN(ReadLease second, LeaseReader());
  // The two scans must read one committed state. No one can commit while the write lock is held,
  // so read transactions started under it see the same state. When the lock cannot be had
  // (another process keeps writing), one connection reads everything.
  EndReadTransaction end_first{&*first};
  EndReadTransaction end_second{&*second};
  Status same_state;
  {
    std::lock_guard<std::mutex> lock(writer_mu_);
    same_state = writer_->Exec("BEGIN IMMEDIATE");
    if (same_state.ok()) {
      same_state = StartReadTransaction(*first);
      if (same_state.ok()) same_state = StartReadTransaction(*second);
      (void)writer_->Exec("ROLLBACK");
    }
  }
  if (!same_state.ok()) {
    end_first.Now();
    end_second.Now();
    return sqlite::ScanActiveGrantTerms(*first, tenant, visit);
  }
  return sqlite::ScanActiveGrantTermsFromBothEnds(*first, *second, tenant, visit);
}

StatusOr<std::vector<Grant>> SqliteStore::ListDueGrants(const std::string& tenant, int64_t now,
                                                        size_t limit) {
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  DB_ASSIGN_OR_RETURN(Statement statement, reader->Prepare(Sql().due_grants.c_str()));
  statement.BindText(1, tenant);
  statement.BindInt(2, now);
  statement.BindInt(3, SqlLimit(limit));
  std::vector<Grant> rows;
  while (true) {
    DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
    if (!has_row) break;
    DB_RETURN_IF_ERROR(sqlite::ReadGrant(statement, rows.emplace_back()));
  }
  return rows;
}

StatusOr<std::vector<AuditRecord>> SqliteStore::ReadAudit(const AuditFilter& filter) {
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  DB_ASSIGN_OR_RETURN(Statement statement, reader->Prepare(Sql().read_audit.c_str()));
  statement.BindText(1, filter.tenant);
  statement.BindInt(2, static_cast<int64_t>(filter.after_seq));
  statement.BindInt(3, SqlLimit(filter.limit));
  std::vector<AuditRecord> rows;
  while (true) {
    DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
    if (!has_row) break;
    sqlite::ReadAudit(statement, rows.emplace_back());
  }
  return rows;
}

StatusOr<std::optional<ApiToken>> SqliteStore::GetToken(const std::string& tenant,
                                                        const std::string& id) {
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  return sqlite::SelectToken(*reader, tenant, id);
}

StatusOr<std::vector<ApiToken>> SqliteStore::ListTokens(const TokenFilter& filter) {
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  return sqlite::SelectTokens(*reader, filter);
}

StatusOr<uint64_t> SqliteStore::TokenChangeCount() {
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  return sqlite::SelectTokenChangeCount(*reader);
}

StatusOr<std::vector<OutboxMessage>> SqliteStore::DueOutbox(int64_t now, size_t limit) {
  DB_ASSIGN_OR_RETURN(ReadLease reader, LeaseReader());
  DB_ASSIGN_OR_RETURN(Statement statement, reader->Prepare(Sql().due_outbox.c_str()));
  statement.BindInt(1, now);
  statement.BindInt(2, SqlLimit(limit));
  std::vector<OutboxMessage> rows;
  while (true) {
    DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
    if (!has_row) break;
    sqlite::ReadOutbox(statement, rows.emplace_back());
  }
  return rows;
}

Status SqliteStore::MarkOutbox(std::span<const OutboxMark> marks) {
  if (marks.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(writer_mu_);
  // One transaction, so one fsync, for the whole round.
  DB_RETURN_IF_ERROR(
      writer_->RunPrepared("BEGIN IMMEDIATE").WithContext("marking outbox messages"));
  Status missing;
  for (const OutboxMark& mark : marks) {
    Status marked = [&]() -> Status {
      DB_ASSIGN_OR_RETURN(Statement statement, writer_->Prepare(Sql().mark_outbox.c_str()));
      statement.BindInt(1, mark.id);
      statement.BindInt(2, mark.delivered ? 1 : 0);
      statement.BindInt(3, mark.next_attempt_at);
      return statement.Run().WithContext("marking outbox message " + std::to_string(mark.id));
    }();
    if (!marked.ok()) {
      (void)writer_->Exec("ROLLBACK");
      return marked;
    }
    if (writer_->Changes() == 0 && missing.ok()) {
      missing = NotFound("outbox message " + std::to_string(mark.id) + " does not exist");
    }
  }
  if (Status committed = writer_->RunPrepared("COMMIT"); !committed.ok()) {
    (void)writer_->Exec("ROLLBACK");
    return committed.WithContext("marking outbox messages");
  }
  return missing;
}

StatusOr<int> SqliteStore::SchemaVersion() {
  std::lock_guard<std::mutex> lock(writer_mu_);
  return sqlite::CurrentSchemaVersion(*writer_);
}

StatusOr<std::string> SqliteStore::WriterPragma(const std::string& name) {
  std::lock_guard<std::mutex> lock(writer_mu_);
  return writer_->Pragma(name);
}

}  // namespace drawbridge
