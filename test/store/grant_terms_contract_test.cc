// The Store contract for ForEachActiveGrantTerms (instantiated for every store with the rest of
// the contract in store_contract_test.cc).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "store_contract.h"

namespace drawbridge::testing {
namespace {

// Commits one request of `tenant` and the given grants (each from that request).
void PutGrants(Store& store, const std::string& tenant, const std::vector<Grant>& grants) {
  auto transaction = store.Begin();
  DB_ASSERT_OK(transaction);
  DB_ASSERT_OK((*transaction)->PutRequest(SampleRequest(tenant, "r-" + tenant)));
  for (Grant grant : grants) {
    grant.tenant = tenant;
    grant.request_id = "r-" + tenant;
    DB_ASSERT_OK((*transaction)->PutGrant(grant));
  }
  DB_ASSERT_OK((*transaction)->Commit());
}

Grant ActiveGrant(const std::string& id, int64_t created_at) {
  Grant grant = SampleGrant("default", id, "r-default");
  grant.state = GrantState::kActive;
  grant.created_at = created_at;
  grant.ended_at = 0;
  grant.ended_by.clear();
  return grant;
}

// Every visit's terms, by grant id; fails the test on a grant visited twice.
std::map<std::string, GrantTerms> VisitAll(Store& store, const std::string& tenant) {
  std::map<std::string, GrantTerms> seen;
  Status status = store.ForEachActiveGrantTerms(tenant, [&](const GrantTerms& terms) {
    EXPECT_TRUE(seen.emplace(terms.id, terms).second) << terms.id << " visited twice";
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return seen;
}

// Test that the terms of every active grant of the tenant are visited once each, equal to the
// stored grant field for field (awkward text included), and that ended grants and other
// tenants' grants are not.
TEST_P(StoreContractTest, ActiveGrantTermsAreThoseOfTheTenantsActiveGrants) {
  std::vector<Grant> grants;
  for (int i = 0; i < 40; ++i) {
    Grant grant = ActiveGrant("g-" + std::to_string(i), 1700000000 + i % 7);
    if (i % 2 == 0) {
      grant.kind = RequestKind::kAccess;
      grant.fingerprint.clear();
      grant.uses_left = -1;
    }
    if (i % 5 == 0) grant.state = GrantState::kExpired;
    grants.push_back(grant);
  }
  PutGrants(*store_, "default", grants);
  PutGrants(*store_, "other", {ActiveGrant("g-elsewhere", 1700000000)});

  std::map<std::string, GrantTerms> seen = VisitAll(*store_, "default");
  size_t active = 0;
  for (const Grant& grant : grants) {
    auto it = seen.find(grant.id);
    if (grant.state != GrantState::kActive) {
      EXPECT_EQ(it, seen.end()) << grant.id << " is not active";
      continue;
    }
    ++active;
    ASSERT_NE(it, seen.end()) << grant.id;
    ExpectTermsOf(it->second, grant);
  }
  EXPECT_EQ(seen.size(), active);
  EXPECT_EQ(VisitAll(*store_, "other").count("g-elsewhere"), 1u);
  EXPECT_TRUE(VisitAll(*store_, "nobody").empty());
}

// Test that the terms of a grant loaded through the fast path equal its stored record read back
// with GetGrant.
TEST_P(StoreContractTest, ActiveGrantTermsMatchGetGrant) {
  Grant grant = ActiveGrant("g-1", 1700000000);
  grant.scope.selector.clear();
  grant.actions = {AwkwardText("db.")};
  PutGrants(*store_, "default", {grant});
  auto stored = store_->GetGrant("default", "g-1");
  DB_ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  std::map<std::string, GrantTerms> seen = VisitAll(*store_, "default");
  ASSERT_EQ(seen.size(), 1u);
  ExpectTermsOf(seen.begin()->second, **stored);
}

// Test that the first error returned by the visitor stops the visits and is returned.
TEST_P(StoreContractTest, ActiveGrantTermsStopAtTheVisitorsError) {
  std::vector<Grant> grants;
  for (int i = 0; i < 3000; ++i) grants.push_back(ActiveGrant("g-" + std::to_string(i), i));
  PutGrants(*store_, "default", grants);
  int visits = 0;
  Status status = store_->ForEachActiveGrantTerms("default", [&](const GrantTerms&) {
    return ++visits == 10 ? Unavailable("index full") : Status::Ok();
  });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(visits, 10);
}

}  // namespace
}  // namespace drawbridge::testing
