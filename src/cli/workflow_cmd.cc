// drawbridge request access|action, requests ls|show|approve|deny|cancel|review-breakglass,
// grants ls|revoke|release, sweep — written once against WorkflowBackend (cli/backend.h), so
// each runs locally (--db) or against a server (--addr / DRAWBRIDGE_ADDR) alike.
#include <boost/json.hpp>
#include <functional>
#include <iostream>
#include <optional>

#include "api/check_input.h"
#include "api/wire.h"
#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/io.h"
#include "cli/local.h"
#include "cli/printers.h"
#include "cli/wait.h"
#include "core/time_format.h"
#include "policy/durations.h"

namespace drawbridge::cli {
using api::CheckInput;
namespace {

// `requests ls` and `grants ls` show this many unless --limit says otherwise, locally and from a
// server alike (the server's own default page is the same 100, and it sends at most 1,000).
constexpr int kDefaultListLimit = 100;
constexpr int kMaxListLimit = 1000;

struct WorkflowOptions {
  // request access
  std::vector<std::string> roles;
  std::string resource;
  std::vector<std::string> selector;  // label=value
  std::string duration = "1h";
  std::string not_before;
  std::string rule;
  bool break_glass = false;
  std::string extends;
  // request action
  std::string action, sql, command, http_method, http_path, database, db_role, search_path;
  // common
  std::string reason, ticket, source_ip;
  std::vector<std::string> groups;
  bool mfa = false;
  // requests / grants
  std::string id, comment, state;
  bool mine = false;
  int limit = kDefaultListLimit;
  // request access|action --wait
  bool wait = false;
  std::string wait_timeout = "10m";
};

// RunWithBackend for the workflow commands, which in local mode also need the policy.
int RunWorkflow(const GlobalOptions& g, bool needs_principal,
                const std::function<int(WorkflowBackend&)>& body) {
  if (!g.db.empty() && g.policy.empty()) {
    return UsageError("no policy: give --policy PATH (or set DRAWBRIDGE_POLICY) with --db");
  }
  return RunWithBackend(g, needs_principal, body);
}

LocalClaims Claims(const WorkflowOptions& o) {
  return {.groups = o.groups, .mfa = o.mfa, .source_ip = o.source_ip};
}

// "a, b, c" of every name `name_of` gives for the enum values 0..last.
template <typename Enum, typename NameOf>
std::string AllNames(Enum last, NameOf name_of) {
  std::string names;
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    if (!names.empty()) names += ", ";
    names += name_of(static_cast<Enum>(i));
  }
  return names;
}

// The usage problem with --state for requests (or grants), or "" when it names a state.
std::string CheckStateFlag(const std::string& state, bool grants) {
  if (state.empty()) return "";
  if (grants ? ParseGrantState(state).has_value() : ParseRequestState(state).has_value()) {
    return "";
  }
  const std::string names = grants ? AllNames(GrantState::kConsumed, GrantStateName)
                                   : AllNames(RequestState::kReleased, RequestStateName);
  return "--state must be one of " + names + "; got '" + state + "'";
}

// The --wait-timeout value, checked before anything is created.
std::optional<std::chrono::seconds> WaitTimeout(const WorkflowOptions& o) {
  auto timeout = policy::ParseDuration(o.wait_timeout);
  if (!timeout || timeout->count() <= 0) return std::nullopt;
  return std::chrono::seconds(timeout->count());
}

std::string WaitTimeoutProblem(const WorkflowOptions& o) {
  return "--wait-timeout must be " + std::string(policy::kDurationForms) + ", got '" +
         o.wait_timeout + "'";
}

// Prints the new request, then follows it when asked to (cli/wait.h).
int Created(WorkflowBackend& backend, const GlobalOptions& g, const WorkflowOptions& o,
            const Request& r, std::chrono::seconds wait_timeout) {
  if (!o.wait) {
    PrintRequest(g, r);
    return kExitOk;
  }
  if (!g.json()) PrintRequest(g, r);
  return WaitForDecision(backend, g, r, {.timeout = wait_timeout});
}

int RequestAccess(const GlobalOptions& g, const WorkflowOptions& o) {
  auto wait_timeout = WaitTimeout(o);
  if (!wait_timeout) return UsageError(WaitTimeoutProblem(o));
  client::AccessRequestSpec spec;
  spec.roles = o.roles;
  spec.rule = o.rule;
  spec.scope.resource = o.resource;
  for (const std::string& kv : o.selector) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError("--selector takes label=value, got '" + kv + "'");
    }
    spec.scope.selector.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (spec.scope.empty()) {
    return UsageError("say what the access is for: --resource ID or --selector label=value");
  }
  auto d = policy::ParseDuration(o.duration);
  if (!d) {
    return UsageError("--duration must be " + std::string(policy::kDurationForms) + ", got '" +
                      o.duration + "'");
  }
  spec.duration_seconds = d->count();
  if (!o.not_before.empty()) {
    auto t = core::ParseRfc3339(o.not_before);
    if (!t) {
      return UsageError(
          "--not-before must be an RFC 3339 time such as 2026-01-05T10:00:00Z, got '" +
          o.not_before + "'");
    }
    spec.not_before = *t;
  }
  spec.reason = o.reason;
  spec.ticket = o.ticket;
  spec.break_glass = o.break_glass;
  spec.extends = o.extends;
  return RunWorkflow(g, true, [&](WorkflowBackend& b) {
    auto r = b.RequestAccess(spec, Claims(o));
    if (!r.ok()) return Fail(r.status());
    return Created(b, g, o, *r, *wait_timeout);
  });
}

