#include "classify/shell/shell_analyzer.h"

#include <algorithm>
#include <string>
#include <utility>

#include "classify/shell/shell_args.h"
#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

// How many shells deep (`bash -c "sh -c '...'"`, wrappers of wrappers) the analysis follows;
// deeper is unparseable, so it fails closed.
constexpr int kMaxAnalysisDepth = 32;

bool IsDownloader(std::string_view program) {
  return program == "curl" || program == "wget" || program == "wget2" || program == "fetch" ||
         program == "http" || program == "https" || program == "xh" || program == "curlie" ||
         program == "aria2c" || program == "iwr" || program == "irm" ||
         program == "Invoke-WebRequest" || program == "Invoke-RestMethod" || program == "GET" ||
         program == "lwp-request";
}

// Skips wrappers that do not change what a producer prints (sudo, env, time, nohup...).
std::span<const Word> SkipPlainWrappers(std::span<const Word> argv) {
  while (!argv.empty()) {
    std::string_view p = ProgramName(argv[0].text);
    if (p != "sudo" && p != "doas" && p != "env" && p != "time" && p != "nohup" && p != "command" &&
        p != "exec" && p != "nice" && p != "stdbuf") {
      break;
    }
    argv = argv.subspan(1);
    while (!argv.empty() && (argv[0].text.starts_with("-") || argv[0].assign_len > 0)) {
      argv = argv.subspan(1);
    }
  }
  return argv;
}

