#include "classify/sql/where_analysis.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "classify/sql/json_node.h"

namespace drawbridge::classify::sql {
namespace {

namespace json = boost::json;

// What an expression refers to: columns of the row (and of which tables), subqueries.
struct Summary {
  bool has_column = false;
  bool has_unqualified_column = false;
  bool has_sublink = false;
  bool many_qualifiers = false;
  std::string_view qualifier;  // the table or alias of the qualified columns, when only one

  bool row_independent() const { return !has_column && !has_sublink; }
};

void Summarize(const json::value& value, Summary& summary) {
  if (const json::array* items = value.if_array()) {
    for (const json::value& item : *items) Summarize(item, summary);
    return;
  }
  const json::object* object = value.if_object();
  if (object == nullptr) return;
  std::optional<Node> node = AsNode(value);
  if (node && node->type == "ColumnRef") {
    summary.has_column = true;
    const json::array* fields = ArrayField(*node->fields, "fields");
    if (fields == nullptr || fields->size() < 2) {
      summary.has_unqualified_column = true;
      return;
    }
    std::string_view qualifier = StringNodeValue((*fields)[fields->size() - 2]);
    if (summary.qualifier.empty()) {
      summary.qualifier = qualifier;
    } else if (summary.qualifier != qualifier) {
      summary.many_qualifiers = true;
    }
    return;
  }
  if (node && node->type == "SubLink") {
    // The subquery's own columns belong to its tables; only the tested expression is ours.
    summary.has_sublink = true;
    if (const json::value* test = Field(*node->fields, "testexpr")) Summarize(*test, summary);
    return;
  }
  for (const auto& entry : *object) Summarize(entry.value(), summary);
}

Summary SummaryOf(const json::value* value) {
  Summary summary;
  if (value != nullptr) Summarize(*value, summary);
  return summary;
}

// A literal's value, when the tree shows it. libpg_query writes zero and negative integers alike
// as an empty "ival", so those stay unknown.
struct Constant {
  enum Kind { kNumber, kString, kBool, kNull };
  Kind kind = kNull;
  double number = 0;
  std::string_view text;
  bool boolean = false;