int RequestAction(const GlobalOptions& g, const WorkflowOptions& o) {
  auto wait_timeout = WaitTimeout(o);
  if (!wait_timeout) return UsageError(WaitTimeoutProblem(o));
  const bool http = !o.http_method.empty() || !o.http_path.empty();
  if (!o.sql.empty() + !o.command.empty() + http > 1) {
    return UsageError(
        "give at most one payload: --sql, --command, or --http-method with --http-path");
  }
  if (http && (o.http_method.empty() || o.http_path.empty())) {
    return UsageError("--http-method and --http-path go together");
  }
  client::ActionRequestSpec spec;
  CheckInput& input = spec.check;
  input.action = o.action;
  input.resource = o.resource;
  if (!o.sql.empty()) {
    input.payload_kind = Payload::Kind::kSql;
    input.text = o.sql;
  } else if (!o.command.empty()) {
    input.payload_kind = Payload::Kind::kShell;
    input.text = o.command;
  } else if (http) {
    input.payload_kind = Payload::Kind::kHttp;
    input.http_method = o.http_method;
    input.http_path = o.http_path;
  }
  input.database = o.database;
  input.role = o.db_role;
  input.search_path = o.search_path;
  spec.reason = o.reason;
  spec.ticket = o.ticket;
  return RunWorkflow(g, true, [&](WorkflowBackend& b) {
    auto r = b.RequestAction(spec, Claims(o));
    if (!r.ok()) return Fail(r.status());
    return Created(b, g, o, *r, *wait_timeout);
  });
}

// A full page may not be all there is: say so on stderr, where it does not disturb JSON output.
void NoteIfCut(const GlobalOptions& g, size_t shown, int limit, const std::string& what) {
  if (g.json() || shown < static_cast<size_t>(limit)) return;
  PrintNote("showing the first " + std::to_string(shown) + " " + what +
            "; there may be more (--limit N, up to " + std::to_string(kMaxListLimit) + ")");
}

int ListRequests(const GlobalOptions& g, const WorkflowOptions& o) {
  if (std::string problem = CheckStateFlag(o.state, false); !problem.empty()) {
    return UsageError(problem);
  }
  return RunWorkflow(g, o.mine, [&](WorkflowBackend& b) {
    auto list = b.ListRequests({.state = o.state, .mine = o.mine, .limit = o.limit});
    if (!list.ok()) return Fail(list.status());
    PrintRequests(g, *list);
    NoteIfCut(g, list->size(), o.limit, "requests");
    return kExitOk;
  });
}

int ShowRequest(const GlobalOptions& g, const WorkflowOptions& o) {
  return RunWorkflow(g, false, [&](WorkflowBackend& b) {
    auto r = b.GetRequest(o.id);
    if (!r.ok()) return Fail(r.status());
    PrintRequestDetail(g, *r);
    return kExitOk;
  });
}

int ReviewRequest(const GlobalOptions& g, const WorkflowOptions& o, bool approve) {
  return RunWorkflow(g, true, [&](WorkflowBackend& b) {
    auto r = b.Review(o.id, approve, o.comment, Claims(o));
    if (!r.ok()) return Fail(r.status());
    PrintRequest(g, *r);
    return kExitOk;
  });
}

int CloseBreakGlass(const GlobalOptions& g, const WorkflowOptions& o, bool justified) {
  return RunWorkflow(g, true, [&](WorkflowBackend& b) {
    auto r = b.CloseBreakGlassReview(o.id, justified, o.comment, Claims(o));
    if (!r.ok()) return Fail(r.status());
    PrintRequest(g, *r);
    return kExitOk;
  });
}

int CancelRequest(const GlobalOptions& g, const WorkflowOptions& o) {
  return RunWorkflow(g, true, [&](WorkflowBackend& b) {
    auto r = b.Cancel(o.id);
    if (!r.ok()) return Fail(r.status());
    PrintRequest(g, *r);
    return kExitOk;
  });
}

