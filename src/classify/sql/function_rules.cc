#include "classify/sql/function_rules.h"

#include <array>
#include <string_view>

#include "classify/sql/json_node.h"

namespace drawbridge::classify::sql {
namespace {

namespace json = boost::json;

// Server-side effects outside the SQL data model: other sessions killed, server files read or
// written, large objects moved between the database and the server's file system, SQL run on
// another server.
constexpr std::array<std::string_view, 11> kCodeExecFunctions = {
    "dblink_exec",       "pg_terminate_backend",
    "pg_cancel_backend", "lo_import",
    "lo_export",         "lo_unlink",
    "pg_read_file",      "pg_read_binary_file",
    "pg_file_write",     "pg_file_unlink",
    "pg_file_rename",
};

bool IsCodeExecFunction(std::string_view name) {
  for (std::string_view known : kCodeExecFunctions) {
    if (name == known) return true;
  }
  return false;
}

// set_config(name, value, is_local) is SET in function form.
FactSet SetConfigFacts(const json::object& func_call) {
  const json::array* args = ArrayField(func_call, "args");
  const json::object* name_const =
      args != nullptr && !args->empty() ? AsNodeOfType(args->front(), "A_Const") : nullptr;
  const json::object* sval = name_const != nullptr ? ObjectField(*name_const, "sval") : nullptr;
  if (sval == nullptr) return {Fact::kSqlPrivilegeChange};  // a computed name: could be "role"
  std::string lower;
  for (char c : StringField(*sval, "sval")) {
    lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  }
  if (lower == "role" || lower == "session_authorization") return {Fact::kSqlPrivilegeChange};
  if (lower == "session_replication_role") return {Fact::kSqlConfigChange};
  return {};
}

}  // namespace

FactSet FunctionCallFacts(const json::object& func_call) {
  std::string_view name = LastName(ArrayField(func_call, "funcname"));
  if (IsCodeExecFunction(name)) return {Fact::kSqlCodeExec};
  if (name == "pg_reload_conf") return {Fact::kSqlConfigChange};
  if (name == "set_config") return SetConfigFacts(func_call);
  return {};
}

}  // namespace drawbridge::classify::sql
