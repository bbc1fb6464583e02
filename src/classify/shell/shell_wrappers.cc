// Wrappers: programs that run another command (sudo, env, xargs, timeout...) or shell text
// (bash -c, eval, ssh host '...', watch, su -c). The command they run is what gets classified.
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

// Stands for arguments read from standard input that the line does not show.
constexpr std::string_view kStdinMarker = "\x02<stdin>\x03";

enum class Wrapper : uint8_t {
  kSudo,
  kDoas,
  kPkexec,
  kPlain,  // nohup, setsid, builtin...: options, then the command
  kTime,
  kCommand,
  kExec,
  kNice,
  kIonice,
  kStdbuf,
  kTimeout,
  kSkipOnePositional,  // taskset MASK cmd, chrt PRIO cmd
  kFlock,
  kChroot,
  kEnv,
  kTrace,
  kWatch,
  kXargs,
  kShell,
  kBusybox,
  kSu,
  kRunuser,
  kSg,
  kSsh,
  kEval,
  kNpx,
  kPackageRunner,  // npm/pnpm/yarn exec|dlx
  kEnvRunner,      // poetry/pipenv/uv/bundle run|exec
  kDoubleDash,     // dotenv/op/doppler... -- cmd
};

const std::unordered_map<std::string_view, Wrapper>& Wrappers() {
  static const auto* const kMap = new std::unordered_map<std::string_view, Wrapper>{
      {"sudo", Wrapper::kSudo},
      {"doas", Wrapper::kDoas},
      {"pkexec", Wrapper::kPkexec},
      {"run0", Wrapper::kPkexec},
      {"nohup", Wrapper::kPlain},
      {"setsid", Wrapper::kPlain},
      {"builtin", Wrapper::kPlain},
      {"unbuffer", Wrapper::kPlain},
      {"caffeinate", Wrapper::kPlain},
      {"torsocks", Wrapper::kPlain},
      {"proxychains", Wrapper::kPlain},
      {"proxychains4", Wrapper::kPlain},
      {"firejail", Wrapper::kPlain},
      {"catchsegv", Wrapper::kPlain},
      {"fakeroot", Wrapper::kPlain},
      {"time", Wrapper::kTime},
      {"command", Wrapper::kCommand},
      {"exec", Wrapper::kExec},
      {"nice", Wrapper::kNice},
      {"ionice", Wrapper::kIonice},
      {"stdbuf", Wrapper::kStdbuf},
      {"timeout", Wrapper::kTimeout},
      {"gtimeout", Wrapper::kTimeout},
      {"taskset", Wrapper::kSkipOnePositional},
      {"chrt", Wrapper::kSkipOnePositional},
      {"flock", Wrapper::kFlock},
      {"chroot", Wrapper::kChroot},
      {"env", Wrapper::kEnv},
      {"strace", Wrapper::kTrace},
      {"ltrace", Wrapper::kTrace},
      {"watch", Wrapper::kWatch},
      {"xargs", Wrapper::kXargs},
      {"sh", Wrapper::kShell},
      {"bash", Wrapper::kShell},
      {"zsh", Wrapper::kShell},
      {"dash", Wrapper::kShell},
      {"ksh", Wrapper::kShell},
      {"mksh", Wrapper::kShell},
      {"ash", Wrapper::kShell},
      {"fish", Wrapper::kShell},
      {"csh", Wrapper::kShell},
      {"tcsh", Wrapper::kShell},
      {"yash", Wrapper::kShell},
      {"rbash", Wrapper::kShell},
      {"busybox", Wrapper::kBusybox},
      {"su", Wrapper::kSu},
      {"runuser", Wrapper::kRunuser},
      {"sg", Wrapper::kSg},
      {"ssh", Wrapper::kSsh},
      {"eval", Wrapper::kEval},
      {"npx", Wrapper::kNpx},
      {"bunx", Wrapper::kNpx},
      {"pnpx", Wrapper::kNpx},
      {"npm", Wrapper::kPackageRunner},
      {"pnpm", Wrapper::kPackageRunner},
      {"yarn", Wrapper::kPackageRunner},
      {"bun", Wrapper::kPackageRunner},
      {"poetry", Wrapper::kEnvRunner},
      {"pipenv", Wrapper::kEnvRunner},
      {"uv", Wrapper::kEnvRunner},
      {"pdm", Wrapper::kEnvRunner},
      {"hatch", Wrapper::kEnvRunner},
      {"rye", Wrapper::kEnvRunner},
      {"bundle", Wrapper::kEnvRunner},
      {"conda", Wrapper::kEnvRunner},
      {"mamba", Wrapper::kEnvRunner},
      {"dotenv", Wrapper::kDoubleDash},
      {"op", Wrapper::kDoubleDash},
      {"doppler", Wrapper::kDoubleDash},
      {"aws-vault", Wrapper::kDoubleDash},
      {"infisical", Wrapper::kDoubleDash},
      {"direnv", Wrapper::kDoubleDash},
      {"envchain", Wrapper::kDoubleDash},
  };
  return *kMap;
}