int ListGrants(const GlobalOptions& g, const WorkflowOptions& o) {
  if (std::string problem = CheckStateFlag(o.state, true); !problem.empty()) {
    return UsageError(problem);
  }
  return RunWorkflow(g, o.mine, [&](WorkflowBackend& b) {
    auto list = b.ListGrants({.state = o.state, .mine = o.mine, .limit = o.limit});
    if (!list.ok()) return Fail(list.status());
    PrintGrants(g, *list);
    NoteIfCut(g, list->size(), o.limit, "grants");
    return kExitOk;
  });
}

int RevokeGrant(const GlobalOptions& g, const WorkflowOptions& o) {
  return RunWorkflow(g, true, [&](WorkflowBackend& b) {
    auto r = b.Revoke(o.id, o.reason);
    if (!r.ok()) return Fail(r.status());
    PrintGrant(g, *r);
    return kExitOk;
  });
}

int ReleaseGrant(const GlobalOptions& g, const WorkflowOptions& o) {
  return RunWorkflow(g, true, [&](WorkflowBackend& b) {
    auto r = b.Release(o.id);
    if (!r.ok()) return Fail(r.status());
    PrintGrant(g, *r);
    return kExitOk;
  });
}

int Sweep(const GlobalOptions& g) {
  // Like `audit checkpoint`: which mode is a usage question, answered before anything runs.
  if (auto mode = ChooseBackend(g); mode.ok() && *mode == BackendMode::kRemote) {
    return UsageError(kSweepIsLocal);
  }
  return RunWorkflow(g, false, [&](WorkflowBackend& b) {
    auto r = b.Sweep();
    if (!r.ok()) return Fail(r.status());
    if (g.json()) {
      PrintJson(boost::json::object{{"expired_requests", r->expired_requests},
                                    {"expired_grants", r->expired_grants},
                                    {"activated_grants", r->activated_grants}});
    } else {
      std::cout << r->expired_requests << " request(s) expired, " << r->expired_grants
                << " grant(s) expired, " << r->activated_grants << " grant(s) started\n";
    }
    return kExitOk;
  });
}

void AddIdentity(CLI::App* cmd, WorkflowOptions& o) {
  cmd->add_option("--group", o.groups,
                  "Group claims from your identity provider (repeatable; local mode only: a "
                  "server takes them from your token)");
  cmd->add_flag("--mfa", o.mfa, "Your identity provider says you used MFA (local mode only)");
}

constexpr const char* kWaitExitCodes =
    "With --wait: exit 0 approved, 3 denied, expired or cancelled, 4 still pending when the\n"
    "wait ended (--wait-timeout) or was stopped with Ctrl-C, 1 error. Ctrl-C while waiting\n"
    "asks whether to cancel the request.";

void AddWait(CLI::App* cmd, WorkflowOptions& o) {
  cmd->add_flag("--wait", o.wait,
                "Wait until the request is decided, showing its status (Ctrl-C: offer to cancel)");
  cmd->add_option("--wait-timeout", o.wait_timeout, "Stop waiting after this long: 90s, 15m, 1h")
      ->capture_default_str();
}

void AddLimit(CLI::App* cmd, WorkflowOptions& o, const std::string& what) {
  cmd->add_option("--limit", o.limit,
                  "Show at most this many " + what + " (1 to " + std::to_string(kMaxListLimit) +
                      "; the same in local and remote mode)")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxListLimit));
}

}  // namespace

