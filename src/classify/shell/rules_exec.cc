// Interpreters (python -c, perl -e, ruby -e, node -e, php -r...) and `source`: downloaded code
// run unread is remote_code_exec; one-liners are searched for shell-outs and destructive calls.
#include <cctype>
#include <string>
#include <vector>

#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

enum class Language : uint8_t { kPython, kPerl, kRuby, kNode, kPhp, kR, kLua, kOther };

Language LanguageOf(std::string_view program) {
  if (program.starts_with("python") || program.starts_with("pypy")) return Language::kPython;
  if (program == "perl") return Language::kPerl;
  if (program == "ruby") return Language::kRuby;
  if (program == "node" || program == "nodejs" || program == "deno" || program == "bun") {
    return Language::kNode;
  }
  if (program.starts_with("php")) return Language::kPhp;
  if (program == "Rscript") return Language::kR;
  if (program == "lua" || program.starts_with("lua5")) return Language::kLua;
  return Language::kOther;
}

// Does this argument bundle end with the option that takes the code (-c, -e, -pe, -r)?
bool IsCodeOption(Language lang, std::string_view t) {
  if (t.size() < 2 || t[0] != '-') return false;
  if (t == "--eval" || t == "--print") return lang == Language::kNode;
  if (t[1] == '-') return false;
  char last = t.back();
  switch (lang) {
    case Language::kPython: return last == 'c';
    case Language::kPerl: return last == 'e' || last == 'E';
    case Language::kNode: return last == 'e' || last == 'p';
    case Language::kPhp: return last == 'r';
    default: return last == 'e';
  }
}

// Reads a quoted literal at `pos` (which holds the quote); returns false if there is none.
bool ReadLiteral(std::string_view code, size_t& pos, std::string& out) {
  if (pos >= code.size()) return false;
  char quote = code[pos];
  if (quote != '\'' && quote != '"' && quote != '`') return false;
  out.clear();
  for (size_t i = pos + 1; i < code.size(); ++i) {
    char c = code[i];
    if (c == '\\' && i + 1 < code.size()) {
      char n = code[++i];
      out.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n);
      continue;
    }
    if (c == quote) {
      pos = i + 1;
      return true;
    }
    out.push_back(c);
  }
  return false;
}

void SkipSpace(std::string_view code, size_t& pos) {
  while (pos < code.size() && (code[pos] == ' ' || code[pos] == '\t')) ++pos;
}

// The literal arguments of a call starting at `pos` (just after the function name): one string
// (shell text), or several / a list (an argv). `literal` is false when the first argument is
// an expression.
struct CallArgs {
  std::vector<std::string> strings;
  bool literal = false;
  bool list = false;
};

CallArgs ReadCallArgs(std::string_view code, size_t pos) {
  CallArgs args;
  SkipSpace(code, pos);
  bool paren = pos < code.size() && code[pos] == '(';
  if (paren) ++pos;
  SkipSpace(code, pos);
  if (pos < code.size() && code[pos] == '[') {
    args.list = true;
    ++pos;
  }
  while (true) {
    SkipSpace(code, pos);
    // Python string prefixes r'' b'' f''.
    if (pos + 1 < code.size() && (code[pos] == 'r' || code[pos] == 'b' || code[pos] == 'f') &&
        (code[pos + 1] == '\'' || code[pos + 1] == '"')) {
      ++pos;
    }
    std::string s;
    if (!ReadLiteral(code, pos, s)) break;
    args.strings.push_back(std::move(s));
    args.literal = true;
    SkipSpace(code, pos);
    if (pos < code.size() && code[pos] == ',') {
      ++pos;
      continue;
    }
    break;
  }
  if (args.strings.size() > 1) args.list = true;
  return args;
}

bool WordStartsAt(std::string_view code, size_t pos) {
  if (pos == 0) return true;
  char c = code[pos - 1];
  return !(std::isalnum(static_cast<unsigned char>(c)) || c == '_');
}

enum class CallKind : uint8_t { kShell, kCode, kRecursiveDelete, kFileDelete };

struct CallName {
  std::string_view name;
  CallKind kind;
};

constexpr CallName kCalls[] = {
    {"system", CallKind::kShell},
    {"popen", CallKind::kShell},
    {"execSync", CallKind::kShell},
    {"spawnSync", CallKind::kShell},
    {"spawn", CallKind::kShell},
    {"execFileSync", CallKind::kShell},
    {"execFile", CallKind::kShell},
    {"check_output", CallKind::kShell},
    {"check_call", CallKind::kShell},
    {"call", CallKind::kShell},
    {"run", CallKind::kShell},
    {"Popen", CallKind::kShell},
    {"getoutput", CallKind::kShell},
    {"getstatusoutput", CallKind::kShell},
    {"shell_exec", CallKind::kShell},
    {"passthru", CallKind::kShell},
    {"proc_open", CallKind::kShell},
    {"execute", CallKind::kShell},
    {"exec", CallKind::kShell},
    {"eval", CallKind::kCode},
    {"rmtree", CallKind::kRecursiveDelete},
    {"rm_rf", CallKind::kRecursiveDelete},
    {"rm_r", CallKind::kRecursiveDelete},
    {"remove_tree", CallKind::kRecursiveDelete},
    {"rmSync", CallKind::kRecursiveDelete},
    {"rmdirSync", CallKind::kRecursiveDelete},
    {"rimraf", CallKind::kRecursiveDelete},
    {"remove_dir", CallKind::kRecursiveDelete},
    {"remove_entry", CallKind::kRecursiveDelete},
    {"unlink_recursive", CallKind::kRecursiveDelete},
    {"remove", CallKind::kFileDelete},
    {"unlink", CallKind::kFileDelete},
    {"unlinkSync", CallKind::kFileDelete},
};

}  // namespace

