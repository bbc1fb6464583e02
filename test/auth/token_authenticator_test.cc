// TokenAuthenticator: from an Authorization header to a Caller, across tenants and processes.
#include "auth/token_authenticator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "token_test_util.h"

namespace drawbridge::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kNow = kTokenTestStart / 1000;

class TokenAuthenticatorTest : public ::testing::Test {
 protected:
  service::IssuedToken Issue(service::TokenInput input) {
    auto issued = harness_.service().CreateToken(input, "user:carol");
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    return issued.ok() ? *issued : service::IssuedToken{};
  }

  void Load() { DB_ASSERT_OK(authenticator_.Load(*store_)); }

  StatusCode CodeOf(std::string_view header, int64_t now = kNow) {
    return authenticator_.Authenticate(header, now).status().code();
  }

  std::unique_ptr<MemoryStore> store_ = MemoryStore::Create();
  ServiceHarness harness_{*store_};
  auth::TokenAuthenticator authenticator_;
};

// Test that a valid token authenticates as its principal, with its groups, role and tenant.
TEST_F(TokenAuthenticatorTest, GoodTokenGivesItsCaller) {
  service::TokenInput input = TokenFor("service:ci-deployer", TokenRole::kChecker);
  input.groups = {"deployers"};
  service::IssuedToken issued = Issue(input);
  Load();

  auto caller = authenticator_.Authenticate(Bearer(issued.secret), kNow);
  DB_ASSERT_OK(caller);
  EXPECT_EQ(caller->tenant, "default");
  EXPECT_EQ(caller->principal, "service:ci-deployer");
  EXPECT_EQ(caller->groups, (std::vector<std::string>{"deployers"}));
  EXPECT_EQ(caller->role, TokenRole::kChecker);
  EXPECT_EQ(caller->token_id, issued.record.id);
}

// Test that the scheme is matched in any case and surrounding spaces are ignored.
TEST_F(TokenAuthenticatorTest, SchemeIsCaseInsensitive) {
  service::IssuedToken issued = Issue(TokenFor("user:alice"));
  Load();
  for (const std::string& header : {"bearer " + issued.secret, "BEARER " + issued.secret,
                                    "  Bearer \t" + issued.secret + " "}) {
    DB_EXPECT_OK(authenticator_.Authenticate(header, kNow));
  }
}

// Test that a missing or malformed header is Unauthenticated with a message that never repeats
// what was sent.
TEST_F(TokenAuthenticatorTest, MalformedHeadersAreUnauthenticated) {
  service::IssuedToken issued = Issue(TokenFor("user:alice"));
  Load();
  const std::string secret = issued.secret;
  const std::vector<std::string> headers = {
      "",
      "   ",
      "Bearer",
      "Bearer ",
      "Basic " + secret,
      "Token " + secret,
      secret,
      "Bearer " + secret + "x",
      "Bearer " + secret.substr(0, secret.size() - 1),
      "Bearer " + secret + " " + secret,
      "Bearer dbt_" + std::string(43, '!'),
      "Bearer xyz_" + secret.substr(4),
      "Bearer\xff" + secret,
  };
  for (const std::string& header : headers) {
    auto caller = authenticator_.Authenticate(header, kNow);
    EXPECT_EQ(caller.status().code(), StatusCode::kUnauthenticated) << header;
    EXPECT_THAT(caller.status().message(), Not(HasSubstr(secret.substr(4, 20)))) << header;
  }
  EXPECT_THAT(authenticator_.Authenticate("", kNow).status().message(), HasSubstr("Bearer"));
}

