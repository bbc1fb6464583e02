// The Store contract for ListDueGrants: the grants the expiry sweep acts on (instantiated for
// every store with the rest of the contract in store_contract_test.cc).
#include <string>
#include <vector>

#include "store_contract.h"

namespace drawbridge::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kNow = 1700005000;

// A grant in `state` and its own request in `request_state`, as the workflow leaves them: an
// approved request holds a scheduled grant, an active request a started one.
struct GrantCase {
  std::string id;
  GrantState state = GrantState::kActive;
  RequestState request_state = RequestState::kActive;
  int64_t not_before = kNow - 600;
  int64_t expires_at = kNow + 600;
  int64_t created_at = 1700000000;
};

Grant GrantOf(const std::string& tenant, const GrantCase& c) {
  Grant grant = SampleGrant(tenant, c.id, "r-" + c.id);
  grant.state = c.state;
  grant.not_before = c.not_before;
  grant.expires_at = c.expires_at;
  grant.created_at = c.created_at;
  if (c.state == GrantState::kActive) {
    grant.ended_at = 0;
    grant.ended_by.clear();
  }
  return grant;
}

// Commits each case's request and grant in one transaction.
void PutGrants(Store& store, const std::string& tenant, const std::vector<GrantCase>& cases) {
  auto transaction = store.Begin();
  DB_ASSERT_OK(transaction);
  for (const GrantCase& c : cases) {
    Request request = SampleRequest(tenant, "r-" + c.id);
    request.state = c.request_state;
    request.grant_id = c.id;
    DB_ASSERT_OK((*transaction)->PutRequest(request));
    DB_ASSERT_OK((*transaction)->PutGrant(GrantOf(tenant, c)));
  }
  DB_ASSERT_OK((*transaction)->Commit());
}

std::vector<std::string> DueIds(Store& store, const std::string& tenant, int64_t now,
                                size_t limit = 1000) {
  auto due = store.ListDueGrants(tenant, now, limit);
  EXPECT_TRUE(due.ok()) << due.status().ToString();
  std::vector<std::string> ids;
  if (due.ok()) {
    for (const Grant& grant : *due) ids.push_back(grant.id);
  }
  return ids;
}

// Test that the due grants are exactly the active grants whose time has run out (expires_at ==
// now included) and the scheduled ones whose start has come (not_before == now included), once
// each, in (created_at, id) order.
TEST_P(StoreContractTest, DueGrantsAreTheExpiredAndTheStartDueScheduledOnes) {
  const RequestState approved = RequestState::kApproved;
  PutGrants(
      *store_, "default",
      {
          {.id = "g-ran-out", .expires_at = kNow - 1, .created_at = 50},
          {.id = "g-runs-out-now", .expires_at = kNow, .created_at = 40},
          {.id = "g-running", .expires_at = kNow + 1, .created_at = 10},
          {.id = "g-starts-now", .request_state = approved, .not_before = kNow, .created_at = 30},
          {.id = "g-started-unrecorded",
           .request_state = approved,
           .not_before = kNow - 100,
           .created_at = 30},
          {.id = "g-starts-later",
           .request_state = approved,
           .not_before = kNow + 1,
           .created_at = 10},
          {.id = "g-scheduled-ran-out",
           .request_state = approved,
           .not_before = kNow - 100,
           .expires_at = kNow - 10,
           .created_at = 20},
          {.id = "g-revoked",
           .state = GrantState::kRevoked,
           .request_state = RequestState::kRevoked,
           .expires_at = kNow - 1},
          {.id = "g-expired",
           .state = GrantState::kExpired,
           .request_state = RequestState::kExpired,
           .expires_at = kNow - 1},
          {.id = "g-released",
           .state = GrantState::kReleased,
           .request_state = RequestState::kReleased,
           .expires_at = kNow - 1},
          {.id = "g-consumed",
           .state = GrantState::kConsumed,
           .request_state = RequestState::kConsumed,
           .expires_at = kNow - 1},
      });

  EXPECT_THAT(DueIds(*store_, "default", kNow),
              ElementsAre("g-scheduled-ran-out", "g-started-unrecorded", "g-starts-now",
                          "g-runs-out-now", "g-ran-out"));
}

// Test that a due grant comes back whole, every field as stored.
TEST_P(StoreContractTest, DueGrantsCarryEveryField) {
  PutGrants(*store_, "default", {{.id = "g-1", .expires_at = kNow}});
  auto due = store_->ListDueGrants("default", kNow, 10);
  DB_ASSERT_OK(due);
  ASSERT_EQ(due->size(), 1u);
  ExpectSameGrant((*due)[0], GrantOf("default", {.id = "g-1", .expires_at = kNow}));
}

// Test that nothing is due before its time: the same grants are not due a second earlier.
TEST_P(StoreContractTest, NothingIsDueBeforeItsTime) {
  PutGrants(*store_, "default",
            {{.id = "g-runs-out", .expires_at = kNow},
             {.id = "g-starts", .request_state = RequestState::kApproved, .not_before = kNow}});
  EXPECT_THAT(DueIds(*store_, "default", kNow - 1), IsEmpty());
  EXPECT_THAT(DueIds(*store_, "default", kNow), ElementsAre("g-runs-out", "g-starts"));
}

// Test that a tenant's due grants are only its own.
TEST_P(StoreContractTest, DueGrantsStayInTheirTenant) {
  PutGrants(*store_, "acme",
            {{.id = "g-acme-ran-out", .expires_at = kNow - 1},
             {.id = "g-acme-starts", .request_state = RequestState::kApproved}});
  PutGrants(*store_, "default", {{.id = "g-default-running"}});

  EXPECT_THAT(DueIds(*store_, "default", kNow), IsEmpty());
  EXPECT_THAT(DueIds(*store_, "acme", kNow), ElementsAre("g-acme-ran-out", "g-acme-starts"));
  EXPECT_THAT(DueIds(*store_, "nobody", kNow), IsEmpty());
}

// Test that the limit keeps the first due grants in list order, across both kinds of due grant.
TEST_P(StoreContractTest, DueGrantsRespectTheLimit) {
  PutGrants(*store_, "default",
            {
                {.id = "g-a", .expires_at = kNow - 1, .created_at = 40},
                {.id = "g-b", .request_state = RequestState::kApproved, .created_at = 10},
                {.id = "g-c", .expires_at = kNow - 1, .created_at = 30},
                {.id = "g-d", .request_state = RequestState::kApproved, .created_at = 20},
            });
  EXPECT_THAT(DueIds(*store_, "default", kNow, 3), ElementsAre("g-b", "g-d", "g-c"));
  EXPECT_THAT(DueIds(*store_, "default", kNow, 1), ElementsAre("g-b"));
  EXPECT_THAT(DueIds(*store_, "default", kNow, 0), IsEmpty());
}

// Test that a grant stops being due once the sweep has ended it or recorded its start.
TEST_P(StoreContractTest, HandledGrantsAreNoLongerDue) {
  PutGrants(*store_, "default",
            {{.id = "g-ran-out", .expires_at = kNow - 1},
             {.id = "g-starts", .request_state = RequestState::kApproved}});
  ASSERT_THAT(DueIds(*store_, "default", kNow), ElementsAre("g-ran-out", "g-starts"));

  PutGrants(*store_, "default",
            {{.id = "g-ran-out",
              .state = GrantState::kExpired,
              .request_state = RequestState::kExpired,
              .expires_at = kNow - 1},
             {.id = "g-starts"}});
  EXPECT_THAT(DueIds(*store_, "default", kNow), IsEmpty());
}

}  // namespace
}  // namespace drawbridge::testing
