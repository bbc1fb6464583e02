// Recursive-descent parser for POSIX shell (plus the common bash forms) producing ParsedLine.
// The lexer and the parser share one cursor because `$(...)` nests a whole command list inside a
// word: lexing such a word calls back into ParseList.
#include <cctype>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "classify/shell/shell_syntax.h"

namespace drawbridge::classify::shell {
namespace {

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsNameChar(char c) {
  return IsNameStart(c) || (c >= '0' && c <= '9');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsMeta(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' ||
         c == ')' || c == '<' || c == '>' || c == '\r';
}

enum class Tok : uint8_t {
  kEnd,
  kWord,
  kNewline,
  kSemi,
  kAmp,
  kAndIf,
  kOrIf,
  kPipe,
  kLParen,
  kRParen,
  kCaseEnd,  // ;; ;& ;;&
  kRedirect,
};

struct Token {
  Tok type = Tok::kEnd;
  Word word;
  RedirectKind redirect = RedirectKind::kWrite;
  int fd = -1;
  bool strip_tabs = false;  // <<-
};

bool IsListEndKeyword(const Word& w) {
  if (w.flags & (kQuoted | kExpands)) return false;
  const std::string& t = w.text;
  return t == "then" || t == "else" || t == "elif" || t == "fi" || t == "do" || t == "done" ||
         t == "esac" || t == "}";
}

class Parser {
 public:
  Parser(std::string_view src, ParsedLine& out, int depth) : src_(src), out_(out), depth_(depth) {}

  bool ParseAll(std::string& error) {
    ParseList();
    if (!failed_) {
      const Token& t = Peek();
      if (t.type != Tok::kEnd) Fail("syntax error near unexpected token");
    }
    if (failed_) error = error_;
    return !failed_;
  }

 private:
  // ---- errors and nesting ----
  void Fail(std::string message) {
    if (!failed_) {
      failed_ = true;
      error_ = std::move(message);
    }
    pos_ = src_.size();
    has_peek_ = false;
  }
  bool Enter() {
    if (++depth_ > kMaxNesting) {
      Fail("nesting deeper than " + std::to_string(kMaxNesting) + " levels");
      return false;
    }
    return true;
  }
  void Leave() { --depth_; }

  // ---- token stream ----
  const Token& Peek() {
    if (!has_peek_) {
      peek_ = Lex();
      has_peek_ = true;
    }
    return peek_;
  }
  Token Next() {
    Peek();
    has_peek_ = false;
    return std::move(peek_);
  }
  bool PeekIs(Tok type) { return Peek().type == type; }
  bool PeekKeyword(std::string_view keyword) {
    const Token& t = Peek();
    return t.type == Tok::kWord && t.word.IsBare(keyword);
  }
  void Expect(std::string_view keyword) {
    if (failed_) return;
    if (!PeekKeyword(keyword)) {
      Fail("syntax error: expected '" + std::string(keyword) + "'");
      return;
    }
    Next();
  }
  void ExpectRParen(const char* what) {
    if (failed_) return;
    if (!PeekIs(Tok::kRParen)) {
      Fail(std::string("unterminated ") + what);
      return;
    }
    Next();
  }
  void SkipNewlines() {
    while (!failed_ && PeekIs(Tok::kNewline)) Next();
  }

  // ---- lexer ----
  char At(size_t i) const { return i < src_.size() ? src_[i] : '\0'; }

  Token Lex() {
    Token t;
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\\' && At(pos_ + 1) == '\n') {
        pos_ += 2;
      } else if (c == '#') {
        while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
    if (failed_ || pos_ >= src_.size()) return t;
    char c = src_[pos_];
    char n = At(pos_ + 1);
    switch (c) {
      case '\n':
        ++pos_;
        ReadPendingHereDocs();
        t.type = Tok::kNewline;
        return t;
      case ';':
        if (n == ';' || n == '&') {
          pos_ += 2;
          if (At(pos_) == '&') ++pos_;
          t.type = Tok::kCaseEnd;
        } else {
          ++pos_;
          t.type = Tok::kSemi;
        }
        return t;
      case '&':
        if (n == '&') {
          pos_ += 2;
          t.type = Tok::kAndIf;
          return t;
        }
        if (n == '>') {
          pos_ += 2;
          t.type = Tok::kRedirect;
          t.redirect = RedirectKind::kWrite;
          if (At(pos_) == '>') {
            ++pos_;
            t.redirect = RedirectKind::kAppend;
          }
          return t;
        }
        ++pos_;
        t.type = Tok::kAmp;
        return t;
      case '|':
        if (n == '|') {
          pos_ += 2;
          t.type = Tok::kOrIf;
        } else {
          pos_ += (n == '&') ? 2 : 1;
          t.type = Tok::kPipe;
        }
        return t;
      case '(':
        ++pos_;
        t.type = Tok::kLParen;
        return t;
      case ')':
        ++pos_;
        t.type = Tok::kRParen;
        return t;
      case '<':
      case '>':
        if (n == '(') break;  // process substitution: a word
        LexRedirect(t);
        return t;
      default: break;
    }
    if (IsDigit(c)) {
      size_t end = pos_;
      while (IsDigit(At(end))) ++end;
      char after = At(end);
      if ((after == '<' || after == '>') && At(end + 1) != '(' && end - pos_ < 4) {
        int fd = std::stoi(std::string(src_.substr(pos_, end - pos_)));
        pos_ = end;
        LexRedirect(t);
        t.fd = fd;
        return t;
      }
    }
    t.type = Tok::kWord;
    LexWord(t.word);
    return t;
  }

  void LexRedirect(Token& t) {
    t.type = Tok::kRedirect;
    char c = src_[pos_];
    char n = At(pos_ + 1);
    if (c == '<') {
      if (n == '<') {
        if (At(pos_ + 2) == '<') {
          pos_ += 3;
          t.redirect = RedirectKind::kHereString;
        } else if (At(pos_ + 2) == '-') {
          pos_ += 3;
          t.redirect = RedirectKind::kHereDoc;
          t.strip_tabs = true;
        } else {
          pos_ += 2;
          t.redirect = RedirectKind::kHereDoc;
        }
      } else if (n == '&') {
        pos_ += 2;
        t.redirect = RedirectKind::kDuplicate;
      } else if (n == '>') {
        pos_ += 2;
        t.redirect = RedirectKind::kReadWrite;
      } else {
        ++pos_;
        t.redirect = RedirectKind::kRead;
      }
      return;
    }
    if (n == '>') {
      pos_ += 2;
      t.redirect = RedirectKind::kAppend;
    } else if (n == '&') {
      pos_ += 2;
      t.redirect = RedirectKind::kDuplicate;
    } else if (n == '|') {
      pos_ += 2;
      t.redirect = RedirectKind::kWrite;
    } else {
      ++pos_;
      t.redirect = RedirectKind::kWrite;
    }
  }

  void AppendVar(Word& w, std::string_view name) {
    w.text.push_back(kVarOpen);
    w.text.append(name);
    w.text.push_back(kVarClose);
    w.flags |= kExpands;
  }

  void AppendSubst(Word& w, int index) {
    w.text.push_back(kSubstMark);
    w.text.push_back(static_cast<char>((index >> 8) & 0xff));
    w.text.push_back(static_cast<char>(index & 0xff));
    w.flags |= kExpands;
  }

  // Parses the command list of `$(`, `<(` or `>(` up to its `)`; pos_ is just past the `(`.
  void LexNestedList(Word& w, Substitution::Kind kind) {
    if (!Enter()) return;
    // The word being lexed is not the pending token, so the token cache is free to reuse.
    bool saved_has_peek = has_peek_;
    has_peek_ = false;
    int first = static_cast<int>(out_.pipelines.size());
    ParseList();
    if (!failed_ && !PeekIs(Tok::kRParen)) Fail("unterminated $( or <( substitution");
    if (failed_) return;
    has_peek_ = false;  // the `)`; the lexer is already past it
    has_peek_ = saved_has_peek;
    Leave();
    if (out_.substitutions.size() >= 0xffff) {
      Fail("too many substitutions");
      return;
    }
    Substitution s;
    s.kind = kind;
    s.first = first;
    s.last = static_cast<int>(out_.pipelines.size());
    out_.substitutions.push_back(s);
    AppendSubst(w, static_cast<int>(out_.substitutions.size()) - 1);
  }

  // Skips a `((...))` arithmetic body; pos_ is just past the opening `((`.
  void SkipArithmetic() {
    int depth = 2;
    while (pos_ < src_.size() && depth > 0) {
      char c = src_[pos_++];
      if (c == '(') ++depth;
      if (c == ')') --depth;
    }
    if (depth > 0) Fail("unterminated $(( or ((");
  }

  void LexDollar(Word& w, bool in_double_quotes) {
    char n = At(pos_ + 1);
    if (n == '(') {
      if (At(pos_ + 2) == '(') {
        pos_ += 3;
        SkipArithmetic();
        w.text.push_back('1');
        return;
      }
      pos_ += 2;
      LexNestedList(w, Substitution::Kind::kCommand);
      return;
    }
    if (n == '{') {
      size_t i = pos_ + 2;
      int depth = 1;
      while (i < src_.size() && depth > 0) {
        char c = src_[i];
        if (c == '\\') {
          i += 2;
          continue;
        }
        if (c == '{') ++depth;
        if (c == '}') --depth;
        ++i;
      }
      if (depth > 0) {
        Fail("unterminated ${");
        return;
      }
      std::string_view inner = src_.substr(pos_ + 2, i - 1 - (pos_ + 2));
      pos_ = i;
      if (!inner.empty() && (inner[0] == '#' || inner[0] == '!') && inner.size() > 1) {
        if (inner[0] == '#') {
          w.text.push_back('1');  // a length
          return;
        }
        AppendVar(w, "!");
        return;
      }
      size_t len = 0;
      if (!inner.empty() && !IsNameStart(inner[0])) {
        len = 1;
      } else {
        while (len < inner.size() && IsNameChar(inner[len])) ++len;
      }
      AppendVar(w, inner.substr(0, len));
      return;
    }
    if (n == '\'' && !in_double_quotes) {
      pos_ += 2;
      LexAnsiC(w);
      return;
    }
    if (n == '"' && !in_double_quotes) {
      ++pos_;
      LexDoubleQuoted(w);
      return;
    }
    if (IsNameStart(n)) {
      size_t end = pos_ + 1;
      while (IsNameChar(At(end))) ++end;
      AppendVar(w, src_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end;
      return;
    }
    if (IsDigit(n) || (n != '\0' && std::strchr("@*#?$!-", n) != nullptr)) {
      AppendVar(w, src_.substr(pos_ + 1, 1));
      pos_ += 2;
      return;
    }
    w.text.push_back('$');
    ++pos_;
  }

  void LexAnsiC(Word& w) {
    w.flags |= kQuoted;
    while (pos_ < src_.size()) {
      char c = src_[pos_++];
      if (c == '\'') return;
      if (c != '\\' || pos_ >= src_.size()) {
        w.text.push_back(c);
        continue;
      }
      char e = src_[pos_++];
      switch (e) {
        case 'n': w.text.push_back('\n'); break;
        case 't': w.text.push_back('\t'); break;
        case 'r': w.text.push_back('\r'); break;
        case 'a': w.text.push_back('\a'); break;
        case 'b': w.text.push_back('\b'); break;
        case 'f': w.text.push_back('\f'); break;
        case 'v': w.text.push_back('\v'); break;
        case 'e':
        case 'E': w.text.push_back('\x1b'); break;
        case 'x': {
          int value = 0;
          int digits = 0;
          while (digits < 2 && std::isxdigit(static_cast<unsigned char>(At(pos_)))) {
            char h = src_[pos_++];
            value = value * 16 + (IsDigit(h) ? h - '0' : (std::tolower(h) - 'a' + 10));
            ++digits;
          }
          w.text.push_back(static_cast<char>(value));
          break;
        }
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7': {
          int value = e - '0';
          int digits = 1;
          while (digits < 3 && At(pos_) >= '0' && At(pos_) <= '7') {
            value = value * 8 + (src_[pos_++] - '0');
            ++digits;
          }
          w.text.push_back(static_cast<char>(value & 0xff));
          break;
        }
        default: w.text.push_back(e); break;
      }
    }
    Fail("unterminated $' quote");
  }

  void LexBacktick(Word& w) {
    ++pos_;
    std::string inner;
    while (pos_ < src_.size() && src_[pos_] != '`') {
      char c = src_[pos_];
      if (c == '\\' && (At(pos_ + 1) == '`' || At(pos_ + 1) == '\\' || At(pos_ + 1) == '$')) {
        inner.push_back(src_[pos_ + 1]);
        pos_ += 2;
        continue;
      }
      inner.push_back(c);
      ++pos_;
    }
    if (pos_ >= src_.size()) {
      Fail("unterminated backquote");
      return;
    }
    ++pos_;
    if (!Enter()) return;
    int first = static_cast<int>(out_.pipelines.size());
    Parser nested(inner, out_, depth_);
    std::string error;
    if (!nested.ParseAll(error)) {
      Fail(error);
      return;
    }
    Leave();
    Substitution s;
    s.first = first;
    s.last = static_cast<int>(out_.pipelines.size());
    out_.substitutions.push_back(s);
    AppendSubst(w, static_cast<int>(out_.substitutions.size()) - 1);
  }

  void LexDoubleQuoted(Word& w) {
    w.flags |= kQuoted;
    ++pos_;  // the opening quote
    while (!failed_ && pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == '"') {
        ++pos_;
        return;
      }
      if (c == '\\') {
        char n = At(pos_ + 1);
        if (n == '\n') {
          pos_ += 2;
        } else if (n == '$' || n == '`' || n == '"' || n == '\\') {
          w.text.push_back(n);
          pos_ += 2;
        } else {
          w.text.push_back('\\');
          ++pos_;
        }
        continue;
      }
      if (c == '$') {
        LexDollar(w, true);
        continue;
      }
      if (c == '`') {
        LexBacktick(w);
        continue;
      }
      w.text.push_back(Sanitize(c));
      ++pos_;
    }
    if (!failed_) Fail("unterminated double quote");
  }

  static char Sanitize(char c) { return (c >= '\x01' && c <= '\x03') ? '?' : c; }

  void LexWord(Word& w) {
    bool plain = true;  // nothing quoted or expanded so far: the word may still be NAME=
    size_t start = pos_;
    while (!failed_ && pos_ < src_.size()) {
      char c = src_[pos_];
      if ((c == '<' || c == '>') && At(pos_ + 1) == '(' && pos_ == start) {
        pos_ += 2;
        LexNestedList(w,
                      c == '<' ? Substitution::Kind::kProcessIn : Substitution::Kind::kProcessOut);
        plain = false;
        continue;
      }
      if (c == '(' && w.assign_len > 0 && w.text.size() == w.assign_len + 1u && plain) {
        // NAME=(a b c): an array; its elements are plain words for our purposes.
        int depth = 0;
        while (pos_ < src_.size()) {
          char a = src_[pos_++];
          if (a == '(') ++depth;
          if (a == ')' && --depth == 0) break;
          if (a != '(' && a != ')') w.text.push_back(Sanitize(a));
        }
        if (depth != 0) Fail("unterminated array assignment");
        continue;
      }
      if (IsMeta(c)) break;
      switch (c) {
        case '\\':
          if (At(pos_ + 1) == '\n') {
            pos_ += 2;
          } else if (pos_ + 1 < src_.size()) {
            w.text.push_back(Sanitize(src_[pos_ + 1]));
            w.flags |= kQuoted;
            plain = false;
            pos_ += 2;
          } else {
            w.text.push_back('\\');
            ++pos_;
          }
          break;
        case '\'': {
          size_t end = src_.find('\'', pos_ + 1);
          if (end == std::string_view::npos) {
            Fail("unterminated single quote");
            return;
          }
          for (size_t i = pos_ + 1; i < end; ++i) w.text.push_back(Sanitize(src_[i]));
          w.flags |= kQuoted;
          plain = false;
          pos_ = end + 1;
          break;
        }
        case '"':
          LexDoubleQuoted(w);
          plain = false;
          break;
        case '$':
          LexDollar(w, false);
          plain = false;
          break;
        case '`':
          LexBacktick(w);
          plain = false;
          break;
        case '*':
        case '?':
        case '[':
          w.flags |= kGlob;
          w.text.push_back(c);
          ++pos_;
          break;
        case '{': {
          size_t close = src_.find('}', pos_);
          if (close != std::string_view::npos) {
            std::string_view inside = src_.substr(pos_, close - pos_);
            if (inside.find(',') != std::string_view::npos ||
                inside.find("..") != std::string_view::npos) {
              w.flags |= kBrace;
            }
          }
          w.text.push_back(c);
          ++pos_;
          break;
        }
        case '~':
          if (pos_ == start || (plain && w.assign_len > 0 && w.text.size() == w.assign_len + 1u)) {
            ++pos_;
            while (pos_ < src_.size() &&
                   (IsNameChar(src_[pos_]) || src_[pos_] == '-' || src_[pos_] == '.')) {
              ++pos_;  // ~user is someone's home: as bad as ours
            }
            AppendVar(w, "HOME");
            plain = false;
          } else {
            w.text.push_back(c);
            ++pos_;
          }
          break;
        case '=':
          if (plain && w.assign_len == 0 && !w.text.empty() && IsNameStart(w.text[0]) &&
              w.text.size() < 255) {
            bool name = true;
            for (char ch : w.text) name = name && IsNameChar(ch);
            if (name) w.assign_len = static_cast<uint8_t>(w.text.size());
          }
          w.text.push_back(c);
          ++pos_;
          break;
        default:
          w.text.push_back(Sanitize(c));
          ++pos_;
          break;
      }
    }
  }

  // ---- here-documents ----
  struct PendingHereDoc {
    std::string delimiter;
    bool strip_tabs;
    int index;
  };

  void ReadPendingHereDocs() {
    for (const PendingHereDoc& p : pending_) {
      std::string& body = out_.heredocs[p.index];
      while (pos_ < src_.size()) {
        size_t eol = src_.find('\n', pos_);
        size_t end = eol == std::string_view::npos ? src_.size() : eol;
        std::string_view line = src_.substr(pos_, end - pos_);
        pos_ = eol == std::string_view::npos ? src_.size() : eol + 1;
        if (p.strip_tabs) {
          while (!line.empty() && line[0] == '\t') line.remove_prefix(1);
        }
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line == p.delimiter) break;
        body.append(line);
        body.push_back('\n');
      }
    }
    pending_.clear();
  }

