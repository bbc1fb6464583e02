// Property: whatever sequence of requests, reviews, cancels, revokes, releases, checks and clock
// moves happens, after every step the audit chain verifies, the in-memory index equals what a
// fresh load from the store gives, and no grant is live without an approval, an auto rule or a
// break-glass flag.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "audit/verify.h"
#include "classify/payload_analyzer.h"
#include "policy/compiler.h"
#include "service/audit_records.h"
#include "service/jit_service.h"
#include "store/memory/memory_store.h"

namespace drawbridge::service {
namespace {

const std::vector<std::string> kPeople = {"user:alice", "user:bob",   "user:carol", "user:dave",
                                          "user:erin",  "user:frank", "user:grace"};
const std::vector<std::string> kResources = {"db/orders-prod", "db/analytics-prod",
                                             "db/orders-staging", "db/payments-staging"};

std::shared_ptr<const core::CompiledPolicy> Policy() {
  static auto p = *policy::LoadAndCompile(std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy");
  return p;
}

void CheckInvariants(JitService& service, Store& store, const WallClock& clock) {
  auto records = store.ReadAudit({.limit = 1000000});
  RC_ASSERT(records.ok());
  std::vector<audit::AuditEvent> events;
  for (const AuditRecord& r : *records) events.push_back(*FromRecord(r));
  audit::VerifyOptions options;
  options.tenant = "default";
  RC_ASSERT(audit::VerifyChain(events, options).ok());

  auto active = store.ListGrants({.state = GrantState::kActive});
  RC_ASSERT(active.ok());
  RC_ASSERT(service.grants().size() == active->size());
  workflow::SequentialIdSource ids;
  classify::ClassifierAnalyzer analyzer;
  auto fresh = JitService::Open(Policy(), store, clock, ids, analyzer);
  RC_ASSERT(fresh.ok());
  RC_ASSERT((*fresh)->grants().size() == service.grants().size());

  for (const Grant& g : *active) {
    auto r = store.GetRequest("default", g.request_id);
    RC_ASSERT(r.ok() && r->has_value());
    const Request& req = **r;
    int approvals = 0;
    bool self = false;
    for (const Review& rv : req.reviews) {
      approvals += rv.approve ? 1 : 0;
      self = self || (rv.approve && rv.reviewer == req.requester && !rv.self_review);
    }
    RC_ASSERT(!self);
    RC_ASSERT(approvals > 0 || req.break_glass);
  }
}

RC_GTEST_PROP(ServiceProperty, InvariantsHoldAfterEveryStep, ()) {
  auto store = MemoryStore::Create();
  ManualClock clock(1767607200000);
  workflow::SequentialIdSource ids;
  classify::ClassifierAnalyzer analyzer;
  auto opened = JitService::Open(Policy(), *store, clock, ids, analyzer);
  RC_ASSERT(opened.ok());
  JitService& service = **opened;
  std::vector<std::string> requests, grants;

  const int steps = *rc::gen::inRange(5, 40);
  for (int step = 0; step < steps; ++step) {
    // Requests and reviews are the interesting steps, so they come up most often.
    const int draw = *rc::gen::inRange(0, 12);
    const int op = draw <= 2 ? 0 : draw <= 6 ? 1 : draw - 4;
    const std::string who = *rc::gen::elementOf(kPeople);
    switch (op) {
      case 0: {  // request access, mostly by someone the rule makes eligible
        static const std::vector<std::pair<std::string, std::vector<std::string>>> kRules = {
            {"dba-elevation", {"user:alice", "user:bob"}},
            {"prod-pii-read", {"user:carol", "user:alice", "user:erin"}},
            {"staging-work", {"user:dave"}},
            {"oncall-breakglass", {"user:carol", "user:frank", "user:bob"}}};
        const auto& [rule, eligible] = *rc::gen::elementOf(kRules);
        workflow::AccessRequestInput in;
        in.requester = *rc::gen::inRange(0, 5) == 0 ? who : *rc::gen::elementOf(eligible);
        in.rule = rule;
        in.scope.resource = *rc::gen::elementOf(kResources);
        in.duration_seconds = *rc::gen::elementOf(std::vector<int64_t>{600, 3600, 7200 * 4});
        in.reason = "because";
        in.ticket = "INC-" + std::to_string(step);
        in.break_glass = in.rule == "oncall-breakglass" && *rc::gen::inRange(0, 3) == 0;
        if (in.break_glass) in.duration_seconds = 900;
        auto r = service.RequestAccess(in);
        if (r.ok()) requests.push_back(r->id);
        RC_CLASSIFY(r.ok(), "request accepted");
        break;
      }
      case 1: {  // review
        if (requests.empty()) break;
        workflow::ReviewInput in{.reviewer = who,
                                 .group_claims = {},
                                 .approve = *rc::gen::inRange(0, 4) != 0,
                                 .comment = ""};
        auto r = service.Review(*rc::gen::elementOf(requests), in);
        if (r.ok() && !r->grant_id.empty()) grants.push_back(r->grant_id);
        RC_CLASSIFY(r.ok() && !r->grant_id.empty(), "review granted");
        break;
      }
      case 3: {  // cancel
        if (requests.empty()) break;
        (void)service.Cancel(*rc::gen::elementOf(requests), who);
        break;
      }
      case 4: {  // revoke or release
        if (grants.empty()) break;
        const std::string id = *rc::gen::elementOf(grants);
        if (*rc::gen::arbitrary<bool>()) {
          (void)service.Revoke(id, {.actor = who, .actor_is_admin = true, .reason = "r"});
        } else {
          (void)service.Release(id, who);
        }
        break;
      }
      case 5: {  // check
        CheckRequest r;
        r.principal = who;
        r.action = "db.query";
        std::string resource = *rc::gen::elementOf(kResources);
        r.resource = resource;
        r.payload.kind = Payload::Kind::kSql;
        r.payload.text = "SELECT 1";
        (void)service.Check(r);
        break;
      }
      case 6: {  // time passes
        clock.AdvanceSeconds(*rc::gen::inRange(1, 20000));
        break;
      }
      case 7: {  // sweep
        RC_ASSERT(service.Sweep().ok());
        break;
      }
      default: break;
    }
    CheckInvariants(service, *store, clock);
  }
}

}  // namespace
}  // namespace drawbridge::service
