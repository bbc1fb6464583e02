// drawbridge check: one decision against a policy (and optionally grants), with its explanation.
#include <boost/json.hpp>
#include <chrono>
#include <iostream>

#include "api/check_input.h"
#include "api/wire.h"
#include "classify/payload_analyzer.h"
#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/grants_file.h"
#include "cli/io.h"
#include "cli/local.h"
#include "core/compiled_policy.h"
#include "core/engine.h"
#include "core/explain.h"
#include "core/time_format.h"
#include "policy/compiler.h"
#include "store/sqlite/serving_lock.h"

namespace drawbridge::cli {
using api::CheckInput;
using api::ExplanationToJson;
using api::ExplanationToText;
using api::ParseContextJson;
namespace {

struct CheckOptions {
  std::string policy, grants, context, at;
  std::string output;  // "": the global --output
  std::string sql, command, http_method, http_path;
  CheckInput input;
};

// With --db, the check runs through the service: grants come from the database, the use of an
// action grant is recorded, and decisions involving a guardrail or a grant are audited.
int RunCheckWithDb(const GlobalOptions& g, CheckOptions& o, int64_t now_override) {
  if (now_override != 0) {
    return UsageError("--at cannot be used with --db: decisions against a database happen now");
  }
  GlobalOptions with_policy = g;
  with_policy.policy = o.policy.empty() ? g.policy : o.policy;
  if (with_policy.policy.empty()) {
    return UsageError("no policy: give --policy PATH (or set DRAWBRIDGE_POLICY)");
  }
  // A check may consume a grant: refused while a server serves the database, whose in-memory
  // grants would not see it. Held until the check is recorded.
  auto not_served = sqlite::ServingLock::Share(with_policy.db);
  if (!not_served.ok()) return Fail(not_served.status());
  auto session = LocalSession::Open(with_policy);
  if (!session.ok()) return Fail(session.status());
  CheckRequest request = o.input.View();
  service::CheckOutcome out = (*session)->service().Check(request);
  if (WantsJson(g, o.output)) {
    PrintJson(ExplanationToJson(out.explanation));
  } else {
    std::cout << EscapeEachLine(ExplanationToText(out.explanation));
  }
  switch (out.verdict.decision) {
    case Decision::kAllow: return kExitOk;
    case Decision::kDeny: return kExitDeny;
    case Decision::kApprovalRequired: return kExitApprovalRequired;
  }
  return kExitDeny;
}

// Against a server: the decision, and any grant use it records, happen there. Without
// --principal the server decides for the token's own principal.
int RunCheckRemote(const GlobalOptions& g, CheckOptions& o) {
  if (!o.grants.empty() || !o.at.empty()) {
    return UsageError(
        "--grants and --at need a --policy to decide against here; a server decides now, "
        "with its own grants");
  }
  return RunWithBackend(g, false, [&](WorkflowBackend& b) {
    auto e = b.Check(o.input);
    if (!e.ok()) return Fail(e.status());
    if (WantsJson(g, o.output)) {
      PrintJson(ExplanationToJson(*e));
    } else {
      std::cout << EscapeEachLine(ExplanationToText(*e));
    }
    switch (e->decision) {
      case Decision::kAllow: return kExitOk;
      case Decision::kDeny: return kExitDeny;
      case Decision::kApprovalRequired: return kExitApprovalRequired;
    }
    return kExitDeny;
  });
}

// Remote when neither a database nor a policy is given but a server is configured.
bool UsesServer(const GlobalOptions& g, const CheckOptions& o) {
  if (!g.db.empty() || !o.policy.empty() || !g.policy.empty()) return false;
  auto mode = ChooseBackend(g);
  return mode.ok() && *mode == BackendMode::kRemote;
}

int RunCheck(const GlobalOptions& g, CheckOptions& o) {
  bool remote = UsesServer(g, o);
  if (o.input.principal.empty() && !remote) o.input.principal = g.as;
  if (o.input.principal.empty() && !remote) {
    return UsageError("whose action is it: give --principal (or --as)");
  }
  if (!o.input.principal.empty() && !core::IsValidPrincipal(o.input.principal)) {
    return UsageError("--principal (or --as) must be user:NAME, service:NAME or agent:NAME, got '" +
                      o.input.principal + "'");
  }
  int payloads =
      !o.sql.empty() + !o.command.empty() + (!o.http_method.empty() || !o.http_path.empty());
  if (payloads > 1) {
    return UsageError(
        "give at most one payload: --sql, --command, or --http-method with --http-path");
  }
  if (!o.sql.empty()) {
    o.input.payload_kind = Payload::Kind::kSql;
    o.input.text = o.sql;
  } else if (!o.command.empty()) {
    o.input.payload_kind = Payload::Kind::kShell;
    o.input.text = o.command;
  } else if (!o.http_method.empty() || !o.http_path.empty()) {
    if (o.http_method.empty() || o.http_path.empty()) {
      return UsageError("--http-method and --http-path go together");
    }
    o.input.payload_kind = Payload::Kind::kHttp;
    o.input.http_method = o.http_method;
    o.input.http_path = o.http_path;
  }
  if (!o.context.empty()) {
    boost::system::error_code ec;
    boost::json::value ctx = boost::json::parse(o.context, ec);
    if (ec) {
      return UsageError("--context is not valid JSON: " + ec.message());
    }
    if (Status s = ParseContextJson(ctx, o.input); !s.ok()) {
      return UsageError("--context: " + s.message());
    }
  }
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  if (!o.at.empty()) {
    auto t = core::ParseRfc3339(o.at);
    if (!t) {
      return UsageError("--at must be an RFC 3339 time such as 2026-01-05T10:00:00Z, got '" + o.at +
                        "'");
    }
    now = *t;
  }
  if (remote) return RunCheckRemote(g, o);
  if (!g.db.empty()) {
    if (!o.grants.empty()) {
      return UsageError("--grants cannot be used with --db: the database holds the grants");
    }
    return RunCheckWithDb(g, o, o.at.empty() ? 0 : now);
  }
  if (o.policy.empty()) o.policy = g.policy;
  if (o.policy.empty()) {
    return UsageError("no policy: give --policy PATH (or set DRAWBRIDGE_POLICY)");
  }
  auto policy = policy::LoadAndCompile(o.policy);
  if (!policy.ok()) return FailWithProblemList(policy.status());
  core::GrantIndex grants;
  if (!o.grants.empty()) {
    auto text = ReadFile(o.grants);
    if (!text.ok()) return Fail(text.status());
    auto specs = ParseGrants(*text, o.grants);
    if (!specs.ok()) return Fail(specs.status());
    for (const auto& spec : *specs) {
      if (Status s = grants.Add(spec); !s.ok()) return Fail(s.WithContext(o.grants));
    }
  }
  classify::ClassifierAnalyzer analyzer;
  core::Engine engine(**policy, grants, analyzer);
  CheckRequest request = o.input.View();
  core::Verdict verdict = engine.Check(request, TimePoint(std::chrono::seconds(now)));
  core::Explanation e = core::Explain(engine, request, verdict);
  if (WantsJson(g, o.output)) {
    PrintJson(ExplanationToJson(e));
  } else {
    std::cout << EscapeEachLine(ExplanationToText(e));
  }
  switch (verdict.decision) {
    case Decision::kAllow: return kExitOk;
    case Decision::kDeny: return kExitDeny;
    case Decision::kApprovalRequired: return kExitApprovalRequired;
  }
  return kExitDeny;
}

}  // namespace

void RegisterCheck(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Decide one action: allow, deny or approval_required, with the rules that decided.\n"
      "Exit codes: 0 allow, 3 deny, 4 approval_required, 1 bad policy/grants, 2 usage error.\n"
      "Decides against --policy (offline), --db (local mode), or else the configured server\n"
      "(--addr / DRAWBRIDGE_ADDR), which decides now with its own policy and grants.");
  cmd->add_option("--policy", o->policy, "Policy file or directory");
  cmd->add_option("--grants", o->grants,
                  "Active grants: JSON array or NDJSON file (without --db; with --db the "
                  "database's grants are used)");
  cmd->add_option(
      "--principal", o->input.principal,
      "user:NAME, service:NAME or agent:NAME (default: --as; on a server: the token's)");
  cmd->add_option("--action", o->input.action, "Dotted action, e.g. db.query")->required();
  cmd->add_option("--resource", o->input.resource, "Resource id, e.g. db/orders-prod")->required();
  cmd->add_option("--sql", o->sql, "SQL payload");
  cmd->add_option("--database", o->input.database, "Database the SQL runs in (fingerprint)");
  cmd->add_option("--db-role", o->input.role, "Database role the SQL runs as (fingerprint)");
  cmd->add_option("--search-path", o->input.search_path,
                  "search_path of the session (fingerprint)");
  cmd->add_option("--command", o->command, "Shell command-line payload");
  cmd->add_option("--http-method", o->http_method, "HTTP method payload");
  cmd->add_option("--http-path", o->http_path, "HTTP path payload");
  cmd->add_option(
      "--context", o->context,
      "JSON: {\"labels\":{..},\"kind\":..,\"groups\":[..],\"mfa\":bool,\"source_ip\":..}");
  cmd->add_option("--at", o->at, "Decide as of this RFC 3339 time (default: now)");
  cmd->add_option("--output,-o", o->output, "text or json (default: the global --output)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([o, &global, &exit_code] {
    SetJsonErrors(WantsJson(global, o->output));
    exit_code = RunCheck(global, *o);
  });
}

}  // namespace drawbridge::cli
