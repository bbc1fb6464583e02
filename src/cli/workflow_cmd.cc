// drawbridge request access|action, requests ls|show|approve|deny|cancel|review-breakglass,
// grants ls|revoke|release, sweep — local mode (see cli/local.h).
#include <boost/json.hpp>
#include <iostream>

#include "api/check_input.h"
#include "api/wire.h"
#include "cli/commands.h"
#include "cli/io.h"
#include "cli/local.h"
#include "core/time_format.h"
#include "policy/durations.h"

namespace drawbridge::cli {
using api::RequestToJson;
using api::GrantToJson;
using api::CheckInput;
namespace {

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
};

int WithSession(const GlobalOptions& g, bool needs_principal,
                const std::function<int(LocalSession&)>& body) {
  if (needs_principal && g.as.empty()) {
    PrintError("say who you are: --as PRINCIPAL (or set DRAWBRIDGE_AS)");
    return kExitUsage;
  }
  auto session = LocalSession::Open(g);
  if (!session.ok()) return Fail(session.status());
  return body(**session);
}

void PrintRequest(const GlobalOptions& g, const Request& r) {
  if (g.json()) {
    PrintJson(RequestToJson(r));
    return;
  }
  std::cout << r.id << "  " << RequestStateName(r.state) << "  " << RequestKindName(r.kind) << "  "
            << r.requester << "  ";
  if (r.kind == RequestKind::kAccess) {
    for (const auto& role : r.roles) std::cout << role << " ";
    std::cout << "on " << (r.scope.resource.empty() ? "labels" : r.scope.resource) << " for "
              << policy::FormatDuration(std::chrono::seconds(r.duration_seconds));
  } else {
    std::cout << r.action << " on " << r.resource;
  }
  if (!r.grant_id.empty()) std::cout << "  grant " << r.grant_id;
  if (r.break_glass) std::cout << "  BREAK-GLASS";
  std::cout << "\n";
}

void PrintRequestDetail(const GlobalOptions& g, const Request& r) {
  if (g.json()) {
    PrintJson(RequestToJson(r));
    return;
  }
  PrintRequest(g, r);
  std::cout << "  reason:  " << r.reason << "\n";
  if (!r.ticket.empty()) std::cout << "  ticket:  " << r.ticket << "\n";
  std::cout << "  rule:    " << r.rule << "\n";
  if (r.kind == RequestKind::kAction) {
    std::cout << "  " << r.payload_kind << ":     " << r.payload << "\n  facts:  ";
    for (const auto& f : r.facts) std::cout << " " << f;
    std::cout << "\n  fingerprint: " << r.fingerprint << "\n";
  }
  for (const Review& rv : r.reviews) {
    std::cout << "  review:  " << rv.reviewer << (rv.approve ? " approved" : " denied")
              << (rv.self_review ? " (self-review)" : "") << " at " << core::FormatRfc3339(rv.at)
              << (rv.comment.empty() ? "" : ": " + rv.comment) << "\n";
  }
}

void PrintGrant(const GlobalOptions& g, const Grant& grant) {
  if (g.json()) {
    PrintJson(GrantToJson(grant));
    return;
  }
  std::cout << grant.id << "  " << GrantStateName(grant.state) << "  " << grant.principal << "  ";
  if (grant.kind == RequestKind::kAccess) {
    for (const auto& a : grant.actions) std::cout << a << " ";
    std::cout << "on " << (grant.scope.resource.empty() ? "labels" : grant.scope.resource);
  } else {
    std::cout << "action " << grant.fingerprint.substr(0, 12) << " uses left " << grant.uses_left;
  }
  std::cout << "  " << core::FormatRfc3339(grant.not_before) << " .. "
            << core::FormatRfc3339(grant.expires_at) << "\n";
}

int RequestAccess(const GlobalOptions& g, const WorkflowOptions& o) {
  workflow::AccessRequestInput in;
  in.requester = g.as;
  in.roles = o.roles;
  in.rule = o.rule;
  in.scope.resource = o.resource;
  for (const std::string& kv : o.selector) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      PrintError("--selector takes label=value, got '" + kv + "'");
      return kExitUsage;
    }
    in.scope.selector.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (in.scope.empty()) {
    PrintError("say what the access is for: --resource ID or --selector label=value");
    return kExitUsage;
  }
  auto d = policy::ParseDuration(o.duration);
  if (!d) {
    PrintError("--duration must look like 90s, 15m, 2h, 1d or 1h30m");
    return kExitUsage;
  }
  in.duration_seconds = d->count();
  if (!o.not_before.empty()) {
    auto t = core::ParseRfc3339(o.not_before);
    if (!t) {
      PrintError("--not-before must be an RFC 3339 time");
      return kExitUsage;
    }
    in.not_before = *t;
  }
  in.reason = o.reason;
  in.ticket = o.ticket;
  in.source_ip = o.source_ip;
  in.group_claims = o.groups;
  in.mfa = o.mfa;
  in.break_glass = o.break_glass;
  return WithSession(g, true, [&](LocalSession& s) {
    if (!o.extends.empty()) {
      auto grant = s.store().GetGrant(s.service().tenant(), o.extends);
      if (!grant.ok()) return Fail(grant.status());
      if (!grant->has_value()) return Fail(NotFound("no grant '" + o.extends + "'"));
      in.extends = **grant;
    }
    auto r = s.service().RequestAccess(in);
    if (!r.ok()) return Fail(r.status());
    PrintRequest(g, *r);
    return kExitOk;
  });
}

