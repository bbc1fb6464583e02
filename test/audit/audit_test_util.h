// Builders shared by the audit tests: drafts and whole chains with predictable content.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "audit/chain.h"
#include "audit/event.h"

namespace drawbridge::audit::testing {

inline AuditEventDraft Draft(int i) {
  AuditEventDraft draft;
  draft.time_ms = 1714557600000 + int64_t{i} * 1000;
  draft.actor = "user:alice";
  draft.type = i % 2 == 0 ? "request.created" : "grant.activated";
  draft.subject = "req/" + std::to_string(i);
  draft.details = {{"resource", "db/orders-prod"}, {"n", i}};
  return draft;
}

// A chain of `count` events, seq 1..count, for tenant "default".
inline std::vector<AuditEvent> MakeEvents(int count, std::string tenant = "default") {
  auto chain = AuditChain::Start(std::move(tenant));
  EXPECT_TRUE(chain.ok());
  std::vector<AuditEvent> events;
  for (int i = 0; i < count; ++i) {
    auto event = chain->Append(Draft(i));
    EXPECT_TRUE(event.ok()) << event.status().ToString();
    events.push_back(std::move(*event));
  }
  return events;
}

// Recomputes an event's hash after an edit, as a careful forger would.
inline void Rehash(AuditEvent& event) {
  auto hash = ComputeEventHash(event);
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  event.hash = *hash;
}

}  // namespace drawbridge::audit::testing
