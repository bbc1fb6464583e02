#include "audit/chain.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "audit/verify.h"
#include "audit_test_util.h"

namespace drawbridge::audit {
namespace {

using testing::Draft;

// Test that the first event has seq 1 and the genesis prev_hash, and each next one links to it.
TEST(AuditChain, AssignsSeqAndLinksHashes) {
  auto chain = AuditChain::Start("default");
  ASSERT_TRUE(chain.ok());
  auto first = chain->Append(Draft(0));
  auto second = chain->Append(Draft(1));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->seq, 1u);
  EXPECT_EQ(first->prev_hash, kGenesisHash);
  EXPECT_EQ(first->tenant, "default");
  EXPECT_EQ(second->seq, 2u);
  EXPECT_EQ(second->prev_hash, first->hash);
  EXPECT_EQ(chain->head(), (ChainHead{2, second->hash}));
  EXPECT_EQ(*ComputeEventHash(*second), second->hash);
}

// Test that a resumed chain continues exactly where the stored head left off.
TEST(AuditChain, ResumesFromAStoredHead) {
  auto events = testing::MakeEvents(5);
  auto resumed = AuditChain::Resume("default", ChainHead{3, events[2].hash});
  ASSERT_TRUE(resumed.ok());
  auto fourth = resumed->Append(Draft(3));
  ASSERT_TRUE(fourth.ok());
  EXPECT_EQ(*fourth, events[3]);
}

// Test that Resume refuses malformed heads.
TEST(AuditChain, ResumeRejectsBadHeads) {
  EXPECT_FALSE(AuditChain::Resume("default", ChainHead{3, "abc"}).ok());
  EXPECT_FALSE(AuditChain::Resume("default", ChainHead{0, std::string(64, 'a')}).ok());
  EXPECT_FALSE(AuditChain::Start("bad tenant").ok());
}

// Test that Seal leaves the head alone, so a failed store commit needs no undo.
TEST(AuditChain, SealDoesNotAdvanceUntilCommit) {
  auto chain = AuditChain::Start("default");
  auto sealed = chain->Seal(Draft(0));
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(chain->head().seq, 0u);
  auto again = chain->Seal(Draft(0));
  EXPECT_EQ(*again, *sealed);  // the retry after a failed commit gets the same seq and hash
  ASSERT_TRUE(chain->Commit(*sealed).ok());
  EXPECT_EQ(chain->head(), (ChainHead{1, sealed->hash}));
}

// Test that Commit refuses an event that does not follow the head or carries a wrong hash.
TEST(AuditChain, CommitRejectsEventsThatDoNotFollow) {
  auto chain = AuditChain::Start("default");
  auto sealed = chain->Seal(Draft(0));
  AuditEvent skipped = *sealed;
  skipped.seq = 2;
  EXPECT_FALSE(chain->Commit(skipped).ok());
  AuditEvent wrong_hash = *sealed;
  wrong_hash.hash = std::string(64, 'b');
  EXPECT_FALSE(chain->Commit(wrong_hash).ok());
  AuditEvent other_tenant = *sealed;
  other_tenant.tenant = "other";
  EXPECT_FALSE(chain->Commit(other_tenant).ok());
  EXPECT_EQ(chain->head().seq, 0u);
}

// Test that bad drafts fail without consuming a seq.
TEST(AuditChain, RejectsBadDraftsWithoutAdvancing) {
  auto chain = AuditChain::Start("default");
  AuditEventDraft with_float = Draft(0);
  with_float.details["ratio"] = 0.5;
  EXPECT_FALSE(chain->Append(with_float).ok());
  AuditEventDraft bad_type = Draft(0);
  bad_type.type = "revoked";
  EXPECT_FALSE(chain->Append(bad_type).ok());
  AuditEventDraft no_actor = Draft(0);
  no_actor.actor.clear();
  EXPECT_FALSE(chain->Append(no_actor).ok());
  AuditEventDraft bad_time = Draft(0);
  bad_time.time_ms = -5;
  EXPECT_FALSE(chain->Append(bad_time).ok());
  EXPECT_EQ(chain->head().seq, 0u);
  EXPECT_EQ(chain->Append(Draft(0))->seq, 1u);
}

// Test that invalid UTF-8 in user text is replaced before hashing, so the stored event and its
// JSON line agree and verify.
TEST(AuditChain, StoresValidUtf8SoStoredEqualsHashed) {
  auto chain = AuditChain::Start("default");
  AuditEventDraft draft = Draft(0);
  draft.subject = "req\xFF";
  draft.details["reason"] = "bad \xC0 byte";
  auto event = chain->Append(draft);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->subject, "req\xEF\xBF\xBD");
  auto parsed = ParseEventLine(*EventToJsonLine(*event));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, *event);
  std::vector<AuditEvent> events{*parsed};
  EXPECT_TRUE(VerifyChain(events).ok());
}

}  // namespace
}  // namespace drawbridge::audit