int RequestAction(const GlobalOptions& g, const WorkflowOptions& o) {
  CheckInput input;
  input.principal = g.as;
  input.action = o.action;
  input.resource = o.resource;
  if (!o.sql.empty()) {
    input.payload_kind = Payload::Kind::kSql;
    input.text = o.sql;
  } else if (!o.command.empty()) {
    input.payload_kind = Payload::Kind::kShell;
    input.text = o.command;
  } else if (!o.http_method.empty()) {
    input.payload_kind = Payload::Kind::kHttp;
    input.http_method = o.http_method;
    input.http_path = o.http_path;
  }
  input.database = o.database;
  input.role = o.db_role;
  input.search_path = o.search_path;
  input.groups = o.groups;
  input.mfa = o.mfa;
  input.source_ip = o.source_ip;
  return WithSession(g, true, [&](LocalSession& s) {
    service::ActionRequest req;
    req.check = input.View();
    req.reason = o.reason;
    req.ticket = o.ticket;
    req.source_ip = o.source_ip;
    auto r = s.service().RequestAction(req);
    if (!r.ok()) return Fail(r.status());
    PrintRequest(g, *r);
    return kExitOk;
  });
}

int ListRequests(const GlobalOptions& g, const WorkflowOptions& o) {
  return WithSession(g, o.mine, [&](LocalSession& s) {
    RequestFilter f;
    f.tenant = s.service().tenant();
    if (!o.state.empty()) {
      f.state = ParseRequestState(o.state);
      if (!f.state) return Fail(InvalidArgument("unknown state '" + o.state + "'"));
    }
    if (o.mine) f.requester = g.as;
    auto list = s.store().ListRequests(f);
    if (!list.ok()) return Fail(list.status());
    if (g.json()) {
      boost::json::array a;
      for (const Request& r : *list) a.push_back(RequestToJson(r));
      PrintJson(a);
    } else {
      for (const Request& r : *list) PrintRequest(g, r);
    }
    return kExitOk;
  });
}

int ShowRequest(const GlobalOptions& g, const WorkflowOptions& o) {
  return WithSession(g, false, [&](LocalSession& s) {
    auto r = s.store().GetRequest(s.service().tenant(), o.id);
    if (!r.ok()) return Fail(r.status());
    if (!r->has_value()) return Fail(NotFound("no request '" + o.id + "'"));
    PrintRequestDetail(g, **r);
    return kExitOk;
  });
}

int ReviewRequest(const GlobalOptions& g, const WorkflowOptions& o, bool approve) {
  return WithSession(g, true, [&](LocalSession& s) {
    workflow::ReviewInput in{
        .reviewer = g.as, .group_claims = o.groups, .approve = approve, .comment = o.comment};
    auto r = s.service().Review(o.id, in);
    if (!r.ok()) return Fail(r.status());
    PrintRequest(g, *r);
    return kExitOk;
  });
}

int CloseBreakGlass(const GlobalOptions& g, const WorkflowOptions& o, bool approve) {
  return WithSession(g, true, [&](LocalSession& s) {
    workflow::ReviewInput in{
        .reviewer = g.as, .group_claims = o.groups, .approve = approve, .comment = o.comment};
    auto r = s.service().CloseBreakGlassReview(o.id, in);
    if (!r.ok()) return Fail(r.status());
    PrintRequest(g, *r);
    return kExitOk;
  });
}