void RegisterWorkflow(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<WorkflowOptions>();

  CLI::App* request = app.add_subcommand("request", "Ask for JIT access or for one exact action");
  request->require_subcommand(1);
  CLI::App* access = request->add_subcommand(
      "access",
      std::string("Ask for roles on a resource (or a label selector) for a duration.\n"
                  "Exit 0 when recorded (pending, or approved at once), 1 when refused.\n") +
          kWaitExitCodes);
  access->add_option("--role", o->roles, "Role to request (repeatable; default: the rule's roles)");
  access->add_option("--resource", o->resource, "Resource id the access is for");
  access->add_option("--selector", o->selector,
                     "label=value the resources must match (repeatable)");
  access->add_option("--duration", o->duration, "How long: 90s, 15m, 2h, 1h30m")
      ->capture_default_str();
  access->add_option("--not-before", o->not_before, "Start later: RFC 3339 time");
  access->add_option("--rule", o->rule, "Eligibility rule (default: the first that fits)");
  access->add_option("--reason", o->reason, "Why you need it");
  access->add_option("--ticket", o->ticket, "Ticket reference, e.g. INC-123");
  access->add_option("--extends", o->extends, "Extend this active grant without a gap");
  access->add_flag("--break-glass", o->break_glass,
                   "Emergency: active at once, flagged, reviewed after");
  AddIdentity(access, *o);
  AddWait(access, *o);
  access->callback([&g, o, &exit_code] { exit_code = RequestAccess(g, *o); });

  CLI::App* action = request->add_subcommand(
      "action",
      std::string("Ask approval for one exact action that a guardrail stops.\n"
                  "Exit 0 when recorded, 1 when refused (e.g. the action needs no approval).\n") +
          kWaitExitCodes);
  action->add_option("--action", o->action, "Dotted action, e.g. db.query")->required();
  action->add_option("--resource", o->resource, "Resource id")->required();
  action->add_option("--sql", o->sql, "The SQL statement");
  action->add_option("--database", o->database, "Database the SQL runs in");
  action->add_option("--db-role", o->db_role, "Database role the SQL runs as");
  action->add_option("--search-path", o->search_path, "search_path of the session");
  action->add_option("--command", o->command, "The command line");
  action->add_option("--http-method", o->http_method, "HTTP method");
  action->add_option("--http-path", o->http_path, "HTTP path");
  action->add_option("--reason", o->reason, "Why you need it");
  action->add_option("--ticket", o->ticket, "Ticket reference");
  AddIdentity(action, *o);
  AddWait(action, *o);
  action->callback([&g, o, &exit_code] { exit_code = RequestAction(g, *o); });

  CLI::App* requests = app.add_subcommand("requests", "List, show and decide requests");
  requests->require_subcommand(1);
  CLI::App* ls = requests->add_subcommand("ls", "List requests");
  ls->add_option("--state", o->state, "pending, approved, active, denied, cancelled, expired, ...");
  ls->add_flag("--mine", o->mine, "Only your requests (--as, or the token's principal)");
  AddLimit(ls, *o, "requests");
  ls->callback([&g, o, &exit_code] { exit_code = ListRequests(g, *o); });
  CLI::App* show = requests->add_subcommand("show", "Show one request with its reviews");
  show->add_option("id", o->id, "Request id")->required();
  show->callback([&g, o, &exit_code] { exit_code = ShowRequest(g, *o); });
  for (bool approve : {true, false}) {
    CLI::App* review =
        requests->add_subcommand(approve ? "approve" : "deny",
                                 approve ? "Approve a pending request" : "Deny a pending request");
    review->add_option("id", o->id, "Request id")->required();
    review->add_option("--comment", o->comment, "What you want the requester to know");
    AddIdentity(review, *o);
    review->callback([&g, o, approve, &exit_code] { exit_code = ReviewRequest(g, *o, approve); });
  }
  CLI::App* cancel = requests->add_subcommand("cancel", "Withdraw your pending request");
  cancel->add_option("id", o->id, "Request id")->required();
  cancel->callback([&g, o, &exit_code] { exit_code = CancelRequest(g, *o); });
  CLI::App* post = requests->add_subcommand(
      "review-breakglass", "Close the after-the-fact review of a break-glass request");
  post->add_option("id", o->id, "Request id")->required();
  post->add_option("--comment", o->comment, "Finding");
  auto justified = std::make_shared<bool>(true);
  post->add_flag("--unjustified{false}", *justified, "Record the use as not justified");
  AddIdentity(post, *o);
  post->callback(
      [&g, o, justified, &exit_code] { exit_code = CloseBreakGlass(g, *o, *justified); });

  CLI::App* grants = app.add_subcommand("grants", "List, revoke and release grants");
  grants->require_subcommand(1);
  CLI::App* gls = grants->add_subcommand("ls", "List grants");
  gls->add_option("--state", o->state, "active, expired, revoked, released, consumed");
  gls->add_flag("--mine", o->mine, "Only your grants (--as, or the token's principal)");
  AddLimit(gls, *o, "grants");
  gls->callback([&g, o, &exit_code] { exit_code = ListGrants(g, *o); });
  CLI::App* revoke = grants->add_subcommand("revoke", "End a grant now (administrators)");
  revoke->add_option("id", o->id, "Grant id")->required();
  revoke->add_option("--reason", o->reason, "Why");
  revoke->callback([&g, o, &exit_code] { exit_code = RevokeGrant(g, *o); });
  CLI::App* release = grants->add_subcommand("release", "Give up your grant early");
  release->add_option("id", o->id, "Grant id")->required();
  release->callback([&g, o, &exit_code] { exit_code = ReleaseGrant(g, *o); });

  CLI::App* sweep = app.add_subcommand(
      "sweep",
      "Record expiries and start scheduled grants (decisions never wait for this).\n"
      "Local mode only: a server sweeps on its own.");
  sweep->callback([&g, &exit_code] { exit_code = Sweep(g); });
}

}  // namespace drawbridge::cli
