// Tokenizer and parser: quoting, expansions, operators, here-documents and nesting.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "classify/shell/shell_syntax.h"

namespace drawbridge::classify::shell {
namespace {

ParsedLine Parse(std::string_view text) {
  ParsedLine line;
  std::string error;
  EXPECT_TRUE(ParseShell(text, line, error)) << text << ": " << error;
  return line;
}

std::vector<std::string> Words(const ParsedLine& line, size_t pipeline = 0, size_t stage = 0) {
  std::vector<std::string> out;
  for (const Word& w : line.pipelines.at(pipeline).stages.at(stage).words) out.push_back(w.text);
  return out;
}

std::string Var(std::string_view name) {
  return std::string(1, kVarOpen) + std::string(name) + std::string(1, kVarClose);
}

// Test that quotes are removed and glued parts form one word.
TEST(ShellParser, QuoteRemovalGluesParts) {
  ParsedLine line = Parse("r'm' \"-r\"f \\/ 'a b'\"c\"d");
  EXPECT_EQ(Words(line), (std::vector<std::string>{"rm", "-rf", "/", "a bcd"}));
  EXPECT_TRUE(line.pipelines[0].stages[0].words[0].Has(kQuoted));
}

// Test that $'...' decodes ANSI-C escapes.
TEST(ShellParser, AnsiCQuoting) {
  ParsedLine line = Parse("echo $'a\\tb\\x41\\101\\n'");
  EXPECT_EQ(Words(line)[1], "a\tbAA\n");
}

// Test that double quotes keep $ expansions and honour only their own escapes.
TEST(ShellParser, DoubleQuotes) {
  ParsedLine line = Parse("echo \"$HOME/x \\$y \\q\"");
  EXPECT_EQ(Words(line)[1], Var("HOME") + "/x $y \\q");
  EXPECT_TRUE(line.pipelines[0].stages[0].words[1].Has(kExpands));
}

// Test that variables in all forms become markers.
TEST(ShellParser, ParameterExpansions) {
  ParsedLine line = Parse("echo $A ${B:-x} ${#C} $1 ~/d");
  std::vector<std::string> w = Words(line);
  EXPECT_EQ(w[1], Var("A"));
  EXPECT_EQ(w[2], Var("B"));
  EXPECT_EQ(w[3], "1");
  EXPECT_EQ(w[4], Var("1"));
  EXPECT_EQ(w[5], Var("HOME") + "/d");
}

// Test that unquoted wildcards mark a glob and quoted ones do not.
TEST(ShellParser, Globs) {
  ParsedLine line = Parse("ls *.c '*.h'");
  EXPECT_TRUE(line.pipelines[0].stages[0].words[1].Has(kGlob));
  EXPECT_FALSE(line.pipelines[0].stages[0].words[2].Has(kGlob));
}

// Test that operators split pipelines and stages.
TEST(ShellParser, OperatorsSplitCommands) {
  ParsedLine line = Parse("a | b && c; d || e & f\ng");
  ASSERT_EQ(line.pipelines.size(), 6u);
  EXPECT_EQ(line.pipelines[0].stages.size(), 2u);
  EXPECT_EQ(Words(line, 0, 1), std::vector<std::string>{"b"});
  EXPECT_TRUE(line.pipelines[3].background);  // e &
  EXPECT_EQ(Words(line, 5), std::vector<std::string>{"g"});
}

// Test that comments are dropped but # inside a word is kept.
TEST(ShellParser, Comments) {
  ParsedLine line = Parse("echo a#b # comment rm -rf /");
  EXPECT_EQ(Words(line), (std::vector<std::string>{"echo", "a#b"}));
}

// Test that command substitutions are parsed as commands of their own.
TEST(ShellParser, CommandSubstitution) {
  ParsedLine line = Parse("echo $(rm -rf / | cat) `whoami` <(ls)");
  ASSERT_EQ(line.substitutions.size(), 3u);
  // Inner pipelines come first: rm | cat, whoami, ls, then echo.
  EXPECT_EQ(Words(line, 0, 0), (std::vector<std::string>{"rm", "-rf", "/"}));
  EXPECT_EQ(Words(line, 1), std::vector<std::string>{"whoami"});
  EXPECT_EQ(line.substitutions[2].kind, Substitution::Kind::kProcessIn);
  EXPECT_EQ(line.pipelines.back().stages[0].words[1].text[0], kSubstMark);
}

// Test that nested substitutions with parentheses and case patterns find their end.
TEST(ShellParser, NestedSubstitutionWithCase) {
  ParsedLine line = Parse("x=$(case $y in a) echo \"$(date)\";; esac); echo done");
  EXPECT_EQ(line.pipelines.back().stages[0].words[0].text, "echo");
}

// Test redirections and here-documents.
TEST(ShellParser, Redirections) {
  ParsedLine line = Parse("cmd > out 2>&1 < in >> log &> both <<< 'text'");
  const Command& c = line.pipelines[0].stages[0];
  ASSERT_EQ(c.redirects.size(), 6u);
  EXPECT_EQ(c.redirects[0].kind, RedirectKind::kWrite);
  EXPECT_EQ(c.redirects[1].kind, RedirectKind::kDuplicate);
  EXPECT_EQ(c.redirects[1].fd, 2);
  EXPECT_EQ(c.redirects[2].kind, RedirectKind::kRead);
  EXPECT_EQ(c.redirects[3].kind, RedirectKind::kAppend);
  EXPECT_EQ(c.redirects[5].kind, RedirectKind::kHereString);
  EXPECT_EQ(c.redirects[5].target.text, "text");
}

// Test that here-document bodies are read after the line that opens them.
TEST(ShellParser, HereDocuments) {
  ParsedLine line = Parse("psql <<EOF | cat\nDROP TABLE t;\nEOF\nls <<-'X'\n\tbody\n\tX\n");
  ASSERT_EQ(line.heredocs.size(), 2u);
  EXPECT_EQ(line.heredocs[0], "DROP TABLE t;\n");
  EXPECT_EQ(line.heredocs[1], "body\n");
  EXPECT_EQ(Words(line, 1), std::vector<std::string>{"ls"});
}

// Test assignments before a command and arrays.
TEST(ShellParser, Assignments) {
  ParsedLine line = Parse("A=1 B=\"x y\" C=(a b) cmd D=2");
  const Command& c = line.pipelines[0].stages[0];
  ASSERT_EQ(c.assignments.size(), 3u);
  EXPECT_EQ(c.assignments[0].assign_len, 1);
  EXPECT_EQ(c.assignments[1].text, "B=x y");
  EXPECT_EQ(c.words.size(), 2u);
  EXPECT_EQ(c.words[1].assign_len, 1);  // an argument that looks like one
}

// Test compound commands, loops and functions.
TEST(ShellParser, CompoundCommands) {
  ParsedLine line = Parse(
      "if a; then b; elif c; then d; else e; fi; while f; do g; done; for x in 1 2; do h; done; "
      "k() { l | l & }; (m); { n; }; [[ -f x && -d y ]]; (( i++ ))");
  std::vector<std::string> programs;
  for (const Pipeline& p : line.pipelines) {
    for (const Command& c : p.stages) {
      if (!c.words.empty()) programs.push_back(c.words[0].text);
    }
  }
  EXPECT_EQ(programs,
            (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "l", "l", "m", "n"}));
  ASSERT_EQ(line.loops.size(), 1u);
  EXPECT_EQ(line.loops[0].variable, "x");
  EXPECT_EQ(line.loops[0].values.size(), 2u);
  ASSERT_EQ(line.functions.size(), 1u);
  EXPECT_EQ(line.functions[0].name, "k");
}

// Test that the fork bomb parses as a function definition.
TEST(ShellParser, ForkBombShape) {
  ParsedLine line = Parse(":(){ :|:& };:");
  ASSERT_EQ(line.functions.size(), 1u);
  EXPECT_EQ(line.functions[0].name, ":");
}

// Test that line continuations join words.
TEST(ShellParser, LineContinuation) {
  ParsedLine line = Parse("rm -r\\\nf \\\n /");
  EXPECT_EQ(Words(line), (std::vector<std::string>{"rm", "-rf", "/"}));
}

// Test that broken input is rejected with a reason.
TEST(ShellParser, RejectsBrokenInput) {
  for (std::string_view text :
       {"echo 'x", "echo \"x", "echo $(x", "echo `x", "a |", "a &&", "( a", "a )", "if a; then b",
        "for x in y; do z", "case x in", "echo ${x", "f() {", "2>", "echo $'x", "x=(a"}) {
    ParsedLine line;
    std::string error;
    EXPECT_FALSE(ParseShell(text, line, error)) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
}

// Test that nesting deeper than the cap is an error, not a stack overflow.
TEST(ShellParser, NestingIsCapped) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "$(";
  ParsedLine line;
  std::string error;
  EXPECT_FALSE(ParseShell(deep, line, error));
  std::string subshells(10000, '(');
  EXPECT_FALSE(ParseShell(subshells, line, error));
  std::string fine = "echo $(echo $(echo $(echo hi)))";
  ParsedLine ok;
  EXPECT_TRUE(ParseShell(fine, ok, error));
}

// Test that marker bytes in the input cannot forge expansions.
TEST(ShellParser, MarkerBytesAreNeutralised) {
  ParsedLine line = Parse(std::string("echo a\x02HOME\x03"));
  EXPECT_EQ(Words(line)[1], "a?HOME?");
}

// Test that text handed to another shell renders expansions back.
TEST(ShellParser, RenderForReparse) {
  ParsedLine line = Parse("echo \"$X/y\"");
  EXPECT_EQ(RenderForReparse(line.pipelines[0].stages[0].words[1].text), "${X}/y");
}

}  // namespace
}  // namespace drawbridge::classify::shell
