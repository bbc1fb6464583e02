// The caps on what callers write into the workflow (docs/API.md "Limits on text"): reasons,
// tickets, review comments, action payloads, identifiers and scheduled starts past a cap are
// refused before anything is written (a check over a cap is a deny), and an audited check keeps
// a bounded prefix of its payload with the whole text's length and SHA-256.
#include "service/input_limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <optional>

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

// One identifier of a request or check set over its cap, and what the refusal must name.
struct OverCap {
  std::string field;  // named in the message
  std::string cap;    // "256 bytes", or "the limit is 64" for a count
};

// A check that is audited when decided (a DELETE on analytics-prod needs approval), with
// storage for the identifiers the tests make too long.
struct AuditedCheck {
  std::string sql = "DELETE FROM events WHERE true";
  std::string principal = "user:alice", action = "db.query", resource = "db/analytics-prod";
  std::vector<std::string> texts;  // what the labels, kind, groups and source view
  CheckRequest request;

  AuditedCheck() { request = View(); }
  CheckRequest View() const {
    CheckRequest r = fixtures::AliceQueriesAnalytics(sql);
    r.principal = principal;
    r.action = action;
    r.resource = resource;
    return r;
  }
  std::string_view Keep(std::string text) {
    texts.reserve(1000);  // views into texts stay valid
    texts.push_back(std::move(text));
    return texts.back();
  }
};

