#include "store/sqlite/connection.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace drawbridge::sqlite {

Status ErrorStatus(sqlite3* db, int result_code, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result_code);
  message += " (sqlite error " + std::to_string(result_code) + ")";
  switch (result_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_NOMEM:
    case SQLITE_READONLY:
    case SQLITE_INTERRUPT: return Unavailable(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return DataLoss(std::move(message));
    case SQLITE_CONSTRAINT: return FailedPrecondition(std::move(message));
    default: return Internal(std::move(message));
  }
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::BindText(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
}

void Statement::BindTextCopy(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

void Statement::BindInt(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return ErrorStatus(db_, rc, "executing statement");
}

Status Statement::Run() {
  DB_ASSIGN_OR_RETURN(bool has_row, Step());
  (void)has_row;
  return Status::Ok();
}

std::string_view Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

namespace {

// The database holds request reasons, payloads and token hashes: a new one is created readable
// by its owner only. SQLite gives its -wal and -shm files the database file's mode, so creating
// the (empty) file first is enough. An existing file keeps the mode its owner gave it.
Status CreateOwnerOnly(const std::string& path) {
  if (path == ":memory:" || path.rfind("file:", 0) == 0) return Status::Ok();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return Status::Ok();
  }
  // Already there (or a directory that is missing, which SQLite reports in its own words).
  if (errno == EEXIST || errno == ENOENT) return Status::Ok();
  return Unavailable("creating database file " + path + ": " + std::strerror(errno));
}

}  // namespace

StatusOr<std::unique_ptr<Connection>> Connection::Open(const Options& options) {
  if (options.path.empty()) return InvalidArgument("the SQLite store needs a database file path");
  if (!options.create) {
    std::error_code error;
    if (!std::filesystem::exists(options.path, error)) {
      return NotFound("database file " + options.path +
                      " does not exist (set create_if_missing to create it)");
    }
  }
  int flags = SQLITE_OPEN_NOMUTEX;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (options.create) {
      flags |= SQLITE_OPEN_CREATE;
      DB_RETURN_IF_ERROR(CreateOwnerOnly(options.path));
    }
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = ErrorStatus(db, rc, "opening " + options.path);
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);
  if (rc != SQLITE_OK) return ErrorStatus(db_, rc, "executing SQL");
  return Status::Ok();
}

StatusOr<Statement> Connection::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return ErrorStatus(db_, rc, "preparing statement");
    it = statements_.emplace(sql, stmt).first;
  }
  return Statement(db_, it->second);
}

Status Connection::RunPrepared(const char* sql) {
  DB_ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
  return statement.Run();
}

StatusOr<std::string> Connection::Pragma(std::string_view name) {
  std::string sql = "PRAGMA " + std::string(name);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(db_, rc, "reading " + sql);
  rc = sqlite3_step(stmt);
  std::string value;
  if (rc == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    if (text != nullptr) value = text;
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return ErrorStatus(db_, rc, "reading " + sql);
  return value;
}

int64_t Connection::LastInsertRowId() const {
  return sqlite3_last_insert_rowid(db_);
}

int Connection::Changes() const {
  return sqlite3_changes(db_);
}

}  // namespace drawbridge::sqlite