std::string BaseName(std::string_view path) {
  size_t q = path.find_first_of("?#");
  if (q != std::string_view::npos) path = path.substr(0, q);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string UnescapeBackslashes(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      char n = text[++i];
      out.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n);
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

std::string_view ProgramName(std::string_view word) {
  size_t slash = word.rfind('/');
  if (slash != std::string_view::npos) word = word.substr(slash + 1);
  return word;
}

bool Analyzer::AnalyzeText(std::string_view text) {
  ParsedLine line;
  std::string error;
  if (!ParseShell(text, line, error)) {
    facts_.Add(Fact::kUnparseable);
    if (error_.empty()) error_ = std::move(error);
    return false;
  }
  AnalyzeLine(line);
  return true;
}

void Analyzer::AnalyzeNestedText(std::string_view text) {
  if (depth_ >= kMaxAnalysisDepth) {
    facts_.Add(Fact::kUnparseable);
    if (error_.empty()) error_ = "command nested too deeply";
    return;
  }
  ++depth_;
  const ParsedLine* saved_line = line_;
  std::string saved_cwd = cwd_;
  size_t saved_variables = variables_.size();
  AnalyzeText(text);
  variables_.resize(saved_variables);
  cwd_ = std::move(saved_cwd);
  line_ = saved_line;
  --depth_;
}

void Analyzer::AnalyzeLine(const ParsedLine& line) {
  line_ = &line;
  CollectVariables(line);
  CollectDownloads(line);
  CheckForkBombs(line);
  for (const Pipeline& pipeline : line.pipelines) AnalyzePipeline(pipeline);
}

void Analyzer::AnalyzePipeline(const Pipeline& pipeline) {
  Stdin upstream;
  for (const Command& stage : pipeline.stages) {
    AnalyzeCommand(stage, upstream);
    if (pipeline.stages.size() > 1) upstream = ProducedBy(stage, upstream);
  }
}

Stdin Analyzer::ProducedBy(const Command& producer, const Stdin& upstream) const {
  Stdin out;
  out.source = Stdin::Source::kUnknown;
  if (producer.compound || producer.words.empty()) return out;
  std::span<const Word> argv = SkipPlainWrappers(producer.words);
  if (argv.empty()) return out;
  std::string_view program = ProgramName(argv[0].text);
  Args args = argv.subspan(1);
  for (const Redirect& r : producer.redirects) {
    if (r.kind == RedirectKind::kHereDoc && r.heredoc >= 0 && program == "cat") {
      out.source = Stdin::Source::kText;
      out.text = line_->heredocs[r.heredoc];
      return out;
    }
    if (r.kind == RedirectKind::kHereString && program == "cat") {
      out.source = Stdin::Source::kText;
      out.text = RenderForReparse(r.target.text);
      return out;
    }
  }
  if (program == "echo" || program == "printf") {
    size_t first = 0;
    bool escapes = program == "printf";
    while (program == "echo" && first < args.size() &&
           (args[first].text == "-n" || args[first].text == "-e" || args[first].text == "-E" ||
            args[first].text == "-ne" || args[first].text == "-en")) {
      if (args[first].text.find('e') != std::string::npos) escapes = true;
      ++first;
    }
    out.source = Stdin::Source::kText;
    for (size_t i = first; i < args.size(); ++i) {
      if (i > first) out.text.push_back(' ');
      out.text += ExpandForReparse(args[i].text);
    }
    if (escapes) out.text = UnescapeBackslashes(out.text);
    return out;
  }
  if (IsDownloader(program) && DownloadsToStdout(program, args)) {
    out.source = Stdin::Source::kDownload;
    return out;
  }
  if (program == "cat" || program == "tee" || program == "gunzip" || program == "zcat" ||
      program == "base64" || program == "xz" || program == "bunzip2" || program == "sed" ||
      program == "tr" || program == "head" || program == "tail") {
    if (upstream.source == Stdin::Source::kDownload) return upstream;
    for (const Word& w : args) {
      if (WasDownloaded(w.text)) {
        out.source = Stdin::Source::kDownload;
        return out;
      }
    }
    if (upstream.source == Stdin::Source::kText && (program == "cat" || program == "tee") &&
        Positionals(args).empty()) {
      return upstream;
    }
    return out;
  }
  if (program == "find") {
    out.source = Stdin::Source::kFindOutput;
    bool filtered = false;
    bool safe_start = true;
    bool any_start = false;
    for (const Word& w : args) {
      std::string_view t = w.text;
      if (t == "-name" || t == "-iname" || t == "-path" || t == "-ipath" || t == "-regex" ||
          t == "-iregex" || t == "-type" || t == "-wholename") {
        filtered = true;
      }
    }
    for (const Word& w : args) {
      if (w.text.starts_with("-") || w.text == "(" || w.text == "!") break;
      any_start = true;
      for (const Target& t : ResolveTargets(w)) {
        Target probe = t;
        probe.path += "/x";  // a file below the start point
        if (IsDangerousFileDelete(probe) || t.unknown || t.path.starts_with("/") ||
            t.path.starts_with("~")) {
          safe_start = false;
        }
      }
    }
    (void)any_start;
    out.find_is_safe = filtered && safe_start;
    return out;
  }
  if (program == "git" && !args.empty() && args[0].text == "ls-files") {
    out.source = Stdin::Source::kFindOutput;
    out.find_is_safe = true;
    return out;
  }
  return out;
}

void Analyzer::AnalyzeCommand(const Command& command, const Stdin& from_pipe) {
  CheckRedirects(command);
  if (command.compound || command.words.empty()) return;
  const Stdin* stdin_source = &from_pipe;
  Stdin own;
  for (const Redirect& r : command.redirects) {
    if (r.kind == RedirectKind::kHereDoc && r.heredoc >= 0) {
      own.source = Stdin::Source::kText;
      own.text = line_->heredocs[r.heredoc];
      stdin_source = &own;
    } else if (r.kind == RedirectKind::kHereString) {
      own.source = Stdin::Source::kText;
      own.text = RenderForReparse(r.target.text);
      stdin_source = &own;
    } else if (r.kind == RedirectKind::kRead && (r.fd == -1 || r.fd == 0)) {
      own.source = WasDownloaded(r.target.text) || SubstitutionDownloads(r.target)
                       ? Stdin::Source::kDownload
                       : Stdin::Source::kUnknown;
      stdin_source = &own;
    }
  }
  if (command.words[0].IsBare("cd")) {
    std::string dir;
    if (command.words.size() == 1) {
      cwd_ = "~";
    } else if (KnownValue(command.words[1], dir) && dir != "-") {
      std::vector<Target> targets = ResolveTargets(command.words[1]);
      std::string resolved = targets.empty() ? dir : targets[0].path;
      if (!resolved.empty() && (resolved[0] == '/' || resolved[0] == '~')) {
        cwd_ = resolved;
      } else {
        cwd_ = cwd_.empty() ? resolved : cwd_ + "/" + resolved;
      }
    } else {
      cwd_.clear();  // somewhere the line does not show: judge paths as written
    }
    return;
  }
  AnalyzeWords(command.words, *stdin_source);
}

void Analyzer::AnalyzeWords(std::span<const Word> argv, const Stdin& stdin_source) {
  if (argv.empty()) return;
  if (depth_ >= kMaxAnalysisDepth) {
    facts_.Add(Fact::kUnparseable);
    if (error_.empty()) error_ = "command nested too deeply";
    return;
  }
  std::vector<Word> resolved;
  std::string program_value;
  if (argv[0].Has(kExpands) && KnownValue(argv[0], program_value)) {
    // p=rm; $p -rf /: the program the line itself names.
    resolved.assign(argv.begin(), argv.end());
    resolved[0].text = program_value;
    resolved[0].flags = kQuoted;
    argv = resolved;
  }
  ++depth_;
  if (!PeelWrapper(argv, stdin_source, *this)) {
    std::string_view program = ProgramName(argv[0].text);
    if (WasDownloaded(argv[0].text) && argv[0].text.find('/') != std::string::npos) {
      facts_.Add(Fact::kShellRemoteCodeExec);
    }
    if (Rule rule = FindRule(program)) {
      Invocation inv{program, argv[0].text, argv.subspan(1), &stdin_source};
      rule(inv, *this);
    }
  }
  --depth_;
}

void Analyzer::CheckRedirects(const Command& command) {
  for (const Redirect& r : command.redirects) {
    bool writes = r.kind == RedirectKind::kWrite || r.kind == RedirectKind::kAppend ||
                  r.kind == RedirectKind::kReadWrite;
    if (r.kind == RedirectKind::kDuplicate && !r.target.text.empty() && r.target.text != "-" &&
        std::all_of(r.target.text.begin(), r.target.text.end(),
                    [](char c) { return c < '0' || c > '9'; })) {
      writes = true;  // >&file is &>file
    }
    if (!writes) continue;
    for (const Target& target : ResolveTargets(r.target)) {
      std::string path = NormalizePath(target.path);
      if (IsDevicePath(path)) {
        facts_.Add(Fact::kShellDeviceOverwrite);
        continue;
      }
      if (path == "/proc/sysrq-trigger") {
        facts_.Add(Fact::kShellSystemPower);
        continue;
      }
      if (r.kind != RedirectKind::kWrite || target.unknown) continue;
      if (IsCriticalSystemFile(path)) {
        facts_.Add(Fact::kShellRecursiveDelete);
        continue;
      }
      if (!IsSystemPath(path) || path == "/dev/null" || path.starts_with("/dev/")) continue;
      // Truncation: nothing (or nothing much) is written into a system file.
      bool empties = command.words.empty();
      if (!empties) {
        std::string_view p = ProgramName(command.words[0].text);
        size_t n = command.words.size();
        empties = p == ":" || p == "true" || p == "false" ||
                  (p == "echo" && (n == 1 || (n == 2 && command.words[1].text == "-n"))) ||
                  (p == "printf" && n == 2 && command.words[1].text.empty()) ||
                  (p == "cat" && n == 2 && command.words[1].text == "/dev/null");
      }
      if (empties) facts_.Add(Fact::kShellRecursiveDelete);
    }
  }
}

void Analyzer::CheckForkBombs(const ParsedLine& line) {
  for (const FunctionDef& f : line.functions) {
    for (int i = f.first; i < f.last && i < static_cast<int>(line.pipelines.size()); ++i) {
      const Pipeline& p = line.pipelines[i];
      if (p.stages.size() < 2 && !p.background) continue;
      for (const Command& stage : p.stages) {
        if (!stage.words.empty() && ProgramName(stage.words[0].text) == f.name) {
          facts_.Add(Fact::kShellSystemPower);
        }
      }
    }
  }
}

// ---- variables ----

const Analyzer::Variable* Analyzer::FindVariable(std::string_view name) const {
  for (auto it = variables_.rbegin(); it != variables_.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

const Substitution* Analyzer::SubstitutionAt(std::string_view text, size_t pos) const {
  if (line_ == nullptr || pos + 2 >= text.size() || text[pos] != kSubstMark) return nullptr;
  size_t index =
      (static_cast<unsigned char>(text[pos + 1]) << 8) | static_cast<unsigned char>(text[pos + 2]);
  if (index >= line_->substitutions.size()) return nullptr;
  return &line_->substitutions[index];
}

std::string_view Analyzer::FirstProgram(const Substitution& s) const {
  for (int i = s.first; i < s.last; ++i) {
    const Pipeline& p = line_->pipelines[i];
    if (p.stages.empty() || p.stages[0].words.empty()) continue;
    std::span<const Word> argv = SkipPlainWrappers(p.stages[0].words);
    if (!argv.empty()) return ProgramName(argv[0].text);
  }
  return {};
}

bool Analyzer::AssignmentValue(const Word& word, Variable& out) const {
  Word value;
  value.text = word.text.substr(word.assign_len + 1);
  value.flags = word.flags;
  if (!value.text.empty() && value.text[0] == kSubstMark) {
    if (const Substitution* s = SubstitutionAt(value.text, 0)) {
      std::string_view program = FirstProgram(*s);
      if (program == "mktemp") {
        out.temporary = true;
        return true;
      }
    }
  }
  std::vector<Target> targets = ResolveTargets(value);
  out.known = true;
  for (const Target& t : targets) {
    if (t.unknown) out.known = false;
    if (t.temporary) out.temporary = true;
    out.values.push_back(t.path);
  }
  return true;
}

void Analyzer::CollectVariables(const ParsedLine& line) {
  for (const Pipeline& p : line.pipelines) {
    for (const Command& c : p.stages) {
      for (const Word& a : c.assignments) {
        Variable v;
        v.name = a.text.substr(0, a.assign_len);
        AssignmentValue(a, v);
        variables_.push_back(std::move(v));
      }
      if (c.words.empty()) continue;
      std::string_view program = c.words[0].text;
      bool declares = program == "export" || program == "local" || program == "declare" ||
                      program == "typeset" || program == "readonly";
      bool reads = program == "read" || program == "mapfile" || program == "readarray";
      for (size_t i = 1; i < c.words.size(); ++i) {
        const Word& w = c.words[i];
        if (declares && w.assign_len > 0) {
          Variable v;
          v.name = w.text.substr(0, w.assign_len);
          AssignmentValue(w, v);
          variables_.push_back(std::move(v));
        } else if (reads && !w.text.starts_with("-")) {
          Variable v;
          v.name = w.text;
          v.known = false;
          variables_.push_back(std::move(v));
        }
      }
    }
  }
  for (const ForLoop& loop : line.loops) {
    Variable v;
    v.name = loop.variable;
    v.known = loop.values_given;
    for (const Word& w : loop.values) {
      for (const Target& t : ResolveTargets(w)) {
        if (t.unknown) v.known = false;
        v.values.push_back(t.glob ? t.path : t.path);
      }
    }
    if (v.values.empty()) v.known = false;
    variables_.push_back(std::move(v));
  }
}

void Analyzer::CollectDownloads(const ParsedLine& line) {
  for (const Pipeline& p : line.pipelines) {
    for (const Command& c : p.stages) {
      std::span<const Word> argv = SkipPlainWrappers(c.words);
      if (argv.empty()) continue;
      std::string_view program = ProgramName(argv[0].text);
      if (!IsDownloader(program)) continue;
      for (const Redirect& r : c.redirects) {
        // curl URL > install.sh
        if ((r.kind == RedirectKind::kWrite || r.kind == RedirectKind::kAppend) &&
            (r.fd == -1 || r.fd == 1) && !r.target.text.empty()) {
          downloads_.push_back(NormalizePath(r.target.text));
          downloads_.push_back(BaseName(r.target.text));
        }
      }
      Args args = argv.subspan(1);
      std::string file;
      bool named = false;
      if (program == "wget" || program == "wget2") {
        for (size_t i = 0; i < args.size(); ++i) {
          const std::string& t = args[i].text;
          if (t.starts_with("--output-document=")) {
            file = t.substr(18);
            named = true;
          } else if (t == "--output-document" && i + 1 < args.size()) {
            file = args[i + 1].text;
            named = true;
          } else if (t.size() >= 2 && t[0] == '-' && t[1] != '-') {
            size_t o = t.find('O');
            if (o != std::string::npos) {
              file = o + 1 < t.size() ? t.substr(o + 1)
                                      : (i + 1 < args.size() ? args[i + 1].text : "");
              named = true;
            }
          }
        }
      } else {
        named = FlagValue(args, "output", 'o', file);
      }
      if (named) {
        if (!file.empty() && file != "-" && file != "/dev/stdout") {
          downloads_.push_back(NormalizePath(file));
          downloads_.push_back(BaseName(file));
        }
        continue;
      }
      bool remote_name =
          program != "curl" || HasShortFlag(args, 'O') || HasLongFlag(args, "remote-name");
      if (!remote_name) continue;
      for (const Word& w : args) {
        if (w.text.find("://") != std::string::npos) downloads_.push_back(BaseName(w.text));
      }
    }
  }
}

bool Analyzer::WasDownloaded(std::string_view path) const {
  if (downloads_.empty() || path.empty()) return false;
  std::string normalized = NormalizePath(path);
  std::string base = BaseName(path);
  for (const std::string& d : downloads_) {
    if (d == normalized || d == base) return true;
  }
  return false;
}

std::vector<Target> Analyzer::ResolveTargets(const Word& word) const {
  std::vector<Target> out(1);
  out[0].glob = word.Has(kGlob);
  const std::string& text = word.text;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == kVarOpen) {
      size_t close = text.find(kVarClose, i);
      if (close == std::string::npos) close = text.size();
      std::string_view name = std::string_view(text).substr(i + 1, close - i - 1);
      bool at_start = out[0].path.empty();
      i = close;
      const Variable* v = FindVariable(name);
      if (v == nullptr) {
        if (name == "HOME") {
          for (Target& t : out) t.path += "~";
        } else if (name == "PWD") {
          for (Target& t : out) t.path += ".";
        } else if (name == "TMPDIR" || name == "TMP" || name == "TEMP") {
          for (Target& t : out) t.path += "/tmp";
        } else if (name == "USER" || name == "LOGNAME") {
          for (Target& t : out) t.path += "user";
        } else {
          for (Target& t : out) t.unknown = true;
        }
        continue;
      }
      if (v->temporary && at_start) {
        for (Target& t : out) t.temporary = true;
        continue;
      }
      if (!v->known || v->values.empty()) {
        for (Target& t : out) t.unknown = true;
        continue;
      }
      // An unquoted expansion is globbed: a value with wildcards is a glob.
      for (const std::string& value : v->values) {
        if (value.find_first_of("*?[") != std::string::npos) {
          for (Target& t : out) t.glob = true;
        }
      }
      if (v->values.size() == 1 || out.size() > 1) {
        for (Target& t : out) t.path += v->values.empty() ? "" : v->values[0];
        continue;
      }
      std::vector<Target> forked;
      for (const std::string& value : v->values) {
        Target t = out[0];
        t.path += value;
        forked.push_back(std::move(t));
      }
      out = std::move(forked);
      continue;
    }
    if (c == kSubstMark) {
      const Substitution* s = SubstitutionAt(text, i);
      bool at_start = out[0].path.empty();
      i += 2;
      std::string_view program = s ? FirstProgram(*s) : std::string_view();
      if (program == "mktemp" && at_start) {
        for (Target& t : out) t.temporary = true;
      } else if ((program == "find" || program == "git") && s != nullptr &&
                 s->last - s->first == 1 && line_->pipelines[s->first].stages.size() == 1 &&
                 ProducedBy(line_->pipelines[s->first].stages[0], Stdin{}).find_is_safe) {
        // $(find . -name '*.pyc'), $(git ls-files): files inside the project.
        for (Target& t : out) t.path += "matched-file";
      } else if (program == "pwd" || program == "dirname" || program == "realpath" ||
                 (program == "git" && s != nullptr)) {
        for (Target& t : out) t.path += ".";
      } else {
        for (Target& t : out) t.unknown = true;
      }
      continue;
    }
    for (Target& t : out) t.path.push_back(c);
  }
  if (word.Has(kBrace) && out.size() == 1) {
    const std::string& p = out[0].path;
    size_t open = p.find('{');
    size_t close = open == std::string::npos ? std::string::npos : p.find('}', open);
    if (close != std::string::npos && p.find(',', open) < close) {
      std::vector<Target> expanded;
      std::string_view inside = std::string_view(p).substr(open + 1, close - open - 1);
      size_t start = 0;
      while (start <= inside.size()) {
        size_t comma = inside.find(',', start);
        if (comma == std::string_view::npos) comma = inside.size();
        Target t = out[0];
        t.path = p.substr(0, open) + std::string(inside.substr(start, comma - start)) +
                 p.substr(close + 1);
        expanded.push_back(std::move(t));
        start = comma + 1;
      }
      out = std::move(expanded);
    }
  }
  if (!cwd_.empty()) {
    for (Target& t : out) {
      if (!t.temporary && !t.path.empty() && t.path[0] != '/' && t.path[0] != '~') {
        t.path = cwd_ + "/" + t.path;
      }
    }
  }
  return out;
}

std::string Analyzer::ExpandForReparse(std::string_view text) const {
  if (text.find(kVarOpen) == std::string_view::npos) return RenderForReparse(text);
  std::string out;
  size_t done = 0;
  for (size_t i = text.find(kVarOpen); i != std::string_view::npos; i = text.find(kVarOpen, i)) {
    size_t close = text.find(kVarClose, i);
    if (close == std::string_view::npos) break;
    const Variable* v = FindVariable(text.substr(i + 1, close - i - 1));
    if (v != nullptr && v->known && v->values.size() == 1 && !v->temporary) {
      out += RenderForReparse(text.substr(done, i - done));
      out += v->values[0];
      done = close + 1;
    }
    i = close + 1;
  }
  out += RenderForReparse(text.substr(done));
  return out;
}

bool Analyzer::KnownValue(const Word& word, std::string& value) const {
  if (!word.Has(kExpands)) {
    value = word.text;
    return true;
  }
  std::vector<Target> targets = ResolveTargets(word);
  if (targets.size() != 1 || targets[0].unknown || targets[0].temporary) return false;
  value = targets[0].path;
  return true;
}

bool Analyzer::SubstitutionDownloads(const Word& word) const {
  const std::string& text = word.text;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != kSubstMark) continue;
    const Substitution* s = SubstitutionAt(text, i);
    i += 2;
    if (s == nullptr) continue;
    for (int p = s->first; p < s->last; ++p) {
      for (const Command& c : line_->pipelines[p].stages) {
        std::span<const Word> argv = SkipPlainWrappers(c.words);
        if (argv.empty()) continue;
        std::string_view program = ProgramName(argv[0].text);
        if (IsDownloader(program)) return true;
        if (program == "cat") {
          for (const Word& w : argv.subspan(1)) {
            if (WasDownloaded(w.text)) return true;
          }
        }
      }
    }
  }
  return false;
}

bool Analyzer::ExpandsToUnknownList(const Word& word) const {
  if (!word.Has(kExpands)) return false;
  for (const Target& t : ResolveTargets(word)) {
    if (t.unknown) return true;
  }
  return false;
}

}  // namespace drawbridge::classify::shell
