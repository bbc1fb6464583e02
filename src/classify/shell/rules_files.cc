// recursive_delete: rm, find -delete/-exec, rsync --delete, mv to /dev/null, shred, truncate,
// crontab -r.
#include <string>
#include <vector>

#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

bool IsRecursiveRm(Args args) {
  return HasShortFlag(args, 'r') || HasShortFlag(args, 'R') || HasLongFlag(args, "recursive");
}

bool AnyTarget(const std::vector<const Word*>& words, const Analyzer& a,
               bool (*dangerous)(const Target&)) {
  for (const Word* w : words) {
    for (const Target& t : a.ResolveTargets(*w)) {
      if (dangerous(t)) return true;
    }
  }
  return false;
}

// A start point of `find` from which a filtered deletion is still dangerous: /, ~, a system
// path or somewhere the line does not show.
bool DangerousFindStart(const Target& t) {
  if (t.temporary) return false;
  std::string path = NormalizePath(t.path);
  if (t.unknown && (t.path.empty() || t.path[0] == '/')) return true;
  if (path == "/" || path == "~") return true;
  return IsSystemPath(path) && path != "/tmp" && path != "/var/tmp";
}

bool IsFindFilter(std::string_view t) {
  return t == "-name" || t == "-iname" || t == "-path" || t == "-ipath" || t == "-regex" ||
         t == "-iregex" || t == "-type" || t == "-wholename" || t == "-iwholename" ||
         t == "-lname" || t == "-ilname";
}

}  // namespace

void RuleRm(const Invocation& inv, Analyzer& a) {
  bool recursive = IsRecursiveRm(inv.args);
  if (AnyTarget(Positionals(inv.args), a,
                recursive ? IsDangerousRecursiveDelete : IsDangerousFileDelete)) {
    a.Add(Fact::kShellRecursiveDelete);
  }
}

void RuleUnlink(const Invocation& inv, Analyzer& a) {
  if (AnyTarget(Positionals(inv.args), a, IsDangerousFileDelete)) {
    a.Add(Fact::kShellRecursiveDelete);
  }
}

void RuleFind(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  std::vector<const Word*> starts;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& t = args[i].text;
    if ((t.starts_with("-") && t.size() > 1) || t == "(" || t == "!") break;
    starts.push_back(&args[i]);
  }
  Word dot{".", 0, 0};
  if (starts.empty()) starts.push_back(&dot);
  bool filtered = false;
  bool deletes = false;
  std::vector<std::vector<Word>> execs;
  for (; i < args.size(); ++i) {
    const std::string& t = args[i].text;
    if (IsFindFilter(t)) filtered = true;
    if (t == "-delete") deletes = true;
    if (t == "-exec" || t == "-execdir" || t == "-ok" || t == "-okdir") {
      std::vector<Word> command;
      for (++i; i < args.size() && args[i].text != ";" && args[i].text != "+"; ++i) {
        command.push_back(args[i]);
      }
      if (!command.empty()) execs.push_back(std::move(command));
    }
  }
  bool start_dangerous = AnyTarget(starts, a, DangerousFindStart);
  bool unfiltered_dangerous = !filtered && AnyTarget(starts, a, IsDangerousRecursiveDelete);
  bool deletion_dangerous = start_dangerous || unfiltered_dangerous;

  for (std::vector<Word>& command : execs) {
    std::string_view program = ProgramName(command[0].text);
    if (program == "rm" || program == "unlink" || program == "shred" || program == "rmdir") {
      if (program != "rmdir") deletes = true;
      continue;
    }
    // Other programs get each found file; as bad as running them recursively on the start.
    bool perms = program == "chmod" || program == "chown" || program == "chgrp";
    std::vector<Word> argv;
    for (Word& w : command) {
      if (w.text.find("{}") == std::string::npos) {
        argv.push_back(w);
        continue;
      }
      if (perms || deletion_dangerous) {
        for (const Word* s : starts) argv.push_back(*s);
      } else {
        argv.push_back(Word{"matched-file", kQuoted, 0});
      }
    }
    if (perms) argv.insert(argv.begin() + 1, Word{"-R", 0, 0});
    a.AnalyzeWords(argv, Stdin{});
  }
  if (deletes && deletion_dangerous) a.Add(Fact::kShellRecursiveDelete);
}

