// What the SQLite store promises beyond the Store contract: durability settings, schema
// migrations, append-only audit rows, the covering index for the startup grant load.
#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "store/sqlite/list_codec.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/rows.h"
#include "store_contract.h"

namespace drawbridge::testing {
namespace {

using ::testing::Contains;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::Not;

// A plain sqlite3 connection, for poking at the file the way an operator (or an attacker with
// the sqlite3 shell) would.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDatabase() { sqlite3_close(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  // Runs `sql`; returns "" on success, else SQLite's error message.
  std::string Exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    std::string message = rc == SQLITE_OK ? "" : (error != nullptr ? error : "error");
    sqlite3_free(error);
    return message;
  }

  // The first column of every row of `sql`, as text.
  std::vector<std::string> Column(const std::string& sql, int column = 0) {
    std::vector<std::string> values;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_);
    while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      values.emplace_back(text != nullptr ? text : "");
    }
    sqlite3_finalize(stmt);
    return values;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> Open() {
    auto store = SqliteStore::Open({.path = path_});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  void CommitRequestWithAudit(Store& store, const std::string& id) {
    auto transaction = store.Begin();
    DB_ASSERT_OK(transaction);
    DB_ASSERT_OK((*transaction)->PutRequest(SampleRequest("default", id)));
    auto head = (*transaction)->AuditHead("default");
    DB_ASSERT_OK(head);
    DB_ASSERT_OK((*transaction)->AppendAudit(NextAudit(*head, "default")));
    DB_ASSERT_OK((*transaction)->Commit());
  }

  TempDir dir_;
  std::string path_ = dir_.File("drawbridge.db");
};

// Test that committed rows are there after the store is closed and opened again.
TEST_F(SqliteStoreTest, DataSurvivesCloseAndReopen) {
  const Request request = SampleRequest("default", "r-1");
  const Grant grant = SampleGrant("default", "g-1", "r-1");
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    auto transaction = store->Begin();
    DB_ASSERT_OK(transaction);
    DB_ASSERT_OK((*transaction)->PutRequest(request));
    DB_ASSERT_OK((*transaction)->PutGrant(grant));
    DB_ASSERT_OK((*transaction)->AppendAudit(NextAudit(AuditRecord{}, "default")));
    OutboxMessage message = SampleOutbox("default", 0);
    DB_ASSERT_OK((*transaction)->AppendOutbox(message));
    DB_ASSERT_OK((*transaction)->Commit());
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto stored_request = store->GetRequest("default", "r-1");
  DB_ASSERT_OK(stored_request);
  ASSERT_TRUE(stored_request->has_value());
  ExpectSameRequest(**stored_request, request);
  auto stored_grant = store->GetGrant("default", "g-1");
  DB_ASSERT_OK(stored_grant);
  ASSERT_TRUE(stored_grant->has_value());
  ExpectSameGrant(**stored_grant, grant);
  auto audit = store->ReadAudit({.tenant = "default"});
  DB_ASSERT_OK(audit);
  EXPECT_EQ(audit->size(), 1u);
  auto outbox = store->DueOutbox(0, 10);
  DB_ASSERT_OK(outbox);
  EXPECT_EQ(outbox->size(), 1u);
  CommitRequestWithAudit(*store, "r-2");  // the chain continues from the stored head
}

