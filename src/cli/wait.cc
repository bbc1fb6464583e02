#include "cli/wait.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/io.h"
#include "cli/printers.h"

namespace drawbridge::cli {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kMinPollGap{1000};

std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void OnInterrupt(int) {
  interrupted.store(true);
}

// Turns SIGINT into a flag while it is installed, so that a wait in progress is abandoned
// cleanly (the HTTP call polls the flag) instead of killing the process mid-call.
class InterruptCatcher {
 public:
  InterruptCatcher() { Install(); }
  ~InterruptCatcher() { Restore(); }
  InterruptCatcher(const InterruptCatcher&) = delete;
  InterruptCatcher& operator=(const InterruptCatcher&) = delete;

  void Install() {
    if (installed_) return;
    interrupted.store(false);
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR
    installed_ = ::sigaction(SIGINT, &action, &previous_) == 0;
  }
  void Restore() {
    if (!installed_) return;
    ::sigaction(SIGINT, &previous_, nullptr);
    installed_ = false;
  }

 private:
  struct sigaction previous_ {};
  bool installed_ = false;
};

std::string FormatElapsed(std::chrono::seconds s) {
  int64_t total = s.count();
  char buf[32];
  if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(total / 3600),
                  static_cast<long long>(total % 3600 / 60));
  } else if (total >= 60) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(total));
  }
  return buf;
}

int Approvals(const Request& r) {
  return static_cast<int>(std::count_if(r.reviews.begin(), r.reviews.end(),
                                        [](const Review& rv) { return rv.approve; }));
}

// The status shown while waiting: rewritten in place on a terminal, else a line per change.
class StatusLine {
 public:
  explicit StatusLine(bool terminal) : terminal_(terminal) {}

  void Show(const Request& r, std::chrono::seconds waited) {
    int approvals = Approvals(r);
    if (terminal_) {
      if (waited == last_shown_ && shown_) return;
      std::cerr << "\r\033[K" << r.id << "  " << RequestStateName(r.state) << "  approvals "
                << approvals << "  waiting " << FormatElapsed(waited) << "  (Ctrl-C to stop)"
                << std::flush;
      shown_ = true;
      last_shown_ = waited;
      return;
    }
    if (shown_ && r.state == last_state_ && approvals == last_approvals_) return;
    std::cerr << "drawbridge: " << r.id << " " << RequestStateName(r.state) << ", approvals "
              << approvals << ", waited " << FormatElapsed(waited) << "\n";
    shown_ = true;
    last_state_ = r.state;
    last_approvals_ = approvals;
  }

  // The request as it ended the wait: off a terminal its decided state is one more line, so a
  // CI log shows what the wait saw happen; on one the line is cleared for the output after it.
  void Settle(const Request& r, std::chrono::seconds waited) {
    if (!terminal_) Show(r, waited);
    Clear();
  }

  // Leaves the terminal line empty so that other output starts at column 0.
  void Clear() {
    if (!terminal_) return;  // lines already written stand; the next one only if something changed
    if (shown_) std::cerr << "\r\033[K" << std::flush;
    shown_ = false;
  }

 private:
  bool terminal_;
  bool shown_ = false;
  std::chrono::seconds last_shown_{-1};
  RequestState last_state_ = RequestState::kPending;
  int last_approvals_ = -1;
};

