// What the service tests share: the example policy, a fixed start time, and the request and
// review the example's people make most (examples/policy: alice is a DBA, erin a lead).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/workflow/workflow.h"
#include "drawbridge/decision.h"
#include "policy/compiler.h"

namespace drawbridge::service::fixtures {

inline constexpr int64_t kStartMillis = 1767607200000;  // 2026-01-05T10:00:00Z, a Monday

// Compiled once per test binary; the tests only read it.
inline std::shared_ptr<const core::CompiledPolicy> ExamplePolicy() {
  static const auto policy =
      *policy::LoadAndCompile(std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy");
  return policy;
}

// alice asks for an hour on orders-prod under dba-elevation (one lead approves).
inline workflow::AccessRequestInput AliceWantsOrders() {
  workflow::AccessRequestInput in;
  in.requester = "user:alice";
  in.rule = "dba-elevation";
  in.scope.resource = "db/orders-prod";
  in.duration_seconds = 3600;
  in.reason = "fix a stuck order";
  in.ticket = "INC-42";
  return in;
}

// alice runs `sql` on analytics-prod (TRUNCATE there needs approval; SELECT does not). The
// request views `sql`, which must outlive it.
inline CheckRequest AliceQueriesAnalytics(std::string_view sql) {
  CheckRequest r;
  r.principal = "user:alice";
  r.action = "db.query";
  r.resource = "db/analytics-prod";
  r.payload.kind = Payload::Kind::kSql;
  r.payload.text = sql;
  return r;
}

inline workflow::ReviewInput Approve(std::string who) {
  workflow::ReviewInput r;
  r.reviewer = std::move(who);
  r.approve = true;
  r.comment = "ok";
  return r;
}

}  // namespace drawbridge::service::fixtures
