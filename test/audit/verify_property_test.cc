// Properties of the chain over random logs and random single tamperings.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <boost/json.hpp>

#include "audit/chain.h"
#include "audit/checkpoint.h"
#include "audit/verify.h"

namespace drawbridge::audit {
namespace {

const SigningKey& TestKey() {
  static const SigningKey key = *SigningKey::Generate();
  return key;
}

// Random user text: arbitrary bytes, so control characters and invalid UTF-8 are common.
rc::Gen<std::string> Text() {
  return rc::gen::arbitrary<std::string>();
}

rc::Gen<AuditEventDraft> DraftGen() {
  return rc::gen::apply(
      [](int64_t time, std::string actor, std::string subject, std::string reason, int64_t number,
         bool flag, std::size_t type_index) {
        const auto types = KnownEventTypes();
        AuditEventDraft draft;
        draft.time_ms = time;
        draft.actor = "user:" + actor;
        draft.type = std::string(types[type_index % types.size()]);
        draft.subject = std::move(subject);
        draft.details = {{"reason", reason},
                         {"n", number},
                         {"flag", flag},
                         {"nested", boost::json::object{{reason, boost::json::array{number}}}}};
        return draft;
      },
      rc::gen::inRange<int64_t>(0, kMaxEventTimeMs), Text(), Text(), Text(),
      rc::gen::arbitrary<int64_t>(), rc::gen::arbitrary<bool>(), rc::gen::arbitrary<std::size_t>());
}

std::vector<AuditEvent> BuildLog(const std::vector<AuditEventDraft>& drafts) {
  auto chain = AuditChain::Start("default");
  std::vector<AuditEvent> events;
  for (const AuditEventDraft& draft : drafts) {
    auto event = chain->Append(draft);
    RC_ASSERT(event.ok());
    events.push_back(std::move(*event));
  }
  return events;
}

VerifyOptions CheckpointedAtHead(const std::vector<AuditEvent>& events) {
  VerifyOptions options;
  ChainHead head{events.back().seq, events.back().hash};
  options.checkpoints = {*SignCheckpoint(TestKey(), "default", head, 0)};
  options.trusted_keys = {TestKey().verifying_key()};
  return options;
}

void Rehash(AuditEvent& event) {
  event.hash = *ComputeEventHash(event);
}

enum class Tampering { kEdit, kEditAndRehash, kDelete, kSwap, kInsert, kDuplicate, kCutTail };

// Test that an untouched random log verifies, also after a JSONL round trip.
RC_GTEST_PROP(ChainProperties, IntactLogsVerify, ()) {
  const auto drafts = *rc::gen::resize(
      20, rc::gen::nonEmpty(rc::gen::container<std::vector<AuditEventDraft>>(DraftGen())));
  const auto events = BuildLog(drafts);
  RC_ASSERT(VerifyChain(events, CheckpointedAtHead(events)).ok());
  std::vector<AuditEvent> reparsed;
  for (const AuditEvent& event : events) {
    auto line = EventToJsonLine(event);
    RC_ASSERT(line.ok());
    auto parsed = ParseEventLine(*line);
    RC_ASSERT(parsed.ok());
    RC_ASSERT(*parsed == event);
    reparsed.push_back(std::move(*parsed));
  }
  RC_ASSERT(VerifyChain(reparsed, CheckpointedAtHead(events)).ok());
}

// Test that any single tampering is found, at or before the tampered seq.
RC_GTEST_PROP(ChainProperties, AnySingleTamperingIsFoundAtOrBeforeIt, ()) {
  const auto drafts = *rc::gen::resize(
      20, rc::gen::suchThat(rc::gen::container<std::vector<AuditEventDraft>>(DraftGen()),
                            [](const auto& d) { return d.size() >= 2; }));
  auto events = BuildLog(drafts);
  const VerifyOptions options = CheckpointedAtHead(events);  // signed before the tampering
  const auto tampering = *rc::gen::element(Tampering::kEdit, Tampering::kEditAndRehash,
                                           Tampering::kDelete, Tampering::kSwap, Tampering::kInsert,
                                           Tampering::kDuplicate, Tampering::kCutTail);
  const std::size_t n = events.size();
  std::size_t index = *rc::gen::inRange<std::size_t>(0, n);
  uint64_t tampered_seq = events[index].seq;
  switch (tampering) {
    case Tampering::kEdit: {
      const int field = *rc::gen::inRange(0, 5);
      AuditEvent& e = events[index];
      if (field == 0) e.actor += "x";
      if (field == 1) e.subject += "x";
      if (field == 2) e.time_ms ^= 1;
      if (field == 3) e.details["reason"] = "rewritten";
      if (field == 4) e.type = e.type == "grant.revoked" ? "grant.expired" : "grant.revoked";
      break;
    }
    case Tampering::kEditAndRehash:
      events[index].details["extra"] = "slipped in";
      Rehash(events[index]);
      break;
    case Tampering::kDelete: events.erase(events.begin() + index); break;
    case Tampering::kSwap:
      index = std::min(index, n - 2);
      tampered_seq = events[index].seq;
      std::swap(events[index], events[index + 1]);
      break;
    case Tampering::kInsert: {
      AuditEvent forged = events[index];
      forged.actor = "user:mallory";
      Rehash(forged);
      events.insert(events.begin() + index, forged);
      break;
    }
    case Tampering::kDuplicate: events.insert(events.begin() + index, events[index]); break;
    case Tampering::kCutTail: events.resize(index); break;
  }
  RC_TAG(static_cast<int>(tampering));
  const VerifyResult result = VerifyChain(events, options);
  RC_ASSERT(!result.ok());
  RC_ASSERT(result.finding->seq <= tampered_seq);
}

// Test that any consistent rewrite of a suffix, re-hashed to the end, is caught by a checkpoint
// signed before it.
RC_GTEST_PROP(ChainProperties, RewritesAreCaughtByCheckpoints, ()) {
  const auto drafts = *rc::gen::resize(
      20, rc::gen::nonEmpty(rc::gen::container<std::vector<AuditEventDraft>>(DraftGen())));
  auto events = BuildLog(drafts);
  const VerifyOptions options = CheckpointedAtHead(events);
  const std::size_t from = *rc::gen::inRange<std::size_t>(0, events.size());
  events[from].subject += "rewritten";
  for (std::size_t i = from; i < events.size(); ++i) {
    if (i > 0) events[i].prev_hash = events[i - 1].hash;
    Rehash(events[i]);
  }
  RC_ASSERT(VerifyChain(events).ok());
  const VerifyResult result = VerifyChain(events, options);
  RC_ASSERT(!result.ok());
  RC_ASSERT(result.finding->problem == ChainProblem::kCheckpointMismatch);
}

}  // namespace
}  // namespace drawbridge::audit