// Test that a check with any identifier over its cap is denied before it is decided, with a
// reason naming the field and the cap, and is not audited; CheckAsync answers the same.
TEST_F(InputLimitsTest, CheckOverACapIsDeniedAndNotAudited) {
  using Mutation = std::function<OverCap(AuditedCheck&)>;
  std::vector<Mutation> mutations = {
      [](AuditedCheck& c) {
        c.principal = "user:" + std::string(kMaxPrincipalBytes - 4, 'a');
        c.request = c.View();
        return OverCap{"principal", "256 bytes"};
      },
      [](AuditedCheck& c) {
        c.action = std::string(kMaxActionBytes + 1, 'a');
        c.request = c.View();
        return OverCap{"action", "128 bytes"};
      },
      [](AuditedCheck& c) {
        c.resource = "db/" + std::string(kMaxResourceBytes - 2, 'r');
        c.request = c.View();
        return OverCap{"resource", "1024 bytes"};
      },
      [](AuditedCheck& c) {
        for (size_t i = 0; i <= kMaxLabels; ++i) {
          c.request.context.resource_labels.emplace_back(c.Keep("k" + std::to_string(i)), "v");
        }
        return OverCap{"context.labels has 65 entries", "the limit is 64"};
      },
      [](AuditedCheck& c) {
        c.request.context.resource_labels.emplace_back(
            c.Keep(std::string(kMaxLabelKeyBytes + 1, 'k')), "v");
        return OverCap{"a key of context.labels", "256 bytes"};
      },
      [](AuditedCheck& c) {
        c.request.context.resource_labels.emplace_back(
            "env", c.Keep(std::string(kMaxLabelValueBytes + 1, 'v')));
        return OverCap{"context.labels.env", "256 bytes"};
      },
      [](AuditedCheck& c) {
        c.request.context.resource_kind = c.Keep(std::string(kMaxResourceKindBytes + 1, 'k'));
        return OverCap{"context.kind", "128 bytes"};
      },
      [](AuditedCheck& c) {
        for (size_t i = 0; i <= kMaxGroups; ++i) {
          c.request.context.groups.push_back(c.Keep("g" + std::to_string(i)));
        }
        return OverCap{"context.groups has 257 entries", "the limit is 256"};
      },
      [](AuditedCheck& c) {
        c.request.context.groups.push_back(c.Keep(std::string(kMaxGroupBytes + 1, 'g')));
        return OverCap{"an entry of context.groups", "256 bytes"};
      },
      [](AuditedCheck& c) {
        c.request.context.source_ip = c.Keep(std::string(kMaxSourceIpBytes + 1, '1'));
        return OverCap{"context.source_ip", "64 bytes"};
      },
  };
  for (const Mutation& mutate : mutations) {
    AuditedCheck check;
    const OverCap over = mutate(check);
    SCOPED_TRACE(over.field);
    CheckOutcome out = service_->Check(check.request);
    EXPECT_EQ(out.verdict.decision, Decision::kDeny);
    EXPECT_FALSE(out.refused.ok());
    EXPECT_EQ(out.explanation.decision, Decision::kDeny);
    EXPECT_EQ(out.explanation.reason_code, "input_too_large");
    EXPECT_THAT(out.explanation.reason, HasSubstr(over.field));
    EXPECT_THAT(out.explanation.reason, HasSubstr(over.cap));
    EXPECT_FALSE(out.explanation.request.has_value());
    std::optional<CheckOutcome> answered;
    service_->CheckAsync(check.request, [&](CheckOutcome o) { answered = std::move(o); });
    ASSERT_TRUE(answered.has_value());  // nothing to record: answered on the calling thread
    EXPECT_EQ(answered->verdict.decision, Decision::kDeny);
    EXPECT_EQ(answered->explanation.reason_code, "input_too_large");
    EXPECT_EQ(answered->refused.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(answered->refused.message(), HasSubstr(over.field));
    EXPECT_TRUE(Events().empty());
  }
}

// Test that a check with every context entry at its cap is decided (and audited) as usual.
TEST_F(InputLimitsTest, CheckAtTheCapsIsDecided) {
  AuditedCheck check;
  for (size_t i = 0; i < kMaxLabels; ++i) {
    std::string key = std::to_string(i);
    key.resize(kMaxLabelKeyBytes, 'k');
    check.request.context.resource_labels.emplace_back(
        check.Keep(std::move(key)), check.Keep(std::string(kMaxLabelValueBytes, 'v')));
  }
  for (size_t i = 0; i < kMaxGroups; ++i) {
    std::string group = std::to_string(i);
    group.resize(kMaxGroupBytes, 'g');
    check.request.context.groups.push_back(check.Keep(std::move(group)));
  }
  check.request.context.resource_kind = check.Keep(std::string(kMaxResourceKindBytes, 'k'));
  check.request.context.source_ip = check.Keep(std::string(kMaxSourceIpBytes, '1'));
  CheckOutcome out = service_->Check(check.request);
  EXPECT_EQ(out.verdict.decision, Decision::kApprovalRequired) << out.explanation.reason;
  EXPECT_TRUE(out.refused.ok());
  EXPECT_EQ(Events().size(), 1u);
}

// Test that identifiers the engine cannot use but within the caps still get the engine's
// reasoned deny, not a refusal: the caps only bound size.
TEST_F(InputLimitsTest, InvalidIdentifiersWithinTheCapsAreDecided) {
  AuditedCheck check;
  check.principal = "user:" + std::string(kMaxPrincipalBytes - 5, 'a');  // a name over 200
  check.request = check.View();
  EXPECT_EQ(service_->Check(check.request).explanation.reason_code, "invalid_principal");
  check.principal = "user:alice";
  check.resource = "db/" + std::string(kMaxResourceBytes - 3, 'r');  // an id over 256
  check.request = check.View();
  EXPECT_EQ(service_->Check(check.request).explanation.reason_code, "invalid_resource");
}

// Refused as kInvalidArgument with a message naming `over`, writing nothing.
template <typename Result>
void ExpectRefusedNaming(const Result& result, const OverCap& over) {
  ASSERT_FALSE(result.ok()) << over.field;
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr(over.field));
  EXPECT_THAT(result.status().message(), HasSubstr(over.cap));
}

