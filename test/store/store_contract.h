// The Store contract suite's fixture: every Store implementation is instantiated against the
// same tests (store_contract_test.cc), each test on a fresh, empty store. Also sample records
// with every field set, and field-by-field comparisons, shared by the store tests.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "drawbridge/store.h"

namespace drawbridge::testing {

inline const Status& StatusOf(const Status& status) {
  return status;
}
template <typename T>
const Status& StatusOf(const StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace drawbridge::testing

// Assert or expect that a Status or StatusOr is OK, printing the error otherwise.
#define DB_ASSERT_OK(expr)                                         \
  do {                                                             \
    const auto& db_result_ = (expr);                               \
    ASSERT_TRUE(::drawbridge::testing::StatusOf(db_result_).ok())  \
        << ::drawbridge::testing::StatusOf(db_result_).ToString(); \
  } while (false)
#define DB_EXPECT_OK(expr)                                         \
  do {                                                             \
    const auto& db_result_ = (expr);                               \
    EXPECT_TRUE(::drawbridge::testing::StatusOf(db_result_).ok())  \
        << ::drawbridge::testing::StatusOf(db_result_).ToString(); \
  } while (false)

namespace drawbridge::testing {

// A directory under the system temp dir, removed with everything in it when this goes away.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "drawbridge-store-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// How to make a fresh store of one implementation inside a scratch directory.
struct StoreImplementation {
  std::string name;
  std::function<std::unique_ptr<Store>(const TempDir& dir)> open;
};

inline void PrintTo(const StoreImplementation& implementation, std::ostream* out) {
  *out << implementation.name;
}

class StoreContractTest : public ::testing::TestWithParam<StoreImplementation> {
 protected:
  void SetUp() override {
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<StoreTransaction> Begin() {
    auto transaction = store_->Begin();
    EXPECT_TRUE(transaction.ok()) << transaction.status().ToString();
    return transaction.ok() ? std::move(transaction).value() : nullptr;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// Text that a store must keep byte for byte: quotes, escapes, control characters, UTF-8.
inline std::string AwkwardText(const std::string& prefix) {
  return prefix +
         " \"quoted\" back\\slash\nnew line\ttab \x01\x1f caf\xc3\xa9 \xf0\x9f\x94\x91 ' ; --";
}

// A request with every field set to a value other than its default.
inline Request SampleRequest(const std::string& tenant, const std::string& id) {
  Request r;
  r.id = id;
  r.tenant = tenant;
  r.kind = RequestKind::kAction;
  r.state = RequestState::kApproved;
  r.requester = "user:alice";
  r.reason = AwkwardText("reason");
  r.ticket = "OPS-1234";
  r.source_ip = "203.0.113.7";
  r.rule = "prod-db-writes";
  r.policy_version = "sha256:abc";
  r.roles = {"dba", "reader"};
  r.actions = {"db.query", "db.connect"};
  r.scope.resource = "db/orders-prod";
  r.scope.selector = {{"env", "prod"}, {"data", "pii"}, {"env", "staging"}};
  r.duration_seconds = 3600;
  r.not_before = 1700000100;
  r.action = "db.query";
  r.resource = "db/orders-prod";
  r.payload_kind = "sql";
  r.payload = AwkwardText("DELETE FROM orders WHERE note = ");
  r.facts = {"sql.delete", "sql.where"};
  r.fingerprint = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  r.uses = 3;
  r.break_glass = true;
  r.post_review_open = true;
  r.created_at = 1700000000;
  r.updated_at = 1700000050;
  r.pending_expires_at = 1700086400;
  r.reviews = {
      {.reviewer = "user:bob",
       .approve = true,
       .comment = AwkwardText("ok"),
       .at = 1700000040,
       .self_review = false,
       .auto_rule = "",
       .group_claims = {"dba", AwkwardText("team")}},
      {.reviewer = "system:auto",
       .approve = true,
       .comment = "",
       .at = 1700000041,
       .self_review = true,
       .auto_rule = "low-risk-reads"},
  };
  r.grant_id = "g-" + id;
  return r;
}

// A grant with every field set to a value other than its default, from request `request_id`.
inline Grant SampleGrant(const std::string& tenant, const std::string& id,
                         const std::string& request_id) {
  Grant g;
  g.id = id;
  g.tenant = tenant;
  g.request_id = request_id;
  g.principal = "user:alice";
  g.kind = RequestKind::kAction;
  g.state = GrantState::kRevoked;
  g.actions = {"db.query", AwkwardText("k8s.")};
  g.scope.resource = "db/orders-prod";
  g.scope.selector = {{"env", "prod"}, {"team", AwkwardText("pay")}};
  g.fingerprint = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  g.not_before = 1700000100;
  g.expires_at = 1700003700;
  g.uses_left = 2;
  g.break_glass = true;
  g.created_at = 1700000060;
  g.ended_at = 1700000200;
  g.ended_by = "user:carol";
  return g;
}

inline void ExpectSameReview(const Review& a, const Review& b) {
  EXPECT_EQ(a.reviewer, b.reviewer);
  EXPECT_EQ(a.approve, b.approve);
  EXPECT_EQ(a.comment, b.comment);
  EXPECT_EQ(a.at, b.at);
  EXPECT_EQ(a.self_review, b.self_review);
  EXPECT_EQ(a.auto_rule, b.auto_rule);
  EXPECT_EQ(a.group_claims, b.group_claims);
}

inline void ExpectSameRequest(const Request& a, const Request& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.tenant, b.tenant);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.requester, b.requester);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.ticket, b.ticket);
  EXPECT_EQ(a.source_ip, b.source_ip);
  EXPECT_EQ(a.rule, b.rule);
  EXPECT_EQ(a.policy_version, b.policy_version);
  EXPECT_EQ(a.roles, b.roles);
  EXPECT_EQ(a.actions, b.actions);
  EXPECT_EQ(a.scope.resource, b.scope.resource);
  EXPECT_EQ(a.scope.selector, b.scope.selector);
  EXPECT_EQ(a.duration_seconds, b.duration_seconds);
  EXPECT_EQ(a.not_before, b.not_before);
  EXPECT_EQ(a.action, b.action);
  EXPECT_EQ(a.resource, b.resource);
  EXPECT_EQ(a.payload_kind, b.payload_kind);
  EXPECT_EQ(a.payload, b.payload);
  EXPECT_EQ(a.facts, b.facts);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.uses, b.uses);
  EXPECT_EQ(a.break_glass, b.break_glass);
  EXPECT_EQ(a.post_review_open, b.post_review_open);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
  EXPECT_EQ(a.pending_expires_at, b.pending_expires_at);
  ASSERT_EQ(a.reviews.size(), b.reviews.size());
  for (size_t i = 0; i < a.reviews.size(); ++i) ExpectSameReview(a.reviews[i], b.reviews[i]);
  EXPECT_EQ(a.grant_id, b.grant_id);
}

inline void ExpectSameGrant(const Grant& a, const Grant& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.tenant, b.tenant);
  EXPECT_EQ(a.request_id, b.request_id);
  EXPECT_EQ(a.principal, b.principal);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.actions, b.actions);
  EXPECT_EQ(a.scope.resource, b.scope.resource);
  EXPECT_EQ(a.scope.selector, b.scope.selector);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.not_before, b.not_before);
  EXPECT_EQ(a.expires_at, b.expires_at);
  EXPECT_EQ(a.uses_left, b.uses_left);
  EXPECT_EQ(a.break_glass, b.break_glass);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.ended_at, b.ended_at);
  EXPECT_EQ(a.ended_by, b.ended_by);
}

