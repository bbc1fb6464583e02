// The caps on what callers write into the workflow (docs/API.md "Limits on text"): reasons,
// tickets, review comments, action payloads and scheduled starts past a cap are refused before
// anything is written, and an audited check keeps a bounded prefix of its payload with the whole
// text's length and SHA-256.
#include "service/input_limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/digest.h"
#include "audit/verify.h"
#include "classify/payload_analyzer.h"
#include "service/audit_records.h"
#include "service/jit_service.h"
#include "service/service_fixtures.h"
#include "store/memory/memory_store.h"

namespace drawbridge::service {
namespace {

using fixtures::AliceWantsOrders;
using fixtures::Approve;
using fixtures::ExamplePolicy;
using fixtures::kStartMillis;
using ::testing::HasSubstr;

class InputLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = JitService::Open(ExamplePolicy(), *store_, clock_, ids_, analyzer_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
  }

  std::vector<audit::AuditEvent> Events() {
    auto records = store_->ReadAudit({.tenant = "default", .after_seq = 0, .limit = 100000});
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    std::vector<audit::AuditEvent> events;
    if (!records.ok()) return events;
    for (const AuditRecord& r : *records) events.push_back(*FromRecord(r));
    return events;
  }

  size_t RequestCount() {
    auto list = store_->ListRequests({.tenant = "default", .limit = 1000});
    EXPECT_TRUE(list.ok());
    return list.ok() ? list->size() : 0;
  }

  // Refused as kInvalidArgument with a message naming `field` and `cap`, writing nothing.
  template <typename Result>
  void ExpectRefused(const Result& result, std::string_view field, size_t cap,
                     size_t requests_before, size_t events_before) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(result.status().message(), HasSubstr(std::string(field)));
    EXPECT_THAT(result.status().message(), HasSubstr(std::to_string(cap) + " bytes"));
    EXPECT_EQ(RequestCount(), requests_before);
    EXPECT_EQ(Events().size(), events_before);
  }

  std::unique_ptr<MemoryStore> store_ = MemoryStore::Create();
  ManualClock clock_{kStartMillis};
  workflow::SequentialIdSource ids_;
  classify::ClassifierAnalyzer analyzer_;
  std::unique_ptr<JitService> service_;
};

// Test that a reason at the cap is taken and one byte more is refused, naming the field.
TEST_F(InputLimitsTest, AccessRequestReasonIsCapped) {
  workflow::AccessRequestInput in = AliceWantsOrders();
  in.reason = std::string(kMaxReasonBytes, 'r');
  ASSERT_TRUE(service_->RequestAccess(in).ok());
  const size_t requests = RequestCount(), events = Events().size();
  in.reason += 'r';
  ExpectRefused(service_->RequestAccess(in), "reason", kMaxReasonBytes, requests, events);
}

// Test that an over-long ticket is refused.
TEST_F(InputLimitsTest, AccessRequestTicketIsCapped) {
  workflow::AccessRequestInput in = AliceWantsOrders();
  in.ticket = std::string(kMaxTicketBytes + 1, 't');
  ExpectRefused(service_->RequestAccess(in), "ticket", kMaxTicketBytes, 0, 0);
}

// Test that an over-long review comment is refused and the request stays pending, unreviewed.
TEST_F(InputLimitsTest, ReviewCommentIsCapped) {
  auto request = service_->RequestAccess(AliceWantsOrders());
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  const size_t events = Events().size();
  workflow::ReviewInput review = Approve("user:erin");
  review.comment = std::string(kMaxCommentBytes + 1, 'c');
  ExpectRefused(service_->Review(request->id, review), "comment", kMaxCommentBytes, 1, events);
  auto stored = store_->GetRequest("default", request->id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->state, RequestState::kPending);
  EXPECT_TRUE((*stored)->reviews.empty());
}