// Test that a well-formed token nobody issued is Unauthenticated without being echoed.
TEST_F(TokenAuthenticatorTest, UnknownTokenIsUnauthenticated) {
  Issue(TokenFor("user:alice"));
  Load();
  auto other = service::NewTokenSecret();
  DB_ASSERT_OK(other);
  auto caller = authenticator_.Authenticate(Bearer(*other), kNow);
  EXPECT_EQ(caller.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(caller.status().message(), HasSubstr("not recognised"));
  EXPECT_THAT(caller.status().message(), Not(HasSubstr(other->substr(4))));
}

// Test that a token works until its expiry second and not from then on.
TEST_F(TokenAuthenticatorTest, ExpiredTokenIsUnauthenticated) {
  service::TokenInput input = TokenFor("user:alice");
  input.ttl_seconds = 3600;
  service::IssuedToken issued = Issue(input);
  Load();
  DB_EXPECT_OK(authenticator_.Authenticate(Bearer(issued.secret), kNow + 3599));
  auto expired = authenticator_.Authenticate(Bearer(issued.secret), kNow + 3600);
  EXPECT_EQ(expired.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(expired.status().message(), HasSubstr("expired"));
  EXPECT_THAT(expired.status().message(), HasSubstr(issued.record.id));
}

// Test that a revoked token is refused after a reload, and at once after Upsert of the revoked
// record (what the server does for revocations it makes itself).
TEST_F(TokenAuthenticatorTest, RevokeTakesEffect) {
  service::IssuedToken a = Issue(TokenFor("user:alice"));
  service::IssuedToken b = Issue(TokenFor("user:bob"));
  Load();
  DB_ASSERT_OK(authenticator_.Authenticate(Bearer(a.secret), kNow));

  auto revoked_a = harness_.service().RevokeToken(a.record.id, "user:carol");
  DB_ASSERT_OK(revoked_a);
  DB_ASSERT_OK(authenticator_.Refresh(*store_));
  auto refused = authenticator_.Authenticate(Bearer(a.secret), kNow);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(refused.status().message(), HasSubstr("revoked"));

  auto revoked_b = harness_.service().RevokeToken(b.record.id, "user:carol");
  DB_ASSERT_OK(revoked_b);
  DB_ASSERT_OK(authenticator_.Authenticate(Bearer(b.secret), kNow));  // not reloaded yet
  authenticator_.Upsert(*revoked_b);
  EXPECT_EQ(CodeOf(Bearer(b.secret)), StatusCode::kUnauthenticated);
}

// Test that a revocation reaches a thread that authenticated the token before it: that thread's
// next call is refused, with no reload in between (each thread keeps its own reference to the
// table, which a change must renew).
TEST_F(TokenAuthenticatorTest, RevokeTakesEffectOnAThreadThatHadTheToken) {
  service::IssuedToken issued = Issue(TokenFor("user:alice"));
  Load();
  std::mutex mu;
  std::condition_variable cv;
  int step = 0;  // 1: the checker authenticated once; 2: the token is revoked
  StatusCode before = StatusCode::kInternal, after = StatusCode::kInternal;
  std::thread checker([&] {
    before = CodeOf(Bearer(issued.secret));
    std::unique_lock lock(mu);
    step = 1;
    cv.notify_all();
    cv.wait(lock, [&] { return step == 2; });
    after = CodeOf(Bearer(issued.secret));
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return step == 1; });
  }
  auto revoked = harness_.service().RevokeToken(issued.record.id, "user:carol");
  DB_ASSERT_OK(revoked);
  authenticator_.Upsert(*revoked);
  {
    std::lock_guard lock(mu);
    step = 2;
  }
  cv.notify_all();
  checker.join();
  EXPECT_EQ(before, StatusCode::kOk);
  EXPECT_EQ(after, StatusCode::kUnauthenticated);
}

// Test that two authenticators used in turn on one thread each answer from their own table.
TEST_F(TokenAuthenticatorTest, TwoAuthenticatorsOnOneThreadKeepTheirOwnTables) {
  service::IssuedToken issued = Issue(TokenFor("user:alice"));
  Load();
  auth::TokenAuthenticator empty;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(CodeOf(Bearer(issued.secret)), StatusCode::kOk);
    EXPECT_EQ(empty.Authenticate(Bearer(issued.secret), kNow).status().code(),
              StatusCode::kUnauthenticated);
  }
  empty.Upsert(issued.record);
  DB_EXPECT_OK(empty.Authenticate(Bearer(issued.secret), kNow));
  DB_EXPECT_OK(authenticator_.Authenticate(Bearer(issued.secret), kNow));
}