// Expects `terms` to be the terms of `grant` (Store::ForEachActiveGrantTerms).
inline void ExpectTermsOf(const GrantTerms& terms, const Grant& grant) {
  EXPECT_EQ(terms.id, grant.id);
  EXPECT_EQ(terms.principal, grant.principal);
  EXPECT_EQ(terms.kind, grant.kind);
  EXPECT_EQ(terms.actions, grant.actions);
  EXPECT_EQ(terms.scope.resource, grant.scope.resource);
  EXPECT_EQ(terms.scope.selector, grant.scope.selector);
  EXPECT_EQ(terms.fingerprint, grant.fingerprint);
  EXPECT_EQ(terms.not_before, grant.not_before);
  EXPECT_EQ(terms.expires_at, grant.expires_at);
  EXPECT_EQ(terms.uses_left, grant.uses_left);
}

// An API token with every field set to a value other than its default.
inline ApiToken SampleToken(const std::string& tenant, const std::string& id,
                            const std::string& secret_hash) {
  ApiToken t;
  t.id = id;
  t.tenant = tenant;
  t.principal = "service:ci-deployer";
  t.groups = {"deployers", AwkwardText("ops")};
  t.role = TokenRole::kChecker;
  t.secret_hash = secret_hash;
  t.description = AwkwardText("nginx on bastion-1");
  t.created_at = 1700000000;
  t.created_by = "user:carol";
  t.expires_at = 1700086400;
  t.revoked_at = 1700000500;
  t.revoked_by = "user:dave";
  return t;
}

inline void ExpectSameToken(const ApiToken& a, const ApiToken& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.tenant, b.tenant);
  EXPECT_EQ(a.principal, b.principal);
  EXPECT_EQ(a.groups, b.groups);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.secret_hash, b.secret_hash);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.created_by, b.created_by);
  EXPECT_EQ(a.expires_at, b.expires_at);
  EXPECT_EQ(a.revoked_at, b.revoked_at);
  EXPECT_EQ(a.revoked_by, b.revoked_by);
}

inline void ExpectSameAudit(const AuditRecord& a, const AuditRecord& b) {
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.time_ms, b.time_ms);
  EXPECT_EQ(a.tenant, b.tenant);
  EXPECT_EQ(a.actor, b.actor);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.details, b.details);
  EXPECT_EQ(a.prev_hash, b.prev_hash);
  EXPECT_EQ(a.hash, b.hash);
}

// The audit event that follows `head` (a tenant's first links to kGenesisPrevHash); its hash is
// a stand-in unique to (tenant, seq), since the store only checks the links.
inline AuditRecord NextAudit(const AuditRecord& head, const std::string& tenant) {
  AuditRecord event;
  event.seq = head.seq + 1;
  event.time_ms = 1700000000000 + static_cast<int64_t>(event.seq);
  event.tenant = tenant;
  event.actor = "user:alice";
  event.type = "request.created";
  event.subject = "r-" + std::to_string(event.seq);
  event.details = "{\"reason\":\"needs \\\"access\\\"\",\"n\":" + std::to_string(event.seq) + "}";
  event.prev_hash = head.seq == 0 ? std::string(kGenesisPrevHash) : head.hash;
  event.hash = "hash-" + tenant + "-" + std::to_string(event.seq);
  return event;
}

inline OutboxMessage SampleOutbox(const std::string& tenant, int64_t next_attempt_at) {
  OutboxMessage m;
  m.tenant = tenant;
  m.event_type = "request.created";
  m.payload = "{\"request\":\"r-1\",\"text\":\"" + std::string("caf\xc3\xa9") + "\"}";
  m.created_at = 1700000000;
  m.attempts = 0;
  m.next_attempt_at = next_attempt_at;
  m.delivered = false;
  return m;
}

}  // namespace drawbridge::testing