// Test that the durability settings are really in force: WAL journal, synchronous=FULL (2),
// foreign keys on.
TEST_F(SqliteStoreTest, DurabilityPragmasAreSet) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto journal_mode = store->WriterPragma("journal_mode");
  DB_ASSERT_OK(journal_mode);
  EXPECT_EQ(*journal_mode, "wal");
  auto synchronous = store->WriterPragma("synchronous");
  DB_ASSERT_OK(synchronous);
  EXPECT_EQ(*synchronous, "2");
  auto foreign_keys = store->WriterPragma("foreign_keys");
  DB_ASSERT_OK(foreign_keys);
  EXPECT_EQ(*foreign_keys, "1");
  // WAL mode is recorded in the file itself, so every other opener uses it too.
  RawDatabase raw(path_);
  EXPECT_EQ(raw.Column("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
}

// Test that a new file gets every migration, each recorded in schema_migrations.
TEST_F(SqliteStoreTest, EmptyFileIsMigratedToTheLatestSchema) {
  std::ofstream(path_).close();  // an existing, empty file
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto version = store->SchemaVersion();
  DB_ASSERT_OK(version);
  EXPECT_EQ(*version, sqlite::LatestSchemaVersion());
  RawDatabase raw(path_);
  std::vector<std::string> versions = raw.Column("SELECT version FROM schema_migrations");
  EXPECT_EQ(versions.size(), sqlite::SchemaMigrations().size());
  for (const char* table : {"requests", "grants", "audit", "outbox"}) {
    EXPECT_EQ(raw.Column(std::string("SELECT name FROM sqlite_schema WHERE name = '") + table + "'")
                  .size(),
              1u)
        << table;
  }
}

// Test that a database at an older schema version is upgraded on open, keeping its rows.
TEST_F(SqliteStoreTest, OlderDatabaseIsUpgradedOnOpen) {
  {
    RawDatabase raw(path_);
    const sqlite::Migration& first = sqlite::SchemaMigrations().front();
    ASSERT_EQ(raw.Exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                       "description TEXT NOT NULL, applied_at INTEGER NOT NULL)"),
              "");
    ASSERT_EQ(raw.Exec(std::string(first.sql)), "");
    ASSERT_EQ(raw.Exec("INSERT INTO schema_migrations VALUES (1, 'v1', 0)"), "");
    ASSERT_EQ(raw.Exec("INSERT INTO audit VALUES ('default', 1, 5, 'user:a', 't', 's', '{}', "
                       "'0000000000000000000000000000000000000000000000000000000000000000', 'h1')"),
              "");
    // Before the upgrade nothing protects the audit rows.
    EXPECT_TRUE(raw.Column("SELECT name FROM sqlite_schema WHERE type = 'trigger'").empty());
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto version = store->SchemaVersion();
  DB_ASSERT_OK(version);
  EXPECT_EQ(*version, sqlite::LatestSchemaVersion());
  auto audit = store->ReadAudit({.tenant = "default"});
  DB_ASSERT_OK(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].hash, "h1");
  RawDatabase raw(path_);
  EXPECT_EQ(
      raw.Column("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit'")
          .size(),
      2u);
}

// Test that a database written by a newer drawbridge is refused with a clear error.
TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  { ASSERT_NE(Open(), nullptr); }
  {
    RawDatabase raw(path_);
    ASSERT_EQ(raw.Exec("INSERT INTO schema_migrations VALUES (999, 'from the future', 0)"), "");
  }
  auto store = SqliteStore::Open({.path = path_});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("schema version 999"));
  EXPECT_THAT(store.status().message(), HasSubstr("newer"));
}

// Test that a missing file is kNotFound when the caller did not ask to create it.
TEST_F(SqliteStoreTest, MissingFileWithoutCreateIsNotFound) {
  auto store = SqliteStore::Open({.path = path_, .create_if_missing = false});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

// Test that a file that is not a database is reported as damaged, not overwritten.
TEST_F(SqliteStoreTest, NonDatabaseFileIsDataLoss) {
  std::ofstream(path_) << std::string(4096, 'x');
  auto store = SqliteStore::Open({.path = path_});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss) << store.status().ToString();
}

// Test that the triggers refuse UPDATE and DELETE of audit rows through plain SQL, so
// tampering first needs the triggers dropped.
TEST_F(SqliteStoreTest, AuditRowsRefuseUpdateAndDelete) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    CommitRequestWithAudit(*store, "r-1");
  }
  RawDatabase raw(path_);
  EXPECT_THAT(raw.Exec("UPDATE audit SET actor = 'user:mallory'"), HasSubstr("append-only"));
  EXPECT_THAT(raw.Exec("DELETE FROM audit"), HasSubstr("append-only"));
  EXPECT_EQ(raw.Column("SELECT actor FROM audit"), std::vector<std::string>{"user:alice"});

  // With the trigger gone the same statement goes through: it was the trigger that refused.
  ASSERT_EQ(raw.Exec("DROP TRIGGER audit_no_update"), "");
  EXPECT_EQ(raw.Exec("UPDATE audit SET actor = 'user:mallory'"), "");
}

// Test that loading grants by state reads only the covering index, in order, without a sort.
TEST_F(SqliteStoreTest, ActiveGrantLoadUsesTheCoveringIndex) {
  { ASSERT_NE(Open(), nullptr); }
  RawDatabase raw(path_);
  std::vector<std::string> plan =
      raw.Column(std::string("EXPLAIN QUERY PLAN SELECT ") + sqlite::kGrantColumns +
                     " FROM grants WHERE tenant = ?1 AND state = ?2 ORDER BY created_at, id "
                     "LIMIT ?4",
                 3);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_THAT(plan[0], HasSubstr("COVERING INDEX grants_by_state"));
}

// Every row's `detail` column of EXPLAIN QUERY PLAN for `sql`.
std::vector<std::string> QueryPlan(RawDatabase& raw, const std::string& sql) {
  return raw.Column("EXPLAIN QUERY PLAN " + sql, 3);
}

