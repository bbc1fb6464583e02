// drawbridge demo: a guided run of the decision engine against the example policy.
#include <iostream>

#include "classify/payload_analyzer.h"
#include "cli/check_input.h"
#include "cli/commands.h"
#include "core/engine.h"
#include "core/explain.h"
#include "core/time_format.h"
#include "policy/compiler.h"

namespace drawbridge::cli {
namespace {

struct DemoStep {
  std::string title;
  CheckInput input;
};

std::vector<DemoStep> Steps() {
  std::vector<DemoStep> steps;
  auto sql = [](std::string title, std::string who, std::string resource, std::string text) {
    DemoStep s{std::move(title), {}};
    s.input.principal = std::move(who);
    s.input.action = "db.query";
    s.input.resource = std::move(resource);
    s.input.payload_kind = Payload::Kind::kSql;
    s.input.text = std::move(text);
    s.input.database = "orders";
    return s;
  };
  steps.push_back(sql("A DBA reads production orders (standing access)", "user:alice",
                      "db/orders-prod", "SELECT id, total FROM orders WHERE id = 42"));
  steps.push_back(sql("The same DBA deletes every row (a guardrail needs two approvals)",
                      "user:alice", "db/orders-prod", "DELETE FROM orders WHERE 1=1"));
  steps.push_back(sql("Keywords in a string literal are not actions", "user:alice",
                      "db/orders-prod", "SELECT 'DROP TABLE orders' AS note"));
  steps.push_back(sql("Dropping the database is never allowed", "user:alice", "db/orders-prod",
                      "DROP DATABASE orders"));
  steps.push_back(sql("A contractor has no access to production at all", "user:dave",
                      "db/orders-prod", "SELECT 1"));
  DemoStep k{"An AI agent wants to delete pods in production", {}};
  k.input.principal = "agent:copilot-7";
  k.input.action = "shell.exec";
  k.input.resource = "k8s/prod";
  k.input.payload_kind = Payload::Kind::kShell;
  k.input.text = "sudo kubectl delete pods -l app=payments -n payments";
  steps.push_back(std::move(k));
  return steps;
}

int RunDemo(const std::string& path) {
  auto policy = policy::LoadAndCompile(path);
  if (!policy.ok()) {
    std::cerr << policy.status().message() << "\n";
    return kExitFailure;
  }
  core::GrantIndex grants;
  classify::ClassifierAnalyzer analyzer;
  core::Engine engine(**policy, grants, analyzer);
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  std::cout << "Drawbridge demo: policy " << path << " (" << (*policy)->version.substr(0, 12)
            << ")\n";
  int n = 0;
  for (const DemoStep& step : Steps()) {
    CheckRequest request = step.input.View();
    core::Verdict v = engine.Check(request, TimePoint(now.time_since_epoch()));
    core::Explanation e = core::Explain(engine, request, v);
    std::cout << "\n[" << ++n << "] " << step.title << "\n    " << step.input.principal << " "
              << step.input.action << " " << step.input.resource;
    if (!step.input.text.empty()) std::cout << ": " << step.input.text;
    std::cout << "\n";
    std::string text = ExplanationToText(e);
    for (size_t pos = 0; pos < text.size();) {
      size_t nl = text.find('\n', pos);
      std::cout << "    " << text.substr(pos, nl - pos) << "\n";
      pos = nl == std::string::npos ? text.size() : nl + 1;
    }
  }
  std::cout << "\nTry your own: drawbridge check --policy " << path
            << " --principal user:alice --action db.query --resource db/orders-prod --sql '...'\n";
  return kExitOk;
}

}  // namespace

void RegisterDemo(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>("examples/policy");
  CLI::App* cmd = app.add_subcommand("demo", "Run a few checks against the example policy and explain them");
  cmd->add_option("--policy", *path, "Policy file or directory")->capture_default_str();
  cmd->callback([path, &exit_code] { exit_code = RunDemo(*path); });
}

}  // namespace drawbridge::cli