int CancelRequest(const GlobalOptions& g, const WorkflowOptions& o) {
  return WithSession(g, true, [&](LocalSession& s) {
    auto r = s.service().Cancel(o.id, g.as);
    if (!r.ok()) return Fail(r.status());
    PrintRequest(g, *r);
    return kExitOk;
  });
}

int ListGrants(const GlobalOptions& g, const WorkflowOptions& o) {
  return WithSession(g, o.mine, [&](LocalSession& s) {
    GrantFilter f;
    f.tenant = s.service().tenant();
    if (!o.state.empty()) {
      f.state = ParseGrantState(o.state);
      if (!f.state) return Fail(InvalidArgument("unknown grant state '" + o.state + "'"));
    }
    if (o.mine) f.principal = g.as;
    auto list = s.store().ListGrants(f);
    if (!list.ok()) return Fail(list.status());
    if (g.json()) {
      boost::json::array a;
      for (const Grant& gr : *list) a.push_back(GrantToJson(gr));
      PrintJson(a);
    } else {
      for (const Grant& gr : *list) PrintGrant(g, gr);
    }
    return kExitOk;
  });
}

int RevokeGrant(const GlobalOptions& g, const WorkflowOptions& o) {
  return WithSession(g, true, [&](LocalSession& s) {
    // Local mode: whoever can write the database file administers it.
    workflow::RevokeInput in{.actor = g.as, .actor_is_admin = true, .reason = o.reason};
    auto r = s.service().Revoke(o.id, in);
    if (!r.ok()) return Fail(r.status());
    PrintGrant(g, *r);
    return kExitOk;
  });
}

int ReleaseGrant(const GlobalOptions& g, const WorkflowOptions& o) {
  return WithSession(g, true, [&](LocalSession& s) {
    auto r = s.service().Release(o.id, g.as);
    if (!r.ok()) return Fail(r.status());
    PrintGrant(g, *r);
    return kExitOk;
  });
}

int Sweep(const GlobalOptions& g) {
  return WithSession(g, false, [&](LocalSession& s) {
    auto r = s.service().Sweep();
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
  cmd->add_option("--group", o.groups, "Group claims from your identity provider (repeatable)");
  cmd->add_flag("--mfa", o.mfa, "Your identity provider says you used MFA");
}

}  // namespace

void RegisterWorkflow(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<WorkflowOptions>();

  CLI::App* request = app.add_subcommand("request", "Ask for JIT access or for one exact action");
  request->require_subcommand(1);
  CLI::App* access = request->add_subcommand(
      "access",
      "Ask for roles on a resource (or a label selector) for a duration.\n"
      "Exit 0 when recorded (pending, or approved at once), 1 when refused.");
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
  access->callback([&g, o, &exit_code] { exit_code = RequestAccess(g, *o); });

  CLI::App* action = request->add_subcommand(
      "action",
      "Ask approval for one exact action that a guardrail stops.\n"
      "Exit 0 when recorded, 1 when refused (e.g. the action needs no approval).");
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
  action->callback([&g, o, &exit_code] { exit_code = RequestAction(g, *o); });

  CLI::App* requests = app.add_subcommand("requests", "List, show and decide requests");
  requests->require_subcommand(1);
  CLI::App* ls = requests->add_subcommand("ls", "List requests");
  ls->add_option("--state", o->state, "pending, approved, active, denied, cancelled, expired, ...");
  ls->add_flag("--mine", o->mine, "Only requests made --as you");
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
  gls->add_flag("--mine", o->mine, "Only grants held --as you");
  gls->callback([&g, o, &exit_code] { exit_code = ListGrants(g, *o); });
  CLI::App* revoke = grants->add_subcommand("revoke", "End a grant now (administrators)");
  revoke->add_option("id", o->id, "Grant id")->required();
  revoke->add_option("--reason", o->reason, "Why");
  revoke->callback([&g, o, &exit_code] { exit_code = RevokeGrant(g, *o); });
  CLI::App* release = grants->add_subcommand("release", "Give up your grant early");
  release->add_option("id", o->id, "Grant id")->required();
  release->callback([&g, o, &exit_code] { exit_code = ReleaseGrant(g, *o); });

  CLI::App* sweep = app.add_subcommand(
      "sweep", "Record expiries and start scheduled grants (decisions never wait for this)");
  sweep->callback([&g, &exit_code] { exit_code = Sweep(g); });
}

}  // namespace drawbridge::cli
