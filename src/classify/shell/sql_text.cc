#include "classify/shell/sql_text.h"

#include <cctype>
#include <string>
#include <vector>

namespace drawbridge::classify::shell {
namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool Contains(const std::vector<std::string>& words, std::string_view w) {
  for (const std::string& x : words) {
    if (x == w) return true;
  }
  return false;
}

bool StatementDestructive(const std::vector<std::string>& w) {
  if (w.empty()) return false;
  const std::string& first = w[0];
  if (first == "DROP" || first == "TRUNCATE" || first == "GRANT" || first == "REVOKE") return true;
  if (first == "CREATE" || first == "RENAME") {
    return w.size() > 1 && (w[1] == "USER" || w[1] == "ROLE");
  }
  if (first == "SET") return w.size() > 1 && w[1] == "PASSWORD";
  if (first == "ALTER") {
    return Contains(w, "DROP") || (w.size() > 1 && (w[1] == "USER" || w[1] == "ROLE"));
  }
  if (first == "DELETE" || first == "UPDATE" || first == "WITH") {
    if (first == "WITH" && !Contains(w, "DELETE") && !Contains(w, "UPDATE")) return false;
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] != "WHERE") continue;
      // WHERE 1 = 1 and WHERE TRUE restrict nothing.
      if (i + 1 < w.size() && w[i + 1] == "TRUE") return true;
      if (i + 2 < w.size() && w[i + 1] == w[i + 2] && w[i + 1] == "1") return true;
      return false;
    }
    return true;
  }
  return false;
}

}  // namespace

std::string PrepareClientSql(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t eol = text.find('\n', i);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(i, eol - i);
    size_t first = line.find_first_not_of(" \t");
    bool meta = first != std::string_view::npos && (line[first] == '\\' || line[first] == '.');
    if (!meta) {
      for (char c : line) out.push_back(c == '`' ? '"' : c);
    }
    out.push_back('\n');
    i = eol + 1;
  }
  return out;
}

bool SqlKeywordsDestructive(std::string_view sql) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i <= sql.size()) {
    char c = i < sql.size() ? sql[i] : ';';
    if (c == ';') {
      if (StatementDestructive(words)) return true;
      words.clear();
      ++i;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      size_t close = sql.find(c, i + 1);
      if (c == '"' || c == '`') words.push_back("IDENT");
      i = close == std::string_view::npos ? sql.size() : close + 1;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t eol = sql.find('\n', i);
      i = eol == std::string_view::npos ? sql.size() : eol;
      continue;
    }
    if (c == '#') {  // MySQL comment
      size_t eol = sql.find('\n', i);
      i = eol == std::string_view::npos ? sql.size() : eol;
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t close = sql.find("*/", i + 2);
      i = close == std::string_view::npos ? sql.size() : close + 2;
      continue;
    }
    if (IsWordChar(c)) {
      size_t end = i;
      std::string word;
      while (end < sql.size() && IsWordChar(sql[end])) {
        word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[end]))));
        ++end;
      }
      words.push_back(std::move(word));
      i = end;
      continue;
    }
    ++i;
  }
  return false;
}

bool MongoScriptDestructive(std::string_view script) {
  std::string compact;
  compact.reserve(script.size());
  for (char c : script) {
    if (!std::isspace(static_cast<unsigned char>(c))) compact.push_back(c);
  }
  for (std::string_view needle :
       {"dropDatabase(", ".drop()", "deleteMany({})", "remove({})", "updateMany({},",
        "deleteMany()", "remove()", "dropAllUsers(", "dropUser(", "dropIndexes("}) {
    if (compact.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace drawbridge::classify::shell