bool In(std::string_view s, std::initializer_list<std::string_view> set) {
  for (std::string_view x : set) {
    if (x == s) return true;
  }
  return false;
}

// Index of the first argument after the options; `with_value` options consume the next word.
size_t SkipOptions(Args args, size_t i, std::initializer_list<std::string_view> with_value) {
  while (i < args.size()) {
    const std::string& t = args[i].text;
    if (t == "--") return i + 1;
    if (t.size() < 2 || t[0] != '-') break;
    ++i;
    if (In(t, with_value)) ++i;
  }
  return i;
}

size_t SkipAssignments(Args args, size_t i) {
  while (i < args.size() && args[i].assign_len > 0) ++i;
  return i;
}

std::string JoinRendered(Args words, const Analyzer& a) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out.push_back(' ');
    out += a.ExpandForReparse(words[i].text);
  }
  return out;
}

void Run(Args args, size_t from, const Stdin& in, Analyzer& a) {
  if (from < args.size()) a.AnalyzeWords(args.subspan(from), in);
}

// A shell (or ssh) reading commands from its standard input.
void ShellReadsStdin(const Stdin& in, Analyzer& a) {
  if (in.source == Stdin::Source::kText) a.AnalyzeNestedText(in.text);
  if (in.source == Stdin::Source::kDownload) a.Add(Fact::kShellRemoteCodeExec);
}

void RunShell(Args args, const Stdin& in, Analyzer& a) {
  size_t i = 0;
  bool command_mode = false;
  bool read_stdin = false;
  while (i < args.size()) {
    const std::string& t = args[i].text;
    if (t == "--") {
      ++i;
      break;
    }
    if (t == "-") {
      read_stdin = true;
      ++i;
      break;
    }
    if (t.starts_with("--")) {
      i += (t == "--rcfile" || t == "--init-file") ? 2 : 1;
      continue;
    }
    if (t.size() > 1 && (t[0] == '-' || t[0] == '+')) {
      if (t == "-o" || t == "+o" || t == "-O" || t == "+O") {
        i += 2;
        continue;
      }
      if (t.find('c') != std::string::npos) command_mode = true;
      if (t.find('s') != std::string::npos) read_stdin = true;
      ++i;
      continue;
    }
    break;
  }
  if (command_mode) {
    if (i >= args.size()) return;
    if (a.SubstitutionDownloads(args[i])) a.Add(Fact::kShellRemoteCodeExec);
    a.AnalyzeNestedText(a.ExpandForReparse(args[i].text));
    return;
  }
  if (i < args.size() && !read_stdin) {
    const Word& script = args[i];
    if (a.WasDownloaded(script.text) || a.SubstitutionDownloads(script)) {
      a.Add(Fact::kShellRemoteCodeExec);
    }
    if (script.text != "/dev/stdin") return;
  }
  ShellReadsStdin(in, a);
}