// Test that Upsert makes a token just created usable before any reload.
TEST_F(TokenAuthenticatorTest, UpsertAddsAToken) {
  Load();
  service::IssuedToken issued = Issue(TokenFor("user:alice"));
  EXPECT_EQ(CodeOf(Bearer(issued.secret)), StatusCode::kUnauthenticated);
  authenticator_.Upsert(issued.record);
  DB_EXPECT_OK(authenticator_.Authenticate(Bearer(issued.secret), kNow));
  EXPECT_EQ(authenticator_.size(), 1u);
}

// Test that Refresh reloads only when the store's tokens changed: a table entry the store does
// not have survives an idle Refresh and goes at the first Refresh after a token change.
TEST_F(TokenAuthenticatorTest, RefreshReloadsOnlyAfterAChange) {
  Issue(TokenFor("user:alice"));
  Load();
  auto unstored_secret = service::NewTokenSecret();
  DB_ASSERT_OK(unstored_secret);
  ApiToken unstored;
  unstored.id = "t-unstored";
  unstored.principal = "user:mallory";
  unstored.secret_hash = service::TokenSecretHashHex(*unstored_secret);
  authenticator_.Upsert(unstored);

  DB_ASSERT_OK(authenticator_.Refresh(*store_));
  EXPECT_EQ(authenticator_.size(), 2u);
  DB_EXPECT_OK(authenticator_.Authenticate(Bearer(*unstored_secret), kNow));

  Issue(TokenFor("user:bob"));
  DB_ASSERT_OK(authenticator_.Refresh(*store_));
  EXPECT_EQ(authenticator_.size(), 2u);
  EXPECT_EQ(CodeOf(Bearer(*unstored_secret)), StatusCode::kUnauthenticated);
}

// Test that one authenticator serves every tenant, each token carrying its own.
TEST_F(TokenAuthenticatorTest, TenantComesFromTheToken) {
  ServiceHarness acme(*store_, "acme");
  service::IssuedToken ours = Issue(TokenFor("user:alice"));
  auto theirs = acme.service().CreateToken(TokenFor("user:alice"), "user:erin");
  DB_ASSERT_OK(theirs);
  Load();
  auto our_caller = authenticator_.Authenticate(Bearer(ours.secret), kNow);
  auto their_caller = authenticator_.Authenticate(Bearer(theirs->secret), kNow);
  DB_ASSERT_OK(our_caller);
  DB_ASSERT_OK(their_caller);
  EXPECT_EQ(our_caller->tenant, "default");
  EXPECT_EQ(their_caller->tenant, "acme");
  EXPECT_EQ(their_caller->principal, our_caller->principal);
}

