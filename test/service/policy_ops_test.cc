// JitService::ReplacePolicy: every policy put in force is a policy.changed event naming the
// version before it, except the policy a server starts with, which has none to name
// (docs/AUDIT.md, "Event types").
#include <gtest/gtest.h>

#include "classify/payload_analyzer.h"
#include "policy/compiler.h"
#include "policy/loader.h"
#include "service/audit_records.h"
#include "service/jit_service.h"
#include "service/service_fixtures.h"
#include "store/memory/memory_store.h"

namespace drawbridge::service {
namespace {

using fixtures::AliceQueriesAnalytics;
using fixtures::ExamplePolicy;
using fixtures::kStartMillis;

// The example policy compiled again under another version, as a reload of edited files gives.
std::shared_ptr<const core::CompiledPolicy> ExamplePolicyVersioned(const std::string& version) {
  policy::LoadResult loaded =
      policy::LoadPolicy(std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy");
  EXPECT_TRUE(loaded.ok());
  auto compiled = policy::Compile(loaded.document, version);
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  return compiled.ok() ? *compiled : nullptr;
}

// A text detail, or "" when it is absent or not text.
std::string Text(const boost::json::object& details, std::string_view key) {
  const boost::json::value* value = details.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

// A one-file policy in which alice may run db.query everywhere, or nothing at all.
std::shared_ptr<const core::CompiledPolicy> AliceMayQuery(bool may, const std::string& version) {
  const std::string text =
      may ? "version: 1\nroles:\n  reader: {permissions: [{actions: [db.query]}]}\n"
            "assignments:\n  - {principals: [user:alice], roles: [reader]}\n"
          : "version: 1\n";
  policy::LoadResult loaded = policy::LoadPolicyTexts({{"policy.yaml", text}});
  EXPECT_TRUE(loaded.ok()) << loaded.ErrorText();
  auto compiled = policy::Compile(loaded.document, version);
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  return compiled.ok() ? *compiled : nullptr;
}

class PolicyOpsTest : public ::testing::Test {
 protected:
  void Open(std::shared_ptr<const core::CompiledPolicy> policy) {
    auto s = JitService::Open(std::move(policy), *store_, clock_, ids_, analyzer_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
  }

  std::vector<boost::json::object> PolicyChanges() {
    auto records = store_->ReadAudit({.tenant = "default", .after_seq = 0, .limit = 1000});
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    std::vector<boost::json::object> changes;
    if (!records.ok()) return changes;
    for (const AuditRecord& r : *records) {
      auto event = FromRecord(r);
      if (event.ok() && event->type == "policy.changed") changes.push_back(event->details);
    }
    return changes;
  }

  std::unique_ptr<MemoryStore> store_ = MemoryStore::Create();
  ManualClock clock_{kStartMillis};
  workflow::SequentialIdSource ids_;
  classify::ClassifierAnalyzer analyzer_;
  std::unique_ptr<JitService> service_;
};

// Test that a server's start on a fresh database (the opening policy recorded first) names no
// old version, and the next change names the started one.
TEST_F(PolicyOpsTest, StartRecordsNoOldVersion) {
  auto started = ExamplePolicy();
  Open(started);
  ASSERT_TRUE(service_->ReplacePolicy(started, "system", "examples/policy").ok());
  auto edited = ExamplePolicyVersioned("edited");
  ASSERT_TRUE(service_->ReplacePolicy(edited, "system:sighup", "examples/policy").ok());
  std::vector<boost::json::object> changes = PolicyChanges();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_FALSE(changes[0].contains("old_version"));
  EXPECT_EQ(Text(changes[0], "version"), started->version);
  EXPECT_EQ(Text(changes[1], "old_version"), started->version);
  EXPECT_EQ(Text(changes[1], "version"), "edited");
}

// Test that reloading an unchanged policy after the start names it as both old and new.
TEST_F(PolicyOpsTest, UnchangedReloadNamesTheSameVersionTwice) {
  auto started = ExamplePolicy();
  Open(started);
  ASSERT_TRUE(service_->ReplacePolicy(started, "system", "examples/policy").ok());
  ASSERT_TRUE(service_->ReplacePolicy(started, "system:sighup", "examples/policy").ok());
  std::vector<boost::json::object> changes = PolicyChanges();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(Text(changes[1], "old_version"), started->version);
  EXPECT_EQ(Text(changes[1], "version"), started->version);
}

// Test that a first change to another policy than the one the service opened with names the
// opening one: it was in force, so it is the old version.
TEST_F(PolicyOpsTest, FirstChangeToAnotherPolicyNamesTheOpeningOne) {
  auto opened = ExamplePolicy();
  Open(opened);
  ASSERT_TRUE(service_->ReplacePolicy(ExamplePolicyVersioned("next"), "user:admin", "api").ok());
  std::vector<boost::json::object> changes = PolicyChanges();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(Text(changes[0], "old_version"), opened->version);
  EXPECT_EQ(Text(changes[0], "version"), "next");
}

// Test that a check decides by the policy in force, on a thread that decided under the one
// before it (checks keep a per-thread copy of the policy in force).
TEST_F(PolicyOpsTest, AReplacedPolicyDecidesTheNextCheckOnTheSameThread) {
  const CheckRequest query = AliceQueriesAnalytics("SELECT 1");
  Open(AliceMayQuery(true, "v1"));
  EXPECT_EQ(service_->Check(query).verdict.decision, Decision::kAllow);
  ASSERT_TRUE(service_->ReplacePolicy(AliceMayQuery(false, "v2"), "system", "policy.yaml").ok());
  EXPECT_EQ(service_->Check(query).verdict.decision, Decision::kDeny);
  ASSERT_TRUE(service_->ReplacePolicy(AliceMayQuery(true, "v3"), "system", "policy.yaml").ok());
  EXPECT_EQ(service_->Check(query).verdict.decision, Decision::kAllow);
}

// Test that two services checked in turn on one thread (two tenants of a server) each decide by
// their own policy.
TEST_F(PolicyOpsTest, TwoServicesOnOneThreadEachDecideByTheirOwnPolicy) {
  const CheckRequest query = AliceQueriesAnalytics("SELECT 1");
  Open(AliceMayQuery(true, "v1"));
  std::unique_ptr<MemoryStore> other_store = MemoryStore::Create();
  ServiceOptions options;
  options.tenant = "other";
  auto other =
      JitService::Open(AliceMayQuery(false, "v1"), *other_store, clock_, ids_, analyzer_, options);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(service_->Check(query).verdict.decision, Decision::kAllow);
    EXPECT_EQ((*other)->Check(query).verdict.decision, Decision::kDeny);
  }
}

}  // namespace
}  // namespace drawbridge::service