void RunXargs(Args args, const Stdin& in, Analyzer& a) {
  std::string replace;
  size_t i = 0;
  while (i < args.size()) {
    const std::string& t = args[i].text;
    if (t == "--") {
      ++i;
      break;
    }
    if (t.size() < 2 || t[0] != '-') break;
    if (t == "-I") {
      if (i + 1 < args.size()) replace = args[i + 1].text;
      i += 2;
      continue;
    }
    if (t.starts_with("--replace")) {
      replace = t.size() > 10 ? t.substr(10) : "{}";
      ++i;
      continue;
    }
    if (t.starts_with("-i")) {
      replace = t.size() > 2 ? t.substr(2) : "{}";
      ++i;
      continue;
    }
    if (In(t, {"-a", "-d", "-E", "-L", "-n", "-P", "-s"})) {
      i += 2;
      continue;
    }
    ++i;
  }
  // What the arguments read from stdin are, as far as the line shows.
  std::vector<Word> fed;
  if (in.source == Stdin::Source::kFindOutput && in.find_is_safe) {
    fed.push_back(Word{"matched-file", kQuoted, 0});
  } else if (in.source == Stdin::Source::kText) {
    size_t start = 0;
    const std::string& text = in.text;
    while (start < text.size()) {
      size_t end = text.find_first_of(" \t\n", start);
      if (end == std::string::npos) end = text.size();
      if (end > start) fed.push_back(Word{text.substr(start, end - start), kQuoted, 0});
      start = end + 1;
    }
  }
  if (fed.empty()) fed.push_back(Word{std::string(kStdinMarker), kExpands, 0});

  std::vector<Word> argv;
  for (size_t k = i; k < args.size(); ++k) {
    const Word& w = args[k];
    if (!replace.empty() && w.text.find(replace) != std::string::npos) {
      if (w.text == replace) {
        argv.insert(argv.end(), fed.begin(), fed.end());
        continue;
      }
      Word copy = w;
      std::string value = fed[0].text;
      size_t at = 0;
      while ((at = copy.text.find(replace, at)) != std::string::npos) {
        copy.text.replace(at, replace.size(), value);
        at += value.size();
      }
      copy.flags |= fed[0].flags;
      argv.push_back(std::move(copy));
      continue;
    }
    argv.push_back(w);
  }
  if (argv.empty()) return;  // echo
  if (replace.empty()) argv.insert(argv.end(), fed.begin(), fed.end());
  a.AnalyzeWords(argv, Stdin{});
}

void RunEnv(Args args, const Stdin& in, Analyzer& a) {
  size_t i = 0;
  while (i < args.size()) {
    const std::string& t = args[i].text;
    if (t == "--") {
      ++i;
      break;
    }
    if (args[i].assign_len > 0) {
      ++i;
      continue;
    }
    if (t.size() < 2 || t[0] != '-') break;
    if (t == "-S" || t.starts_with("--split-string")) {
      std::string text;
      if (t == "-S" && i + 1 < args.size()) {
        text = a.ExpandForReparse(args[i + 1].text);
        i += 2;
      } else {
        text = t.size() > 15 ? t.substr(15) : "";
        ++i;
      }
      if (i < args.size()) text += " " + JoinRendered(args.subspan(i), a);
      a.AnalyzeNestedText(text);
      return;
    }
    if (t.size() > 2 && t[0] == '-' && t[1] == 'S') {
      a.AnalyzeNestedText(t.substr(2));
      return;
    }
    i += In(t, {"-u", "-C", "--unset", "--chdir"}) ? 2 : 1;
  }
  Run(args, i, in, a);
}

void RunSsh(Args args, const Stdin& in, Analyzer& a) {
  size_t i = SkipOptions(args, 0, {"-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l",
                                   "-m", "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w", "-B"});
  if (i >= args.size()) return;  // no host
  ++i;
  if (i >= args.size()) {
    ShellReadsStdin(in, a);
    return;
  }
  a.AnalyzeNestedText(JoinRendered(args.subspan(i), a));
}

}  // namespace

bool IsShell(std::string_view program) {
  auto it = Wrappers().find(program);
  return it != Wrappers().end() && it->second == Wrapper::kShell;
}