// Test that an access request with any identifier over its cap is refused naming the field and
// the cap, and nothing is written.
TEST_F(InputLimitsTest, AccessRequestIdentifiersAreCapped) {
  using Mutation = std::function<OverCap(workflow::AccessRequestInput&)>;
  auto selector = [](workflow::AccessRequestInput& in) -> Scope& {
    in.scope.resource.clear();
    return in.scope;
  };
  std::vector<Mutation> mutations = {
      [](workflow::AccessRequestInput& in) {
        in.requester = "user:" + std::string(kMaxPrincipalBytes, 'a');
        return OverCap{"requester", "256 bytes"};
      },
      [](workflow::AccessRequestInput& in) {
        in.scope.resource = "db/" + std::string(kMaxResourceBytes, 'r');
        return OverCap{"resource", "1024 bytes"};
      },
      [&](workflow::AccessRequestInput& in) {
        for (size_t i = 0; i <= kMaxLabels; ++i) {
          selector(in).selector.emplace_back("k" + std::to_string(i), "v");
        }
        return OverCap{"selector has 65 entries", "the limit is 64"};
      },
      [&](workflow::AccessRequestInput& in) {
        selector(in).selector.emplace_back(std::string(kMaxLabelKeyBytes + 1, 'k'), "v");
        return OverCap{"a key of selector", "256 bytes"};
      },
      [&](workflow::AccessRequestInput& in) {
        selector(in).selector.emplace_back("env", std::string(kMaxLabelValueBytes + 1, 'v'));
        return OverCap{"selector.env", "256 bytes"};
      },
      [](workflow::AccessRequestInput& in) {
        in.roles.assign(kMaxRoles + 1, "dba");
        return OverCap{"roles has 65 entries", "the limit is 64"};
      },
      [](workflow::AccessRequestInput& in) {
        in.roles = {std::string(kMaxRoleNameBytes + 1, 'r')};
        return OverCap{"an entry of roles", "256 bytes"};
      },
      [](workflow::AccessRequestInput& in) {
        in.rule = std::string(kMaxRuleNameBytes + 1, 'r');
        return OverCap{"rule", "256 bytes"};
      },
      [](workflow::AccessRequestInput& in) {
        in.group_claims.assign(kMaxGroups + 1, "dba");
        return OverCap{"group claims has 257 entries", "the limit is 256"};
      },
      [](workflow::AccessRequestInput& in) {
        in.source_ip = std::string(kMaxSourceIpBytes + 1, '1');
        return OverCap{"source_ip", "64 bytes"};
      },
  };
  for (const Mutation& mutate : mutations) {
    workflow::AccessRequestInput in = AliceWantsOrders();
    const OverCap over = mutate(in);
    SCOPED_TRACE(over.field);
    ExpectRefusedNaming(service_->RequestAccess(in), over);
    EXPECT_EQ(RequestCount(), 0u);
    EXPECT_TRUE(Events().empty());
  }
  // At the caps the request goes on to the workflow, which takes this one.
  workflow::AccessRequestInput in = AliceWantsOrders();
  in.source_ip = std::string(kMaxSourceIpBytes, '1');
  EXPECT_TRUE(service_->RequestAccess(in).ok());
}

// Test that an action request is held to the check's caps and to the source address cap.
TEST_F(InputLimitsTest, ActionRequestIdentifiersAreCapped) {
  AuditedCheck check;
  ActionRequest req;
  req.reason = "purge test events";
  check.request.context.resource_labels.emplace_back(
      "env", check.Keep(std::string(kMaxLabelValueBytes + 1, 'v')));
  req.check = check.request;
  ExpectRefusedNaming(service_->RequestAction(req), {"context.labels.env", "256 bytes"});
  req.check = check.View();
  req.source_ip = std::string(kMaxSourceIpBytes + 1, '1');
  ExpectRefusedNaming(service_->RequestAction(req), {"source_ip", "64 bytes"});
  EXPECT_EQ(RequestCount(), 0u);
  EXPECT_TRUE(Events().empty());
  req.source_ip = "10.1.2.3";
  EXPECT_TRUE(service_->RequestAction(req).ok());
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
