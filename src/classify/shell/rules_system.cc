// system_power (shutdown, reboot, systemctl poweroff, init 0, killing every process) and
// package_removal (system and global package managers; project-scoped removal is safe).
#include <string>
#include <vector>

#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

bool In(std::string_view s, std::initializer_list<std::string_view> set) {
  for (std::string_view x : set) {
    if (x == s) return true;
  }
  return false;
}

bool FirstPositionalIn(Args args, std::initializer_list<std::string_view> set,
                       std::initializer_list<std::string_view> takes_value = {}) {
  std::vector<const Word*> positional = Positionals(args, takes_value);
  return !positional.empty() && In(positional[0]->text, set);
}

bool Global(Args args) {
  return HasShortFlag(args, 'g') || HasLongFlag(args, "global") ||
         HasArg(args, "--location=global");
}

}  // namespace

void RulePower(const Invocation& inv, Analyzer& a) {
  if (HasShortFlag(inv.args, 'c') || HasLongFlag(inv.args, "help") || HasShortFlag(inv.args, 'k')) {
    return;  // cancel a scheduled shutdown, print help, only warn
  }
  a.Add(Fact::kShellSystemPower);
}

void RuleSystemctl(const Invocation& inv, Analyzer& a) {
  std::vector<const Word*> positional = Positionals(inv.args, {"-H", "--host", "-M", "--machine"});
  if (positional.empty()) return;
  const std::string& verb = positional[0]->text;
  if (In(verb, {"poweroff", "reboot", "halt", "kexec", "soft-reboot", "suspend", "hibernate",
                "hybrid-sleep", "suspend-then-hibernate", "emergency", "rescue"})) {
    a.Add(Fact::kShellSystemPower);
    return;
  }
  if ((verb == "isolate" || verb == "start") && positional.size() > 1) {
    const std::string& unit = positional[1]->text;
    if (In(unit, {"poweroff.target", "reboot.target", "halt.target", "rescue.target",
                  "emergency.target", "kexec.target", "runlevel0.target", "runlevel6.target",
                  "poweroff", "reboot", "halt", "rescue", "emergency"})) {
      a.Add(Fact::kShellSystemPower);
    }
  }
}

void RuleInit(const Invocation& inv, Analyzer& a) {
  if (FirstPositionalIn(inv.args, {"0", "6", "1", "s", "S"})) a.Add(Fact::kShellSystemPower);
}

void RuleKill(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& t = args[i].text;
    if (t == "--") {
      options_done = true;
      continue;
    }
    if (t == "-s" || t == "-n") {
      ++i;
      continue;
    }
    // The first "-1" is a signal number; a later one (or one after --) is every process.
    bool every_process = t == "-1" && (options_done || i > 0);
    if (every_process || ((options_done || t[0] != '-') && t == "1")) {
      a.Add(Fact::kShellSystemPower);
      return;
    }
  }
}

void RulePackages(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  std::string_view p = inv.program;
  bool removes = false;
  if (p == "apt" || p == "apt-get" || p == "aptitude") {
    bool simulated = HasShortFlag(args, 's') || HasLongFlag(args, "simulate") ||
                     HasLongFlag(args, "dry-run") || HasLongFlag(args, "just-print");
    removes = !simulated && FirstPositionalIn(args, {"remove", "purge", "autoremove", "autopurge"},
                                              {"-o", "-c", "-t", "--option", "--target-release"});
  } else if (p == "dpkg") {
    removes = HasShortFlag(args, 'r') || HasShortFlag(args, 'P') || HasLongFlag(args, "remove") ||
              HasLongFlag(args, "purge");
  } else if (p == "yum" || p == "dnf" || p == "microdnf" || p == "tdnf") {
    removes = FirstPositionalIn(args, {"remove", "erase", "autoremove", "rm"},
                                {"-c", "--config", "--enablerepo", "--disablerepo"});
  } else if (p == "zypper") {
    removes = FirstPositionalIn(args, {"remove", "rm"});
  } else if (p == "pacman" || p == "yay" || p == "paru") {
    for (const Word& w : args) {
      if (w.text.size() >= 2 && w.text[0] == '-' && w.text[1] == 'R') removes = true;
      if (w.text == "--remove") removes = true;
    }
  } else if (p == "apk") {
    removes = FirstPositionalIn(args, {"del"});
  } else if (p == "snap" || p == "flatpak") {
    removes = FirstPositionalIn(args, {"remove", "uninstall"});
  } else if (p == "rpm") {
    removes = HasShortFlag(args, 'e') || HasLongFlag(args, "erase");
  } else if (p == "brew" || p == "port" || p == "choco" || p == "winget" || p == "scoop" ||
             p == "gem" || p == "cargo" || p == "pipx") {
    removes = FirstPositionalIn(args, {"uninstall", "remove", "rm", "autoremove", "uninstall-all"});
  } else if (p == "emerge") {
    removes =
        HasLongFlag(args, "unmerge") || HasShortFlag(args, 'C') || HasLongFlag(args, "depclean");
  } else if (p == "nix-env") {
    removes = HasShortFlag(args, 'e') || HasLongFlag(args, "uninstall");
  }
  if (removes) a.Add(Fact::kShellPackageRemoval);
}

void RulePip(const Invocation& inv, Analyzer& a) {
  if (!FirstPositionalIn(inv.args, {"uninstall"})) return;
  std::string_view path = inv.path;
  // A virtual environment's pip only touches that environment.
  bool venv = path.find("venv") != std::string_view::npos ||
              path.find("virtualenv") != std::string_view::npos ||
              path.find("env/bin/") != std::string_view::npos ||
              path.find("VIRTUAL_ENV") != std::string_view::npos ||
              path.find("/envs/") != std::string_view::npos;
  if (!venv) a.Add(Fact::kShellPackageRemoval);
}

void RuleNodePackages(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  std::vector<const Word*> positional = Positionals(args);
  if (positional.empty()) return;
  const std::string& sub = positional[0]->text;
  bool removes = false;
  if (inv.program == "yarn") {
    removes = sub == "global" && positional.size() > 1 && positional[1]->text == "remove";
  } else {
    removes = In(sub, {"uninstall", "un", "remove", "rm", "r", "unlink"}) && Global(args);
  }
  if (removes) a.Add(Fact::kShellPackageRemoval);
}

}  // namespace drawbridge::classify::shell
