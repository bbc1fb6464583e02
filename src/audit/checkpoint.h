// Signed checkpoints of a chain head.
//
// A hash chain shows edits inside it, but not a cut tail or a wholesale rewrite. A checkpoint is
// an Ed25519 signature over the head (tenant, seq, head hash, time), made periodically and kept
// somewhere the log's writer cannot rewrite (another host, a ticket, a WORM bucket). The signed
// bytes are CheckpointMessage(), documented in docs/AUDIT.md. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "audit/chain.h"
#include "audit/signing_key.h"
#include "drawbridge/status.h"

namespace drawbridge::audit {

struct Checkpoint {
  std::string tenant;
  uint64_t seq = 0;       // the head's seq; 0 for an empty chain
  std::string head_hash;  // 64 lowercase hex: the hash of event `seq` (kGenesisHash for 0)
  int64_t time_ms = 0;    // when it was signed, Unix ms UTC
  std::string key_id;     // 16 lowercase hex: which key signed
  std::string signature;  // 128 lowercase hex: the 64-byte Ed25519 signature

  bool operator==(const Checkpoint&) const = default;
};

// The exact bytes that are signed:
//   "drawbridge-checkpoint/1\n" tenant "\n" seq "\n" head_hash "\n" time_ms "\n"
// with seq and time_ms in decimal.
std::string CheckpointMessage(std::string_view tenant, uint64_t seq, std::string_view head_hash,
                              int64_t time_ms);

StatusOr<Checkpoint> SignCheckpoint(const SigningKey& key, std::string_view tenant,
                                    const ChainHead& head, int64_t time_ms);

// OK when `key` is the key named by checkpoint.key_id and the signature is valid; otherwise
// PermissionDenied saying which.
Status VerifyCheckpointSignature(const Checkpoint& checkpoint, const VerifyingKey& key);

// One canonical JSON line, no terminator:
// {"head_hash":..,"key_id":..,"seq":..,"signature":..,"tenant":..,"time_ms":..}
std::string CheckpointToJsonLine(const Checkpoint& checkpoint);

// Strict: exactly those members, valid formats, canonical bytes (one trailing newline allowed).
StatusOr<Checkpoint> ParseCheckpointLine(std::string_view line);

}  // namespace drawbridge::audit
