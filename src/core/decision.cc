#include "drawbridge/decision.h"

namespace drawbridge {

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kAllow: return "allow";
    case Decision::kDeny: return "deny";
    case Decision::kApprovalRequired: return "approval_required";
  }
  return "deny";
}

}  // namespace drawbridge