  // ---- grammar ----
  void ParseList() {
    if (!Enter()) return;
    while (!failed_) {
      SkipNewlines();
      if (failed_) break;
      const Token& t = Peek();
      if (t.type == Tok::kEnd || t.type == Tok::kRParen || t.type == Tok::kCaseEnd) break;
      if (t.type == Tok::kWord && IsListEndKeyword(t.word)) break;
      ParseAndOr();
      if (failed_) break;
      const Token& sep = Peek();
      if (sep.type == Tok::kSemi || sep.type == Tok::kNewline) {
        Next();
        continue;
      }
      if (sep.type == Tok::kAmp) {
        if (!out_.pipelines.empty()) out_.pipelines.back().background = true;
        Next();
        continue;
      }
      break;
    }
    Leave();
  }

  void ParseAndOr() {
    ParsePipeline();
    while (!failed_ && (PeekIs(Tok::kAndIf) || PeekIs(Tok::kOrIf))) {
      Next();
      SkipNewlines();
      ParsePipeline();
    }
  }

  void ParsePipeline() {
    Pipeline pipeline;
    if (PeekKeyword("!")) Next();
    while (!failed_) {
      Command command;
      ParseCommand(command);
      pipeline.stages.push_back(std::move(command));
      if (failed_ || !PeekIs(Tok::kPipe)) break;
      Next();
      SkipNewlines();
    }
    if (!failed_) out_.pipelines.push_back(std::move(pipeline));
  }