void Analyzer::AnalyzeInterpreterCode(std::string_view program, std::string_view code) {
  Language lang = LanguageOf(program);
  if (code.find("fork") != std::string_view::npos &&
      (code.find("while") != std::string_view::npos ||
       code.find("for(;;)") != std::string_view::npos ||
       code.find("loop") != std::string_view::npos)) {
    facts_.Add(Fact::kShellSystemPower);
  }
  // Backquotes and %x{} / qx{} run shell text in Perl, Ruby and PHP.
  if (lang == Language::kPerl || lang == Language::kRuby || lang == Language::kPhp) {
    for (size_t pos = code.find('`'); pos != std::string_view::npos; pos = code.find('`', pos)) {
      std::string text;
      size_t start = pos;
      if (!ReadLiteral(code, start, text)) break;
      AnalyzeNestedText(text);
      pos = start;
    }
  }
  for (const CallName& call : kCalls) {
    for (size_t pos = code.find(call.name); pos != std::string_view::npos;
         pos = code.find(call.name, pos + 1)) {
      size_t after = pos + call.name.size();
      if (!WordStartsAt(code, pos)) continue;
      if (after < code.size() &&
          (std::isalnum(static_cast<unsigned char>(code[after])) || code[after] == '_')) {
        continue;
      }
      CallKind kind = call.kind;
      if (lang == Language::kPython && call.name == "exec") kind = CallKind::kCode;
      CallArgs args = ReadCallArgs(code, after);
      switch (kind) {
        case CallKind::kShell:
          if (!args.literal) break;
          if (args.list) {
            std::vector<Word> argv;
            for (std::string& s : args.strings) argv.push_back(Word{std::move(s), kQuoted, 0});
            AnalyzeWords(argv, Stdin{});
          } else {
            AnalyzeNestedText(args.strings[0]);
          }
          break;
        case CallKind::kCode:
          if (args.literal && depth_ < 8) AnalyzeInterpreterCode(program, args.strings[0]);
          break;
        case CallKind::kRecursiveDelete: {
          Target t;
          if (args.literal) {
            t.path = args.strings[0];
            if (t.path.starts_with("~")) t.path = "~" + t.path.substr(1);
          }
          // An expression (Path.home(), sys.argv[1]) could be anything: the worst case.
          if (!args.literal || IsDangerousRecursiveDelete(t))
            facts_.Add(Fact::kShellRecursiveDelete);
          break;
        }
        case CallKind::kFileDelete: {
          if (!args.literal) break;
          Target t;
          t.path = args.strings[0];
          if (IsDangerousFileDelete(t)) facts_.Add(Fact::kShellRecursiveDelete);
          break;
        }
      }
    }
  }
}

void RuleInterpreter(const Invocation& inv, Analyzer& a) {
  Language lang = LanguageOf(inv.program);
  Args args = inv.args;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& t = args[i].text;
    if (t == "--") {
      ++i;
      break;
    }
    if (t == "-" || t.size() < 2 || t[0] != '-') break;
    if (IsCodeOption(lang, t)) {
      if (i + 1 < args.size()) {
        a.AnalyzeInterpreterCode(inv.program, RenderForReparse(args[i + 1].text));
      }
      return;
    }
    if (lang == Language::kPython && t == "-m") {
      if (i + 1 < args.size() && (args[i + 1].text == "pip" || args[i + 1].text == "pip3")) {
        Invocation pip{"pip", inv.path, args.subspan(i + 2), inv.stdin_source};
        RulePip(pip, a);
      }
      return;
    }
    if ((lang == Language::kPython && (t == "-W" || t == "-X")) ||
        (lang == Language::kPerl && (t == "-I" || t == "-M")) ||
        (lang == Language::kNode && (t == "-r" || t == "--require"))) {
      ++i;
    }
  }
  if (i < args.size() && args[i].text != "-") {
    const Word& script = args[i];
    if (a.WasDownloaded(script.text) || a.SubstitutionDownloads(script) ||
        script.text.find("://") != std::string::npos) {
      a.Add(Fact::kShellRemoteCodeExec);
    }
    std::string_view name = ProgramName(script.text);
    if (name == "manage.py" || name == "artisan") {
      Invocation task{name, script.text, args.subspan(i + 1), inv.stdin_source};
      RuleDbTask(task, a);
    }
    return;
  }
  const Stdin& in = *inv.stdin_source;
  if (in.source == Stdin::Source::kDownload) a.Add(Fact::kShellRemoteCodeExec);
  if (in.source == Stdin::Source::kText) a.AnalyzeInterpreterCode(inv.program, in.text);
}

void RuleSource(const Invocation& inv, Analyzer& a) {
  if (inv.stdin_source->source == Stdin::Source::kDownload) a.Add(Fact::kShellRemoteCodeExec);
  if (inv.args.empty()) return;
  const Word& script = inv.args[0];
  if (a.WasDownloaded(script.text) || a.SubstitutionDownloads(script)) {
    a.Add(Fact::kShellRemoteCodeExec);
  }
}

}  // namespace drawbridge::classify::shell
