// JitService's token operations: what is stored, what is audited, and what is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/verify.h"
#include "service/audit_records.h"
#include "store/faulty_store.h"
#include "token_test_util.h"

namespace drawbridge::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

std::vector<AuditRecord> Audit(Store& store, const std::string& tenant = "default") {
  auto records = store.ReadAudit({.tenant = tenant, .after_seq = 0, .limit = 1000});
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  return records.ok() ? *records : std::vector<AuditRecord>{};
}

void ExpectChainVerifies(Store& store, const std::string& tenant) {
  std::vector<audit::AuditEvent> events;
  for (const AuditRecord& r : Audit(store, tenant)) events.push_back(*service::FromRecord(r));
  audit::VerifyOptions options;
  options.tenant = tenant;
  audit::VerifyResult result = audit::VerifyChain(events, options);
  EXPECT_TRUE(result.ok()) << result.Summary();
}

class TokenOpsTest : public ::testing::Test {
 protected:
  std::unique_ptr<MemoryStore> store_ = MemoryStore::Create();
  ServiceHarness harness_{*store_};
  service::JitService& service() { return harness_.service(); }
};

// Test that a new token is dbt_ and 43 base64url characters, and only its SHA-256 is stored.
TEST_F(TokenOpsTest, CreateReturnsTheSecretOnceAndStoresOnlyItsHash) {
  service::TokenInput input = TokenFor("service:ci-deployer", TokenRole::kChecker);
  input.groups = {"group:deployers", "ops", "ops"};
  input.ttl_seconds = 3600;
  input.description = "nginx on bastion-1";
  auto issued = service().CreateToken(input, "user:carol");
  DB_ASSERT_OK(issued);

  EXPECT_THAT(issued->secret, MatchesRegex("dbt_[A-Za-z0-9_-]{43}"));
  EXPECT_THAT(issued->record.id, MatchesRegex("t-[a-z2-7]{16}"));
  auto stored = store_->GetToken("default", issued->record.id);
  DB_ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  const ApiToken& token = **stored;
  ExpectSameToken(token, issued->record);
  EXPECT_EQ(token.secret_hash, service::TokenSecretHashHex(issued->secret));
  EXPECT_THAT(token.secret_hash, MatchesRegex("[0-9a-f]{64}"));
  EXPECT_THAT(token.secret_hash, Not(HasSubstr(issued->secret.substr(4))));
  EXPECT_EQ(token.principal, "service:ci-deployer");
  EXPECT_EQ(token.groups, (std::vector<std::string>{"deployers", "ops"}));
  EXPECT_EQ(token.role, TokenRole::kChecker);
  EXPECT_EQ(token.created_by, "user:carol");
  EXPECT_EQ(token.created_at, kTokenTestStart / 1000);
  EXPECT_EQ(token.expires_at, kTokenTestStart / 1000 + 3600);
  EXPECT_EQ(token.revoked_at, 0);
}

// Test that two tokens never share a secret or an id.
TEST_F(TokenOpsTest, EveryTokenIsDifferent) {
  auto a = service().CreateToken(TokenFor("user:alice"), "user:carol");
  auto b = service().CreateToken(TokenFor("user:alice"), "user:carol");
  DB_ASSERT_OK(a);
  DB_ASSERT_OK(b);
  EXPECT_NE(a->secret, b->secret);
  EXPECT_NE(a->record.id, b->record.id);
  EXPECT_NE(a->record.secret_hash, b->record.secret_hash);
}

// Test that creating a token records token.created naming the token, but neither its secret nor
// its hash, in the tenant's verifiable chain.
TEST_F(TokenOpsTest, CreateIsAuditedWithoutTheSecret) {
  service::TokenInput input = TokenFor("user:alice", TokenRole::kAdmin);
  input.groups = {"dba"};
  input.ttl_seconds = 60;
  auto issued = service().CreateToken(input, "user:carol");
  DB_ASSERT_OK(issued);

  std::vector<AuditRecord> audit = Audit(*store_);
  ASSERT_EQ(audit.size(), 1u);
  const AuditRecord& event = audit[0];
  EXPECT_EQ(event.type, "token.created");
  EXPECT_EQ(event.actor, "user:carol");
  EXPECT_EQ(event.subject, issued->record.id);
  EXPECT_THAT(event.details, HasSubstr("\"principal\":\"user:alice\""));
  EXPECT_THAT(event.details, HasSubstr("\"role\":\"admin\""));
  EXPECT_THAT(event.details, HasSubstr("\"groups\":[\"dba\"]"));
  EXPECT_THAT(event.details,
              HasSubstr("\"expires_at\":" + std::to_string(issued->record.expires_at)));
  EXPECT_THAT(event.details, HasSubstr("\"id\":\"" + issued->record.id + "\""));
  EXPECT_THAT(event.details, Not(HasSubstr(issued->secret)));
  EXPECT_THAT(event.details, Not(HasSubstr(issued->secret.substr(4, 16))));
  EXPECT_THAT(event.details, Not(HasSubstr(issued->record.secret_hash)));
  ExpectChainVerifies(*store_, "default");
}