  void ParseRedirects(Command& command) {
    while (!failed_ && PeekIs(Tok::kRedirect)) ParseRedirect(command);
  }

  void ParseRedirect(Command& command) {
    Token op = Next();
    if (!PeekIs(Tok::kWord)) {
      Fail("syntax error: redirection without a target");
      return;
    }
    Redirect r;
    r.kind = op.redirect;
    r.fd = op.fd;
    r.target = Next().word;
    if (r.kind == RedirectKind::kHereDoc) {
      r.heredoc = static_cast<int>(out_.heredocs.size());
      out_.heredocs.emplace_back();
      pending_.push_back({r.target.text, op.strip_tabs, r.heredoc});
    }
    command.redirects.push_back(std::move(r));
  }

  void ParseCommand(Command& command) {
    if (failed_) return;
    if (!Enter()) return;
    const Token& t = Peek();
    if (t.type == Tok::kLParen) {
      Next();
      command.compound = true;
      if (At(pos_) == '(' && !has_peek_) {
        ++pos_;
        SkipArithmetic();
      } else {
        ParseList();
        ExpectRParen("subshell");
      }
      ParseRedirects(command);
    } else if (t.type == Tok::kWord && (t.word.flags & (kQuoted | kExpands)) == 0 &&
               ParseCompound(command)) {
      ParseRedirects(command);
    } else {
      ParseSimple(command);
    }
    Leave();
  }

