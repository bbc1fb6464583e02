// vcs_history_rewrite: force pushes, remote ref deletion, reset --hard, clean -f, discarding the
// work tree, stash clear, branch -D, filter-branch, deleting a hosted repository.
#include <string>
#include <vector>

#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

bool IsWholeTree(std::string_view path) {
  return path == "." || path == "./" || path == ":/" || path == "*" || path == ":(top)" ||
         path == "-A" || path == "--all";
}

bool PushRewrites(Args args) {
  if (HasLongFlag(args, "dry-run") || HasShortFlag(args, 'n')) return false;
  if (HasShortFlag(args, 'f') || HasShortFlag(args, 'd') || HasLongFlag(args, "force") ||
      HasLongFlag(args, "force-with-lease") || HasLongFlag(args, "force-if-includes") ||
      HasLongFlag(args, "mirror") || HasLongFlag(args, "delete") || HasLongFlag(args, "prune")) {
    return true;
  }
  std::vector<const Word*> positional =
      Positionals(args, {"-o", "--push-option", "--repo", "--receive-pack", "--exec"});
  for (size_t i = 1; i < positional.size(); ++i) {  // refspecs follow the remote
    const std::string& ref = positional[i]->text;
    if (!ref.empty() && (ref[0] == '+' || ref[0] == ':')) return true;
  }
  return false;
}

}  // namespace

void RuleGit(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  size_t i = 0;
  while (i < args.size() && args[i].text.starts_with("-")) {
    const std::string& t = args[i].text;
    bool takes_value = t == "-C" || t == "-c" || t == "--git-dir" || t == "--work-tree" ||
                       t == "--namespace" || t == "--config-env" || t == "--super-prefix";
    i += takes_value ? 2 : 1;
  }
  if (i >= args.size()) return;
  const std::string& sub = args[i].text;
  Args rest = args.subspan(i + 1);
  std::vector<const Word*> positional = Positionals(rest);
  bool rewrite = false;
  if (sub == "push") {
    rewrite = PushRewrites(rest);
  } else if (sub == "reset") {
    rewrite = HasLongFlag(rest, "hard");
  } else if (sub == "clean") {
    rewrite = (HasShortFlag(rest, 'f') || HasLongFlag(rest, "force")) && !HasShortFlag(rest, 'n') &&
              !HasLongFlag(rest, "dry-run");
  } else if (sub == "checkout") {
    rewrite = HasShortFlag(rest, 'f') || HasLongFlag(rest, "force");
    for (const Word& w : rest) {
      if (IsWholeTree(w.text) && w.text != "-A" && w.text != "--all") rewrite = true;
    }
  } else if (sub == "restore") {
    bool staged_only = (HasShortFlag(rest, 'S') || HasLongFlag(rest, "staged")) &&
                       !HasShortFlag(rest, 'W') && !HasLongFlag(rest, "worktree");
    if (!staged_only) {
      for (const Word* w : positional) {
        if (IsWholeTree(w->text)) rewrite = true;
      }
    }
  } else if (sub == "switch") {
    rewrite = HasLongFlag(rest, "discard-changes") || HasLongFlag(rest, "force") ||
              HasShortFlag(rest, 'f');
  } else if (sub == "stash") {
    rewrite = !positional.empty() && positional[0]->text == "clear";
  } else if (sub == "branch") {
    rewrite = HasShortFlag(rest, 'D') || (HasLongFlag(rest, "delete") &&
                                          (HasLongFlag(rest, "force") || HasShortFlag(rest, 'f')));
  } else if (sub == "filter-branch" || sub == "filter-repo") {
    rewrite = true;
  } else if (sub == "reflog") {
    rewrite = !positional.empty() && positional[0]->text == "expire";
  } else if (sub == "update-ref") {
    rewrite = HasShortFlag(rest, 'd');
  }
  if (rewrite) a.Add(Fact::kShellVcsHistoryRewrite);
}

void RuleHostedRepo(const Invocation& inv, Analyzer& a) {
  std::vector<const Word*> positional =
      Positionals(inv.args, {"-R", "--repo", "-X", "--method", "-H", "--header", "-f", "-F"});
  if (positional.size() >= 2 && positional[0]->text == "repo" && positional[1]->text == "delete") {
    a.Add(Fact::kShellVcsHistoryRewrite);
    return;
  }
  if (inv.program == "hub" && !positional.empty() && positional[0]->text == "delete") {
    a.Add(Fact::kShellVcsHistoryRewrite);
    return;
  }
  if (!positional.empty() && positional[0]->text == "api") {
    std::string method;
    if (FlagValue(inv.args, "method", 'X', method) && Lower(method) == "delete") {
      for (const Word* w : positional) {
        const std::string& path = w->text;
        size_t repos = path.find("repos/");
        // DELETE /repos/{owner}/{repo} with nothing below it deletes the repository.
        if (repos != std::string::npos) {
          std::string_view rest = std::string_view(path).substr(repos + 6);
          size_t slashes = 0;
          for (char c : rest) slashes += c == '/';
          if (slashes <= 1 || (slashes == 2 && rest.back() == '/')) {
            a.Add(Fact::kShellVcsHistoryRewrite);
          }
          if (rest.find("/git/refs") != std::string_view::npos) {
            a.Add(Fact::kShellVcsHistoryRewrite);
          }
        }
      }
    }
  }
}

}  // namespace drawbridge::classify::shell
