// The request state graph of SPEC §4, and when a grant is live.
//
//   pending  -> approved | active | denied | cancelled | expired
//   approved -> active | revoked | expired
//   active   -> expired | revoked | consumed | released
//
// Every workflow transition checks its move against IsTransitionAllowed before it returns, so a
// bug elsewhere cannot produce a record in a state the graph does not allow. Pure functions.
#pragma once

#include <cstdint>

#include "drawbridge/model.h"

namespace drawbridge::workflow {

bool IsTransitionAllowed(RequestState from, RequestState to);

// A grant opens the bridge only when it is in state active, has started, has not expired, and
// (an action grant) has a use left. Time is checked here, so an expired grant is never live
// whether or not a sweeper has recorded its expiry yet.
bool IsGrantLive(const Grant& grant, int64_t now);

}  // namespace drawbridge::workflow