  // Returns false when the next word starts no compound command.
  bool ParseCompound(Command& command) {
    const std::string keyword = Peek().word.text;
    if (keyword == "{") {
      Next();
      ParseList();
      Expect("}");
    } else if (keyword == "if") {
      Next();
      ParseList();
      Expect("then");
      ParseList();
      while (!failed_ && PeekKeyword("elif")) {
        Next();
        ParseList();
        Expect("then");
        ParseList();
      }
      if (!failed_ && PeekKeyword("else")) {
        Next();
        ParseList();
      }
      Expect("fi");
    } else if (keyword == "while" || keyword == "until") {
      Next();
      ParseList();
      Expect("do");
      ParseList();
      Expect("done");
    } else if (keyword == "for" || keyword == "select") {
      Next();
      ParseFor();
    } else if (keyword == "case") {
      Next();
      ParseCase();
    } else if (keyword == "function") {
      Next();
      if (!PeekIs(Tok::kWord)) {
        Fail("syntax error: function without a name");
        return true;
      }
      std::string name = Next().word.text;
      if (PeekIs(Tok::kLParen)) {
        Next();
        ExpectRParen("function definition");
      }
      ParseFunctionBody(std::move(name));
    } else if (keyword == "[[") {
      Next();
      while (!failed_ && !PeekKeyword("]]")) {
        if (PeekIs(Tok::kEnd)) {
          Fail("unterminated [[");
          return true;
        }
        Next();
      }
      Next();
    } else {
      return false;
    }
    command.compound = true;
    return true;
  }

