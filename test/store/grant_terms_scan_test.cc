// The SQLite store's start-up load of active grant terms: the index read from both ends on two
// connections visits every active grant exactly once, on the caller's thread, whatever the
// spread of creation times, and leaves the read connections ready for later reads.
#include <sqlite3.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "store_contract.h"

namespace drawbridge::testing {
namespace {

class GrantTermsScanTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> OpenStore(int load_connections, int busy_timeout_ms = 5000) {
    auto store = SqliteStore::Open({.path = dir_.File("drawbridge.db"),
                                    .busy_timeout_ms = busy_timeout_ms,
                                    .grant_load_connections = load_connections});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Commits `count` grants; grant i is created at created_at(i) and ended when i % 9 == 4.
  void PutGrants(Store& store, int count, const std::function<int64_t(int)>& created_at) {
    auto transaction = store.Begin();
    DB_ASSERT_OK(transaction);
    DB_ASSERT_OK((*transaction)->PutRequest(SampleRequest("default", "r-1")));
    for (int i = 0; i < count; ++i) {
      Grant grant = SampleGrant("default", "g-" + std::to_string(i), "r-1");
      grant.state = i % 9 == 4 ? GrantState::kExpired : GrantState::kActive;
      grant.created_at = created_at(i);
      grant.not_before = i;
      DB_ASSERT_OK((*transaction)->PutGrant(grant));
      if (grant.state == GrantState::kActive) active_[grant.id] = grant;
    }
    DB_ASSERT_OK((*transaction)->Commit());
  }

  // Loads through `store`, expecting each active grant once with its own terms.
  void ExpectEveryActiveGrantOnce(Store& store) {
    std::map<std::string, int> visits;
    const std::thread::id caller = std::this_thread::get_id();
    Status status = store.ForEachActiveGrantTerms("default", [&](const GrantTerms& terms) {
      EXPECT_EQ(std::this_thread::get_id(), caller);
      auto it = active_.find(terms.id);
      EXPECT_NE(it, active_.end()) << terms.id << " is not an active grant";
      if (it != active_.end() && ++visits[terms.id] == 1) ExpectTermsOf(terms, it->second);
      return Status::Ok();
    });
    DB_ASSERT_OK(status);
    EXPECT_EQ(visits.size(), active_.size());
    for (const auto& [id, count] : visits) EXPECT_EQ(count, 1) << id;
  }

  TempDir dir_;
  std::map<std::string, Grant> active_;
};

// Test that with two connections every active grant is visited once, with many creation-time
// ties (the scans order ties by id) and more rows than one batch of each scan.
TEST_F(GrantTermsScanTest, BothEndsVisitEveryActiveGrantOnce) {
  auto store = OpenStore(2);
  ASSERT_NE(store, nullptr);
  PutGrants(*store, 6000, [](int i) { return 1700000000 + i % 13; });
  ExpectEveryActiveGrantOnce(*store);
  auto one_connection = OpenStore(1);
  ASSERT_NE(one_connection, nullptr);
  ExpectEveryActiveGrantOnce(*one_connection);
}

// Test that a lopsided spread of creation times (one old grant, the rest created together) still
// visits every grant once: the scans meet wherever the rows are, not at a middle time.
TEST_F(GrantTermsScanTest, LopsidedCreationTimesAreSplitCorrectly) {
  auto store = OpenStore(2);
  ASSERT_NE(store, nullptr);
  PutGrants(*store, 3000, [](int i) { return i == 0 ? int64_t{1} : int64_t{1700000000}; });
  ExpectEveryActiveGrantOnce(*store);
}

// Test that tiny and empty loads work from both ends.
TEST_F(GrantTermsScanTest, EmptyAndSingleGrantLoads) {
  auto store = OpenStore(2);
  ASSERT_NE(store, nullptr);
  ExpectEveryActiveGrantOnce(*store);
  PutGrants(*store, 1, [](int) { return 5; });
  ExpectEveryActiveGrantOnce(*store);
}

// Test that while another process holds the write lock the load falls back to one connection and
// still visits every grant.
TEST_F(GrantTermsScanTest, LoadsWhileAnotherWriterHoldsTheLock) {
  auto store = OpenStore(2, /*busy_timeout_ms=*/50);
  ASSERT_NE(store, nullptr);
  PutGrants(*store, 2000, [](int i) { return i; });
  auto other = OpenStore(2);
  ASSERT_NE(other, nullptr);
  auto writing = other->Begin();
  DB_ASSERT_OK(writing);
  ExpectEveryActiveGrantOnce(*store);
}

// Test that the connections used by a load are not left inside a read transaction: a grant
// committed after the load is seen by the store's later reads.
TEST_F(GrantTermsScanTest, LaterReadsSeeLaterCommits) {
  auto store = OpenStore(2);
  ASSERT_NE(store, nullptr);
  PutGrants(*store, 1500, [](int i) { return i; });
  ExpectEveryActiveGrantOnce(*store);
  Grant late = SampleGrant("default", "g-late", "r-1");
  late.state = GrantState::kActive;
  auto transaction = store->Begin();
  DB_ASSERT_OK(transaction);
  DB_ASSERT_OK((*transaction)->PutGrant(late));
  DB_ASSERT_OK((*transaction)->Commit());
  active_[late.id] = late;
  for (int i = 0; i < 3; ++i) {  // each of the pooled readers
    auto read = store->GetGrant("default", "g-late");
    DB_ASSERT_OK(read);
    EXPECT_TRUE(read->has_value());
  }
  ExpectEveryActiveGrantOnce(*store);
}

// Test that a stored row that cannot be a grant's terms fails the load with kDataLoss, from
// either end.
TEST_F(GrantTermsScanTest, DamagedRowIsDataLoss) {
  auto store = OpenStore(2);
  ASSERT_NE(store, nullptr);
  PutGrants(*store, 2000, [](int i) { return i; });
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("drawbridge.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "UPDATE grants SET kind = 'nonsense' WHERE id = 'g-1000'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  for (int connections : {1, 2}) {
    auto reopened = OpenStore(connections);
    ASSERT_NE(reopened, nullptr);
    Status status = reopened->ForEachActiveGrantTerms(
        "default", [](const GrantTerms&) { return Status::Ok(); });
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  }
}

}  // namespace
}  // namespace drawbridge::testing