// Test that an action request whose payload is over the cap is refused, and one just under it
// is taken.
TEST_F(InputLimitsTest, ActionRequestPayloadIsCapped) {
  const std::string head = "DELETE FROM events WHERE note = '";
  const std::string tail = "' OR true";
  std::string sql =
      head + std::string(kMaxActionPayloadBytes - head.size() - tail.size(), 'x') + tail;
  ActionRequest req;
  req.check = fixtures::AliceQueriesAnalytics(sql);
  req.reason = "purge test events";
  auto taken = service_->RequestAction(req);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken->payload.size(), kMaxActionPayloadBytes);
  const size_t events = Events().size();
  std::string longer = head + std::string(kMaxActionPayloadBytes, 'x') + tail;
  req.check = fixtures::AliceQueriesAnalytics(longer);
  ExpectRefused(service_->RequestAction(req), "payload", kMaxActionPayloadBytes, 1, events);
}

// Test that access scheduled more than a year ahead is refused; within the year it is taken.
TEST_F(InputLimitsTest, ScheduledStartIsBoundedAhead) {
  const int64_t now = kStartMillis / 1000;
  workflow::AccessRequestInput in = AliceWantsOrders();
  in.not_before = now + kMaxScheduleAheadSeconds + 1;
  auto refused = service_->RequestAccess(in);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("not_before"));
  EXPECT_EQ(RequestCount(), 0u);
  in.not_before = now + 30 * 86400;
  auto taken = service_->RequestAccess(in);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken->not_before, in.not_before);
}

// Test that an audited check of a long statement records only a prefix of it, with the whole
// text's length and SHA-256; the decision is made on the whole text and the chain verifies.
TEST_F(InputLimitsTest, AuditedCheckRecordsABoundedPayload) {
  // A multi-byte character straddles the cut: the kept prefix must not split it.
  std::string sql = "DELETE FROM events WHERE note = '" +
                    std::string(kAuditedPayloadBytes - 34, 'x') + "\xc3\xa9" +
                    std::string(100000, 'y') + "' OR true";
  CheckOutcome out = service_->Check(fixtures::AliceQueriesAnalytics(sql));
  EXPECT_EQ(out.verdict.decision, Decision::kApprovalRequired) << out.explanation.reason;
  std::vector<audit::AuditEvent> events = Events();
  ASSERT_EQ(events.size(), 1u);
  const boost::json::object& d = events[0].details;
  ASSERT_TRUE(d.contains("payload"));
  const std::string kept(d.at("payload").as_string());
  EXPECT_EQ(kept.size(), kAuditedPayloadBytes - 1);  // the two-byte character is left out
  EXPECT_EQ(kept, sql.substr(0, kept.size()));
  EXPECT_EQ(d.at("payload_bytes").as_int64(), static_cast<int64_t>(sql.size()));
  EXPECT_EQ(d.at("payload_sha256").as_string(), audit::HexEncode(audit::Sha256(sql)));
  EXPECT_TRUE(d.at("payload_truncated").as_bool());
  audit::VerifyOptions options;
  options.tenant = "default";
  EXPECT_TRUE(audit::VerifyChain(events, options).ok());
}

// Test that a short payload is recorded whole, with its length and hash all the same.
TEST_F(InputLimitsTest, AuditedCheckKeepsAShortPayloadWhole) {
  const std::string sql = "DELETE FROM events WHERE true";
  service_->Check(fixtures::AliceQueriesAnalytics(sql));
  std::vector<audit::AuditEvent> events = Events();
  ASSERT_EQ(events.size(), 1u);
  const boost::json::object& d = events[0].details;
  EXPECT_EQ(d.at("payload").as_string(), sql);
  EXPECT_EQ(d.at("payload_bytes").as_int64(), static_cast<int64_t>(sql.size()));
  EXPECT_EQ(d.at("payload_sha256").as_string(), audit::HexEncode(audit::Sha256(sql)));
  EXPECT_FALSE(d.at("payload_truncated").as_bool());
}

// Test that the prefix never ends inside a UTF-8 sequence.
TEST(Utf8PrefixTest, CutsAtCharacterBoundaries) {
  EXPECT_EQ(Utf8Prefix("abc", 10), "abc");
  EXPECT_EQ(Utf8Prefix("abc", 2), "ab");
  EXPECT_EQ(Utf8Prefix("a\xe2\x82\xac", 3), "a");  // the euro sign is three bytes
  EXPECT_EQ(Utf8Prefix("a\xe2\x82\xac", 4), "a\xe2\x82\xac");
  EXPECT_EQ(Utf8Prefix("\xf0\x9f\x98\x80z", 2), "");
}

}  // namespace
}  // namespace drawbridge::service
