#include "audit/checkpoint.h"

#include <boost/json.hpp>

#include "audit/canonical_json.h"
#include "audit/digest.h"
#include "audit/escape.h"

namespace drawbridge::audit {
namespace {

Status ValidateCheckpointFields(const Checkpoint& checkpoint) {
  DB_RETURN_IF_ERROR(ValidateTenant(checkpoint.tenant));
  if (!IsLowerHex(checkpoint.head_hash, 64)) {
    return InvalidArgument("checkpoint head_hash must be 64 lowercase hex digits");
  }
  if (checkpoint.seq == 0 && checkpoint.head_hash != kGenesisHash) {
    return InvalidArgument("a checkpoint of seq 0 must carry the genesis hash");
  }
  if (checkpoint.time_ms < 0 || checkpoint.time_ms > kMaxEventTimeMs) {
    return InvalidArgument("checkpoint time_ms must lie between 1970 and the end of year 9999");
  }
  if (!IsLowerHex(checkpoint.key_id, 16)) {
    return InvalidArgument("checkpoint key_id must be 16 lowercase hex digits");
  }
  if (!IsLowerHex(checkpoint.signature, 128)) {
    return InvalidArgument("checkpoint signature must be 128 lowercase hex digits");
  }
  return Status::Ok();
}

}  // namespace

std::string CheckpointMessage(std::string_view tenant, uint64_t seq, std::string_view head_hash,
                              int64_t time_ms) {
  std::string message = "drawbridge-checkpoint/1\n";
  message += tenant;
  message += '\n';
  message += std::to_string(seq);
  message += '\n';
  message += head_hash;
  message += '\n';
  message += std::to_string(time_ms);
  message += '\n';
  return message;
}

StatusOr<Checkpoint> SignCheckpoint(const SigningKey& key, std::string_view tenant,
                                    const ChainHead& head, int64_t time_ms) {
  Checkpoint checkpoint;
  checkpoint.tenant = std::string(tenant);
  checkpoint.seq = head.seq;
  checkpoint.head_hash = head.hash;
  checkpoint.time_ms = time_ms;
  checkpoint.key_id = key.key_id();
  // A well-formed dummy until signed, so that the other fields are validated before signing.
  checkpoint.signature = std::string(128, '0');
  DB_RETURN_IF_ERROR(ValidateCheckpointFields(checkpoint).WithContext("checkpoint"));
  DB_ASSIGN_OR_RETURN(std::string signature,
                      key.Sign(CheckpointMessage(tenant, head.seq, head.hash, time_ms)));
  checkpoint.signature = HexEncode(signature);
  return checkpoint;
}

Status VerifyCheckpointSignature(const Checkpoint& checkpoint, const VerifyingKey& key) {
  if (checkpoint.key_id != key.key_id()) {
    return PermissionDenied("checkpoint seq " + std::to_string(checkpoint.seq) +
                            " was signed by key " + EscapeForTerminal(checkpoint.key_id) +
                            ", not by key " + key.key_id());
  }
  std::string signature;
  if (!IsLowerHex(checkpoint.signature, 128) || !HexDecode(checkpoint.signature, &signature) ||
      !key.Verify(CheckpointMessage(checkpoint.tenant, checkpoint.seq, checkpoint.head_hash,
                                    checkpoint.time_ms),
                  signature)) {
    return PermissionDenied("checkpoint seq " + std::to_string(checkpoint.seq) +
                            " has a signature that does not verify with key " + key.key_id());
  }
  return Status::Ok();
}

std::string CheckpointToJsonLine(const Checkpoint& checkpoint) {
  std::string out = "{\"head_hash\":";
  AppendCanonicalString(out, checkpoint.head_hash);
  out += ",\"key_id\":";
  AppendCanonicalString(out, checkpoint.key_id);
  out += ",\"seq\":";
  out += std::to_string(checkpoint.seq);
  out += ",\"signature\":";
  AppendCanonicalString(out, checkpoint.signature);
  out += ",\"tenant\":";
  AppendCanonicalString(out, checkpoint.tenant);
  out += ",\"time_ms\":";
  out += std::to_string(checkpoint.time_ms);
  out += '}';
  return out;
}

StatusOr<Checkpoint> ParseCheckpointLine(std::string_view line) {
  if (line.ends_with("\r\n")) {
    line.remove_suffix(2);
  } else if (line.ends_with('\n')) {
    line.remove_suffix(1);
  }
  boost::json::error_code error;
  boost::json::value parsed = boost::json::parse(line, error);
  if (error) return InvalidArgument("checkpoint is not valid JSON: " + error.message());
  const boost::json::object* object = parsed.if_object();
  if (object == nullptr || object->size() != 6) {
    return InvalidArgument(
        "checkpoint must be an object with exactly head_hash, key_id, seq, signature, tenant, "
        "time_ms");
  }
  const auto string_member = [&](std::string_view key) -> const boost::json::string* {
    const boost::json::value* value = object->if_contains(key);
    return value != nullptr ? value->if_string() : nullptr;
  };
  const boost::json::string* head_hash = string_member("head_hash");
  const boost::json::string* key_id = string_member("key_id");
  const boost::json::string* signature = string_member("signature");
  const boost::json::string* tenant = string_member("tenant");
  const boost::json::value* seq = object->if_contains("seq");
  const boost::json::value* time_ms = object->if_contains("time_ms");
  if (head_hash == nullptr || key_id == nullptr || signature == nullptr || tenant == nullptr ||
      seq == nullptr || time_ms == nullptr || !time_ms->is_int64() ||
      !(seq->is_uint64() || (seq->is_int64() && seq->get_int64() >= 0))) {
    return InvalidArgument(
        "checkpoint members have the wrong types: head_hash, key_id, signature and tenant are "
        "strings, seq and time_ms integers");
  }
  Checkpoint checkpoint;
  checkpoint.tenant = std::string(*tenant);
  checkpoint.seq = seq->is_uint64() ? seq->get_uint64() : static_cast<uint64_t>(seq->get_int64());
  checkpoint.head_hash = std::string(*head_hash);
  checkpoint.time_ms = time_ms->get_int64();
  checkpoint.key_id = std::string(*key_id);
  checkpoint.signature = std::string(*signature);
  DB_RETURN_IF_ERROR(ValidateCheckpointFields(checkpoint));
  if (CheckpointToJsonLine(checkpoint) != line) {
    return InvalidArgument("checkpoint is not in canonical form");
  }
  return checkpoint;
}

}  // namespace drawbridge::audit