bool DownloadsToStdout(std::string_view program, Args args) {
  std::string value;
  if (program == "curl" || program == "curlie") {
    if (HasShortFlag(args, 'O') || HasLongFlag(args, "remote-name") ||
        HasLongFlag(args, "remote-name-all")) {
      return false;
    }
    bool named = FlagValue(args, "output", 'o', value);
    if (!named && HasShortFlag(args, 'o')) {
      for (size_t i = 0; i < args.size(); ++i) {
        const std::string& t = args[i].text;
        if (t.size() > 1 && t[0] == '-' && t[1] != '-' && t.back() == 'o') {
          value = i + 1 < args.size() ? args[i + 1].text : "";
          named = true;
        }
      }
    }
    return !named || value == "-" || value == "/dev/stdout";
  }
  if (program == "wget" || program == "wget2") {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& t = args[i].text;
      if (t.starts_with("--output-document")) {
        std::string v =
            t.size() > 18 ? t.substr(18) : (i + 1 < args.size() ? args[i + 1].text : "");
        return v == "-" || v == "/dev/stdout";
      }
      if (t.size() >= 2 && t[0] == '-' && t[1] != '-') {
        size_t o = t.find('O');
        if (o == std::string::npos) continue;
        std::string v =
            o + 1 < t.size() ? t.substr(o + 1) : (i + 1 < args.size() ? args[i + 1].text : "");
        return v == "-" || v == "/dev/stdout";
      }
    }
    return false;
  }
  if (program == "fetch") return FlagValue(args, "output", 'o', value) && value == "-";
  if (program == "aria2c") return false;
  return !HasLongFlag(args, "download") && !HasLongFlag(args, "output");
}