// Test that the sweep's due grants are read through indexes that hold only what may be due (the
// active grants by expiry; the approved requests, whose grants are scheduled), never by walking
// every active grant, so a sweep costs what is due, not what is held.
TEST_F(SqliteStoreTest, DueGrantsReadOnlyWhatMayBeDue) {
  { ASSERT_NE(Open(), nullptr); }
  RawDatabase raw(path_);
  std::vector<std::string> plan = QueryPlan(raw, sqlite::DueGrantsSql());
  EXPECT_THAT(plan, Contains(HasSubstr("INDEX grants_due_to_expire (tenant=? AND expires_at<?)")));
  EXPECT_THAT(plan, Contains(HasSubstr("INDEX requests_by_state (tenant=? AND state=?)")));
  EXPECT_THAT(plan, Contains(HasSubstr("SEARCH g USING PRIMARY KEY (tenant=? AND id=?)")));
  EXPECT_THAT(plan, Each(Not(HasSubstr("SCAN"))));
  EXPECT_THAT(plan, Each(Not(HasSubstr("grants_by_state"))));
}

// Test that one requester's requests in one state (the open-request cap) are one range of an
// index led by (tenant, requester, state), in list order without a sort, so the cap reads that
// requester's open requests and not every request they ever made.
TEST_F(SqliteStoreTest, RequesterRequestsInOneStateAreOneIndexRange) {
  { ASSERT_NE(Open(), nullptr); }
  RawDatabase raw(path_);
  std::vector<std::string> plan =
      QueryPlan(raw, sqlite::ListRequestsSql(/*by_state=*/true, /*by_requester=*/true));
  ASSERT_EQ(plan.size(), 1u) << ::testing::PrintToString(plan);
  EXPECT_THAT(plan[0], HasSubstr("INDEX requests_by_requester_state (tenant=? AND requester=? AND "
                                 "state=?)"));
}

// Test that a write the file has no room for fails as kUnavailable and leaves the store usable.
TEST_F(SqliteStoreTest, FullDatabaseIsUnavailable) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto page_count = store->WriterPragma("page_count");
  DB_ASSERT_OK(page_count);
  DB_ASSERT_OK(store->WriterPragma("max_page_count = " + *page_count));

  auto transaction = store->Begin();
  DB_ASSERT_OK(transaction);
  Request big = SampleRequest("default", "r-big");
  big.payload = std::string(1 << 20, 'x');
  Status status = (*transaction)->PutRequest(big);
  if (status.ok()) status = (*transaction)->Commit();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  transaction->reset();

  DB_ASSERT_OK(store->WriterPragma("max_page_count = 1073741823"));
  CommitRequestWithAudit(*store, "r-small");
}

// Test that a stored value that cannot be a field (a damaged or hand-edited row) is kDataLoss.
TEST_F(SqliteStoreTest, UnknownStoredStateIsDataLoss) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  CommitRequestWithAudit(*store, "r-1");
  {
    RawDatabase raw(path_);
    ASSERT_EQ(raw.Exec("UPDATE requests SET state = 'bogus'"), "");
  }
  EXPECT_EQ(store->GetRequest("default", "r-1").status().code(), StatusCode::kDataLoss);
}

// Test that two stores on the same file (as two processes would be) both write without errors:
// BEGIN IMMEDIATE and the busy timeout serialise them.
TEST_F(SqliteStoreTest, TwoOpenersOnOneFileSerialise) {
  auto first = Open();
  auto second = Open();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  constexpr int kEach = 15;
  std::thread other([&] {
    for (int i = 0; i < kEach; ++i) CommitRequestWithAudit(*second, "b-" + std::to_string(i));
  });
  for (int i = 0; i < kEach; ++i) CommitRequestWithAudit(*first, "a-" + std::to_string(i));
  other.join();
  auto audit = first->ReadAudit({.tenant = "default"});
  DB_ASSERT_OK(audit);
  ASSERT_EQ(audit->size(), 2u * kEach);
  for (size_t i = 0; i < audit->size(); ++i) EXPECT_EQ((*audit)[i].seq, i + 1);
}

// The permission bits of `path`.
std::filesystem::perms ModeOf(const std::string& path) {
  return std::filesystem::status(path).permissions() & std::filesystem::perms::mask;
}

// Sets the process umask for one scope (a 022 umask would otherwise make 0644 files).
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t old_;
};

