// PrepareEvent encodes an event draft's details straight from its fields; the chain hashes and
// the store keeps those bytes. They must be exactly the canonical JSON of the details as an audit
// draft (ToAuditDraft, then CanonicalJson of the normalised object), or stored events would not
// verify.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "audit/canonical_json.h"
#include "audit/chain.h"
#include "service/audit_records.h"

namespace drawbridge::service {
namespace {

// The reference: the audit layer's own normalisation and encoding of the same details.
StatusOr<std::string> ReferenceDetails(const workflow::EventDraft& draft) {
  audit::AuditEventDraft a = ToAuditDraft(draft, 0);
  DB_ASSIGN_OR_RETURN(
      boost::json::value normalized,
      audit::NormalizeJsonText(boost::json::value(std::move(a.details)), "details"));
  return audit::CanonicalJson(normalized);
}

// Short strings over an alphabet with quotes, escapes, controls, non-ASCII and ill-formed bytes.
rc::Gen<std::string> Text() {
  static const std::vector<std::string> kPieces = {"a",
                                                   "b",
                                                   "z",
                                                   "A",
                                                   "_",
                                                   "0",
                                                   "9",
                                                   " ",
                                                   "\"",
                                                   "\\",
                                                   "\n",
                                                   "\t",
                                                   "\x01",
                                                   "\x7f",
                                                   "\xc3\xa9",
                                                   "\xe2\x82\xac",
                                                   "\xf0\x9f\x94\x91",
                                                   "\xef\xbf\xbd",
                                                   "\xc3",
                                                   "\xff",
                                                   "\xe2\x82"};
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(kPieces)),
                      [](const std::vector<std::string>& parts) {
                        std::string s;
                        for (const auto& p : parts) s += p;
                        return s;
                      });
}

rc::Gen<workflow::FieldValue> Value() {
  return rc::gen::oneOf(
      rc::gen::map(Text(), [](std::string s) { return workflow::FieldValue(std::move(s)); }),
      rc::gen::map(rc::gen::arbitrary<int64_t>(),
                   [](int64_t v) { return workflow::FieldValue(v); }),
      rc::gen::map(rc::gen::arbitrary<bool>(), [](bool v) { return workflow::FieldValue(v); }),
      rc::gen::map(rc::gen::container<std::vector<std::string>>(Text()),
                   [](std::vector<std::string> v) { return workflow::FieldValue(std::move(v)); }));
}

// Property: for any details (keys repeated, ill-formed, colliding once replaced), PrepareEvent
// gives the reference bytes, or fails exactly when the reference does.
RC_GTEST_PROP(PreparedEventProperty, DetailsAreTheCanonicalJsonOfTheDraft, ()) {
  workflow::EventDraft draft;
  draft.type = "check.decided";
  draft.actor = "user:alice";
  draft.subject = "db/orders";
  const auto keys = *rc::gen::container<std::vector<std::string>>(rc::gen::oneOf(
      rc::gen::elementOf(std::vector<std::string>{"rules", "reason", "a", "b"}), Text()));
  for (const std::string& key : keys) draft.details.emplace_back(key, *Value());
  auto reference = ReferenceDetails(draft);
  auto prepared = PrepareEvent(draft);
  RC_ASSERT(prepared.ok() == reference.ok());
  if (reference.ok()) RC_ASSERT(prepared->details == *reference);
}

// Test that an event sealed from prepared details carries the hash and record of the same event
// sealed the audit layer's way.
TEST(PreparedEventTest, SealingPreparedDetailsGivesTheSameEvent) {
  workflow::EventDraft draft;
  draft.type = "request.created";
  draft.actor = "user:alice";
  draft.subject = "req-1";
  draft.notify = true;
  draft.Add("rule", "dba-elevation").Add("roles", std::vector<std::string>{"db-admin", "x\xff"});
  draft.Add("duration_seconds", int64_t{3600}).Add("break_glass", false).Add("reason", "caf\xc3");

  auto reference_chain = audit::AuditChain::Start("default");
  ASSERT_TRUE(reference_chain.ok());
  auto reference = reference_chain->Append(ToAuditDraft(draft, 1767607200000));
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();
  auto reference_record = ToRecord(*reference);
  ASSERT_TRUE(reference_record.ok());

  auto chain = audit::AuditChain::Start("default");
  ASSERT_TRUE(chain.ok());
  auto sealed = SealEvents(*chain, std::span(&draft, 1), 1767607200000);
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  ASSERT_EQ(sealed->audit.size(), 1u);
  const AuditRecord& r = sealed->audit[0];
  EXPECT_EQ(r.details, reference_record->details);
  EXPECT_EQ(r.hash, reference_record->hash);
  EXPECT_EQ(r.prev_hash, reference_record->prev_hash);
  EXPECT_EQ(r.seq, reference_record->seq);
  EXPECT_EQ(r.time_ms, reference_record->time_ms);
  EXPECT_EQ(r.actor + r.type + r.subject + r.tenant,
            reference_record->actor + reference_record->type + reference_record->subject +
                reference_record->tenant);
  EXPECT_EQ(chain->head(), reference_chain->head());
  ASSERT_EQ(sealed->outbox.size(), 1u);
  auto line = audit::EventToJsonLine(*reference);
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(sealed->outbox[0].payload, *line);
}

// Test that every type the workflow records is one the audit layer knows (and so documents, as
// audit_test checks), as are the service's own policy, token and check events.
TEST(EventTypesTest, EveryRecordedTypeIsKnown) {
  for (std::string_view type : workflow::AllEventTypes()) {
    EXPECT_TRUE(audit::IsKnownEventType(type)) << type;
  }
  for (std::string_view type :
       {"policy.changed", "token.created", "token.revoked", "check.decided"}) {
    EXPECT_TRUE(audit::IsKnownEventType(type)) << type;
  }
}

}  // namespace
}  // namespace drawbridge::service
