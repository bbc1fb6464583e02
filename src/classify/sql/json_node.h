// Reading libpg_query's JSON parse tree.
//
// A node whose field is typed `Node*` is written wrapped, {"SelectStmt": {...}}; a field typed as a
// concrete struct (RangeVar *relation, SelectStmt *larg, FuncCall *funccall) is written bare, and
// fields holding their default (false, 0, NULL) are left out. These helpers hide both habits.
// Pure functions over borrowed JSON values; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string_view>

namespace drawbridge::classify::sql {

// A wrapped node: its type name ("DeleteStmt") and its fields.
struct Node {
  std::string_view type;
  const boost::json::object* fields;
};

// The node a value holds, if it is a wrapped node (an object with one key naming a node type).
std::optional<Node> AsNode(const boost::json::value& value);
// Same, but only when the node has the given type.
const boost::json::object* AsNodeOfType(const boost::json::value& value, std::string_view type);

// Field accessors that read an absent field as its default.
const boost::json::value* Field(const boost::json::object& fields, std::string_view name);
const boost::json::object* ObjectField(const boost::json::object& fields, std::string_view name);
const boost::json::array* ArrayField(const boost::json::object& fields, std::string_view name);
std::string_view StringField(const boost::json::object& fields, std::string_view name);
bool BoolField(const boost::json::object& fields, std::string_view name);
int64_t IntField(const boost::json::object& fields, std::string_view name);
bool HasItems(const boost::json::object& fields, std::string_view name);

// The text of a {"String": {"sval": ...}} node; empty for anything else.
std::string_view StringNodeValue(const boost::json::value& value);
// The last element of a name list (["pg_catalog", "pg_terminate_backend"] -> the function name).
std::string_view LastName(const boost::json::array* names);

// Whether an option list ([{"DefElem": {"defname": ..., "arg": ...}}]) turns `name` on. An option
// written without a value is on; "false", "off", "no", "0" and a false Boolean or zero Integer are
// off. Absent means off.
bool OptionEnabled(const boost::json::array* options, std::string_view name);
// The argument of option `name` as text (a String or TypeName-free identifier); empty if absent.
std::string_view OptionString(const boost::json::array* options, std::string_view name);

// Whether a key is one of the positions libpg_query records ("location", "stmt_location",
// "stmt_len"): they say where text was, not what it means.
bool IsPositionKey(std::string_view key);

// Structural equality of two subtrees, positions ignored: `x = x` compares its sides with this.
// An integer constant whose value the tree does not show (an empty "ival") equals nothing.
bool SameTree(const boost::json::value& a, const boost::json::value& b);

}  // namespace drawbridge::classify::sql