  void ParseFunctionBody(std::string name) {
    SkipNewlines();
    FunctionDef def;
    def.name = std::move(name);
    def.first = static_cast<int>(out_.pipelines.size());
    Command body;
    ParseCommand(body);
    def.last = static_cast<int>(out_.pipelines.size());
    out_.functions.push_back(std::move(def));
  }

  void ParseFor() {
    if (PeekIs(Tok::kLParen)) {  // for (( ; ; ))
      Next();
      if (At(pos_) != '(') {
        Fail("syntax error in for");
        return;
      }
      ++pos_;
      SkipArithmetic();
    } else {
      if (!PeekIs(Tok::kWord)) {
        Fail("syntax error: for without a variable");
        return;
      }
      ForLoop loop;
      loop.variable = Next().word.text;
      SkipNewlines();
      if (PeekKeyword("in")) {
        Next();
        loop.values_given = true;
        while (!failed_ && PeekIs(Tok::kWord)) loop.values.push_back(Next().word);
      }
      out_.loops.push_back(std::move(loop));
    }
    if (PeekIs(Tok::kSemi) || PeekIs(Tok::kNewline)) Next();
    SkipNewlines();
    Expect("do");
    ParseList();
    Expect("done");
  }

  void ParseCase() {
    if (!PeekIs(Tok::kWord)) {
      Fail("syntax error: case without a word");
      return;
    }
    Next();
    SkipNewlines();
    Expect("in");
    while (!failed_) {
      SkipNewlines();
      if (PeekKeyword("esac")) break;
      if (PeekIs(Tok::kEnd)) {
        Fail("unterminated case");
        return;
      }
      if (PeekIs(Tok::kLParen)) Next();
      while (!failed_ && PeekIs(Tok::kWord)) {
        Next();
        if (!PeekIs(Tok::kPipe)) break;
        Next();
      }
      ExpectRParen("case pattern");
      ParseList();
      if (PeekIs(Tok::kCaseEnd)) Next();
    }
    Expect("esac");
  }

