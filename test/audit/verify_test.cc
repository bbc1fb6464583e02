#include "audit/verify.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "audit/checkpoint.h"
#include "audit_test_util.h"

namespace drawbridge::audit {
namespace {

using testing::MakeEvents;
using testing::Rehash;

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    events_ = MakeEvents(10);
    auto key = SigningKey::Generate();
    ASSERT_TRUE(key.ok());
    key_.emplace(std::move(*key));
  }

  Checkpoint CheckpointAt(uint64_t seq) {
    ChainHead head{seq, seq == 0 ? std::string(kGenesisHash) : events_[seq - 1].hash};
    auto checkpoint = SignCheckpoint(*key_, "default", head, 1714560000000);
    EXPECT_TRUE(checkpoint.ok());
    return *checkpoint;
  }

  VerifyOptions WithCheckpoints(std::vector<Checkpoint> checkpoints) {
    VerifyOptions options;
    options.checkpoints = std::move(checkpoints);
    options.trusted_keys = {key_->verifying_key()};
    return options;
  }

  static void ExpectFinding(const VerifyResult& result, ChainProblem problem, uint64_t seq) {
    ASSERT_FALSE(result.ok()) << "expected " << ChainProblemName(problem);
    EXPECT_EQ(result.finding->problem, problem)
        << "got " << ChainProblemName(result.finding->problem) << ": " << result.Summary();
    EXPECT_EQ(result.finding->seq, seq) << result.Summary();
    EXPECT_EQ(result.ToStatus().code(), StatusCode::kDataLoss);
  }

  std::vector<AuditEvent> events_;
  std::optional<SigningKey> key_;
};

// Test that an untouched chain verifies, with and without checkpoints.
TEST_F(VerifyTest, IntactChainVerifies) {
  VerifyResult plain = VerifyChain(events_);
  EXPECT_TRUE(plain.ok()) << plain.Summary();
  EXPECT_EQ(plain.events_checked, 10u);
  EXPECT_EQ(plain.verified_head, (ChainHead{10, events_[9].hash}));

  VerifyResult checked = VerifyChain(events_, WithCheckpoints({CheckpointAt(4), CheckpointAt(10)}));
  EXPECT_TRUE(checked.ok()) << checked.Summary();
  EXPECT_EQ(checked.checkpoints_matched, 2u);
  EXPECT_EQ(checked.signatures_checked, 2u);
}

// Test that an empty log verifies, and a checkpoint of the empty chain matches it.
TEST_F(VerifyTest, EmptyChainVerifies) {
  EXPECT_TRUE(VerifyChain({}).ok());
  VerifyResult result = VerifyChain({}, WithCheckpoints({CheckpointAt(0)}));
  EXPECT_TRUE(result.ok()) << result.Summary();
  EXPECT_EQ(result.checkpoints_matched, 1u);
}

// Test that editing a field without fixing the hash is found at that seq: an edit.
TEST_F(VerifyTest, EditedEventIsAHashMismatch) {
  events_[4].details["resource"] = "db/orders-staging";
  ExpectFinding(VerifyChain(events_), ChainProblem::kHashMismatch, 5);
}

// Test that editing the hash field alone is also found at that seq.
TEST_F(VerifyTest, EditedHashIsAHashMismatch) {
  events_[6].hash[0] = events_[6].hash[0] == 'a' ? 'b' : 'a';
  ExpectFinding(VerifyChain(events_), ChainProblem::kHashMismatch, 7);
}

// Test that an edit whose hash was recomputed breaks the next link, named at the edited seq.
TEST_F(VerifyTest, EditedAndRehashedEventIsAPrevHashMismatch) {
  events_[4].actor = "user:mallory";
  Rehash(events_[4]);
  ExpectFinding(VerifyChain(events_), ChainProblem::kPrevHashMismatch, 5);
}

// Test that deleting an event is a seq gap naming the missing seq.
TEST_F(VerifyTest, DeletedEventIsASeqGap) {
  events_.erase(events_.begin() + 3);
  ExpectFinding(VerifyChain(events_), ChainProblem::kSeqGap, 4);
}

// Test that deleting the first event is found: the log must start at seq 1.
TEST_F(VerifyTest, DeletedFirstEventIsASeqGap) {
  events_.erase(events_.begin());
  ExpectFinding(VerifyChain(events_), ChainProblem::kSeqGap, 1);
}