// Test that a new database and its -wal and -shm files are readable by their owner only, even
// under a permissive umask: they hold reasons, payloads and token hashes.
TEST_F(SqliteStoreTest, NewDatabaseFilesAreOwnerOnly) {
  ScopedUmask umask(022);
  auto store = Open();
  ASSERT_NE(store, nullptr);
  CommitRequestWithAudit(*store, "r-1");
  using std::filesystem::perms;
  const perms owner_only = perms::owner_read | perms::owner_write;
  EXPECT_EQ(ModeOf(path_), owner_only);
  ASSERT_TRUE(std::filesystem::exists(path_ + "-wal"));
  EXPECT_EQ(ModeOf(path_ + "-wal"), owner_only);
  ASSERT_TRUE(std::filesystem::exists(path_ + "-shm"));
  EXPECT_EQ(ModeOf(path_ + "-shm"), owner_only);
}

// Test that an existing database file keeps the mode its owner gave it.
TEST_F(SqliteStoreTest, ExistingDatabaseFileKeepsItsMode) {
  ScopedUmask umask(022);
  std::ofstream(path_).close();
  using std::filesystem::perms;
  const perms group_readable = perms::owner_read | perms::owner_write | perms::group_read;
  std::filesystem::permissions(path_, group_readable);
  auto store = Open();
  ASSERT_NE(store, nullptr);
  CommitRequestWithAudit(*store, "r-1");
  EXPECT_EQ(ModeOf(path_), group_readable);
}

// Test that the list codec keeps any bytes, and reads standard JSON escapes.
TEST(ListCodecTest, RoundTripsAwkwardStrings) {
  std::vector<std::string> values = {"", AwkwardText("x"), std::string("nul\0byte", 8), "\xff\xfe"};
  std::vector<std::string> decoded;
  DB_ASSERT_OK(sqlite::DecodeStrings(sqlite::EncodeStrings(values), decoded));
  EXPECT_EQ(decoded, values);

  DB_ASSERT_OK(sqlite::DecodeStrings(R"([ "a\u00e9\/", "\ud83d\udd11" ])", decoded));
  EXPECT_EQ(decoded, (std::vector<std::string>{"a\xc3\xa9/", "\xf0\x9f\x94\x91"}));
}

// Test that reviews decode with keys in any order and unknown keys skipped.
TEST(ListCodecTest, ReviewsToleratesKeyOrderAndUnknownKeys) {
  std::vector<Review> reviews;
  DB_ASSERT_OK(sqlite::DecodeReviews(
      R"([{"at": 7, "extra": null, "approve": true, "reviewer": "user:bob", "v": 2}])", reviews));
  ASSERT_EQ(reviews.size(), 1u);
  EXPECT_EQ(reviews[0].reviewer, "user:bob");
  EXPECT_TRUE(reviews[0].approve);
  EXPECT_EQ(reviews[0].at, 7);
}

// Test that a review's group claims round-trip, that a review stored without them (as every review
// was before they were kept) reads none, and that claims that are not a list of strings are
// kDataLoss.
TEST(ListCodecTest, ReviewGroupClaims) {
  std::vector<Review> reviews;
  DB_ASSERT_OK(sqlite::DecodeReviews(
      sqlite::EncodeReviews({{.reviewer = "user:ivan", .approve = true, .group_claims = {"leads"}},
                             {.reviewer = "user:erin", .approve = true}}),
      reviews));
  ASSERT_EQ(reviews.size(), 2u);
  EXPECT_EQ(reviews[0].group_claims, std::vector<std::string>{"leads"});
  EXPECT_TRUE(reviews[1].group_claims.empty());
  DB_ASSERT_OK(sqlite::DecodeReviews(
      R"([{"reviewer":"user:bob","approve":true,"comment":"","at":1,"self_review":false,"auto_rule":""}])",
      reviews));
  ASSERT_EQ(reviews.size(), 1u);
  EXPECT_TRUE(reviews[0].group_claims.empty());
  EXPECT_EQ(sqlite::DecodeReviews(R"([{"group_claims": "leads"}])", reviews).code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(sqlite::DecodeReviews(R"([{"group_claims": [1]}])", reviews).code(),
            StatusCode::kDataLoss);
}

// Test that malformed list text is kDataLoss rather than a partial value.
TEST(ListCodecTest, MalformedTextIsDataLoss) {
  std::vector<std::string> strings;
  EXPECT_EQ(sqlite::DecodeStrings(R"(["open)", strings).code(), StatusCode::kDataLoss);
  EXPECT_EQ(sqlite::DecodeStrings(R"(["a"] trailing)", strings).code(), StatusCode::kDataLoss);
  std::vector<std::pair<std::string, std::string>> selector;
  EXPECT_EQ(sqlite::DecodeSelector(R"([["only-key"]])", selector).code(), StatusCode::kDataLoss);
  std::vector<Review> reviews;
  EXPECT_EQ(sqlite::DecodeReviews(R"([{"at": "soon"}])", reviews).code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace drawbridge::testing
