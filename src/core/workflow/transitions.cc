#include "core/workflow/transitions.h"

namespace drawbridge::workflow {

bool IsTransitionAllowed(RequestState from, RequestState to) {
  using S = RequestState;
  switch (from) {
    case S::kPending:
      return to == S::kApproved || to == S::kActive || to == S::kDenied || to == S::kCancelled ||
             to == S::kExpired;
    case S::kApproved: return to == S::kActive || to == S::kRevoked || to == S::kExpired;
    case S::kActive:
      return to == S::kExpired || to == S::kRevoked || to == S::kConsumed || to == S::kReleased;
    case S::kDenied:
    case S::kCancelled:
    case S::kExpired:
    case S::kRevoked:
    case S::kConsumed:
    case S::kReleased: return false;
  }
  return false;
}

bool IsGrantLive(const Grant& grant, int64_t now) {
  if (grant.state != GrantState::kActive) return false;
  if (now < grant.not_before || now >= grant.expires_at) return false;
  return grant.uses_left != 0;
}

}  // namespace drawbridge::workflow
