// A thin RAII layer over one sqlite3 connection: opening, executing scripts, a cache of prepared
// statements, and the mapping of SQLite result codes to Status.
//
// Thread-safety: a Connection is used by one thread at a time; the owner serialises access.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "drawbridge/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace drawbridge::sqlite {

// An SQLite failure as a Status: busy, full disk and I/O errors are kUnavailable (retrying may
// help), corruption is kDataLoss, constraint violations (including the audit triggers) are
// kFailedPrecondition, anything else kInternal.
Status ErrorStatus(sqlite3* db, int result_code, std::string_view context);

// A prepared statement borrowed from a Connection's cache. It is reset and its bindings cleared
// when this handle goes away, so the cached statement is ready for the next use. Bind indexes
// are 1-based, column indexes 0-based, as in SQLite.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Binds without copying: `value` must stay alive until the statement is stepped and reset.
  void BindText(int index, std::string_view value);
  // Binds a copy, for temporaries.
  void BindTextCopy(int index, std::string_view value);
  void BindInt(int index, int64_t value);

  // Advances: true when a row is ready, false when the statement is done.
  StatusOr<bool> Step();
  // Steps a statement that returns no rows.
  Status Run();

  std::string_view Text(int column) const;
  std::string String(int column) const { return std::string(Text(column)); }
  int64_t Int(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  struct Options {
    std::string path;
    bool read_only = false;
    bool create = false;
    int busy_timeout_ms = 5000;
  };
  static StatusOr<std::unique_ptr<Connection>> Open(const Options& options);
  ~Connection();

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return nothing of interest.
  Status Exec(std::string_view sql);

  // A cached statement for `sql`. The cache is keyed by the text's address, so `sql` must be a
  // string that lives as long as the connection (a literal or a static).
  StatusOr<Statement> Prepare(const char* sql);

  // Runs one statement kept prepared as Prepare does: for BEGIN and COMMIT, which every write
  // runs, so they are not parsed again each time.
  Status RunPrepared(const char* sql);

  // The value of a pragma that returns one row, as text ("wal", "2", ...).
  StatusOr<std::string> Pragma(std::string_view name);

  int64_t LastInsertRowId() const;
  int Changes() const;
  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace drawbridge::sqlite
