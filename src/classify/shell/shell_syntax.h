// Syntax tree of a POSIX shell command line, as the shell classifier needs it.
//
// The parser flattens the line: every simple command that can run (in a pipeline, a subshell, a
// loop or `if` body, a function body, a `$(...)` or `<(...)`) becomes a stage of some Pipeline in
// ParsedLine::pipelines. Words keep their value after quote removal; what the shell would expand
// at run time is kept as markers inside Word::text:
//   kVarOpen NAME kVarClose   a parameter expansion ($NAME, ${NAME...}, ~ as HOME)
//   kSubstMark HI LO          command or process substitution number HI*256+LO
// Bytes 0x01-0x03 of the input are replaced by '?' so that markers are unambiguous.
// Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace drawbridge::classify::shell {

inline constexpr char kSubstMark = '\x01';
inline constexpr char kVarOpen = '\x02';
inline constexpr char kVarClose = '\x03';

enum WordFlag : uint8_t {
  kQuoted = 1,   // some part was quoted or escaped
  kGlob = 2,     // an unquoted * ? or [
  kExpands = 4,  // holds a parameter expansion or a substitution
  kBrace = 8,    // an unquoted {a,b} or {1..3}
};

struct Word {
  std::string text;
  uint8_t flags = 0;
  uint8_t assign_len = 0;  // n when the word is NAME=value with an unquoted NAME of n bytes

  bool Has(WordFlag flag) const { return (flags & flag) != 0; }
  // An unquoted, unexpanded word equal to `s` (how keywords are recognised).
  bool IsBare(std::string_view s) const { return (flags & (kQuoted | kExpands)) == 0 && text == s; }
};

enum class RedirectKind : uint8_t {
  kWrite,       // > >| and &>
  kAppend,      // >> and &>>
  kRead,        // <
  kReadWrite,   // <>
  kDuplicate,   // >&N <&N
  kHereDoc,     // << <<-
  kHereString,  // <<<
};

struct Redirect {
  RedirectKind kind = RedirectKind::kWrite;
  int fd = -1;       // explicit descriptor, or -1
  Word target;       // file, descriptor, here-doc delimiter or here-string
  int heredoc = -1;  // index into ParsedLine::heredocs for kHereDoc
};

struct Command {
  std::vector<Word> assignments;  // NAME=value before the command name
  std::vector<Word> words;        // the command name and its arguments
  std::vector<Redirect> redirects;
  bool compound = false;  // ( ... ), { ...; }, if/for/while/case: its body is elsewhere
};

struct Pipeline {
  std::vector<Command> stages;
  bool background = false;  // ended by &
};

struct Substitution {
  enum class Kind : uint8_t { kCommand, kProcessIn, kProcessOut };
  Kind kind = Kind::kCommand;
  int first = 0;  // pipelines [first, last) of ParsedLine::pipelines
  int last = 0;
};

struct FunctionDef {
  std::string name;
  int first = 0;  // body pipelines [first, last)
  int last = 0;
};

struct ForLoop {
  std::string variable;
  std::vector<Word> values;
  bool values_given = false;  // `for x in ...` rather than `for x` (the positional parameters)
};

struct ParsedLine {
  std::vector<Pipeline> pipelines;
  std::vector<Substitution> substitutions;
  std::vector<std::string> heredocs;
  std::vector<FunctionDef> functions;
  std::vector<ForLoop> loops;
};

// Deepest nesting of subshells, groups, substitutions and compound commands the parser accepts;
// deeper input is an error (the classifier then fails closed).
inline constexpr int kMaxNesting = 48;

// Parses `source` into `out`. Returns false and sets `error` for input the shell would reject or
// that cannot be judged (unterminated quote or substitution, syntax error, nesting too deep).
bool ParseShell(std::string_view source, ParsedLine& out, std::string& error);

// The value of a word with markers turned back into shell syntax (${NAME}, $(...)): for text that
// is handed to another shell (`bash -c`, `eval`, `ssh host ...`).
std::string RenderForReparse(std::string_view text);

}  // namespace drawbridge::classify::shell
