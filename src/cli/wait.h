// `request access|action --wait`: follows a new request until it is decided.
//
// Long-polls the backend in slices of at most 30 s. On a terminal, stderr shows one live status
// line (state, approvals so far, time waited), rewritten in place; otherwise a plain line is
// printed whenever the state or the approvals change. Ctrl-C interrupts the wait at once: with
// a terminal on stdin it asks "Cancel request <id>? [y/N]" and cancels on yes (a second Ctrl-C
// at the prompt ends the program); without one it stops waiting and says how to cancel.
//
// Exit codes: 0 approved (or already active/consumed), 3 denied, expired, cancelled or ended
// otherwise, 4 still pending when the wait ended or was stopped, 1 an error.
#pragma once

#include <chrono>

#include "cli/backend.h"
#include "cli/local.h"

namespace drawbridge::cli {

struct WaitOptions {
  std::chrono::seconds timeout{std::chrono::minutes(10)};
  std::chrono::seconds slice{30};  // longest single long-poll
};

// Waits for `created` and prints its final state (text: one line; json: the request object).
int WaitForDecision(WorkflowBackend& backend, const GlobalOptions& g, const Request& created,
                    const WaitOptions& options);

// The exit code for a request in `state` after waiting (see above).
int ExitCodeForDecidedState(RequestState state);

}  // namespace drawbridge::cli