  static Constant Null() { return {}; }
  static Constant Number(double n) {
    Constant c;
    c.kind = kNumber;
    c.number = n;
    return c;
  }
  static Constant String(std::string_view text) {
    Constant c;
    c.kind = kString;
    c.text = text;
    return c;
  }
  static Constant Bool(bool value) {
    Constant c;
    c.kind = kBool;
    c.boolean = value;
    return c;
  }
};

std::optional<Constant> ConstantOf(const json::value& value) {
  const json::object* a_const = AsNodeOfType(value, "A_Const");
  if (a_const == nullptr) {
    if (const json::object* cast = AsNodeOfType(value, "TypeCast")) {
      const json::value* arg = Field(*cast, "arg");
      return arg != nullptr ? ConstantOf(*arg) : std::nullopt;
    }
    return std::nullopt;
  }
  if (BoolField(*a_const, "isnull")) return Constant::Null();
  if (const json::object* ival = ObjectField(*a_const, "ival")) {
    if (!ival->contains("ival")) return std::nullopt;  // zero or negative: not recorded
    return Constant::Number(static_cast<double>(IntField(*ival, "ival")));
  }
  if (const json::object* fval = ObjectField(*a_const, "fval")) {
    std::string digits(StringField(*fval, "fval"));
    return Constant::Number(std::strtod(digits.c_str(), nullptr));
  }
  if (const json::object* sval = ObjectField(*a_const, "sval")) {
    return Constant::String(StringField(*sval, "sval"));
  }
  if (const json::object* boolval = ObjectField(*a_const, "boolval")) {
    return Constant::Bool(BoolField(*boolval, "boolval"));
  }
  return std::nullopt;
}

Reach FromTruth(bool truth) {
  return truth ? Reach::kAllRows : Reach::kNoRows;
}

// Folds `left op right` for two literals. nullopt when the answer is not certain.
std::optional<Reach> FoldComparison(std::string_view op, const Constant& left,
                                    const Constant& right) {
  if (left.kind == Constant::kNull || right.kind == Constant::kNull) {
    return Reach::kNoRows;  // a comparison with NULL is NULL, which selects nothing
  }
  if (left.kind != right.kind) return std::nullopt;  // implicit casts: do not guess
  int order = 0;
  switch (left.kind) {
    case Constant::kNumber:
      order = left.number < right.number ? -1 : left.number > right.number;
      break;
    case Constant::kString:
      if (op != "=" && op != "<>" && op != "!=") return std::nullopt;  // collation-dependent
      order = left.text == right.text ? 0 : 1;
      break;
    case Constant::kBool:
      if (op != "=" && op != "<>" && op != "!=") return std::nullopt;
      order = left.boolean == right.boolean ? 0 : 1;
      break;
    case Constant::kNull: return std::nullopt;
  }
  if (op == "=") return FromTruth(order == 0);
  if (op == "<>" || op == "!=") return FromTruth(order != 0);
  if (op == "<") return FromTruth(order < 0);
  if (op == "<=") return FromTruth(order <= 0);
  if (op == ">") return FromTruth(order > 0);
  if (op == ">=") return FromTruth(order >= 0);
  return std::nullopt;
}

bool IsReflexiveOp(std::string_view op) {
  return op == "=" || op == "<=" || op == ">=";
}
bool IsIrreflexiveOp(std::string_view op) {
  return op == "<>" || op == "!=" || op == "<" || op == ">";
}

// A LIKE pattern that matches every non-NULL string.
bool MatchesEverything(const json::value* pattern) {
  if (pattern == nullptr) return false;
  std::optional<Constant> constant = ConstantOf(*pattern);
  return constant && constant->kind == Constant::kString && !constant->text.empty() &&
         std::all_of(constant->text.begin(), constant->text.end(), [](char c) { return c == '%'; });
}

Reach Analyze(const json::value& condition, bool joins);

// Comparisons and other operator expressions (A_Expr).
Reach AnalyzeOperator(const json::object& expr, bool joins) {
  std::string_view kind = StringField(expr, "kind");
  std::string_view op = LastName(ArrayField(expr, "name"));
  const json::value* left = Field(expr, "lexpr");
  const json::value* right = Field(expr, "rexpr");
  Summary l = SummaryOf(left);
  Summary r = SummaryOf(right);

  if (left != nullptr && right != nullptr && !l.has_sublink && !r.has_sublink &&
      SameTree(*left, *right)) {
    // `x = x`: true for every row (the NULL rows aside, which is not a restriction anyone means).
    if (kind == "AEXPR_NOT_DISTINCT" || (kind == "AEXPR_OP" && IsReflexiveOp(op))) {
      return Reach::kAllRows;
    }
    if (kind == "AEXPR_DISTINCT" || (kind == "AEXPR_OP" && IsIrreflexiveOp(op))) {
      return Reach::kNoRows;
    }
  }
  if (l.row_independent() && r.row_independent()) {
    if (kind == "AEXPR_OP" && left != nullptr && right != nullptr) {
      std::optional<Constant> lc = ConstantOf(*left);
      std::optional<Constant> rc = ConstantOf(*right);
      if (lc && rc) {
        if (std::optional<Reach> folded = FoldComparison(op, *lc, *rc)) return *folded;
      }
    }
    return Reach::kAllRows;  // the same answer for every row: all or nothing
  }
  if ((kind == "AEXPR_LIKE" || kind == "AEXPR_ILIKE") && l.has_column && !r.has_column &&
      MatchesEverything(right)) {
    return Reach::kAllRows;
  }
  if (joins && l.has_column && r.has_column) {
    // Columns on both sides: a join condition unless they are one table's columns.
    bool one_table = !l.has_unqualified_column && !r.has_unqualified_column && !l.many_qualifiers &&
                     !r.many_qualifiers && l.qualifier == r.qualifier;
    if (!one_table) return Reach::kJoinOnly;
  }
  return Reach::kSelective;
}

Reach AnalyzeBoolExpr(const json::object& expr, bool joins) {
  std::string_view op = StringField(expr, "boolop");
  const json::array* args = ArrayField(expr, "args");
  if (args == nullptr || args->empty()) return Reach::kAllRows;
  if (op == "NOT_EXPR") {
    switch (Analyze(args->front(), joins)) {
      case Reach::kAllRows: return Reach::kNoRows;
      case Reach::kNoRows: return Reach::kAllRows;
      case Reach::kJoinOnly: return Reach::kJoinOnly;
      case Reach::kSelective: return Reach::kSelective;
    }
    return Reach::kAllRows;
  }
  if (op == "AND_EXPR") {
    Reach combined = Reach::kAllRows;
    for (const json::value& arg : *args) combined = BothHold(combined, Analyze(arg, joins));
    return combined;
  }
  // OR: one always-true branch opens everything; a join-only branch opens every joined row.
  bool any_join = false;
  bool any_selective = false;
  for (const json::value& arg : *args) {
    switch (Analyze(arg, joins)) {
      case Reach::kAllRows: return Reach::kAllRows;
      case Reach::kJoinOnly: any_join = true; break;
      case Reach::kSelective: any_selective = true; break;
      case Reach::kNoRows: break;
    }
  }
  if (any_join) return Reach::kJoinOnly;
  return any_selective ? Reach::kSelective : Reach::kNoRows;
}

Reach AnalyzeNullTest(const json::object& test) {
  const json::value* arg = Field(test, "arg");
  bool is_null = StringField(test, "nulltesttype") == "IS_NULL";
  Summary summary = SummaryOf(arg);
  if (summary.has_sublink) return Reach::kSelective;
  if (summary.has_column) return is_null ? Reach::kSelective : Reach::kAllRows;
  std::optional<Constant> constant = arg != nullptr ? ConstantOf(*arg) : std::nullopt;
  if (!constant) return Reach::kAllRows;
  return FromTruth((constant->kind == Constant::kNull) == is_null);
}

Reach AnalyzeSubLink(const json::object& sublink) {
  if (StringField(sublink, "subLinkType") != "EXISTS_SUBLINK") return Reach::kSelective;
  const json::value* subselect = Field(sublink, "subselect");
  const json::object* select =
      subselect != nullptr ? AsNodeOfType(*subselect, "SelectStmt") : nullptr;
  if (select == nullptr) return Reach::kSelective;
  // EXISTS over a query with no table and no filter always finds its row.
  bool trivially_true =
      !HasItems(*select, "fromClause") && Field(*select, "whereClause") == nullptr &&
      Field(*select, "havingClause") == nullptr && Field(*select, "limitCount") == nullptr &&
      !HasItems(*select, "valuesLists") && Field(*select, "larg") == nullptr;
  return trivially_true ? Reach::kAllRows : Reach::kSelective;
}

std::optional<bool> BoolWord(std::string_view word) {
  std::string lower;
  for (char c : word) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  if (lower == "t" || lower == "true" || lower == "yes" || lower == "y" || lower == "on" ||
      lower == "1") {
    return true;
  }
  if (lower == "f" || lower == "false" || lower == "no" || lower == "n" || lower == "off" ||
      lower == "0") {
    return false;
  }
  return std::nullopt;
}

Reach Analyze(const json::value& condition, bool joins) {
  std::optional<Node> node = AsNode(condition);
  if (!node) return Reach::kAllRows;
  const json::object& fields = *node->fields;
  if (node->type == "BoolExpr") return AnalyzeBoolExpr(fields, joins);
  if (node->type == "A_Expr") return AnalyzeOperator(fields, joins);
  if (node->type == "NullTest") return AnalyzeNullTest(fields);
  if (node->type == "SubLink") return AnalyzeSubLink(fields);
  if (node->type == "CurrentOfExpr") return Reach::kSelective;
  if (node->type == "A_Const") {
    std::optional<Constant> constant = ConstantOf(condition);
    if (constant && constant->kind == Constant::kBool) return FromTruth(constant->boolean);
    if (constant && constant->kind == Constant::kNull) return Reach::kNoRows;
    if (constant && constant->kind == Constant::kString) {
      std::optional<bool> truth = BoolWord(constant->text);  // WHERE 't'
      if (truth) return FromTruth(*truth);
    }
    return Reach::kAllRows;
  }
  if (node->type == "TypeCast") {
    std::optional<Constant> constant = ConstantOf(condition);
    if (constant && constant->kind == Constant::kString) {
      if (std::optional<bool> truth = BoolWord(constant->text)) return FromTruth(*truth);
    }
    if (constant && constant->kind == Constant::kBool) return FromTruth(constant->boolean);
  }
  // Any other expression (a boolean column, a function, IS TRUE...): it restricts when it
  // depends on the row, and is all-or-nothing otherwise.
  Summary summary;
  Summarize(condition, summary);
  return summary.row_independent() ? Reach::kAllRows : Reach::kSelective;
}

}  // namespace

Reach BothHold(Reach a, Reach b) {
  if (a == Reach::kNoRows || b == Reach::kNoRows) return Reach::kNoRows;
  if (a == Reach::kSelective || b == Reach::kSelective) return Reach::kSelective;
  if (a == Reach::kJoinOnly || b == Reach::kJoinOnly) return Reach::kJoinOnly;
  return Reach::kAllRows;
}

Reach AnalyzeCondition(const json::value* condition, bool joins) {
  return condition == nullptr ? Reach::kAllRows : Analyze(*condition, joins);
}

bool SourceRestricts(const json::value& source) {
  std::optional<Node> node = AsNode(source);
  if (!node) return false;
  if (node->type == "JoinExpr") {
    const json::value* left = Field(*node->fields, "larg");
    const json::value* right = Field(*node->fields, "rarg");
    return (left != nullptr && SourceRestricts(*left)) ||
           (right != nullptr && SourceRestricts(*right));
  }
  if (node->type != "RangeSubselect") return false;
  const json::value* subquery = Field(*node->fields, "subquery");
  const json::object* select =
      subquery != nullptr ? AsNodeOfType(*subquery, "SelectStmt") : nullptr;
  if (select == nullptr) return false;
  if (HasItems(*select, "valuesLists") || Field(*select, "limitCount") != nullptr) return true;
  bool joins = HasItems(*select, "fromClause") && ArrayField(*select, "fromClause")->size() > 1;
  return !IsBroad(AnalyzeCondition(Field(*select, "whereClause"), joins));
}

bool ChangesAllRows(const json::value* where, const json::array* sources) {
  bool joins = sources != nullptr && !sources->empty();
  Reach reach = AnalyzeCondition(where, joins);
  if (reach != Reach::kJoinOnly || sources == nullptr) return IsBroad(reach);
  return std::none_of(sources->begin(), sources->end(),
                      [](const json::value& source) { return SourceRestricts(source); });
}

}  // namespace drawbridge::classify::sql