void RuleRsync(const Invocation& inv, Analyzer& a) {
  bool deletes = false;
  for (const Word& w : inv.args) {
    if (w.text.starts_with("--delete") || w.text == "--remove-source-files") deletes = true;
  }
  if (!deletes || HasLongFlag(inv.args, "dry-run") || HasShortFlag(inv.args, 'n')) return;
  std::vector<const Word*> positional =
      Positionals(inv.args, {"-e", "--rsh", "--exclude", "--include", "--filter", "-f",
                             "--exclude-from", "--include-from", "--files-from", "--port",
                             "--chmod", "--chown", "--rsync-path", "--password-file", "-B"});
  if (positional.size() < 2) return;
  Word destination = *positional.back();
  size_t colon = destination.text.find(':');
  if (colon != std::string::npos && destination.text.find('/') > colon) {
    std::string remote = destination.text.substr(colon + 1);  // host:path, "" is the home
    destination.text = remote.empty() ? std::string("~") : std::move(remote);
  }
  for (const Target& t : a.ResolveTargets(destination)) {
    std::string path = NormalizePath(t.path);
    if (t.unknown || IsSystemPath(path) || path == "~" || path == "." ||
        IsDangerousRecursiveDelete(t)) {
      a.Add(Fact::kShellRecursiveDelete);
    }
  }
}

void RuleMv(const Invocation& inv, Analyzer& a) {
  std::vector<const Word*> positional = Positionals(inv.args, {"-t", "--target-directory", "-S"});
  if (positional.size() < 2) return;
  const Word* destination = positional.back();
  positional.pop_back();
  if (destination->text == "/dev/null") {
    if (AnyTarget(positional, a, IsDangerousRecursiveDelete)) a.Add(Fact::kShellRecursiveDelete);
    return;
  }
  for (const Word* w : positional) {
    for (const Target& t : a.ResolveTargets(*w)) {
      std::string path = NormalizePath(t.path);
      bool top_level = path == "/" || path == "~" ||
                       (path.size() > 1 && path[0] == '/' &&
                        path.find('/', 1) == std::string::npos && IsSystemPath(path));
      if (top_level || (t.unknown && path == ".")) a.Add(Fact::kShellRecursiveDelete);
    }
  }
}

void RuleShred(const Invocation& inv, Analyzer& a) {
  bool removes = HasShortFlag(inv.args, 'u') || HasLongFlag(inv.args, "remove");
  for (const Word* w : Positionals(inv.args, {"-n", "--iterations", "-s", "--size"})) {
    for (const Target& t : a.ResolveTargets(*w)) {
      std::string path = NormalizePath(t.path);
      if (IsDevicePath(path)) {
        a.Add(Fact::kShellDeviceOverwrite);
      } else if (IsDangerousFileDelete(t) || (!removes && IsSystemPath(path))) {
        a.Add(Fact::kShellRecursiveDelete);
      }
    }
  }
}

void RuleTruncate(const Invocation& inv, Analyzer& a) {
  for (const Word* w : Positionals(inv.args, {"-s", "--size", "-r", "--reference"})) {
    for (const Target& t : a.ResolveTargets(*w)) {
      std::string path = NormalizePath(t.path);
      if (t.unknown || IsSystemPath(path) || IsCriticalSystemFile(path)) {
        a.Add(Fact::kShellRecursiveDelete);
      }
    }
  }
}

void RuleCrontab(const Invocation& inv, Analyzer& a) {
  if (HasShortFlag(inv.args, 'r')) a.Add(Fact::kShellRecursiveDelete);
}

}  // namespace drawbridge::classify::shell