bool PeelWrapper(std::span<const Word> argv, const Stdin& in, Analyzer& a) {
  auto it = Wrappers().find(ProgramName(argv[0].text));
  if (it == Wrappers().end()) return false;
  Args args = argv.subspan(1);
  switch (it->second) {
    case Wrapper::kSudo:
      if (HasArg(args, "-e") || HasArg(args, "--edit")) return true;  // sudoedit
      Run(args,
          SkipAssignments(args, SkipOptions(args, 0,
                                            {"-u",
                                             "-g",
                                             "-p",
                                             "-C",
                                             "-D",
                                             "-h",
                                             "-r",
                                             "-t",
                                             "-T",
                                             "-U",
                                             "--user",
                                             "--group",
                                             "--prompt",
                                             "--close-from",
                                             "--chdir",
                                             "--host",
                                             "--role",
                                             "--type",
                                             "--command-timeout",
                                             "--other-user"})),
          in, a);
      return true;
    case Wrapper::kDoas: Run(args, SkipOptions(args, 0, {"-u", "-C"}), in, a); return true;
    case Wrapper::kPkexec: Run(args, SkipOptions(args, 0, {"--user", "-u"}), in, a); return true;
    case Wrapper::kPlain: Run(args, SkipOptions(args, 0, {"-f", "--profile"}), in, a); return true;
    case Wrapper::kTime:
      Run(args, SkipOptions(args, 0, {"-f", "-o", "--format", "--output"}), in, a);
      return true;
    case Wrapper::kCommand:
      if (HasArg(args, "-v") || HasArg(args, "-V")) return true;  // prints where a program is
      Run(args, SkipOptions(args, 0, {}), in, a);
      return true;
    case Wrapper::kExec: Run(args, SkipOptions(args, 0, {"-a"}), in, a); return true;
    case Wrapper::kNice:
      Run(args, SkipOptions(args, 0, {"-n", "--adjustment"}), in, a);
      return true;
    case Wrapper::kIonice:
      if (HasArg(args, "-p") || HasArg(args, "-P") || HasArg(args, "-u")) return true;
      Run(args, SkipOptions(args, 0, {"-c", "-n", "--class", "--classdata"}), in, a);
      return true;
    case Wrapper::kStdbuf: Run(args, SkipOptions(args, 0, {"-i", "-o", "-e"}), in, a); return true;
    case Wrapper::kTimeout:
      Run(args, SkipOptions(args, 0, {"-s", "-k", "--signal", "--kill-after"}) + 1, in, a);
      return true;
    case Wrapper::kSkipOnePositional:
      if (HasArg(args, "-p") || HasArg(args, "--pid")) return true;
      Run(args, SkipOptions(args, 0, {}) + 1, in, a);
      return true;
    case Wrapper::kFlock: {
      std::string text;
      if (FlagValue(args, "command", 'c', text)) {
        a.AnalyzeNestedText(text);
        return true;
      }
      Run(args, SkipOptions(args, 0, {"-w", "-E", "--timeout", "--conflict-exit-code"}) + 1, in, a);
      return true;
    }
    case Wrapper::kChroot:
      Run(args, SkipOptions(args, 0, {"--userspec", "--groups"}) + 1, in, a);
      return true;
    case Wrapper::kEnv: RunEnv(args, in, a); return true;
    case Wrapper::kTrace:
      Run(args,
          SkipOptions(
              args, 0,
              {"-o", "-e", "-p", "-s", "-u", "-E", "-P", "-b", "-a", "-X", "-O", "-S", "-I"}),
          in, a);
      return true;
    case Wrapper::kWatch: {
      size_t i = SkipOptions(args, 0, {"-n", "--interval", "-d", "-q", "-w"});
      if (i >= args.size()) return true;
      if (HasArg(args, "-x") || HasArg(args, "--exec")) {
        Run(args, i, in, a);
      } else {
        a.AnalyzeNestedText(JoinRendered(args.subspan(i), a));
      }
      return true;
    }
    case Wrapper::kXargs: RunXargs(args, in, a); return true;
    case Wrapper::kShell: RunShell(args, in, a); return true;
    case Wrapper::kBusybox: Run(args, 0, in, a); return true;
    case Wrapper::kSu:
    case Wrapper::kRunuser: {
      std::string text;
      if (FlagValue(args, "command", 'c', text)) {
        a.AnalyzeNestedText(text);
        return true;
      }
      if (it->second == Wrapper::kRunuser) {
        Run(args, SkipOptions(args, 0, {"-u", "-g", "-G", "--user", "--group"}), in, a);
      }
      return true;  // su alone opens an interactive shell
    }
    case Wrapper::kSg: {
      size_t i = SkipOptions(args, 0, {}) + 1;
      if (i < args.size() && args[i].text == "-c") ++i;
      if (i < args.size()) a.AnalyzeNestedText(JoinRendered(args.subspan(i), a));
      return true;
    }
    case Wrapper::kSsh: RunSsh(args, in, a); return true;
    case Wrapper::kEval: {
      for (const Word& w : args) {
        if (a.SubstitutionDownloads(w)) a.Add(Fact::kShellRemoteCodeExec);
      }
      if (!args.empty()) a.AnalyzeNestedText(JoinRendered(args, a));
      return true;
    }
    case Wrapper::kNpx: {
      std::string text;
      if (FlagValue(args, "call", 'c', text)) {
        a.AnalyzeNestedText(text);
        return true;
      }
      Run(args, SkipOptions(args, 0, {"-p", "--package"}), in, a);
      return true;
    }
    case Wrapper::kPackageRunner:
      if (!args.empty() && In(args[0].text, {"exec", "dlx", "x"})) {
        Run(args, SkipOptions(args, 1, {"-p", "--package", "-c"}), in, a);
        return true;
      }
      return false;  // install/uninstall: the package rule
    case Wrapper::kEnvRunner:
      if (!args.empty() && In(args[0].text, {"run", "exec"})) {
        Run(args,
            SkipOptions(args, 1,
                        {"--with", "-p", "--python", "--env-file", "--directory", "--project", "-n",
                         "--name", "-e", "--environment", "--gemfile"}),
            in, a);
        return true;
      }
      return false;
    case Wrapper::kDoubleDash:
      for (size_t i = 0; i < args.size(); ++i) {
        if (args[i].text == "--") {
          Run(args, i + 1, in, a);
          return true;
        }
      }
      return false;
  }
  return false;
}

}  // namespace drawbridge::classify::shell
