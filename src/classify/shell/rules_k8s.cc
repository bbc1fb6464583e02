// k8s_destructive: kubectl delete/drain/scale to zero/replace --force/apply --prune, helm
// uninstall. `kubectl exec ... -- cmd` runs cmd, which is classified in turn.
#include <string>
#include <vector>

#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

bool DryRun(Args args) {
  for (const Word& w : args) {
    const std::string& t = w.text;
    if (t == "--dry-run" || (t.starts_with("--dry-run=") && t != "--dry-run=none")) return true;
  }
  return false;
}

bool ScalesToZero(Args args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& t = args[i].text;
    if (t == "--replicas=0") return true;
    if (t == "--replicas" && i + 1 < args.size() && args[i + 1].text == "0") return true;
  }
  return false;
}

void RunInPod(Args rest, const Stdin& in, Analyzer& a) {
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i].text == "--") {
      if (i + 1 < rest.size()) a.AnalyzeWords(rest.subspan(i + 1), in);
      return;
    }
  }
}

}  // namespace

void RuleKubectl(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  std::vector<const Word*> positional = Positionals(args, {"-n",          "--namespace",
                                                           "--context",   "--kubeconfig",
                                                           "-s",          "--server",
                                                           "--cluster",   "--user",
                                                           "--token",     "-l",
                                                           "--selector",  "-o",
                                                           "--output",    "-f",
                                                           "--filename",  "-c",
                                                           "--container", "--as",
                                                           "--as-group",  "--field-selector",
                                                           "--timeout",   "--grace-period"});
  if (positional.empty()) return;
  const std::string& sub = positional[0]->text;
  if (sub == "exec") {
    RunInPod(args, *inv.stdin_source, a);
    return;
  }
  if (DryRun(args)) return;
  bool destructive = sub == "delete" || sub == "drain" || (sub == "scale" && ScalesToZero(args)) ||
                     (sub == "replace" && HasLongFlag(args, "force")) ||
                     (sub == "apply" && HasLongFlag(args, "prune"));
  if (destructive) a.Add(Fact::kShellK8sDestructive);
}

void RuleHelm(const Invocation& inv, Analyzer& a) {
  std::vector<const Word*> positional =
      Positionals(inv.args, {"-n", "--namespace", "--kube-context", "--kubeconfig"});
  if (positional.empty() || DryRun(inv.args)) return;
  const std::string& sub = positional[0]->text;
  if (sub == "uninstall" || sub == "delete" || sub == "del" || sub == "un") {
    a.Add(Fact::kShellK8sDestructive);
  }
}

}  // namespace drawbridge::classify::shell
