// Verification of a tenant's audit chain, optionally against signed checkpoints.
//
// ChainVerifier reads events in stored order, one at a time (so a store can stream millions of
// them), and reports the first bad seq and why: an edit, a deletion, a reordering or insertion, a
// rewritten chain, a cut tail or a forged checkpoint. What each finding means, and which seq it
// names, is specified in docs/AUDIT.md ("Verification"). Not thread-safe; one verifier per run.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/chain.h"
#include "audit/checkpoint.h"
#include "audit/event.h"
#include "audit/signing_key.h"

namespace drawbridge::audit {

enum class ChainProblem {
  kMalformedEvent,            // fields invalid or not encodable: the record was damaged
  kTenantMismatch,            // an event of another tenant's chain was spliced in
  kHashMismatch,              // content differs from what was hashed: the event was edited
  kSeqGap,                    // a seq is missing: an event was deleted
  kSeqOutOfOrder,             // a seq comes late or twice: events were reordered or inserted
  kPrevHashMismatch,          // a broken link: an event was replaced, inserted or deleted
  kCheckpointMismatch,        // a signed head differs from the log's: the chain was rewritten
  kCheckpointBeyondTail,      // a signed head lies past the last event: the tail was cut
  kCheckpointBadSignature,    // the checkpoint's signature does not verify: it was forged
  kCheckpointUnknownKey,      // the checkpoint names a key the verifier does not trust
  kCheckpointTenantMismatch,  // the checkpoint belongs to another tenant's chain
};

// "hash_mismatch", "seq_gap", ...: stable names for JSON output and exit reports.
std::string_view ChainProblemName(ChainProblem problem);

struct VerifyFinding {
  ChainProblem problem;
  uint64_t seq;         // the first seq that cannot be trusted
  std::string message;  // for the auditor: what was found and what it means
};

struct VerifyOptions {
  // The chain's tenant; empty means "the tenant of the first event".
  std::string tenant;
  // The head just before the first event given. The default (seq 0, genesis hash) means the
  // events must start the chain at seq 1. To verify a later range, pass a trusted head, e.g. from
  // a checkpoint whose signature was checked.
  ChainHead start;
  // Checkpoints to hold the chain against, in any order.
  std::vector<Checkpoint> checkpoints;
  // Keys whose signatures are accepted. Empty: checkpoint heads are compared but signatures are
  // not checked, and the result says so (signatures_checked stays 0).
  std::vector<VerifyingKey> trusted_keys;
};

struct VerifyResult {
  std::optional<VerifyFinding> finding;  // empty when everything checked out
  uint64_t events_checked = 0;           // events read, up to and including the first bad one
  ChainHead verified_head;               // the last event verified good (or options.start)
  std::size_t checkpoints_matched = 0;   // checkpoints whose head was found in the log
  std::size_t signatures_checked = 0;    // checkpoint signatures that verified
  std::size_t checkpoints_outside = 0;   // checkpoints before options.start, not comparable

  bool ok() const { return !finding.has_value(); }
  // One line for people: "ok: 1200 events, 3 checkpoints, 3 signatures" or the finding.
  std::string Summary() const;
  // OK, or DataLoss carrying the summary.
  Status ToStatus() const;
};

class ChainVerifier {
 public:
  explicit ChainVerifier(VerifyOptions options);

  // The next event in stored order. After the first finding, later events only serve to tell a
  // deletion from a move (a missing seq that turns up later is a reordering).
  void Add(const AuditEvent& event);

  VerifyResult Finish() &&;

 private:
  void Report(ChainProblem problem, uint64_t seq, std::string message);
  void CheckEvent(const AuditEvent& event);

  VerifyOptions options_;
  std::vector<std::size_t> checkpoint_order_;  // indexes of options_.checkpoints by seq
  std::size_t next_checkpoint_ = 0;            // first entry of checkpoint_order_ not yet reached
  std::vector<std::optional<std::string>> log_hash_at_checkpoint_;  // per checkpoint
  std::optional<VerifyFinding> event_finding_;
  uint64_t missing_seq_ = 0;  // for a kSeqGap finding: the seq that was missing
  ChainHead head_;
  bool head_is_event_ = false;  // head_ is an event read here, not options_.start
  uint64_t events_checked_ = 0;
};

// Verifies `events` (in stored order) in one call.
VerifyResult VerifyChain(std::span<const AuditEvent> events, VerifyOptions options = {});

}  // namespace drawbridge::audit
