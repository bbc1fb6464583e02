// The Store contract: every implementation must pass every test here.
#include "store_contract.h"

#include <atomic>
#include <thread>
#include <vector>

#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"

namespace drawbridge::testing {
namespace {

using ::testing::ElementsAre;

// Commits a request (and its grant, when given) in one transaction.
void PutAndCommit(Store& store, const Request& request, const Grant* grant = nullptr) {
  auto transaction = store.Begin();
  DB_ASSERT_OK(transaction);
  DB_ASSERT_OK((*transaction)->PutRequest(request));
  if (grant != nullptr) DB_ASSERT_OK((*transaction)->PutGrant(*grant));
  DB_ASSERT_OK((*transaction)->Commit());
}

Request MakeRequest(const std::string& tenant, const std::string& id, RequestState state,
                    const std::string& requester, int64_t created_at) {
  Request request = SampleRequest(tenant, id);
  request.state = state;
  request.requester = requester;
  request.created_at = created_at;
  return request;
}

template <typename Row>
std::vector<std::string> Ids(const std::vector<Row>& rows) {
  std::vector<std::string> ids;
  for (const Row& row : rows) ids.push_back(row.id);
  return ids;
}

// Test that requests are counted by state within their tenant, and states with none are absent.
TEST_P(StoreContractTest, CountsRequestsByStateWithinTheTenant) {
  PutAndCommit(*store_, MakeRequest("t1", "r-1", RequestState::kPending, "user:alice", 1));
  PutAndCommit(*store_, MakeRequest("t1", "r-2", RequestState::kPending, "user:bob", 2));
  PutAndCommit(*store_, MakeRequest("t1", "r-3", RequestState::kDenied, "user:alice", 3));
  PutAndCommit(*store_, MakeRequest("t2", "r-4", RequestState::kActive, "user:alice", 4));
  auto counts = store_->CountRequestsByState("t1");
  DB_ASSERT_OK(counts);
  EXPECT_EQ(*counts, (std::map<RequestState, uint64_t>{{RequestState::kPending, 2},
                                                       {RequestState::kDenied, 1}}));
  auto none = store_->CountRequestsByState("t3");
  DB_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

// Test that every field of a request, including reviews, selector and facts, survives a commit
// and is read back the same by the store and by a later transaction.
TEST_P(StoreContractTest, RequestRoundTripsEveryField) {
  const Request request = SampleRequest("default", "r-1");
  PutAndCommit(*store_, request);

  auto stored = store_->GetRequest("default", "r-1");
  DB_ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  ExpectSameRequest(**stored, request);

  auto transaction = Begin();
  auto in_transaction = transaction->GetRequest("default", "r-1");
  DB_ASSERT_OK(in_transaction);
  ASSERT_TRUE(in_transaction->has_value());
  ExpectSameRequest(**in_transaction, request);
}

// Test that a request with every list empty and every field at its default round-trips.
TEST_P(StoreContractTest, MinimalRequestRoundTrips) {
  Request request;
  request.id = "r-min";
  PutAndCommit(*store_, request);
  auto stored = store_->GetRequest("default", "r-min");
  DB_ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  ExpectSameRequest(**stored, request);
}

// Test that PutRequest replaces the stored request with the same tenant and id.
TEST_P(StoreContractTest, PutRequestReplaces) {
  Request request = SampleRequest("default", "r-1");
  PutAndCommit(*store_, request);
  request.state = RequestState::kActive;
  request.reviews.push_back({.reviewer = "user:dave", .approve = false, .at = 1700000099});
  request.facts.clear();
  PutAndCommit(*store_, request);

  auto stored = store_->GetRequest("default", "r-1");
  DB_ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  ExpectSameRequest(**stored, request);
}

// Test that every field of a grant survives a commit, and PutGrant replaces.
TEST_P(StoreContractTest, GrantRoundTripsEveryField) {
  Grant grant = SampleGrant("default", "g-1", "r-1");
  PutAndCommit(*store_, SampleRequest("default", "r-1"), &grant);

  auto stored = store_->GetGrant("default", "g-1");
  DB_ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  ExpectSameGrant(**stored, grant);

  grant.state = GrantState::kActive;
  grant.uses_left = -1;
  grant.scope.selector.clear();
  auto transaction = Begin();
  DB_ASSERT_OK(transaction->PutGrant(grant));
  auto in_transaction = transaction->GetGrant("default", "g-1");
  DB_ASSERT_OK(in_transaction);
  ASSERT_TRUE(in_transaction->has_value());
  ExpectSameGrant(**in_transaction, grant);
  DB_ASSERT_OK(transaction->Commit());

  stored = store_->GetGrant("default", "g-1");
  DB_ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  ExpectSameGrant(**stored, grant);
}

// Test that looking up an id that was never stored finds nothing, without an error.
TEST_P(StoreContractTest, MissingRowsAreAbsentNotErrors) {
  auto request = store_->GetRequest("default", "nope");
  DB_ASSERT_OK(request);
  EXPECT_FALSE(request->has_value());
  auto grant = store_->GetGrant("default", "nope");
  DB_ASSERT_OK(grant);
  EXPECT_FALSE(grant->has_value());
}

// Test that a record without a tenant or an id is refused.
TEST_P(StoreContractTest, RecordsNeedTenantAndId) {
  auto transaction = Begin();
  Request no_id = SampleRequest("default", "");
  EXPECT_EQ(transaction->PutRequest(no_id).code(), StatusCode::kInvalidArgument);
  Request no_tenant = SampleRequest("", "r-1");
  EXPECT_EQ(transaction->PutRequest(no_tenant).code(), StatusCode::kInvalidArgument);
  Grant grant = SampleGrant("", "g-1", "r-1");
  EXPECT_EQ(transaction->PutGrant(grant).code(), StatusCode::kInvalidArgument);
}

// Test that a grant must come from a request of its tenant: committing an orphan fails.
TEST_P(StoreContractTest, GrantWithoutItsRequestDoesNotCommit) {
  auto transaction = Begin();
  DB_ASSERT_OK(transaction->PutGrant(SampleGrant("default", "g-1", "missing")));
  EXPECT_EQ(transaction->Commit().code(), StatusCode::kFailedPrecondition);

  auto grant = store_->GetGrant("default", "g-1");
  DB_ASSERT_OK(grant);
  EXPECT_FALSE(grant->has_value());
  DB_EXPECT_OK(store_->Begin());  // the writer was released
}

// Test that writes are invisible outside their transaction until it commits.
TEST_P(StoreContractTest, UncommittedWritesAreInvisibleToReaders) {
  auto transaction = Begin();
  DB_ASSERT_OK(transaction->PutRequest(SampleRequest("default", "r-1")));

  auto outside = store_->GetRequest("default", "r-1");
  DB_ASSERT_OK(outside);
  EXPECT_FALSE(outside->has_value());

  DB_ASSERT_OK(transaction->Commit());
  outside = store_->GetRequest("default", "r-1");
  DB_ASSERT_OK(outside);
  EXPECT_TRUE(outside->has_value());
}

// Test that a transaction destroyed without Commit leaves no request, grant, audit event or
// outbox message behind, and releases the writer.
TEST_P(StoreContractTest, RollbackOnDestructionLeavesNothing) {
  {
    auto transaction = Begin();
    DB_ASSERT_OK(transaction->PutRequest(SampleRequest("default", "r-1")));
    DB_ASSERT_OK(transaction->PutGrant(SampleGrant("default", "g-1", "r-1")));
    DB_ASSERT_OK(transaction->AppendAudit(NextAudit(AuditRecord{}, "default")));
    OutboxMessage message = SampleOutbox("default", 0);
    DB_ASSERT_OK(transaction->AppendOutbox(message));
  }
  auto request = store_->GetRequest("default", "r-1");
  DB_ASSERT_OK(request);
  EXPECT_FALSE(request->has_value());
  auto grant = store_->GetGrant("default", "g-1");
  DB_ASSERT_OK(grant);
  EXPECT_FALSE(grant->has_value());
  auto audit = store_->ReadAudit({.tenant = "default"});
  DB_ASSERT_OK(audit);
  EXPECT_TRUE(audit->empty());
  auto outbox = store_->DueOutbox(INT64_MAX, 100);
  DB_ASSERT_OK(outbox);
  EXPECT_TRUE(outbox->empty());

  auto transaction = Begin();
  auto head = transaction->AuditHead("default");
  DB_ASSERT_OK(head);
  EXPECT_EQ(head->seq, 0u);
}

// Test that a committed transaction refuses any further use.
TEST_P(StoreContractTest, TransactionIsUnusableAfterCommit) {
  auto transaction = Begin();
  DB_ASSERT_OK(transaction->PutRequest(SampleRequest("default", "r-1")));
  DB_ASSERT_OK(transaction->Commit());

  EXPECT_EQ(transaction->Commit().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(transaction->PutRequest(SampleRequest("default", "r-2")).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(transaction->GetRequest("default", "r-1").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(transaction->AuditHead("default").status().code(), StatusCode::kFailedPrecondition);
  OutboxMessage message = SampleOutbox("default", 0);
  EXPECT_EQ(transaction->AppendOutbox(message).code(), StatusCode::kFailedPrecondition);
}

// Test that Commit releases the writer: another transaction can start while the committed one
// still exists.
TEST_P(StoreContractTest, CommitReleasesTheWriter) {
  auto first = Begin();
  DB_ASSERT_OK(first->Commit());
  auto second = Begin();  // would wait forever if the first still held the writer
  ASSERT_NE(second, nullptr);
  DB_EXPECT_OK(second->Commit());
}

// Test that requests list in (created_at, id) order and filter by state and requester.
TEST_P(StoreContractTest, ListRequestsFiltersAndOrders) {
  PutAndCommit(*store_, MakeRequest("default", "r-c", RequestState::kPending, "user:alice", 20));
  PutAndCommit(*store_, MakeRequest("default", "r-b", RequestState::kPending, "user:bob", 10));
  PutAndCommit(*store_, MakeRequest("default", "r-a", RequestState::kDenied, "user:alice", 20));
  PutAndCommit(*store_, MakeRequest("default", "r-d", RequestState::kPending, "user:alice", 5));

  auto all = store_->ListRequests({.tenant = "default"});
  DB_ASSERT_OK(all);
  EXPECT_THAT(Ids(*all), ElementsAre("r-d", "r-b", "r-a", "r-c"));

  auto pending = store_->ListRequests({.tenant = "default", .state = RequestState::kPending});
  DB_ASSERT_OK(pending);
  EXPECT_THAT(Ids(*pending), ElementsAre("r-d", "r-b", "r-c"));

  auto alices = store_->ListRequests({.tenant = "default", .requester = "user:alice"});
  DB_ASSERT_OK(alices);
  EXPECT_THAT(Ids(*alices), ElementsAre("r-d", "r-a", "r-c"));

  auto alices_pending = store_->ListRequests(
      {.tenant = "default", .state = RequestState::kPending, .requester = "user:alice"});
  DB_ASSERT_OK(alices_pending);
  EXPECT_THAT(Ids(*alices_pending), ElementsAre("r-d", "r-c"));

  auto first_two = store_->ListRequests({.tenant = "default", .limit = 2});
  DB_ASSERT_OK(first_two);
  EXPECT_THAT(Ids(*first_two), ElementsAre("r-d", "r-b"));

  auto none = store_->ListRequests({.tenant = "default", .state = RequestState::kExpired});
  DB_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

// Test that grants list in (created_at, id) order and filter by state and principal, and that
// listed grants carry every field.
TEST_P(StoreContractTest, ListGrantsFiltersAndOrders) {
  auto transaction = Begin();
  DB_ASSERT_OK(transaction->PutRequest(SampleRequest("default", "r-1")));
  auto grant = [](const std::string& id, GrantState state, const std::string& principal,
                  int64_t created_at) {
    Grant g = SampleGrant("default", id, "r-1");
    g.state = state;
    g.principal = principal;
    g.created_at = created_at;
    return g;
  };
  const Grant g3 = grant("g-3", GrantState::kActive, "user:alice", 30);
  DB_ASSERT_OK(transaction->PutGrant(g3));
  DB_ASSERT_OK(transaction->PutGrant(grant("g-2", GrantState::kActive, "user:bob", 20)));
  DB_ASSERT_OK(transaction->PutGrant(grant("g-1", GrantState::kExpired, "user:alice", 30)));
  DB_ASSERT_OK(transaction->PutGrant(grant("g-0", GrantState::kActive, "user:alice", 40)));
  DB_ASSERT_OK(transaction->Commit());

  auto all = store_->ListGrants({.tenant = "default"});
  DB_ASSERT_OK(all);
  EXPECT_THAT(Ids(*all), ElementsAre("g-2", "g-1", "g-3", "g-0"));

  auto active = store_->ListGrants({.tenant = "default", .state = GrantState::kActive});
  DB_ASSERT_OK(active);
  EXPECT_THAT(Ids(*active), ElementsAre("g-2", "g-3", "g-0"));
  ExpectSameGrant((*active)[1], g3);

  auto alices = store_->ListGrants({.tenant = "default", .principal = "user:alice"});
  DB_ASSERT_OK(alices);
  EXPECT_THAT(Ids(*alices), ElementsAre("g-1", "g-3", "g-0"));

  auto alices_active = store_->ListGrants(
      {.tenant = "default", .state = GrantState::kActive, .principal = "user:alice", .limit = 1});
  DB_ASSERT_OK(alices_active);
  EXPECT_THAT(Ids(*alices_active), ElementsAre("g-3"));
}

// Test that the audit head starts empty, follows appends inside the transaction and after the
// commit, and that events read back whole and in order.
TEST_P(StoreContractTest, AuditHeadFollowsAppends) {
  auto transaction = Begin();
  auto head = transaction->AuditHead("default");
  DB_ASSERT_OK(head);
  EXPECT_EQ(head->seq, 0u);
  EXPECT_EQ(head->hash, "");

  const AuditRecord first = NextAudit(*head, "default");
  DB_ASSERT_OK(transaction->AppendAudit(first));
  head = transaction->AuditHead("default");
  DB_ASSERT_OK(head);
  ExpectSameAudit(*head, first);
  const AuditRecord second = NextAudit(first, "default");
  DB_ASSERT_OK(transaction->AppendAudit(second));
  DB_ASSERT_OK(transaction->Commit());

  auto events = store_->ReadAudit({.tenant = "default"});
  DB_ASSERT_OK(events);
  ASSERT_EQ(events->size(), 2u);
  ExpectSameAudit((*events)[0], first);
  ExpectSameAudit((*events)[1], second);

  auto next = Begin();
  head = next->AuditHead("default");
  DB_ASSERT_OK(head);
  ExpectSameAudit(*head, second);
}

// Test that an event whose seq is not head.seq + 1 is refused, and the chain is unchanged.
TEST_P(StoreContractTest, AuditAppendRequiresTheNextSeq) {
  auto transaction = Begin();
  AuditRecord first = NextAudit(AuditRecord{}, "default");
  DB_ASSERT_OK(transaction->AppendAudit(first));

  AuditRecord gap = NextAudit(first, "default");
  gap.seq = 3;
  EXPECT_EQ(transaction->AppendAudit(gap).code(), StatusCode::kFailedPrecondition);
  AuditRecord repeat = NextAudit(AuditRecord{}, "default");
  EXPECT_EQ(transaction->AppendAudit(repeat).code(), StatusCode::kFailedPrecondition);

  // The transaction is still good after a refused append.
  DB_ASSERT_OK(transaction->AppendAudit(NextAudit(first, "default")));
  DB_ASSERT_OK(transaction->Commit());
  auto events = store_->ReadAudit({.tenant = "default"});
  DB_ASSERT_OK(events);
  EXPECT_EQ(events->size(), 2u);
}

// Test that an event that does not link to the head's hash (or, first, to kGenesisPrevHash) is
// refused.
TEST_P(StoreContractTest, AuditAppendRequiresTheHeadHash) {
  auto transaction = Begin();
  AuditRecord first = NextAudit(AuditRecord{}, "default");
  EXPECT_EQ(first.prev_hash, kGenesisPrevHash);
  first.prev_hash = "";
  EXPECT_EQ(transaction->AppendAudit(first).code(), StatusCode::kFailedPrecondition);

  first.prev_hash = std::string(kGenesisPrevHash);
  DB_ASSERT_OK(transaction->AppendAudit(first));
  AuditRecord second = NextAudit(first, "default");
  second.prev_hash = "hash-of-something-else";
  EXPECT_EQ(transaction->AppendAudit(second).code(), StatusCode::kFailedPrecondition);
  second.prev_hash = first.hash;
  DB_EXPECT_OK(transaction->AppendAudit(second));
}

// Test that ReadAudit returns events after a seq, up to a limit.
TEST_P(StoreContractTest, ReadAuditPagesBySeq) {
  auto transaction = Begin();
  AuditRecord head;
  for (int i = 0; i < 5; ++i) {
    head = NextAudit(head, "default");
    DB_ASSERT_OK(transaction->AppendAudit(head));
  }
  DB_ASSERT_OK(transaction->Commit());

  auto page = store_->ReadAudit({.tenant = "default", .after_seq = 1, .limit = 2});
  DB_ASSERT_OK(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].seq, 2u);
  EXPECT_EQ((*page)[1].seq, 3u);
  auto rest = store_->ReadAudit({.tenant = "default", .after_seq = 3});
  DB_ASSERT_OK(rest);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[1].seq, 5u);
}

// Test that each tenant has its own audit chain starting at seq 1.
TEST_P(StoreContractTest, AuditChainsArePerTenant) {
  auto transaction = Begin();
  AuditRecord a1 = NextAudit(AuditRecord{}, "a");
  DB_ASSERT_OK(transaction->AppendAudit(a1));
  DB_ASSERT_OK(transaction->AppendAudit(NextAudit(a1, "a")));
  DB_ASSERT_OK(transaction->AppendAudit(NextAudit(AuditRecord{}, "b")));
  auto head_b = transaction->AuditHead("b");
  DB_ASSERT_OK(head_b);
  EXPECT_EQ(head_b->seq, 1u);
  DB_ASSERT_OK(transaction->Commit());

  auto events_b = store_->ReadAudit({.tenant = "b"});
  DB_ASSERT_OK(events_b);
  ASSERT_EQ(events_b->size(), 1u);
  EXPECT_EQ((*events_b)[0].tenant, "b");
}

// Test that reading as tenant "b" never returns tenant "a"'s rows, even under the same ids.
TEST_P(StoreContractTest, TenantsAreIsolated) {
  Request request_a = MakeRequest("a", "r-1", RequestState::kPending, "user:alice", 1);
  request_a.reason = "tenant a";
  Grant grant_a = SampleGrant("a", "g-1", "r-1");
  grant_a.state = GrantState::kActive;
  PutAndCommit(*store_, request_a, &grant_a);
  PutAndCommit(*store_, MakeRequest("a", "r-2", RequestState::kPending, "user:alice", 2));
  Request request_b = MakeRequest("b", "r-1", RequestState::kPending, "user:alice", 1);
  request_b.reason = "tenant b";
  PutAndCommit(*store_, request_b);

  auto read_b = store_->GetRequest("b", "r-1");
  DB_ASSERT_OK(read_b);
  ASSERT_TRUE(read_b->has_value());
  EXPECT_EQ((*read_b)->reason, "tenant b");
  auto missing = store_->GetRequest("b", "r-2");
  DB_ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());
  auto grant_b = store_->GetGrant("b", "g-1");
  DB_ASSERT_OK(grant_b);
  EXPECT_FALSE(grant_b->has_value());

  auto list_b = store_->ListRequests({.tenant = "b"});
  DB_ASSERT_OK(list_b);
  ASSERT_EQ(list_b->size(), 1u);
  EXPECT_EQ((*list_b)[0].tenant, "b");
  auto pending_b = store_->ListRequests(
      {.tenant = "b", .state = RequestState::kPending, .requester = "user:alice"});
  DB_ASSERT_OK(pending_b);
  EXPECT_EQ(pending_b->size(), 1u);
  auto grants_b = store_->ListGrants({.tenant = "b", .state = GrantState::kActive});
  DB_ASSERT_OK(grants_b);
  EXPECT_TRUE(grants_b->empty());
  auto grants_c = store_->ListGrants({.tenant = "c"});
  DB_ASSERT_OK(grants_c);
  EXPECT_TRUE(grants_c->empty());

  // A grant cannot hang off another tenant's request.
  auto transaction = Begin();
  DB_ASSERT_OK(transaction->PutGrant(SampleGrant("b", "g-9", "r-2")));
  EXPECT_EQ(transaction->Commit().code(), StatusCode::kFailedPrecondition);
}

// Test that outbox ids increase, DueOutbox returns undelivered messages due by `now` in
// (next_attempt_at, id) order up to a limit, and MarkOutbox records an attempt.
TEST_P(StoreContractTest, OutboxDeliveryCycle) {
  std::vector<OutboxMessage> messages = {SampleOutbox("a", 100), SampleOutbox("b", 50),
                                         SampleOutbox("a", 300), SampleOutbox("a", 50)};
  auto transaction = Begin();
  for (OutboxMessage& message : messages) DB_ASSERT_OK(transaction->AppendOutbox(message));
  DB_ASSERT_OK(transaction->Commit());
  for (size_t i = 1; i < messages.size(); ++i) EXPECT_GT(messages[i].id, messages[i - 1].id);

  auto due = store_->DueOutbox(100, 10);
  DB_ASSERT_OK(due);
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[0].id, messages[1].id);
  EXPECT_EQ((*due)[1].id, messages[3].id);
  EXPECT_EQ((*due)[2].id, messages[0].id);
  EXPECT_EQ((*due)[0].tenant, "b");
  EXPECT_EQ((*due)[0].payload, messages[1].payload);
  EXPECT_EQ((*due)[0].event_type, "request.created");
  EXPECT_EQ((*due)[0].created_at, 1700000000);
  EXPECT_EQ((*due)[0].attempts, 0);
  EXPECT_FALSE((*due)[0].delivered);

  auto limited = store_->DueOutbox(100, 1);
  DB_ASSERT_OK(limited);
  ASSERT_EQ(limited->size(), 1u);

  const OutboxMark round[] = {{.id = messages[1].id, .delivered = true},
                              {.id = messages[3].id, .delivered = false, .next_attempt_at = 200}};
  DB_ASSERT_OK(store_->MarkOutbox(round));
  due = store_->DueOutbox(100, 10);
  DB_ASSERT_OK(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, messages[0].id);

  due = store_->DueOutbox(1000, 10);
  DB_ASSERT_OK(due);
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[0].id, messages[0].id);
  EXPECT_EQ((*due)[1].id, messages[3].id);
  EXPECT_EQ((*due)[1].attempts, 1);
  EXPECT_EQ((*due)[1].next_attempt_at, 200);
  EXPECT_FALSE((*due)[1].delivered);
  EXPECT_EQ((*due)[2].id, messages[2].id);

  // An unknown message is reported; the others of the same round are still recorded.
  const OutboxMark with_unknown[] = {{.id = messages.back().id + 1000, .delivered = true},
                                     {.id = messages[0].id, .delivered = true}};
  EXPECT_EQ(store_->MarkOutbox(with_unknown).code(), StatusCode::kNotFound);
  due = store_->DueOutbox(1000, 10);
  DB_ASSERT_OK(due);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, messages[3].id);
}

// Test that writers on several threads, each committing read-modify-write transactions, are
// serialised: no update is lost and the audit chain has no gap.
TEST_P(StoreContractTest, ConcurrentWritersLoseNothing) {
  constexpr int kThreads = 4;
  constexpr int kTransactionsPerThread = 20;
  Request counter = SampleRequest("default", "counter");
  counter.uses = 0;
  PutAndCommit(*store_, counter);

  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kTransactionsPerThread; ++i) {
        auto transaction = store_->Begin();
        if (!transaction.ok()) {
          ++failures;
          continue;
        }
        StoreTransaction& tx = **transaction;
        auto current = tx.GetRequest("default", "counter");
        auto head = tx.AuditHead("default");
        if (!current.ok() || !current->has_value() || !head.ok()) {
          ++failures;
          continue;
        }
        Request next = **current;
        next.uses += 1;
        Request own = SampleRequest("default", "t" + std::to_string(t) + "-" + std::to_string(i));
        OutboxMessage message = SampleOutbox("default", 0);
        if (!tx.PutRequest(next).ok() || !tx.PutRequest(own).ok() ||
            !tx.AppendAudit(NextAudit(*head, "default")).ok() || !tx.AppendOutbox(message).ok() ||
            !tx.Commit().ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failures, 0);
  constexpr int kTotal = kThreads * kTransactionsPerThread;
  auto final_counter = store_->GetRequest("default", "counter");
  DB_ASSERT_OK(final_counter);
  ASSERT_TRUE(final_counter->has_value());
  EXPECT_EQ((*final_counter)->uses, kTotal);
  auto requests = store_->ListRequests({.tenant = "default"});
  DB_ASSERT_OK(requests);
  EXPECT_EQ(requests->size(), static_cast<size_t>(kTotal + 1));
  auto audit = store_->ReadAudit({.tenant = "default", .limit = 1000});
  DB_ASSERT_OK(audit);
  ASSERT_EQ(audit->size(), static_cast<size_t>(kTotal));
  for (size_t i = 0; i < audit->size(); ++i) EXPECT_EQ((*audit)[i].seq, i + 1);
  auto outbox = store_->DueOutbox(0, 1000);
  DB_ASSERT_OK(outbox);
  EXPECT_EQ(outbox->size(), static_cast<size_t>(kTotal));
}

// Test that readers on other threads see only whole transactions while a writer commits: each
// transaction adds two requests, so a reader never counts an odd number.
TEST_P(StoreContractTest, ReadersSeeWholeTransactions) {
  constexpr int kTransactions = 30;
  std::atomic<bool> done = false;
  std::atomic<int> reads = 0;
  std::atomic<int> torn = 0;
  std::thread reader([&] {
    do {
      auto requests = store_->ListRequests({.tenant = "default"});
      if (!requests.ok()) continue;
      ++reads;
      if (requests->size() % 2 != 0) ++torn;
    } while (!done);
  });
  for (int i = 0; i < kTransactions; ++i) {
    auto transaction = Begin();
    DB_ASSERT_OK(transaction->PutRequest(SampleRequest("default", "r-" + std::to_string(i))));
    DB_ASSERT_OK(transaction->PutRequest(SampleRequest("default", "s-" + std::to_string(i))));
    DB_ASSERT_OK(transaction->Commit());
  }
  done = true;
  reader.join();
  EXPECT_GT(reads, 0);
  EXPECT_EQ(torn, 0);
}

std::unique_ptr<Store> OpenMemory(const TempDir&) {
  return MemoryStore::Create();
}

std::unique_ptr<Store> OpenSqlite(const TempDir& dir) {
  auto store = SqliteStore::Open({.path = dir.File("drawbridge.db")});
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  return std::move(store).value();
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContractTest,
                         ::testing::Values(StoreImplementation{"Memory", OpenMemory},
                                           StoreImplementation{"Sqlite", OpenSqlite}),
                         [](const ::testing::TestParamInfo<StoreImplementation>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace drawbridge::testing
