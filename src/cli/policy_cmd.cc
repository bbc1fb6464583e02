// drawbridge policy validate|test|explain
#include <boost/json.hpp>
#include <iostream>

#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/io.h"
#include "cli/policy_tests.h"
#include "cli/served_policy.h"
#include "policy/compiler.h"
#include "policy/loader.h"

namespace drawbridge::cli {
namespace {

using core::CompiledPolicy;
using core::Id;
using core::kNoId;

struct PolicyOptions {
  std::string path, tests, principal;
  bool server = false;  // explain: the policy the configured server is serving
  std::string output;   // "": the global --output
};

int Validate(const GlobalOptions& global, const PolicyOptions& o) {
  policy::LoadResult loaded = policy::LoadPolicy(o.path);
  if (!loaded.ok() && WantsJson(global, o.output)) {
    boost::json::array errors;
    for (const policy::PolicyError& e : loaded.errors) errors.emplace_back(e.ToString());
    PrintJson(boost::json::object{{"valid", false}, {"errors", std::move(errors)}});
    return kExitFailure;
  }
  if (!loaded.ok()) {
    std::cerr << loaded.ErrorText();
    if (!loaded.ErrorText().ends_with("\n")) std::cerr << "\n";
    std::cerr << loaded.errors.size() << " error(s)\n";
    return kExitFailure;
  }
  auto compiled = policy::Compile(loaded.document);
  if (!compiled.ok() && WantsJson(global, o.output)) {
    PrintJson(boost::json::object{{"valid", false},
                                  {"errors", boost::json::array{compiled.status().message()}}});
    return kExitFailure;
  }
  if (!compiled.ok()) return FailWithProblemList(compiled.status());
  const CompiledPolicy& p = **compiled;
  if (WantsJson(global, o.output)) {
    PrintJson(boost::json::object{{"valid", true},
                                  {"groups", p.groups.size()},
                                  {"resources", p.resources.size()},
                                  {"roles", p.roles.size()},
                                  {"assignments", p.assignments.size()},
                                  {"eligibility", p.eligibility.size()},
                                  {"guardrails", p.guardrails.size()}});
  } else {
    std::cout << o.path << ": valid (" << p.groups.size() << " groups, " << p.resources.size()
              << " resources, " << p.roles.size() << " roles, " << p.assignments.size()
              << " assignments, " << p.eligibility.size() << " eligibility rules, "
              << p.guardrails.size() << " guardrails)\n";
  }
  return kExitOk;
}

int Test(const GlobalOptions& global, const PolicyOptions& o) {
  auto policy = policy::LoadAndCompile(o.path);
  if (!policy.ok()) return FailWithProblemList(policy.status());
  auto text = ReadFile(o.tests);
  if (!text.ok()) return Fail(text.status());
  auto report = RunPolicyTests(**policy, *text, o.tests);
  if (!report.ok()) return Fail(report.status());
  if (WantsJson(global, o.output)) {
    boost::json::array failures;
    for (const auto& f : report->failures) {
      failures.push_back(boost::json::object{{"name", f.name}, {"message", f.message}});
    }
    PrintJson(boost::json::object{{"passed", report->passed},
                                  {"failed", report->failures.size()},
                                  {"failures", std::move(failures)}});
  } else {
    for (const auto& f : report->failures)
      std::cout << "FAIL " << f.name << ": " << f.message << "\n";
    std::cout << report->passed << " passed, " << report->failures.size() << " failed\n";
  }
  return report->failures.empty() ? kExitOk : kExitFailure;
}

std::string Join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

std::string DescribeSelector(const CompiledPolicy& p, const core::ResourceSelectorC& s) {
  if (s.any) return "any resource";
  std::vector<std::string> parts;
  std::vector<std::string> ids;
  for (Id r : s.catalog_ids) ids.push_back(p.resources[r].id);
  for (const auto& prefix : s.id_prefixes) ids.push_back(prefix + "*");
  if (!ids.empty()) parts.push_back("id in [" + Join(ids) + "]");
  if (!s.kinds.empty()) {
    std::vector<std::string> kinds;
    for (Id k : s.kinds) kinds.emplace_back(p.values.Name(k));
    parts.push_back("kind in [" + Join(kinds) + "]");
  }
  auto labels = [&](const std::vector<core::LabelValues>& list, std::string_view op) {
    for (const auto& lv : list) {
      std::vector<std::string> vals;
      for (Id v : lv.values) vals.emplace_back(p.values.Name(v));
      parts.push_back(std::string(p.label_keys.Name(lv.key)) + std::string(op) + "[" + Join(vals) +
                      "]");
    }
  };
  labels(s.labels, " in ");
  labels(s.labels_not, " not in ");
  for (Id k : s.label_in_principal_groups) {
    parts.push_back(std::string(p.label_keys.Name(k)) + " names one of the principal's groups");
  }
  return Join(parts, " and ");
}

std::string DescribeApproval(const core::ApprovalSpec& a) {
  std::vector<std::string> steps;
  for (const auto& s : a.steps) {
    steps.push_back(std::to_string(s.min_approvals) + " of [" + Join(s.approvers) + "]");
  }
  switch (a.mode) {
    case core::ApprovalSpec::Mode::kSingle: return steps.empty() ? "none" : steps[0];
    case core::ApprovalSpec::Mode::kAllOf: return "all of: " + Join(steps, "; ");
    case core::ApprovalSpec::Mode::kAnyOf: return "any of: " + Join(steps, "; ");
  }
  return "";
}

std::string DescribeFacts(const core::ConditionsC& c) {
  std::vector<std::string> parts;
  if (!c.facts.empty()) parts.push_back("facts any of [" + Join(FactNames(c.facts)) + "]");
  for (const auto& p : c.http_path_prefixes) parts.push_back("path " + p + "*");
  for (const auto& p : c.http_paths_exact) parts.push_back("path " + p);
  if (c.require_mfa) parts.push_back("mfa");
  if (!c.time_windows.empty())
    parts.push_back(std::to_string(c.time_windows.size()) + " time window(s)");
  if (!c.source_cidrs.empty())
    parts.push_back(std::to_string(c.source_cidrs.size()) + " source CIDR(s)");
  return Join(parts, " and ");
}

// `version` is the one to show: the server's own for a served policy, whose texts may have
// reached us with webhook URLs cut.
int ExplainPolicy(const GlobalOptions& global, const PolicyOptions& o, const CompiledPolicy& p,
                  const std::string& version) {
  Id principal = kNoId;
  core::IdSet no_groups;
  const core::IdSet* groups = &no_groups;
  if (!o.principal.empty()) {
    principal = p.principals.Find(o.principal);
    if (principal != kNoId) groups = &p.principal_groups[principal];
  }
  boost::json::object out;
  out["policy_version"] = version;
  if (!o.principal.empty()) out["principal"] = o.principal;

  boost::json::array group_list;
  for (Id g = 0; g < p.groups.size(); ++g) {
    if (!o.principal.empty() && !groups->Has(g)) continue;
    boost::json::array members;
    for (Id m : p.group_members[g]) members.emplace_back(p.principals.Name(m));
    group_list.push_back(boost::json::object{{"name", p.groups.Name(g)}, {"members", members}});
  }
  out["groups"] = std::move(group_list);

  boost::json::array standing;
  const std::vector<core::StandingRef>& refs =
      principal != kNoId ? p.principal_standing[principal] : p.everyone_standing;
  if (!o.principal.empty()) {
    for (const auto& ref : refs) {
      const auto& perm = p.permissions[ref.permission];
      standing.push_back(boost::json::object{{"role", p.roles[perm.role].name},
                                             {"actions", Join(perm.actions.patterns)},
                                             {"resources", DescribeSelector(p, perm.resources)}});
    }
    out["standing"] = std::move(standing);
  } else {
    boost::json::array roles;
    for (const auto& role : p.roles) {
      for (Id perm_id : role.permissions) {
        const auto& perm = p.permissions[perm_id];
        roles.push_back(boost::json::object{{"role", role.name},
                                            {"actions", Join(perm.actions.patterns)},
                                            {"resources", DescribeSelector(p, perm.resources)}});
      }
    }
    out["roles"] = std::move(roles);
  }

  boost::json::array eligible;
  for (const auto& e : p.eligibility) {
    if (!o.principal.empty() && !p.Matches(e.principals, principal, *groups)) continue;
    std::vector<std::string> roles;
    for (Id r : e.roles) roles.push_back(p.roles[r].name);
    eligible.push_back(boost::json::object{{"rule", e.name},
                                           {"roles", Join(roles)},
                                           {"max_duration_seconds", e.max_duration.count()},
                                           {"approval", DescribeApproval(e.approval)},
                                           {"auto_approve_rules", e.auto_approve.size()},
                                           {"break_glass", e.break_glass.has_value()}});
  }
  out["may_request"] = std::move(eligible);

  boost::json::array rails;
  for (const auto& g : p.guardrails) {
    if (!o.principal.empty()) {
      if (!g.principals.empty() && !p.Matches(g.principals, principal, *groups)) continue;
      if (!g.except.empty() && p.Matches(g.except, principal, *groups)) continue;
    }
    boost::json::object r{{"guardrail", g.name},
                          {"effect", core::GuardrailEffectName(g.effect)},
                          {"actions", Join(g.actions.patterns)},
                          {"resources", DescribeSelector(p, g.resources)},
                          {"when", DescribeFacts(g.when)}};
    if (g.effect == core::GuardrailEffect::kRequireApproval)
      r["approval"] = DescribeApproval(g.approval);
    rails.push_back(std::move(r));
  }
  out["guardrails"] = std::move(rails);

  if (WantsJson(global, o.output)) {
    PrintJson(out);
    return kExitOk;
  }
  auto text = [](const boost::json::value& v) -> std::string {
    return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
  };
  std::cout << "policy " << version.substr(0, 12) << "\n";
  if (!o.principal.empty()) std::cout << "principal " << o.principal << "\n";
  std::cout << "\ngroups:\n";
  for (const auto& g : out["groups"].as_array()) {
    std::cout << "  " << text(g.at("name")) << ": " << text(g.at("members")) << "\n";
  }
  if (out.contains("standing")) {
    std::cout << "\nstanding access:\n";
    for (const auto& s : out["standing"].as_array()) {
      std::cout << "  " << text(s.at("role")) << ": " << text(s.at("actions")) << " on "
                << text(s.at("resources")) << "\n";
    }
    if (out["standing"].as_array().empty()) std::cout << "  (none)\n";
  } else {
    std::cout << "\nroles:\n";
    for (const auto& s : out["roles"].as_array()) {
      std::cout << "  " << text(s.at("role")) << ": " << text(s.at("actions")) << " on "
                << text(s.at("resources")) << "\n";
    }
  }
  std::cout << "\nmay request (JIT):\n";
  for (const auto& e : out["may_request"].as_array()) {
    std::cout << "  " << text(e.at("rule")) << ": roles " << text(e.at("roles")) << ", up to "
              << text(e.at("max_duration_seconds")) << "s, approval " << text(e.at("approval"))
              << (e.at("break_glass").as_bool() ? ", break-glass available" : "") << "\n";
  }
  if (out["may_request"].as_array().empty()) std::cout << "  (nothing)\n";
  std::cout << "\nguardrails:\n";
  for (const auto& g : out["guardrails"].as_array()) {
    std::cout << "  " << text(g.at("guardrail")) << " [" << text(g.at("effect"))
              << "]: " << text(g.at("actions")) << " on " << text(g.at("resources"));
    if (!g.at("when").as_string().empty()) std::cout << " when " << text(g.at("when"));
    if (g.as_object().contains("approval")) std::cout << "; approval " << text(g.at("approval"));
    std::cout << "\n";
  }
  return kExitOk;
}

// The policy the configured server is serving (GET /v1/policy), loaded here from its texts.
int ExplainServedPolicy(const GlobalOptions& global, const PolicyOptions& o) {
  auto config = LoadRemoteConfig(global);
  if (!config.ok()) return Fail(config.status());
  if (config->addr.empty()) {
    return UsageError(
        "--server needs a server: give --addr URL or DRAWBRIDGE_ADDR (with DRAWBRIDGE_TOKEN), or "
        "put addr and token in ~/.config/drawbridge/config.yaml");
  }
  if (std::string problem = CheckModeFlags(global, BackendMode::kRemote); !problem.empty()) {
    return UsageError(problem);
  }
  auto served = FetchServedPolicy(global);
  if (!served.ok()) return Fail(served.status());
  policy::LoadResult loaded = policy::LoadPolicyTexts(served->files);
  if (!loaded.ok()) {
    return FailWithProblemList(InvalidArgument(
        "the policy the server is serving does not load here:\n" + loaded.ErrorText()));
  }
  auto compiled = policy::Compile(loaded.document);
  if (!compiled.ok()) return FailWithProblemList(compiled.status());
  return ExplainPolicy(global, o, **compiled, served->version);
}

int Explain(const GlobalOptions& global, const PolicyOptions& o) {
  if (o.server == !o.path.empty()) {
    return UsageError(
        "say which policy to explain: a PATH, or --server for the one the server is serving");
  }
  if (!o.principal.empty() && !core::IsValidPrincipal(o.principal)) {
    return UsageError("--principal must be user:NAME, service:NAME or agent:NAME, got '" +
                      o.principal + "'");
  }
  if (o.server) return ExplainServedPolicy(global, o);
  auto compiled = policy::LoadAndCompile(o.path);
  if (!compiled.ok()) return FailWithProblemList(compiled.status());
  return ExplainPolicy(global, o, **compiled, (*compiled)->version);
}

}  // namespace

void RegisterPolicy(CLI::App& app, GlobalOptions& global, int& exit_code) {
  CLI::App* policy = app.add_subcommand("policy", "Validate, test and explain a policy");
  policy->require_subcommand(1);
  auto o = std::make_shared<PolicyOptions>();

  CLI::App* validate = policy->add_subcommand(
      "validate",
      "Check a policy file or directory. Exit 0 if valid, 1 with errors on stderr\n"
      "(with --output json: {\"valid\": false, \"errors\": [\"FILE:LINE:COL: ...\"]} on stdout).");
  validate->add_option("path", o->path, "Policy file or directory")->required();
  validate->add_option("--output,-o", o->output, "text or json (default: the global --output)")
      ->check(CLI::IsMember({"text", "json"}));
  validate->callback([o, &global, &exit_code] {
    SetJsonErrors(WantsJson(global, o->output));
    exit_code = Validate(global, *o);
  });

  CLI::App* test = policy->add_subcommand(
      "test",
      "Run policy unit tests: each case is a check and its expected decision.\n"
      "Prints 'N passed, M failed'; exit 1 on any failure.");
  test->add_option("path", o->path, "Policy file or directory")->required();
  // Named as the usage line shows it, so that a missing one is reported as "TESTS.yaml is
  // required".
  test->add_option("TESTS.yaml", o->tests, "Tests YAML file")->required();
  test->add_option("--output,-o", o->output, "text or json (default: the global --output)")
      ->check(CLI::IsMember({"text", "json"}));
  test->callback([o, &global, &exit_code] {
    SetJsonErrors(WantsJson(global, o->output));
    exit_code = Test(global, *o);
  });

  CLI::App* explain = policy->add_subcommand(
      "explain",
      "Show groups, roles, standing access, what may be requested and the guardrails;\n"
      "with --principal, for that principal. --server explains the policy the configured\n"
      "server is serving (--addr / DRAWBRIDGE_ADDR, any token) instead of a PATH.");
  explain->add_option("path", o->path, "Policy file or directory");
  explain->add_flag("--server", o->server,
                    "Explain the policy the server is serving (GET /v1/policy), not a PATH");
  explain->add_option("--principal", o->principal, "user:NAME, service:NAME or agent:NAME");
  explain->add_option("--output,-o", o->output, "text or json (default: the global --output)")
      ->check(CLI::IsMember({"text", "json"}));
  explain->callback([o, &global, &exit_code] {
    SetJsonErrors(WantsJson(global, o->output));
    exit_code = Explain(global, *o);
  });
}

}  // namespace drawbridge::cli
