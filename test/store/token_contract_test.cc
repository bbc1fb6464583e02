// The Store contract for API tokens: every implementation must pass every test here (the suite
// is instantiated for each store in store_contract_test.cc).
#include <string>
#include <vector>

#include "store_contract.h"

namespace drawbridge::testing {
namespace {

using ::testing::ElementsAre;

constexpr char kHashA[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kHashB[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
constexpr char kHashC[] = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
constexpr char kHashD[] = "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd";

void PutTokenAndCommit(Store& store, const ApiToken& token) {
  auto transaction = store.Begin();
  DB_ASSERT_OK(transaction);
  DB_ASSERT_OK((*transaction)->PutToken(token));
  DB_ASSERT_OK((*transaction)->Commit());
}

ApiToken MakeToken(const std::string& tenant, const std::string& id, const std::string& hash,
                   int64_t created_at, int64_t revoked_at) {
  ApiToken token = SampleToken(tenant, id, hash);
  token.created_at = created_at;
  token.revoked_at = revoked_at;
  token.revoked_by = revoked_at == 0 ? "" : "user:dave";
  return token;
}

std::vector<std::string> TokenIds(const std::vector<ApiToken>& tokens) {
  std::vector<std::string> ids;
  for (const ApiToken& token : tokens) ids.push_back(token.tenant + "/" + token.id);
  return ids;
}

// Test that every field of a token survives a commit and reads back the same from the store and
// from a later transaction.
TEST_P(StoreContractTest, TokenRoundTripsEveryField) {
  const ApiToken token = SampleToken("default", "t-1", kHashA);
  PutTokenAndCommit(*store_, token);

  auto stored = store_->GetToken("default", "t-1");
  DB_ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  ExpectSameToken(**stored, token);

  auto transaction = Begin();
  ASSERT_NE(transaction, nullptr);
  auto in_transaction = transaction->GetToken("default", "t-1");
  DB_ASSERT_OK(in_transaction);
  ASSERT_TRUE(in_transaction->has_value());
  ExpectSameToken(**in_transaction, token);
}

// Test that putting a token again replaces it, as revoking does.
TEST_P(StoreContractTest, PutTokenReplaces) {
  ApiToken token = MakeToken("default", "t-1", kHashA, 100, 0);
  PutTokenAndCommit(*store_, token);
  token.revoked_at = 200;
  token.revoked_by = "user:carol";
  PutTokenAndCommit(*store_, token);

  auto stored = store_->GetToken("default", "t-1");
  DB_ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  ExpectSameToken(**stored, token);
  auto all = store_->ListTokens({.tenant = "default"});
  DB_ASSERT_OK(all);
  EXPECT_EQ(all->size(), 1u);
}

// Test that a token is found only in its own tenant, and a missing one is absent, not an error.
TEST_P(StoreContractTest, TokenIsOnlyInItsTenant) {
  PutTokenAndCommit(*store_, SampleToken("acme", "t-1", kHashA));
  auto other_tenant = store_->GetToken("default", "t-1");
  DB_ASSERT_OK(other_tenant);
  EXPECT_FALSE(other_tenant->has_value());
  auto missing = store_->GetToken("acme", "t-2");
  DB_ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());
}

// Test that a token without tenant, id or hash is refused.
TEST_P(StoreContractTest, TokenNeedsTenantIdAndHash) {
  auto transaction = Begin();
  ASSERT_NE(transaction, nullptr);
  EXPECT_EQ(transaction->PutToken(SampleToken("", "t-1", kHashA)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(transaction->PutToken(SampleToken("default", "", kHashA)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(transaction->PutToken(SampleToken("default", "t-1", "")).code(),
            StatusCode::kInvalidArgument);
}

// Test that two tokens can never share a secret hash, even in different tenants: the second
// transaction does not commit and the first token is untouched.
TEST_P(StoreContractTest, TokenSecretHashIsUniqueAcrossTenants) {
  const ApiToken first = SampleToken("acme", "t-1", kHashA);
  PutTokenAndCommit(*store_, first);
  {
    auto transaction = Begin();
    ASSERT_NE(transaction, nullptr);
    Status put = transaction->PutToken(SampleToken("globex", "t-9", kHashA));
    Status commit = put.ok() ? transaction->Commit() : put;
    EXPECT_EQ(commit.code(), StatusCode::kFailedPrecondition) << commit.ToString();
  }
  auto all = store_->ListTokens({.all_tenants = true});
  DB_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 1u);
  ExpectSameToken(all->front(), first);
}

// Test that a token written in a transaction that is never committed leaves nothing behind.
TEST_P(StoreContractTest, UncommittedTokenLeavesNothing) {
  {
    auto transaction = Begin();
    ASSERT_NE(transaction, nullptr);
    DB_ASSERT_OK(transaction->PutToken(SampleToken("default", "t-1", kHashA)));
    auto seen_by_reader = store_->GetToken("default", "t-1");
    DB_ASSERT_OK(seen_by_reader);
    EXPECT_FALSE(seen_by_reader->has_value());
  }
  auto after = store_->GetToken("default", "t-1");
  DB_ASSERT_OK(after);
  EXPECT_FALSE(after->has_value());
}

// Test that ListTokens keeps to its tenant unless asked for all, leaves out revoked tokens when
// asked, and orders by tenant, created_at, then id.
TEST_P(StoreContractTest, ListTokensFiltersAndOrders) {
  PutTokenAndCommit(*store_, MakeToken("default", "t-b", kHashA, 300, 0));
  PutTokenAndCommit(*store_, MakeToken("default", "t-a", kHashB, 300, 400));
  PutTokenAndCommit(*store_, MakeToken("default", "t-c", kHashC, 100, 0));
  PutTokenAndCommit(*store_, MakeToken("acme", "t-z", kHashD, 50, 0));

  auto tenant = store_->ListTokens({.tenant = "default"});
  DB_ASSERT_OK(tenant);
  EXPECT_THAT(TokenIds(*tenant), ElementsAre("default/t-c", "default/t-a", "default/t-b"));

  auto live = store_->ListTokens({.tenant = "default", .include_revoked = false});
  DB_ASSERT_OK(live);
  EXPECT_THAT(TokenIds(*live), ElementsAre("default/t-c", "default/t-b"));

  auto all = store_->ListTokens({.all_tenants = true});
  DB_ASSERT_OK(all);
  EXPECT_THAT(TokenIds(*all), ElementsAre("acme/t-z", "default/t-c", "default/t-a", "default/t-b"));

  auto all_live = store_->ListTokens({.all_tenants = true, .include_revoked = false});
  DB_ASSERT_OK(all_live);
  EXPECT_THAT(TokenIds(*all_live), ElementsAre("acme/t-z", "default/t-c", "default/t-b"));

  auto empty = store_->ListTokens({.tenant = "nobody"});
  DB_ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
}

// Test that the change count moves with every committed token change, and only then.
TEST_P(StoreContractTest, TokenChangeCountMovesWithTokenChanges) {
  auto start = store_->TokenChangeCount();
  DB_ASSERT_OK(start);

  ApiToken token = MakeToken("default", "t-1", kHashA, 100, 0);
  PutTokenAndCommit(*store_, token);
  auto after_create = store_->TokenChangeCount();
  DB_ASSERT_OK(after_create);
  EXPECT_GT(*after_create, *start);

  {
    auto uncommitted = Begin();
    ASSERT_NE(uncommitted, nullptr);
    DB_ASSERT_OK(uncommitted->PutToken(MakeToken("acme", "t-2", kHashB, 100, 0)));
  }
  auto transaction = Begin();
  ASSERT_NE(transaction, nullptr);
  DB_ASSERT_OK(transaction->PutRequest(SampleRequest("default", "r-1")));
  DB_ASSERT_OK(transaction->Commit());
  auto after_other_writes = store_->TokenChangeCount();
  DB_ASSERT_OK(after_other_writes);
  EXPECT_EQ(*after_other_writes, *after_create);

  token.revoked_at = 200;
  PutTokenAndCommit(*store_, token);
  auto after_revoke = store_->TokenChangeCount();
  DB_ASSERT_OK(after_revoke);
  EXPECT_GT(*after_revoke, *after_other_writes);

  PutTokenAndCommit(*store_, MakeToken("acme", "t-3", kHashC, 100, 0));
  auto after_other_tenant = store_->TokenChangeCount();
  DB_ASSERT_OK(after_other_tenant);
  EXPECT_GT(*after_other_tenant, *after_revoke);
}

}  // namespace
}  // namespace drawbridge::testing
