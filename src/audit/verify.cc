#include "audit/verify.h"

#include <algorithm>
#include <utility>

#include "audit/escape.h"

namespace drawbridge::audit {
namespace {

std::string SeqText(uint64_t seq) {
  return "seq " + std::to_string(seq);
}

// Checkpoint checks that need no events: tenant, key, signature.
std::optional<VerifyFinding> CheckCheckpointAlone(const Checkpoint& checkpoint,
                                                  std::string_view tenant,
                                                  const std::vector<VerifyingKey>& keys,
                                                  std::size_t* signatures_checked) {
  if (!tenant.empty() && checkpoint.tenant != tenant) {
    return VerifyFinding{ChainProblem::kCheckpointTenantMismatch, checkpoint.seq,
                         "checkpoint at " + SeqText(checkpoint.seq) + " is for tenant " +
                             EscapeForTerminal(checkpoint.tenant) + ", not " +
                             EscapeForTerminal(tenant)};
  }
  if (keys.empty()) return std::nullopt;
  const auto key = std::find_if(keys.begin(), keys.end(), [&](const VerifyingKey& k) {
    return k.key_id() == checkpoint.key_id;
  });
  if (key == keys.end()) {
    return VerifyFinding{ChainProblem::kCheckpointUnknownKey, checkpoint.seq,
                         "checkpoint at " + SeqText(checkpoint.seq) + " names key " +
                             EscapeForTerminal(checkpoint.key_id) + ", which is not a trusted key"};
  }
  Status signature = VerifyCheckpointSignature(checkpoint, *key);
  if (!signature.ok()) {
    return VerifyFinding{ChainProblem::kCheckpointBadSignature, checkpoint.seq,
                         signature.message() + ": the checkpoint is forged or damaged"};
  }
  ++*signatures_checked;
  return std::nullopt;
}

}  // namespace

std::string_view ChainProblemName(ChainProblem problem) {
  switch (problem) {
    case ChainProblem::kMalformedEvent: return "malformed_event";
    case ChainProblem::kTenantMismatch: return "tenant_mismatch";
    case ChainProblem::kHashMismatch: return "hash_mismatch";
    case ChainProblem::kSeqGap: return "seq_gap";
    case ChainProblem::kSeqOutOfOrder: return "seq_out_of_order";
    case ChainProblem::kPrevHashMismatch: return "prev_hash_mismatch";
    case ChainProblem::kCheckpointMismatch: return "checkpoint_mismatch";
    case ChainProblem::kCheckpointBeyondTail: return "checkpoint_beyond_tail";
    case ChainProblem::kCheckpointBadSignature: return "checkpoint_bad_signature";
    case ChainProblem::kCheckpointUnknownKey: return "checkpoint_unknown_key";
    case ChainProblem::kCheckpointTenantMismatch: return "checkpoint_tenant_mismatch";
  }
  return "unknown";
}

std::string VerifyResult::Summary() const {
  if (finding.has_value()) {
    return "FAILED at seq " + std::to_string(finding->seq) + " (" +
           std::string(ChainProblemName(finding->problem)) + "): " + finding->message;
  }
  std::string out = "ok: " + std::to_string(events_checked) + " events verified up to seq " +
                    std::to_string(verified_head.seq) + ", " + std::to_string(checkpoints_matched) +
                    " checkpoints matched, " + std::to_string(signatures_checked) +
                    " checkpoint signatures verified";
  if (checkpoints_outside > 0) {
    out += ", " + std::to_string(checkpoints_outside) + " checkpoints before the verified range";
  }
  if (checkpoints_matched > 0 && signatures_checked == 0) {
    out += " (no public key given: checkpoint signatures NOT checked)";
  }
  return out;
}

Status VerifyResult::ToStatus() const {
  if (ok()) return Status::Ok();
  return DataLoss("audit chain: " + Summary());
}

ChainVerifier::ChainVerifier(VerifyOptions options)
    : options_(std::move(options)),
      log_hash_at_checkpoint_(options_.checkpoints.size()),
      head_(options_.start) {
  checkpoint_order_.resize(options_.checkpoints.size());
  for (std::size_t i = 0; i < checkpoint_order_.size(); ++i) checkpoint_order_[i] = i;
  std::stable_sort(checkpoint_order_.begin(), checkpoint_order_.end(),
                   [&](std::size_t a, std::size_t b) {
                     return options_.checkpoints[a].seq < options_.checkpoints[b].seq;
                   });
  // Checkpoints at or before the start are settled now: equal seq compares with the start head.
  while (next_checkpoint_ < checkpoint_order_.size() &&
         options_.checkpoints[checkpoint_order_[next_checkpoint_]].seq <= head_.seq) {
    std::size_t index = checkpoint_order_[next_checkpoint_];
    if (options_.checkpoints[index].seq == head_.seq) log_hash_at_checkpoint_[index] = head_.hash;
    ++next_checkpoint_;
  }
}

void ChainVerifier::Report(ChainProblem problem, uint64_t seq, std::string message) {
  event_finding_ = VerifyFinding{problem, seq, std::move(message)};
}

void ChainVerifier::Add(const AuditEvent& event) {
  if (event_finding_.has_value()) {
    // A "missing" seq that appears later was moved, not deleted.
    if (event_finding_->problem == ChainProblem::kSeqGap && event.seq == missing_seq_) {
      Report(ChainProblem::kSeqOutOfOrder, missing_seq_,
             SeqText(missing_seq_) +
                 " is stored out of place, after later events: events were "
                 "reordered");
    }
    return;
  }
  ++events_checked_;
  CheckEvent(event);
}

void ChainVerifier::CheckEvent(const AuditEvent& event) {
  if (options_.tenant.empty()) options_.tenant = event.tenant;
  const uint64_t expected = head_.seq + 1;
  if (event.seq > expected) {
    missing_seq_ = expected;
    Report(ChainProblem::kSeqGap, expected,
           SeqText(expected) + " is missing (the next stored event is " + SeqText(event.seq) +
               "): events were deleted");
    return;
  }
  if (event.seq < expected) {
    Report(ChainProblem::kSeqOutOfOrder, event.seq,
           SeqText(event.seq) + " appears where " + SeqText(expected) +
               " belongs: an event was inserted, duplicated or moved");
    return;
  }
  if (event.tenant != options_.tenant) {
    Report(ChainProblem::kTenantMismatch, event.seq,
           SeqText(event.seq) + " belongs to tenant " + EscapeForTerminal(event.tenant) + ", not " +
               EscapeForTerminal(options_.tenant) + ": an event from another chain was spliced in");
    return;
  }
  Status fields = ValidateEventFields(event);
  StatusOr<std::string> hash =
      fields.ok() ? ComputeEventHash(event) : StatusOr<std::string>(fields);
  if (!hash.ok()) {
    Report(ChainProblem::kMalformedEvent, event.seq,
           SeqText(event.seq) + " is malformed: " + hash.status().message());
    return;
  }
  if (*hash != event.hash) {
    Report(ChainProblem::kHashMismatch, event.seq,
           SeqText(event.seq) + " does not match its hash: the event was edited");
    return;
  }
  if (event.prev_hash != head_.hash) {
    // The event is self-consistent, so the link is what broke: the predecessor was rewritten
    // (with its hash), or this event was re-hashed onto another predecessor. Name the earlier.
    const uint64_t bad = head_is_event_ ? head_.seq : event.seq;
    Report(ChainProblem::kPrevHashMismatch, bad,
           SeqText(event.seq) + "'s prev_hash does not match the hash of " + SeqText(head_.seq) +
               ": an event was replaced, inserted or deleted at " + SeqText(bad));
    return;
  }
  head_ = ChainHead{event.seq, event.hash};
  head_is_event_ = true;
  while (next_checkpoint_ < checkpoint_order_.size() &&
         options_.checkpoints[checkpoint_order_[next_checkpoint_]].seq == head_.seq) {
    log_hash_at_checkpoint_[checkpoint_order_[next_checkpoint_]] = head_.hash;
    ++next_checkpoint_;
  }
}

VerifyResult ChainVerifier::Finish() && {
  VerifyResult result;
  result.events_checked = events_checked_;
  result.verified_head = head_;
  std::optional<VerifyFinding> first = std::move(event_finding_);
  const auto consider = [&](VerifyFinding finding) {
    // The earliest seq wins; at equal seq an event finding (found first) stays.
    if (!first.has_value() || finding.seq < first->seq) first = std::move(finding);
  };

  const bool chain_broken = first.has_value();
  for (std::size_t index : checkpoint_order_) {
    const Checkpoint& checkpoint = options_.checkpoints[index];
    if (auto finding = CheckCheckpointAlone(checkpoint, options_.tenant, options_.trusted_keys,
                                            &result.signatures_checked)) {
      consider(std::move(*finding));
      continue;
    }
    const std::optional<std::string>& log_hash = log_hash_at_checkpoint_[index];
    if (checkpoint.seq < options_.start.seq) {
      ++result.checkpoints_outside;
    } else if (log_hash.has_value()) {
      if (*log_hash == checkpoint.head_hash) {
        ++result.checkpoints_matched;
      } else {
        consider({ChainProblem::kCheckpointMismatch, checkpoint.seq,
                  "the log's hash at " + SeqText(checkpoint.seq) +
                      " differs from the signed checkpoint: the chain up to " +
                      SeqText(checkpoint.seq) + " was rewritten"});
      }
    } else if (!chain_broken) {
      // The log ended before the checkpoint's seq: everything after the last event is gone.
      consider({ChainProblem::kCheckpointBeyondTail, head_.seq + 1,
                "a checkpoint was signed at " + SeqText(checkpoint.seq) + " but the log ends at " +
                    SeqText(head_.seq) + ": the tail from " + SeqText(head_.seq + 1) + " was cut"});
    }
  }
  result.finding = std::move(first);
  return result;
}

VerifyResult VerifyChain(std::span<const AuditEvent> events, VerifyOptions options) {
  ChainVerifier verifier(std::move(options));
  for (const AuditEvent& event : events) verifier.Add(event);
  return std::move(verifier).Finish();
}

}  // namespace drawbridge::audit
