// permission_change: recursive world-writable modes anywhere, any recursive chmod/chown/chgrp on
// a system path, weakening a system file (world-writable, setuid/setgid, opening up shadow).
#include <string>
#include <vector>

#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

struct ModeEffect {
  bool world_writable = false;
  bool set_id = false;        // setuid or setgid
  bool opens_others = false;  // any permission for group or others
};

bool IsOctal(std::string_view mode) {
  if (mode.empty() || mode.size() > 5) return false;
  for (char c : mode) {
    if (c < '0' || c > '7') return false;
  }
  return true;
}

ModeEffect ParseMode(std::string_view mode) {
  ModeEffect e;
  if (IsOctal(mode)) {
    int value = 0;
    for (char c : mode) value = value * 8 + (c - '0');
    e.world_writable = (value & 02) != 0;
    e.set_id = (value & 06000) != 0;
    e.opens_others = (value & 077) != 0;
    return e;
  }
  // Symbolic: clauses like u+s,go-w,a=rwx.
  size_t i = 0;
  while (i < mode.size()) {
    size_t end = mode.find(',', i);
    if (end == std::string_view::npos) end = mode.size();
    std::string_view clause = mode.substr(i, end - i);
    size_t op = clause.find_first_of("+-=");
    if (op != std::string_view::npos) {
      std::string_view who = clause.substr(0, op);
      std::string_view perms = clause.substr(op + 1);
      bool adds = clause[op] != '-';
      bool others = who.empty() ? false
                                : (who.find('o') != std::string_view::npos ||
                                   who.find('a') != std::string_view::npos);
      bool group =
          who.find('g') != std::string_view::npos || who.find('a') != std::string_view::npos;
      if (adds && others && perms.find('w') != std::string_view::npos) e.world_writable = true;
      if (adds && perms.find('s') != std::string_view::npos) e.set_id = true;
      if (adds && (others || group) && !perms.empty()) e.opens_others = true;
    }
    i = end + 1;
  }
  return e;
}

bool IsSecretFile(std::string_view path) {
  return path == "/etc/shadow" || path == "/etc/gshadow" || path == "/etc/sudoers" ||
         path.starts_with("/etc/sudoers.d") || path.starts_with("/etc/ssh/ssh_host_");
}

bool IsRecursive(Args args) {
  return HasShortFlag(args, 'R') || HasLongFlag(args, "recursive");
}

}  // namespace

void RuleChmod(const Invocation& inv, Analyzer& a) {
  std::vector<const Word*> positional = Positionals(inv.args, {"--reference"});
  // A symbolic mode starting with '-' (chmod -w file) is taken for an option by Positionals.
  std::string mode;
  size_t first_file = 1;
  if (!positional.empty()) {
    mode = positional[0]->text;
  }
  for (const Word& w : inv.args) {
    const std::string& t = w.text;
    if (t.size() > 1 && t[0] == '-' && t.find_first_of("rwxXst") != std::string::npos &&
        t.find_first_not_of("-rwxXst") == std::string::npos) {
      mode = t;
      first_file = 0;
    }
  }
  if (positional.size() < first_file + 1) return;
  ModeEffect effect = ParseMode(mode);
  bool recursive = IsRecursive(inv.args);
  if (recursive && effect.world_writable) {
    a.Add(Fact::kShellPermissionChange);
    return;
  }
  for (size_t i = first_file; i < positional.size(); ++i) {
    for (const Target& t : a.ResolveTargets(*positional[i])) {
      std::string path = NormalizePath(t.path);
      bool system = IsSystemPath(path) || t.unknown;
      if (recursive && (system || path == "~" || path == "/")) {
        a.Add(Fact::kShellPermissionChange);
      } else if (system && (effect.world_writable || effect.set_id)) {
        a.Add(Fact::kShellPermissionChange);
      } else if (IsSecretFile(path) && effect.opens_others) {
        a.Add(Fact::kShellPermissionChange);
      }
    }
  }
}

void RuleChown(const Invocation& inv, Analyzer& a) {
  if (!IsRecursive(inv.args)) {
    // Giving a system secret or a shell to someone else.
    std::vector<const Word*> positional = Positionals(inv.args, {"--reference", "--from"});
    for (size_t i = 1; i < positional.size(); ++i) {
      for (const Target& t : a.ResolveTargets(*positional[i])) {
        std::string path = NormalizePath(t.path);
        if (path == "/" || (IsSecretFile(path) && !path.starts_with("~"))) {
          a.Add(Fact::kShellPermissionChange);
        }
      }
    }
    return;
  }
  std::vector<const Word*> positional = Positionals(inv.args, {"--reference", "--from"});
  for (size_t i = 1; i < positional.size(); ++i) {
    for (const Target& t : a.ResolveTargets(*positional[i])) {
      std::string path = NormalizePath(t.path);
      if (t.unknown || IsSystemPath(path) || path == "~" || path == "/") {
        a.Add(Fact::kShellPermissionChange);
      }
    }
  }
}

}  // namespace drawbridge::classify::shell
