// FaultyStore: the fault injection that the service layer's fail-closed tests rely on.
#include "faulty_store.h"

#include "store/memory/memory_store.h"
#include "store_contract.h"

namespace drawbridge::testing {
namespace {

class FaultyStoreTest : public ::testing::Test {
 protected:
  FaultyStoreTest() : store_(MemoryStore::Create()) {}

  // Appends one audit event to the current head and commits; returns the first error.
  Status AppendOneAudit() {
    DB_ASSIGN_OR_RETURN(auto transaction, store_.Begin());
    DB_ASSIGN_OR_RETURN(AuditRecord head, transaction->AuditHead("default"));
    DB_RETURN_IF_ERROR(transaction->AppendAudit(NextAudit(head, "default")));
    return transaction->Commit();
  }

  size_t AuditCount() {
    auto events = store_.ReadAudit({.tenant = "default"});
    EXPECT_TRUE(events.ok());
    return events.ok() ? events->size() : 0;
  }

  FaultyStore store_;
};

// Test that an unarmed FaultyStore passes everything through.
TEST_F(FaultyStoreTest, PassesThroughWhenUnarmed) {
  DB_ASSERT_OK(AppendOneAudit());
  DB_ASSERT_OK(AppendOneAudit());
  EXPECT_EQ(AuditCount(), 2u);
  EXPECT_EQ(store_.faults_fired(), 0);
}

// Test that exactly the Nth AppendAudit fails with the given status, once, and reaches nothing.
TEST_F(FaultyStoreTest, FailsTheNthAppendAudit) {
  store_.FailNthAppendAudit(2, Unavailable("audit disk gone"));
  DB_ASSERT_OK(AppendOneAudit());
  Status failed = AppendOneAudit();
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable);
  EXPECT_EQ(failed.message(), "audit disk gone");
  DB_ASSERT_OK(AppendOneAudit());
  EXPECT_EQ(AuditCount(), 2u);
  EXPECT_EQ(store_.faults_fired(), 1);
}

// Test that the Nth AppendOutbox fails and the transaction can still be abandoned cleanly.
TEST_F(FaultyStoreTest, FailsTheNthAppendOutbox) {
  store_.FailNthAppendOutbox(1, DataLoss("outbox torn"));
  {
    auto transaction = store_.Begin();
    DB_ASSERT_OK(transaction);
    DB_ASSERT_OK((*transaction)->PutRequest(SampleRequest("default", "r-1")));
    OutboxMessage message = SampleOutbox("default", 0);
    EXPECT_EQ((*transaction)->AppendOutbox(message).code(), StatusCode::kDataLoss);
    EXPECT_EQ(message.id, 0);
  }
  auto request = store_.GetRequest("default", "r-1");
  DB_ASSERT_OK(request);
  EXPECT_FALSE(request->has_value());
}

// Test that a failed Commit returns the fault, rolls back everything in the transaction,
// releases the writer and refuses further use of the transaction.
TEST_F(FaultyStoreTest, FailedCommitRollsBack) {
  store_.FailNthCommit(1, Unavailable("disk full"));
  auto transaction = store_.Begin();
  DB_ASSERT_OK(transaction);
  DB_ASSERT_OK((*transaction)->PutRequest(SampleRequest("default", "r-1")));
  DB_ASSERT_OK((*transaction)->AppendAudit(NextAudit(AuditRecord{}, "default")));
  EXPECT_EQ((*transaction)->Commit().code(), StatusCode::kUnavailable);
  EXPECT_EQ((*transaction)->PutRequest(SampleRequest("default", "r-2")).code(),
            StatusCode::kFailedPrecondition);

  auto request = store_.GetRequest("default", "r-1");
  DB_ASSERT_OK(request);
  EXPECT_FALSE(request->has_value());
  EXPECT_EQ(AuditCount(), 0u);
  DB_ASSERT_OK(AppendOneAudit());  // the writer is free again
  EXPECT_EQ(AuditCount(), 1u);
}

// Test that re-arming replaces the pending fault of that operation only.
TEST_F(FaultyStoreTest, RearmingReplacesTheFault) {
  store_.FailNthCommit(1, Unavailable("first"));
  store_.FailNthCommit(2, Internal("second"));
  DB_ASSERT_OK(AppendOneAudit());
  EXPECT_EQ(AppendOneAudit().code(), StatusCode::kInternal);
  EXPECT_EQ(store_.faults_fired(), 1);
}

}  // namespace
}  // namespace drawbridge::testing
