// cloud_destructive: deleting or terminating cloud resources or buckets and recursive object
// removal, through aws, gcloud/gsutil, az, doctl and the other provider CLIs. Dry runs are safe.
#include <string>
#include <vector>

#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

bool DryRun(Args args) {
  return HasLongFlag(args, "dryrun") || HasLongFlag(args, "dry-run");
}

bool Recursive(Args args) {
  return HasShortFlag(args, 'r') || HasShortFlag(args, 'R') || HasLongFlag(args, "recursive");
}

bool HasWildcardUrl(const std::vector<const Word*>& positional) {
  for (const Word* w : positional) {
    if (w->text.find("://") != std::string::npos && w->text.find('*') != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

void RuleAws(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  std::vector<const Word*> positional =
      Positionals(args, {"--profile", "--region", "--output", "--endpoint-url", "--color",
                         "--query", "--cli-read-timeout", "--cli-connect-timeout", "--ca-bundle"});
  if (positional.size() < 2 || DryRun(args)) return;
  const std::string& service = positional[0]->text;
  const std::string& operation = positional[1]->text;
  if (service == "s3") {
    if (operation == "rb" || (operation == "rm" && Recursive(args))) {
      a.Add(Fact::kShellCloudDestructive);
    }
    return;
  }
  if (service == "cloudformation" && operation.starts_with("delete-stack")) {
    a.Add(Fact::kShellInfraDestroy);
    a.Add(Fact::kShellCloudDestructive);
    return;
  }
  if (service == "s3api" && operation == "delete-object") return;  // one object
  if (operation.starts_with("delete-") || operation.starts_with("terminate-") ||
      operation.starts_with("batch-delete") || operation == "purge-queue" ||
      operation.starts_with("remove-") || operation == "deregister-image") {
    a.Add(Fact::kShellCloudDestructive);
  }
}

void RuleGcloud(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  std::vector<const Word*> positional = Positionals(
      args, {"--project", "--zone", "--region", "--format", "--account", "--configuration",
             "--filter", "--flatten", "--verbosity", "--impersonate-service-account", "--command"});
  std::string command;
  if (positional.size() >= 2 && positional[1]->text == "ssh" &&
      FlagValue(args, "command", 0, command)) {
    a.AnalyzeNestedText(command);
  }
  for (size_t i = 0; i < positional.size(); ++i) {
    const std::string& t = positional[i]->text;
    if (t == "delete" || t == "purge") {
      a.Add(Fact::kShellCloudDestructive);
      return;
    }
    if (t == "rm" && i > 0 && positional[i - 1]->text == "storage" &&
        (Recursive(args) || HasWildcardUrl(positional))) {
      a.Add(Fact::kShellCloudDestructive);
      return;
    }
  }
}

void RuleGsutil(const Invocation& inv, Analyzer& a) {
  std::vector<const Word*> positional = Positionals(inv.args, {"-o", "-h", "-u"});
  if (positional.empty()) return;
  const std::string& sub = positional[0]->text;
  Args rest = inv.args;
  if (sub == "rb" ||
      (sub == "rm" && (Recursive(rest) || HasShortFlag(rest, 'a') || HasWildcardUrl(positional)))) {
    a.Add(Fact::kShellCloudDestructive);
  }
}

void RuleAz(const Invocation& inv, Analyzer& a) {
  if (DryRun(inv.args)) return;
  for (const Word* w : Positionals(inv.args, {"--resource-group", "-g", "--name", "-n",
                                              "--subscription", "--output", "-o", "--query"})) {
    const std::string& t = w->text;
    if (t == "delete" || t == "delete-batch" || t == "purge") {
      a.Add(Fact::kShellCloudDestructive);
      return;
    }
  }
}

void RuleCloudDeleteVerb(const Invocation& inv, Analyzer& a) {
  if (DryRun(inv.args)) return;
  std::string_view p = inv.program;
  std::vector<const Word*> positional = Positionals(inv.args, {"-a", "--app", "-c", "--context"});
  if (p == "kops" && !HasLongFlag(inv.args, "yes") && !HasShortFlag(inv.args, 'y')) return;
  for (const Word* w : positional) {
    std::string t = Lower(w->text);
    if (t == "pg:reset") {
      a.Add(Fact::kShellDbDestructive);
      return;
    }
    bool verb = t == "delete" || t == "destroy" || t == "d" || t == "rm" || t == "remove" ||
                t.ends_with(":destroy") || t.ends_with(":delete") || t.ends_with(":remove");
    if (verb) {
      a.Add(Fact::kShellCloudDestructive);
      return;
    }
  }
}

void RuleObjectStoreCli(const Invocation& inv, Analyzer& a) {
  if (DryRun(inv.args) || HasShortFlag(inv.args, 'n')) return;
  std::vector<const Word*> positional = Positionals(inv.args, {"--config", "-c"});
  if (positional.empty()) return;
  const std::string& sub = positional[0]->text;
  std::string_view p = inv.program;
  bool destroys = false;
  if (p == "rclone") {
    destroys = sub == "purge" || sub == "delete";
  } else if (p == "s5cmd") {
    destroys = (sub == "rm" && HasWildcardUrl(positional)) || sub == "rb";
  } else if (p == "azcopy") {
    destroys = (sub == "remove" || sub == "rm") && Recursive(inv.args);
  } else {  // s3cmd, mc
    destroys = sub == "rb" || ((sub == "rm" || sub == "del") &&
                               (Recursive(inv.args) || HasLongFlag(inv.args, "force")));
  }
  if (destroys) a.Add(Fact::kShellCloudDestructive);
}

}  // namespace drawbridge::classify::shell