// Test that revoking marks the token, records token.revoked, and a second revoke is refused.
TEST_F(TokenOpsTest, RevokeOnceThenFailedPrecondition) {
  auto issued = service().CreateToken(TokenFor("user:alice"), "user:carol");
  DB_ASSERT_OK(issued);
  harness_.clock().AdvanceSeconds(30);

  auto revoked = service().RevokeToken(issued->record.id, "user:dave");
  DB_ASSERT_OK(revoked);
  EXPECT_EQ(revoked->revoked_at, kTokenTestStart / 1000 + 30);
  EXPECT_EQ(revoked->revoked_by, "user:dave");
  auto stored = store_->GetToken("default", issued->record.id);
  DB_ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  ExpectSameToken(**stored, *revoked);

  auto again = service().RevokeToken(issued->record.id, "user:dave");
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("already revoked"));

  std::vector<AuditRecord> audit = Audit(*store_);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].type, "token.revoked");
  EXPECT_EQ(audit[1].actor, "user:dave");
  EXPECT_EQ(audit[1].subject, issued->record.id);
  EXPECT_THAT(audit[1].details, Not(HasSubstr(issued->record.secret_hash)));
  ExpectChainVerifies(*store_, "default");
}

// Test that revoking an unknown id is NotFound and records nothing.
TEST_F(TokenOpsTest, RevokeUnknownIsNotFound) {
  auto revoked = service().RevokeToken("t-nosuchtoken", "user:dave");
  EXPECT_EQ(revoked.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Audit(*store_).empty());
}

// Test that each tenant's service sees, lists and revokes only its own tenant's tokens, and
// audits into its own chain.
TEST_F(TokenOpsTest, TokensStayInTheirTenant) {
  ServiceHarness acme(*store_, "acme");
  auto ours = service().CreateToken(TokenFor("user:alice"), "user:carol");
  auto theirs = acme.service().CreateToken(TokenFor("user:bob"), "user:erin");
  DB_ASSERT_OK(ours);
  DB_ASSERT_OK(theirs);
  EXPECT_EQ(theirs->record.tenant, "acme");

  auto listed = service().ListTokens();
  DB_ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, ours->record.id);
  EXPECT_EQ(service().RevokeToken(theirs->record.id, "user:carol").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Audit(*store_, "default").size(), 1u);
  EXPECT_EQ(Audit(*store_, "acme").size(), 1u);
  ExpectChainVerifies(*store_, "acme");
}

// Test that bad input is refused with a message that says how to fix it, and nothing is stored.
TEST_F(TokenOpsTest, InvalidInputIsRefusedWithAdvice) {
  struct Case {
    service::TokenInput input;
    std::string actor;
    std::string advice;
  };
  service::TokenInput no_principal;
  service::TokenInput bad_principal = TokenFor("alice");
  service::TokenInput group_principal = TokenFor("group:dba");
  service::TokenInput zero_ttl = TokenFor("user:alice");
  zero_ttl.ttl_seconds = 0;
  service::TokenInput negative_ttl = TokenFor("user:alice");
  negative_ttl.ttl_seconds = -5;
  service::TokenInput bad_group = TokenFor("user:alice");
  bad_group.groups = {"db a"};
  service::TokenInput empty_group = TokenFor("user:alice");
  empty_group.groups = {"group:"};
  service::TokenInput many_groups = TokenFor("user:alice");
  for (int i = 0; i < 257; ++i) many_groups.groups.push_back("team" + std::to_string(i));
  std::vector<Case> cases = {
      {no_principal, "user:carol", "--principal"},
      {bad_principal, "user:carol", "kind:name"},
      {group_principal, "user:carol", "kind:name"},
      {zero_ttl, "user:carol", "must be positive"},
      {negative_ttl, "user:carol", "must be positive"},
      {bad_group, "user:carol", "not a group name"},
      {empty_group, "user:carol", "not a group name"},
      {many_groups, "user:carol", "at most 256 groups"},
      {TokenFor("user:alice"), "", "actor"},
  };
  for (const Case& c : cases) {
    auto issued = service().CreateToken(c.input, c.actor);
    EXPECT_EQ(issued.status().code(), StatusCode::kInvalidArgument) << c.advice;
    EXPECT_THAT(issued.status().message(), HasSubstr(c.advice));
  }
  auto listed = service().ListTokens();
  DB_ASSERT_OK(listed);
  EXPECT_TRUE(listed->empty());
  EXPECT_TRUE(Audit(*store_).empty());
}

// Test that when the audit event cannot be written, no token is stored (fail closed).
TEST(TokenOpsFaultTest, NoTokenWithoutItsAuditEvent) {
  FaultyStore store(MemoryStore::Create());
  ServiceHarness harness(store);
  store.FailNthAppendAudit(1, Unavailable("disk full"));
  auto issued = harness.service().CreateToken(TokenFor("user:alice"), "user:carol");
  EXPECT_EQ(issued.status().code(), StatusCode::kUnavailable);
  auto listed = store.ListTokens({.all_tenants = true});
  DB_ASSERT_OK(listed);
  EXPECT_TRUE(listed->empty());
}

// Test that ListTokens returns the tenant's tokens in creation order, revoked ones included.
TEST_F(TokenOpsTest, ListIncludesRevokedInCreationOrder) {
  auto first = service().CreateToken(TokenFor("user:alice"), "user:carol");
  harness_.clock().AdvanceSeconds(1);
  auto second = service().CreateToken(TokenFor("user:bob"), "user:carol");
  DB_ASSERT_OK(first);
  DB_ASSERT_OK(second);
  DB_ASSERT_OK(service().RevokeToken(first->record.id, "user:carol"));
  auto listed = service().ListTokens();
  DB_ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, first->record.id);
  EXPECT_NE((*listed)[0].revoked_at, 0);
  EXPECT_EQ((*listed)[1].id, second->record.id);
}

}  // namespace
}  // namespace drawbridge::testing