// Test that Refresh sees tokens created and revoked through another Store on the same SQLite
// file, as when the CLI changes tokens beside a running server.
TEST(TokenAuthenticatorSqliteTest, RefreshSeesAnotherProcessWrites) {
  TempDir dir;
  const std::string path = dir.File("drawbridge.db");
  auto server_store = SqliteStore::Open({.path = path});
  DB_ASSERT_OK(server_store);
  auth::TokenAuthenticator authenticator;
  DB_ASSERT_OK(authenticator.Load(**server_store));
  EXPECT_EQ(authenticator.size(), 0u);

  auto cli_store = SqliteStore::Open({.path = path});
  DB_ASSERT_OK(cli_store);
  ServiceHarness cli(**cli_store);
  auto issued = cli.service().CreateToken(TokenFor("user:alice", TokenRole::kAdmin), "local:admin");
  DB_ASSERT_OK(issued);

  EXPECT_EQ(authenticator.Authenticate(Bearer(issued->secret), kNow).status().code(),
            StatusCode::kUnauthenticated);
  DB_ASSERT_OK(authenticator.Refresh(**server_store));
  auto caller = authenticator.Authenticate(Bearer(issued->secret), kNow);
  DB_ASSERT_OK(caller);
  EXPECT_EQ(caller->role, TokenRole::kAdmin);

  DB_ASSERT_OK(cli.service().RevokeToken(issued->record.id, "local:admin"));
  DB_ASSERT_OK(authenticator.Refresh(**server_store));
  EXPECT_EQ(authenticator.Authenticate(Bearer(issued->secret), kNow).status().code(),
            StatusCode::kUnauthenticated);
}

// Test that a stored hash that is not hex fails the load and keeps the previous table.
TEST_F(TokenAuthenticatorTest, DamagedHashFailsTheLoadAndKeepsTheTable) {
  service::IssuedToken issued = Issue(TokenFor("user:alice"));
  Load();
  ApiToken damaged = issued.record;
  damaged.id = "t-damaged";
  damaged.secret_hash = "not-hex";
  {
    auto tx = store_->Begin();
    DB_ASSERT_OK(tx);
    DB_ASSERT_OK((*tx)->PutToken(damaged));
    DB_ASSERT_OK((*tx)->Commit());
  }
  Status reload = authenticator_.Refresh(*store_);
  EXPECT_EQ(reload.code(), StatusCode::kDataLoss);
  EXPECT_THAT(reload.message(), HasSubstr("t-damaged"));
  DB_EXPECT_OK(authenticator_.Authenticate(Bearer(issued.secret), kNow));
}

// Test that authenticating while another thread refreshes always sees a whole table.
TEST_F(TokenAuthenticatorTest, ConcurrentRefreshAndAuthenticate) {
  service::IssuedToken issued = Issue(TokenFor("user:alice"));
  Load();
  std::atomic<bool> stop{false};
  std::thread refresher([&] {
    while (!stop) EXPECT_TRUE(authenticator_.Refresh(*store_).ok());
  });
  for (int i = 0; i < 20000; ++i) {
    auto caller = authenticator_.Authenticate(Bearer(issued.secret), kNow);
    ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  }
  stop = true;
  refresher.join();
}

// Test the role rules an HTTP handler applies to a caller.
TEST(CallerTest, RolesDecideWhatACallerMayDo) {
  auth::Caller user{.tenant = "default", .principal = "user:alice", .role = TokenRole::kUser};
  auth::Caller checker{
      .tenant = "default", .principal = "service:nginx", .role = TokenRole::kChecker};
  auth::Caller admin{.tenant = "default", .principal = "user:carol", .role = TokenRole::kAdmin};

  EXPECT_TRUE(auth::MayCheckFor(user, "user:alice"));
  EXPECT_FALSE(auth::MayCheckFor(user, "user:bob"));
  EXPECT_TRUE(auth::MayCheckFor(checker, "user:bob"));
  EXPECT_TRUE(auth::MayCheckFor(admin, "user:bob"));

  EXPECT_TRUE(auth::MayActAs(user, "user:alice"));
  EXPECT_FALSE(auth::MayActAs(checker, "user:bob"));
  EXPECT_FALSE(auth::MayActAs(admin, "user:bob"));

  EXPECT_TRUE(auth::MayReview(user));
  EXPECT_FALSE(auth::MayReview(checker));
  EXPECT_TRUE(auth::MayReview(admin));

  EXPECT_FALSE(auth::MayAdminister(user));
  EXPECT_FALSE(auth::MayAdminister(checker));
  EXPECT_TRUE(auth::MayAdminister(admin));
}

}  // namespace
}  // namespace drawbridge::testing