// Test that deleting an event and renumbering the rest (without rehashing) is an edit.
TEST_F(VerifyTest, DeletedAndRenumberedIsAHashMismatch) {
  events_.erase(events_.begin() + 3);
  for (std::size_t i = 3; i < events_.size(); ++i) events_[i].seq = i + 1;
  ExpectFinding(VerifyChain(events_), ChainProblem::kHashMismatch, 4);
}

// Test that deleting an event and re-hashing its successor into place breaks the link.
TEST_F(VerifyTest, DeletedAndRelinkedIsAPrevHashMismatch) {
  events_.erase(events_.begin() + 3);
  events_[3].seq = 4;
  Rehash(events_[3]);
  ExpectFinding(VerifyChain(events_), ChainProblem::kPrevHashMismatch, 3);
}

// Test that swapping two events is a reordering named at the first displaced seq.
TEST_F(VerifyTest, SwappedEventsAreOutOfOrder) {
  std::swap(events_[5], events_[6]);
  ExpectFinding(VerifyChain(events_), ChainProblem::kSeqOutOfOrder, 6);
}

// Test that moving an event far back is a reordering too, not a deletion.
TEST_F(VerifyTest, MovedEventIsOutOfOrder) {
  AuditEvent moved = events_[2];
  events_.erase(events_.begin() + 2);
  events_.push_back(moved);
  ExpectFinding(VerifyChain(events_), ChainProblem::kSeqOutOfOrder, 3);
}

// Test that a duplicated event is found where the copy sits.
TEST_F(VerifyTest, DuplicatedEventIsOutOfOrder) {
  events_.insert(events_.begin() + 5, events_[4]);
  ExpectFinding(VerifyChain(events_), ChainProblem::kSeqOutOfOrder, 5);
}

// Test that an inserted forgery, correctly hashed onto its predecessor, is found where it sits.
TEST_F(VerifyTest, InsertedEventIsOutOfOrder) {
  AuditEvent forged = events_[4];
  forged.actor = "user:mallory";
  forged.type = "grant.activated";
  Rehash(forged);
  events_.insert(events_.begin() + 4, forged);
  ExpectFinding(VerifyChain(events_), ChainProblem::kSeqOutOfOrder, 5);
}

// Test that an event from another tenant's chain is found.
TEST_F(VerifyTest, SplicedTenantIsFound) {
  std::vector<AuditEvent> other = MakeEvents(10, "other");
  events_[7] = other[7];
  ExpectFinding(VerifyChain(events_), ChainProblem::kTenantMismatch, 8);
}

// Test that a damaged record (a float in details) is malformed, not a crash.
TEST_F(VerifyTest, MalformedEventIsFound) {
  events_[2].details["x"] = 1.5;
  ExpectFinding(VerifyChain(events_), ChainProblem::kMalformedEvent, 3);
}

// Test that a chain rewritten from seq 3 on, consistently re-hashed, passes alone but not against
// a checkpoint signed before the rewrite.
TEST_F(VerifyTest, RewrittenChainIsACheckpointMismatch) {
  std::vector<Checkpoint> checkpoints = {CheckpointAt(2), CheckpointAt(6)};
  events_[2].details["resource"] = "db/other";
  for (std::size_t i = 2; i < events_.size(); ++i) {
    events_[i].prev_hash = events_[i - 1].hash;
    Rehash(events_[i]);
  }
  ASSERT_TRUE(VerifyChain(events_).ok());
  VerifyResult result = VerifyChain(events_, WithCheckpoints(checkpoints));
  ExpectFinding(result, ChainProblem::kCheckpointMismatch, 6);
  EXPECT_EQ(result.checkpoints_matched, 1u);  // seq 2 still matches
}

// Test that a cut tail passes alone but not against a checkpoint beyond the new end.
TEST_F(VerifyTest, CutTailIsACheckpointBeyondTail) {
  std::vector<Checkpoint> checkpoints = {CheckpointAt(9)};
  events_.resize(7);
  ASSERT_TRUE(VerifyChain(events_).ok());
  ExpectFinding(VerifyChain(events_, WithCheckpoints(checkpoints)),
                ChainProblem::kCheckpointBeyondTail, 8);
}