  void ParseSimple(Command& command) {
    while (!failed_) {
      const Token& t = Peek();
      if (t.type == Tok::kRedirect) {
        ParseRedirect(command);
        continue;
      }
      if (t.type != Tok::kWord) break;
      if (command.words.empty() && t.word.assign_len > 0) {
        command.assignments.push_back(Next().word);
        continue;
      }
      command.words.push_back(Next().word);
      if (command.words.size() == 1 && command.assignments.empty() && PeekIs(Tok::kLParen)) {
        Next();  // name() body: a function definition
        ExpectRParen("function definition");
        if (failed_) return;
        std::string name = command.words[0].text;
        command.words.clear();
        command.compound = true;
        ParseFunctionBody(std::move(name));
        return;
      }
    }
    if (!failed_ && command.words.empty() && command.assignments.empty() &&
        command.redirects.empty()) {
      Fail("syntax error: missing command");
    }
  }

  std::string_view src_;
  ParsedLine& out_;
  int depth_;
  size_t pos_ = 0;
  Token peek_;
  bool has_peek_ = false;
  bool failed_ = false;
  std::string error_;
  std::vector<PendingHereDoc> pending_;
};

}  // namespace

bool ParseShell(std::string_view source, ParsedLine& out, std::string& error) {
  Parser parser(source, out, 0);
  return parser.ParseAll(error);
}

std::string RenderForReparse(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == kVarOpen) {
      size_t close = text.find(kVarClose, i);
      if (close == std::string_view::npos) close = text.size();
      out.append("${");
      out.append(text.substr(i + 1, close - i - 1));
      out.push_back('}');
      i = close;
    } else if (c == kSubstMark) {
      out.append("${__substitution}");
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace drawbridge::classify::shell
