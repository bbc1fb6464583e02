// Walks a parsed command line and collects facts: sees through wrappers (sudo, env, xargs,
// bash -c, ssh, eval...), follows pipes into shells and database clients, and hands each program
// it finds to its rule (shell_rules.h). One Analyzer per classification; not thread-safe, but
// independent Analyzers share nothing.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "classify/shell/shell_paths.h"
#include "classify/shell/shell_syntax.h"
#include "drawbridge/facts.h"

namespace drawbridge::classify::shell {

// Where a command's standard input comes from, as far as the line shows.
struct Stdin {
  enum class Source : uint8_t {
    kNone,        // a terminal or nothing the line shows
    kText,        // echo/printf output, a here-document or here-string: `text`
    kDownload,    // curl/wget output
    kFindOutput,  // file names printed by `find` (or `git ls-files`): see `find_is_safe`
    kUnknown,     // another program's output or a file
  };
  Source source = Source::kNone;
  std::string text;
  bool find_is_safe = false;  // the find starts inside the project and filters by name or type
};

// One program with its arguments, after wrappers are peeled off.
struct Invocation {
  std::string_view program;    // basename of argv[0]
  std::string_view path;       // argv[0] as written ("/opt/venv/bin/pip")
  std::span<const Word> args;  // argv[1..]
  const Stdin* stdin_source;   // never null
};

class Analyzer {
 public:
  explicit Analyzer(FactSet& facts, std::string& error) : facts_(facts), error_(error) {}

  // Classifies a whole line; returns false (and records kUnparseable) if it does not parse.
  bool AnalyzeText(std::string_view text);
  // Classifies an argv vector; no shell splitting of its words.
  void AnalyzeWords(std::span<const Word> argv, const Stdin& stdin_source);

  // ---- used by the per-program rules ----
  void Add(Fact fact) { facts_.Add(fact); }
  bool Has(Fact fact) const { return facts_.Has(fact); }
  // Text run by another shell (`bash -c`, `ssh host ...`, a here-document fed to sh).
  void AnalyzeNestedText(std::string_view text);
  // Code of an interpreter one-liner (python -c, perl -e, ruby -e, node -e, php -r).
  void AnalyzeInterpreterCode(std::string_view program, std::string_view code);
  // Destructive SQL by DANGER.md (the SQL classifier, with a keyword fallback for dialects it
  // cannot parse); sets db_destructive.
  void CheckSql(std::string_view sql);
  // Resolves a word naming a file into the targets it can expand to (usually one).
  std::vector<Target> ResolveTargets(const Word& word) const;
  // True when the word holds a substitution whose commands download something (curl, wget).
  bool SubstitutionDownloads(const Word& word) const;
  // True when the word holds a substitution that lists many things ($(docker ps -aq)), or an
  // expansion the line does not show.
  bool ExpandsToUnknownList(const Word& word) const;
  // True when the file was downloaded earlier in the line (curl -o x, wget url).
  bool WasDownloaded(std::string_view path) const;
  // Text handed to another shell (eval, bash -c, ssh): the line's own known variables are
  // substituted as the outer shell would; other expansions are written back as shell syntax.
  std::string ExpandForReparse(std::string_view text) const;
  // The value of a word when it is fully known (no expansion the line does not show).
  bool KnownValue(const Word& word, std::string& value) const;

 private:
  struct Variable {
    std::string name;
    std::vector<std::string> values;
    bool known = true;
    bool temporary = false;
  };

  void AnalyzeLine(const ParsedLine& line);
  void CollectVariables(const ParsedLine& line);
  void CollectDownloads(const ParsedLine& line);
  void AnalyzePipeline(const Pipeline& pipeline);
  void AnalyzeCommand(const Command& command, const Stdin& from_pipe);
  void CheckRedirects(const Command& command);
  void CheckForkBombs(const ParsedLine& line);
  Stdin ProducedBy(const Command& producer, const Stdin& upstream) const;
  const Variable* FindVariable(std::string_view name) const;
  bool AssignmentValue(const Word& word, Variable& out) const;
  const Substitution* SubstitutionAt(std::string_view text, size_t pos) const;
  std::string_view FirstProgram(const Substitution& s) const;

  FactSet& facts_;
  std::string& error_;
  int depth_ = 0;
  const ParsedLine* line_ = nullptr;
  std::vector<Variable> variables_;
  std::vector<std::string> downloads_;
  std::string cwd_;  // relative directory the line has cd'd into, "" for the project
};

// Basename of a program word: "/usr/bin/rm" -> "rm".
std::string_view ProgramName(std::string_view word);

}  // namespace drawbridge::classify::shell
