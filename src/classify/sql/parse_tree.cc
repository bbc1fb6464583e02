#include "classify/sql/parse_tree.h"

#include <pg_query.h>

#include <cstring>
#include <memory>
#include <optional>

namespace drawbridge::classify::sql {
namespace {

// Deeper trees than this are refused rather than walked: the walkers recurse, and no real
// statement nests anywhere near this far (libpg_query itself gives up at a few thousand levels).
constexpr unsigned kMaxJsonDepth = 3000;

struct ParseResultDeleter {
  void operator()(PgQueryParseResult* result) const {
    pg_query_free_parse_result(*result);
    delete result;
  }
};

// Skips blanks and comments from `pos`; returns the position of the next token.
size_t SkipBlanks(std::string_view sql, size_t pos) {
  while (pos < sql.size()) {
    char c = sql[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++pos;
    } else if (sql.substr(pos, 2) == "--") {
      size_t end = sql.find('\n', pos);
      pos = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.substr(pos, 2) == "/*") {
      int depth = 0;  // PostgreSQL block comments nest
      do {
        if (sql.substr(pos, 2) == "/*") {
          ++depth;
          pos += 2;
        } else if (sql.substr(pos, 2) == "*/") {
          --depth;
          pos += 2;
        } else {
          ++pos;
        }
      } while (depth > 0 && pos < sql.size());
    } else {
      break;
    }
  }
  return pos;
}

// The value of a zero or negative integer constant written at `location`: libpg_query's JSON
// leaves it out, but the constant's position points at its first character (the minus sign of a
// folded negation). Reads past signs, parentheses and comments to the digits.
std::optional<int64_t> NonPositiveIntegerAt(std::string_view sql, int64_t location) {
  if (location < 0 || static_cast<size_t>(location) >= sql.size()) return std::nullopt;
  size_t pos = static_cast<size_t>(location);
  while ((pos = SkipBlanks(sql, pos)) < sql.size() && (sql[pos] == '-' || sql[pos] == '(')) ++pos;
  int64_t magnitude = 0;
  size_t digits = 0;
  for (; pos < sql.size() && sql[pos] >= '0' && sql[pos] <= '9' && digits < 19; ++pos, ++digits) {
    magnitude = magnitude * 10 + (sql[pos] - '0');
  }
  if (digits == 0) return std::nullopt;
  return -magnitude;
}

// Writes the missing value into every {"A_Const": {"ival": {}}} of the tree, so that the analysis
// and the fingerprint see `-3` and `0` as the different constants they are.
void RestoreNonPositiveIntegers(boost::json::value& value, std::string_view sql) {
  if (boost::json::array* items = value.if_array()) {
    for (boost::json::value& item : *items) RestoreNonPositiveIntegers(item, sql);
    return;
  }
  boost::json::object* object = value.if_object();
  if (object == nullptr) return;
  if (boost::json::value* a_const = object->if_contains("A_Const");
      a_const && a_const->is_object()) {
    boost::json::object& fields = a_const->get_object();
    boost::json::value* ival = fields.if_contains("ival");
    const boost::json::value* location = fields.if_contains("location");
    if (ival != nullptr && ival->is_object() && ival->get_object().empty() && location != nullptr &&
        location->is_int64()) {
      if (std::optional<int64_t> n = NonPositiveIntegerAt(sql, location->get_int64())) {
        ival->get_object()["ival"] = *n;
      }
    }
    return;
  }
  for (auto& entry : *object) RestoreNonPositiveIntegers(entry.value(), sql);
}

const boost::json::array& EmptyArray() {
  static const boost::json::array empty;
  return empty;
}

}  // namespace

ParseTree::ParseTree()
    : resource_(initial_buffer_, sizeof initial_buffer_),
      root_(&resource_),  // same storage as the parsed value, so assigning it does not copy
      statements_(&EmptyArray()) {}

Status ParseTree::Parse(std::string_view sql) {
  statements_ = &EmptyArray();
  if (size_t nul = sql.find('\0'); nul != std::string_view::npos) {
    return InvalidArgument("cannot parse SQL: NUL byte at position " + std::to_string(nul + 1));
  }
  const std::string terminated(sql);  // libpg_query reads a C string
  std::unique_ptr<PgQueryParseResult, ParseResultDeleter> result(
      new PgQueryParseResult(pg_query_parse(terminated.c_str())));
  if (result->error != nullptr) {
    std::string message = "cannot parse SQL: ";
    message += result->error->message != nullptr ? result->error->message : "unknown error";
    if (result->error->cursorpos > 0) {
      message += " at position " + std::to_string(result->error->cursorpos);
    }
    return InvalidArgument(std::move(message));
  }

  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  root_ = boost::json::parse(result->parse_tree, ec, &resource_, options);
  if (ec) {
    return InvalidArgument("cannot parse SQL: statement nests too deeply to analyse");
  }
  if (std::strstr(result->parse_tree, "\"ival\":{}") != nullptr) {
    RestoreNonPositiveIntegers(root_, sql);  // rare: only trees with a zero or negative integer
  }
  const auto* object = root_.if_object();
  const boost::json::value* stmts = object != nullptr ? object->if_contains("stmts") : nullptr;
  if (stmts == nullptr || !stmts->is_array()) {
    return Internal("libpg_query returned a parse tree without \"stmts\"");
  }
  statements_ = &stmts->get_array();
  return Status::Ok();
}

}  // namespace drawbridge::classify::sql