// Sleeps up to `d`, returning early on Ctrl-C.
void InterruptibleSleep(std::chrono::milliseconds d) {
  auto until = SteadyClock::now() + d;
  while (SteadyClock::now() < until && !interrupted.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

enum class PromptAnswer { kCancel, kKeepWaiting, kNoTerminal };

// Asks on the terminal whether to cancel. Ctrl-C at the prompt ends the program as usual.
PromptAnswer AskToCancel(InterruptCatcher& catcher, const std::string& id) {
  if (!::isatty(STDIN_FILENO)) return PromptAnswer::kNoTerminal;
  catcher.Restore();
  std::cerr << "Cancel request " << id << "? [y/N] " << std::flush;
  std::string answer;
  bool got = static_cast<bool>(std::getline(std::cin, answer));
  catcher.Install();
  if (!got) return PromptAnswer::kNoTerminal;
  if (answer == "y" || answer == "Y" || answer == "yes") return PromptAnswer::kCancel;
  return PromptAnswer::kKeepWaiting;
}

}  // namespace

int ExitCodeForDecidedState(RequestState state) {
  switch (state) {
    case RequestState::kApproved:
    case RequestState::kActive:
    case RequestState::kConsumed: return kExitOk;
    case RequestState::kPending: return kExitApprovalRequired;
    default: return kExitDeny;
  }
}

int WaitForDecision(WorkflowBackend& backend, const GlobalOptions& g, const Request& created,
                    const WaitOptions& options) {
  const std::string id = created.id;
  const auto start = SteadyClock::now();
  const auto deadline = start + options.timeout;
  auto waited = [&] {
    return std::chrono::duration_cast<std::chrono::seconds>(SteadyClock::now() - start);
  };
  Request current = created;
  StatusLine line(::isatty(STDERR_FILENO) != 0);
  InterruptCatcher catcher;
  int failures = 0;
  auto finish = [&](const Request& r) {
    line.Settle(r, waited());
    PrintRequest(g, r);
    return ExitCodeForDecidedState(r.state);
  };

  while (current.state == RequestState::kPending) {
    auto now = SteadyClock::now();
    if (now >= deadline) {
      line.Clear();
      PrintNote("request " + id + " is still pending after " + FormatElapsed(waited()) +
                "; follow it with `drawbridge requests show " + id + "`");
      return finish(current);
    }
    auto remaining = std::chrono::ceil<std::chrono::seconds>(deadline - now);
    auto slice = std::max(std::chrono::seconds(1), std::min(options.slice, remaining));
    line.Show(current, waited());
    auto poll_start = SteadyClock::now();
    auto r = backend.WaitRequest(id, current.reviews.size(), slice, [&] {
      line.Show(current, waited());
      return !interrupted.load();
    });

    if (interrupted.load()) {
      line.Clear();
      switch (AskToCancel(catcher, id)) {
        case PromptAnswer::kCancel: {
          auto cancelled = backend.Cancel(id);
          if (cancelled.ok()) return finish(*cancelled);
          // Decided while the prompt was open (approved, say): report that, not a failed cancel.
          auto now_state = backend.GetRequest(id);
          if (cancelled.status().code() != StatusCode::kFailedPrecondition || !now_state.ok() ||
              now_state->state == RequestState::kPending) {
            return Fail(cancelled.status());
          }
          PrintNote("request " + id + " was decided before it could be cancelled: it is " +
                    std::string(RequestStateName(now_state->state)));
          return finish(*now_state);
        }
        case PromptAnswer::kKeepWaiting: std::cerr << "still waiting for " << id << "\n"; continue;
        case PromptAnswer::kNoTerminal:
          PrintNote("stopped waiting; request " + id +
                    " is still pending. Cancel it with `drawbridge requests cancel " + id + "`");
          return kExitApprovalRequired;
      }
    }
    if (!r.ok()) {
      // A server restarting or a flaky network should not end a long wait at once.
      if (r.status().code() == StatusCode::kUnavailable && ++failures <= 5) {
        line.Clear();
        PrintNote(r.status().message() + " (retrying)");
        InterruptibleSleep(std::chrono::seconds(1 << std::min(failures, 4)));
        continue;
      }
      line.Clear();
      return Fail(r.status());
    }
    failures = 0;
    current = std::move(r).value();
    // A server that answers a long poll early must not turn this loop into a busy one.
    if (current.state == RequestState::kPending) {
      InterruptibleSleep(std::chrono::duration_cast<std::chrono::milliseconds>(
          kMinPollGap - (SteadyClock::now() - poll_start)));
    }
  }
  return finish(current);
}

}  // namespace drawbridge::cli
