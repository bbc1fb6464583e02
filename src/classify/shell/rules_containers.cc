// container_destructive: bulk removal of containers, images or volumes (docker/podman/nerdctl
// prune, rm/rmi of a whole listing, volume rm, compose down -v). One named container is safe.
// `docker exec CONTAINER cmd` runs cmd, which is classified in turn.
#include <string>
#include <vector>

#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

bool RemovesListing(const std::vector<const Word*>& targets, const Analyzer& a) {
  for (const Word* w : targets) {
    if (a.ExpandsToUnknownList(*w) || w->Has(kGlob)) return true;
  }
  return false;
}

void ComposeSubcommand(Args args, Analyzer& a) {
  std::vector<const Word*> positional =
      Positionals(args, {"-f", "--file", "-p", "--project-name", "--env-file", "--profile",
                         "--project-directory", "--ansi", "--progress"});
  if (positional.empty()) return;
  const std::string& sub = positional[0]->text;
  if (sub == "down" &&
      (HasShortFlag(args, 'v') || HasLongFlag(args, "volumes") || HasLongFlag(args, "rmi"))) {
    a.Add(Fact::kShellContainerDestructive);
  }
  if (sub == "rm" && (HasShortFlag(args, 'v') || HasLongFlag(args, "volumes"))) {
    a.Add(Fact::kShellContainerDestructive);
  }
}

}  // namespace

void RuleDocker(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  size_t i = 0;
  while (i < args.size() && args[i].text.starts_with("-")) {
    const std::string& t = args[i].text;
    bool takes_value = t == "-H" || t == "--host" || t == "-c" || t == "--context" ||
                       t == "--config" || t == "-l" || t == "--log-level";
    i += takes_value ? 2 : 1;
  }
  if (i >= args.size()) return;
  std::string sub = args[i].text;
  Args rest = args.subspan(i + 1);
  if (sub == "compose") {
    ComposeSubcommand(rest, a);
    return;
  }
  if (sub == "exec") {
    size_t k = 0;
    while (k < rest.size() && rest[k].text.starts_with("-")) {
      const std::string& t = rest[k].text;
      bool takes_value = t == "-e" || t == "--env" || t == "-u" || t == "--user" || t == "-w" ||
                         t == "--workdir" || t == "--env-file" || t == "--detach-keys";
      k += takes_value ? 2 : 1;
    }
    if (k + 1 < rest.size()) a.AnalyzeWords(rest.subspan(k + 1), *inv.stdin_source);
    return;
  }
  std::vector<const Word*> positional =
      Positionals(rest, {"--filter", "--format", "--until", "-t", "--time"});
  std::string op;
  if (sub == "container" || sub == "image" || sub == "volume" || sub == "system" ||
      sub == "builder" || sub == "network") {
    if (positional.empty()) return;
    op = positional[0]->text;
    positional.erase(positional.begin());
  }
  bool bulk = false;
  if (op == "prune") {
    if (sub == "system" || sub == "container" || sub == "volume") bulk = true;
    if (sub == "image") bulk = HasShortFlag(rest, 'a') || HasLongFlag(rest, "all");
  } else if (sub == "volume" && (op == "rm" || op == "remove")) {
    bulk = true;
  } else if (sub == "rm" || sub == "rmi" ||
             ((sub == "container" || sub == "image") && (op == "rm" || op == "remove"))) {
    bulk = RemovesListing(positional, a) || HasLongFlag(rest, "all") ||
           (sub == "rm" && HasShortFlag(rest, 'v') && RemovesListing(positional, a));
  }
  if (bulk) a.Add(Fact::kShellContainerDestructive);
}

void RuleCompose(const Invocation& inv, Analyzer& a) {
  ComposeSubcommand(inv.args, a);
}

}  // namespace drawbridge::classify::shell
