// SqliteStore: the Store port on one SQLite file, Drawbridge's embedded default (SPEC §7).
//
// Durability: WAL journal, synchronous=FULL, foreign keys on. A Commit that returns OK has
// reached the disk (fsync), so a crash or SIGKILL after it loses nothing; nothing committed is
// kept only in memory. Commit failures (full disk, I/O errors) come back as kUnavailable,
// damaged files as kDataLoss.
//
// Thread-safety: a SqliteStore may be used from many threads. All writes go through one write
// connection guarded by a mutex that a transaction holds from Begin until it commits or is
// destroyed (SQLite admits one writer at a time anyway; queueing on a mutex is cheaper and
// fairer than spinning on SQLITE_BUSY). Each write transaction is BEGIN IMMEDIATE, so a writer in
// another process makes it wait up to busy_timeout_ms instead of deadlocking. Reads run on a
// small pool of read-only connections and, thanks to WAL, never wait for the writer; they see
// the last committed state. A thread holding a transaction must not call Begin, MarkOutbox or
// ForEachActiveGrantTerms (which takes the write lock for a moment) before finishing it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "drawbridge/store.h"

namespace drawbridge {

namespace sqlite {
class Connection;

// The text of statements whose query plans decide how they scale, for tests that check the plans
// (EXPLAIN QUERY PLAN): ListRequests with the given filters, and ListDueGrants.
const std::string& ListRequestsSql(bool by_state, bool by_requester);
const std::string& DueGrantsSql();
}  // namespace sqlite

struct SqliteOptions {
  // The database file. Required. Its -wal and -shm companions live beside it.
  std::string path;
  // Create the file (and the schema) when it does not exist; otherwise Open returns kNotFound.
  bool create_if_missing = true;
  // How long a writer or a reader waits for a lock held by another process before kUnavailable.
  int busy_timeout_ms = 5000;
  // Read connections kept open for reuse; more are opened under load and closed after use.
  size_t max_idle_read_connections = 4;
  // Bytes of the file each connection maps into memory for reading (0: read with pread).
  // Mapping spares a system call per page, which is most of the cost of loading every grant.
  int64_t mmap_size_bytes = int64_t{1} << 30;
  // Page cache per connection, in KiB.
  int64_t cache_size_kib = 16384;
  // Read connections that load the active grants at start (ForEachActiveGrantTerms): 1 reads the
  // index on the calling thread; 2 reads it from both ends on two more threads. Two measured
  // slower on the 2-core reference machine (docs/PERFORMANCE.md): the index insert, not the
  // read, bounds the load, and handing rows between cores costs more than it saves.
  int grant_load_connections = 1;
};

class SqliteStore final : public Store {
 public:
  // Opens (and with create_if_missing creates) the database and brings its schema up to date.
  // kFailedPrecondition when the file was written by a newer drawbridge; kDataLoss when it is
  // not a database; kNotFound when it is missing and create_if_missing is false.
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& options);
  ~SqliteStore() override;

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  StatusOr<std::unique_ptr<StoreTransaction>> Begin() override;
  StatusOr<std::optional<Request>> GetRequest(const std::string& tenant,
                                              const std::string& id) override;
  StatusOr<std::vector<Request>> ListRequests(const RequestFilter& filter) override;
  StatusOr<std::map<RequestState, uint64_t>> CountRequestsByState(
      const std::string& tenant) override;
  StatusOr<std::optional<Grant>> GetGrant(const std::string& tenant,
                                          const std::string& id) override;
  StatusOr<std::vector<Grant>> ListGrants(const GrantFilter& filter) override;
  Status ForEachGrant(const GrantFilter& filter,
                      const std::function<Status(const Grant&)>& visit) override;
  Status ForEachActiveGrantTerms(const std::string& tenant,
                                 const std::function<Status(const GrantTerms&)>& visit) override;
  StatusOr<std::vector<Grant>> ListDueGrants(const std::string& tenant, int64_t now,
                                             size_t limit) override;
  StatusOr<std::vector<AuditRecord>> ReadAudit(const AuditFilter& filter) override;
  StatusOr<std::optional<ApiToken>> GetToken(const std::string& tenant,
                                             const std::string& id) override;
  StatusOr<std::vector<ApiToken>> ListTokens(const TokenFilter& filter) override;
  StatusOr<uint64_t> TokenChangeCount() override;
  StatusOr<std::vector<OutboxMessage>> DueOutbox(int64_t now, size_t limit) override;
  Status MarkOutbox(std::span<const OutboxMark> marks) override;

  // The schema version the file is at (after Open: the newest this build knows).
  StatusOr<int> SchemaVersion();
  // The value of a pragma on the write connection ("journal_mode" -> "wal"), for checks.
  StatusOr<std::string> WriterPragma(const std::string& name);

 private:
  class Transaction;
  class ReadLease;
  SqliteStore(SqliteOptions options, std::unique_ptr<sqlite::Connection> writer);

  StatusOr<std::unique_ptr<sqlite::Connection>> OpenReader();
  StatusOr<ReadLease> LeaseReader();
  void ReturnReader(std::unique_ptr<sqlite::Connection> connection);

  const SqliteOptions options_;
  std::mutex writer_mu_;                        // held by the open transaction, or MarkOutbox
  std::unique_ptr<sqlite::Connection> writer_;  // guarded by writer_mu_
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_readers_;  // guarded by readers_mu_
};

}  // namespace drawbridge
