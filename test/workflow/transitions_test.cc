// The state graph and grant liveness.
#include "core/workflow/transitions.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "core/workflow/events.h"
#include "policy/names.h"

namespace drawbridge::workflow {
namespace {

using S = RequestState;

// Test that exactly the moves of SPEC §4 are allowed, and nothing leaves a terminal state.
TEST(TransitionsTest, ExactlyTheSpecGraph) {
  const std::set<std::pair<S, S>> allowed = {
      {S::kPending, S::kApproved},  {S::kPending, S::kActive},   {S::kPending, S::kDenied},
      {S::kPending, S::kCancelled}, {S::kPending, S::kExpired},  {S::kApproved, S::kActive},
      {S::kApproved, S::kRevoked},  {S::kApproved, S::kExpired}, {S::kActive, S::kExpired},
      {S::kActive, S::kRevoked},    {S::kActive, S::kConsumed},  {S::kActive, S::kReleased}};
  for (int from = 0; from <= static_cast<int>(S::kReleased); ++from) {
    for (int to = 0; to <= static_cast<int>(S::kReleased); ++to) {
      const S f = static_cast<S>(from), t = static_cast<S>(to);
      EXPECT_EQ(IsTransitionAllowed(f, t), allowed.count({f, t}) == 1)
          << RequestStateName(f) << " -> " << RequestStateName(t);
      if (IsTerminal(f)) {
        EXPECT_FALSE(IsTransitionAllowed(f, t));
      }
    }
  }
}

// Test that a grant is live only when active, started, unexpired and (action) with a use left.
TEST(TransitionsTest, GrantLiveness) {
  Grant grant;
  grant.not_before = 100;
  grant.expires_at = 200;
  grant.uses_left = -1;
  EXPECT_FALSE(IsGrantLive(grant, 99));
  EXPECT_TRUE(IsGrantLive(grant, 100));
  EXPECT_TRUE(IsGrantLive(grant, 199));
  EXPECT_FALSE(IsGrantLive(grant, 200));
  grant.uses_left = 0;
  EXPECT_FALSE(IsGrantLive(grant, 150));
  grant.uses_left = 1;
  for (GrantState ended :
       {GrantState::kExpired, GrantState::kRevoked, GrantState::kReleased, GrantState::kConsumed}) {
    grant.state = ended;
    EXPECT_FALSE(IsGrantLive(grant, 150)) << GrantStateName(ended);
  }
}

// Test that decisions and break-glass notify while bookkeeping events do not.
TEST(EventsTest, NotifyDefaults) {
  EXPECT_EQ(AllEventTypes().size(), 14u);
  EXPECT_TRUE(NotifiesByDefault("request.created"));
  EXPECT_TRUE(NotifiesByDefault("breakglass.used"));
  EXPECT_TRUE(NotifiesByDefault("grant.revoked"));
  EXPECT_FALSE(NotifiesByDefault("grant.consumed"));
  EXPECT_FALSE(NotifiesByDefault("review.recorded"));
  EventDraft event = MakeEvent("request.denied", "user:erin", "r-1");
  event.Add("comment", "no").Add("denials", int64_t{1}).Add("final", true);
  EXPECT_TRUE(event.notify);
  EXPECT_EQ(std::get<std::string>(*event.Find("comment")), "no");
  EXPECT_EQ(std::get<int64_t>(*event.Find("denials")), 1);
  EXPECT_TRUE(std::get<bool>(*event.Find("final")));
  EXPECT_EQ(event.Find("missing"), nullptr);
}

// Test that the events a notification route may name are exactly the ones the workflow notifies
// (plus policy.changed and "*"), so no route loads that could never fire.
TEST(NotificationEventsTest, RoutesNameExactlyTheNotifiedEvents) {
  std::set<std::string_view> notified = {"policy.changed", "*"};
  for (std::string_view type : AllEventTypes()) {
    if (NotifiesByDefault(type)) notified.insert(type);
  }
  const std::vector<std::string_view>& routable = policy::NotificationEvents();
  EXPECT_EQ(std::set<std::string_view>(routable.begin(), routable.end()), notified);
}

}  // namespace
}  // namespace drawbridge::workflow
