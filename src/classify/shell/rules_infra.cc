// infra_destroy: terraform/tofu/terragrunt destroy and unprompted apply, pulumi destroy and
// up --yes, cdk destroy, serverless remove, firewall flushes.
#include <string>
#include <vector>

#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

bool AutoApprove(Args args) {
  for (const Word& w : args) {
    const std::string& t = w.text;
    if (t == "-auto-approve" || t == "--auto-approve" || t == "-auto-approve=true" ||
        t == "--auto-approve=true" || t == "--terragrunt-non-interactive") {
      return true;
    }
  }
  return false;
}

}  // namespace

void RuleTerraform(const Invocation& inv, Analyzer& a) {
  std::vector<const Word*> positional = Positionals(inv.args);
  size_t i = 0;
  // terragrunt run-all destroy, terragrunt run --all -- destroy
  while (i < positional.size() &&
         (positional[i]->text == "run-all" || positional[i]->text == "run")) {
    ++i;
  }
  if (i >= positional.size()) return;
  const std::string& sub = positional[i]->text;
  if (sub == "destroy") {
    a.Add(Fact::kShellInfraDestroy);
  } else if (sub == "apply") {
    if (HasArg(inv.args, "-destroy") || HasArg(inv.args, "--destroy") || AutoApprove(inv.args)) {
      a.Add(Fact::kShellInfraDestroy);
    }
  }
}

void RulePulumi(const Invocation& inv, Analyzer& a) {
  std::vector<const Word*> positional =
      Positionals(inv.args, {"-s", "--stack", "-C", "--cwd", "--target", "-t", "-m", "--message"});
  if (positional.empty()) return;
  const std::string& sub = positional[0]->text;
  if (sub == "destroy" || sub == "down") {
    if (!HasLongFlag(inv.args, "preview-only")) a.Add(Fact::kShellInfraDestroy);
  } else if (sub == "up" || sub == "update") {
    if (HasLongFlag(inv.args, "yes") || HasShortFlag(inv.args, 'y') ||
        HasLongFlag(inv.args, "skip-preview") || HasShortFlag(inv.args, 'f')) {
      a.Add(Fact::kShellInfraDestroy);
    }
  } else if (sub == "stack" && positional.size() > 1 && positional[1]->text == "rm") {
    a.Add(Fact::kShellInfraDestroy);
  }
}

void RuleCdk(const Invocation& inv, Analyzer& a) {
  std::vector<const Word*> positional = Positionals(inv.args, {"--app", "-a", "--profile", "-c"});
  if (!positional.empty() && positional[0]->text == "destroy") a.Add(Fact::kShellInfraDestroy);
}

void RuleServerless(const Invocation& inv, Analyzer& a) {
  std::vector<const Word*> positional = Positionals(inv.args, {"--stage", "-s", "--region", "-r"});
  if (positional.empty()) return;
  const std::string& sub = positional[0]->text;
  bool destroys = false;
  if (inv.program == "sam") {
    destroys = sub == "delete";
  } else if (inv.program == "copilot") {
    destroys = positional.size() > 1 && positional[1]->text == "delete";
  } else {
    destroys = sub == "remove";
  }
  if (destroys) a.Add(Fact::kShellInfraDestroy);
}

void RuleFirewall(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  std::string_view p = inv.program;
  bool flush = false;
  if (p == "nft") {
    std::vector<const Word*> positional = Positionals(args, {"-f", "--file"});
    if (positional.size() >= 2) {
      const std::string& verb = positional[0]->text;
      const std::string& object = positional[1]->text;
      flush =
          (verb == "flush" && (object == "ruleset" || object == "table" || object == "chain")) ||
          (verb == "delete" && (object == "table" || object == "chain"));
    }
    for (const Word& w : args) {
      if (w.text.find("flush ruleset") != std::string::npos) flush = true;
    }
  } else if (p == "ufw") {
    std::vector<const Word*> positional = Positionals(args);
    flush =
        !positional.empty() && (positional[0]->text == "reset" || positional[0]->text == "disable");
  } else if (p == "pfctl") {
    std::string what;
    flush = FlagValue(args, "", 'F', what) || HasArg(args, "-d");
  } else {  // iptables family
    for (const Word& w : args) {
      const std::string& t = w.text;
      if (t == "--flush" || t == "--delete-chain" ||
          (t.size() >= 2 && t[0] == '-' && t[1] != '-' &&
           (t.find('F') != std::string::npos || t.find('X') != std::string::npos))) {
        flush = true;
      }
    }
  }
  if (flush) a.Add(Fact::kShellInfraDestroy);
}

}  // namespace drawbridge::classify::shell