// Test that a checkpoint with an altered head and the old signature is forged.
TEST_F(VerifyTest, ForgedCheckpointIsABadSignature) {
  Checkpoint forged = CheckpointAt(5);
  forged.seq = 4;
  forged.head_hash = events_[3].hash;
  ExpectFinding(VerifyChain(events_, WithCheckpoints({forged})),
                ChainProblem::kCheckpointBadSignature, 4);
}

// Test that a checkpoint signed by a key the verifier does not trust is refused.
TEST_F(VerifyTest, CheckpointFromAnotherKeyIsUnknown) {
  auto other_key = SigningKey::Generate();
  ASSERT_TRUE(other_key.ok());
  auto checkpoint =
      SignCheckpoint(*other_key, "default", ChainHead{3, events_[2].hash}, 1714560000000);
  ASSERT_TRUE(checkpoint.ok());
  ExpectFinding(VerifyChain(events_, WithCheckpoints({*checkpoint})),
                ChainProblem::kCheckpointUnknownKey, 3);
}

// Test that an attacker's own key and checkpoint do not help when the verifier pins its key.
TEST_F(VerifyTest, RewrittenChainWithAttackerCheckpointIsUnknownKey) {
  auto attacker = SigningKey::Generate();
  const Checkpoint genuine = CheckpointAt(8);
  events_.resize(5);
  auto checkpoint =
      SignCheckpoint(*attacker, "default", ChainHead{5, events_[4].hash}, 1714560000000);
  ExpectFinding(VerifyChain(events_, WithCheckpoints({*checkpoint, genuine})),
                ChainProblem::kCheckpointUnknownKey, 5);
}

// Test that a checkpoint of another tenant is refused.
TEST_F(VerifyTest, CheckpointOfAnotherTenantIsFound) {
  auto checkpoint = SignCheckpoint(*key_, "other", ChainHead{3, events_[2].hash}, 1);
  ExpectFinding(VerifyChain(events_, WithCheckpoints({*checkpoint})),
                ChainProblem::kCheckpointTenantMismatch, 3);
}

// Test that without a public key, heads are still compared and the summary says signatures were
// not checked.
TEST_F(VerifyTest, WithoutKeysHeadsAreComparedButSignaturesAreNot) {
  VerifyOptions options;
  options.checkpoints = {CheckpointAt(5)};
  VerifyResult result = VerifyChain(events_, options);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.signatures_checked, 0u);
  EXPECT_NE(result.Summary().find("NOT checked"), std::string::npos) << result.Summary();
  options.checkpoints = {CheckpointAt(5)};
  options.checkpoints[0].head_hash = std::string(64, 'c');
  ExpectFinding(VerifyChain(events_, options), ChainProblem::kCheckpointMismatch, 5);
}

// Test that the earliest problem wins when there are several.
TEST_F(VerifyTest, ReportsTheEarliestProblem) {
  std::vector<Checkpoint> checkpoints = {CheckpointAt(3)};
  checkpoints[0].signature[0] = checkpoints[0].signature[0] == '0' ? '1' : '0';
  events_[7].subject = "edited";
  ExpectFinding(VerifyChain(events_, WithCheckpoints(checkpoints)),
                ChainProblem::kCheckpointBadSignature, 3);
}

// Test that a later range verifies from a trusted head, and a wrong head is caught.
TEST_F(VerifyTest, VerifiesARangeFromATrustedHead) {
  std::vector<AuditEvent> tail(events_.begin() + 5, events_.end());
  VerifyOptions options;
  options.start = ChainHead{5, events_[4].hash};
  EXPECT_TRUE(VerifyChain(tail, options).ok());
  options.start = ChainHead{5, events_[3].hash};
  ExpectFinding(VerifyChain(tail, options), ChainProblem::kPrevHashMismatch, 6);
  ExpectFinding(VerifyChain(tail), ChainProblem::kSeqGap, 1);
}

// Test that the streaming verifier gives the same answer as the one-call form.
TEST_F(VerifyTest, StreamingMatchesOneCall) {
  std::swap(events_[1], events_[2]);
  ChainVerifier verifier(VerifyOptions{});
  for (const AuditEvent& event : events_) verifier.Add(event);
  VerifyResult streamed = std::move(verifier).Finish();
  VerifyResult whole = VerifyChain(events_);
  ASSERT_FALSE(streamed.ok());
  EXPECT_EQ(streamed.finding->problem, whole.finding->problem);
  EXPECT_EQ(streamed.finding->seq, whole.finding->seq);
}

}  // namespace
}  // namespace drawbridge::audit
