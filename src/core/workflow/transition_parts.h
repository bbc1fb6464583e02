// Building blocks the transitions share: moving a request along the state graph, issuing the
// grant of an approved request, and the events that describe records. Internal to the workflow
// library; pure.
#pragma once

#include <cstdint>
#include <string>

#include "core/compiled_policy.h"
#include "core/workflow/events.h"
#include "core/workflow/ids.h"
#include "core/workflow/workflow.h"
#include "drawbridge/model.h"
#include "drawbridge/status.h"

namespace drawbridge::workflow {

// Moves `request` to `to` at `now`; an Internal error when the state graph forbids the move.
Status MoveRequest(Request& request, RequestState to, int64_t now);

// Approves the pending request in `transition`: issues its grant (an access grant starts at
// max(now, not_before) for its duration; an action grant now, for the guardrail's ttl), moves
// the request to active or (scheduled start) approved, and adds request.approved and
// grant.activated or grant.scheduled.
Status ApproveAndIssueGrant(const core::CompiledPolicy& policy, Transition& transition,
                            const std::string& actor, IdSource& ids, int64_t now);

// request.created with everything an approver needs to see.
EventDraft RequestCreatedEvent(const Request& request);
EventDraft ReviewRecordedEvent(const Request& request, const Review& review);
// A grant event with the grant's identity, holder, window and uses.
EventDraft GrantEvent(std::string_view type, const std::string& actor, const Grant& grant);

// Errors shared by several transitions.
Status CheckGrantBelongs(const Request& request, const Grant& grant);

}  // namespace drawbridge::workflow
