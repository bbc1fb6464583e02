#include "classify/sql/ddl_rules.h"

#include <array>
#include <string>
#include <string_view>

#include "classify/sql/json_node.h"

namespace drawbridge::classify::sql {
namespace {

namespace json = boost::json;

template <size_t N>
bool OneOf(std::string_view value, const std::array<std::string_view, N>& set) {
  for (std::string_view item : set) {
    if (value == item) return true;
  }
  return false;
}

// Sub-commands that lose data or integrity guarantees.
constexpr std::array<std::string_view, 5> kDestructiveSubcommands = {
    "AT_DropColumn",      "AT_DropConstraint",          "AT_DropIdentity",
    "AT_DetachPartition", "AT_DetachPartitionFinalize",
};

// Sub-commands that hold ACCESS EXCLUSIVE while they rewrite or scan the whole table.
constexpr std::array<std::string_view, 6> kLockHeavySubcommands = {
    "AT_AlterColumnType", "AT_SetNotNull",  "AT_SetTableSpace",
    "AT_SetLogged",       "AT_SetUnLogged", "AT_SetAccessMethod",
};

// Sub-commands that open or weaken access.
constexpr std::array<std::string_view, 3> kPrivilegeSubcommands = {
    "AT_ChangeOwner", "AT_DisableRowSecurity", "AT_NoForceRowSecurity"};

// Volatile defaults force ADD COLUMN to rewrite the table (PostgreSQL 11+ stores constant and
// stable defaults without a rewrite).
constexpr std::array<std::string_view, 9> kVolatileFunctions = {
    "random",           "random_normal",      "gen_random_uuid",
    "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
    "clock_timestamp",  "timeofday",          "nextval",
};

constexpr std::array<std::string_view, 6> kSerialTypes = {"serial",  "serial4",     "bigserial",
                                                          "serial8", "smallserial", "serial2"};

bool CallsVolatileFunction(const json::value& value) {
  if (const json::array* items = value.if_array()) {
    for (const json::value& item : *items) {
      if (CallsVolatileFunction(item)) return true;
    }
    return false;
  }
  const json::object* object = value.if_object();
  if (object == nullptr) return false;
  if (const json::object* call = AsNodeOfType(value, "FuncCall")) {
    if (OneOf(LastName(ArrayField(*call, "funcname")), kVolatileFunctions)) return true;
  }
  for (const auto& entry : *object) {
    if (CallsVolatileFunction(entry.value())) return true;
  }
  return false;
}

// A constraint that builds a new index under the table lock (not `USING INDEX` an existing one).
bool BuildsIndex(const json::object& constraint) {
  std::string_view type = StringField(constraint, "contype");
  bool index_backed =
      type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE" || type == "CONSTR_EXCLUSION";
  return index_backed && StringField(constraint, "indexname").empty();
}

// ADD COLUMN that rewrites the table or builds an index: serial types, volatile defaults, stored
// generated columns, identity columns, inline PRIMARY KEY / UNIQUE.
bool AddColumnIsHeavy(const json::object& column_def) {
  const json::object* type_name = ObjectField(column_def, "typeName");
  if (type_name != nullptr && OneOf(LastName(ArrayField(*type_name, "names")), kSerialTypes)) {
    return true;
  }
  const json::array* constraints = ArrayField(column_def, "constraints");
  if (constraints == nullptr) return false;
  for (const json::value& item : *constraints) {
    const json::object* constraint = AsNodeOfType(item, "Constraint");
    if (constraint == nullptr) continue;
    std::string_view type = StringField(*constraint, "contype");
    if (type == "CONSTR_GENERATED" || type == "CONSTR_IDENTITY" || BuildsIndex(*constraint)) {
      return true;
    }
    const json::value* expr = Field(*constraint, "raw_expr");
    if (type == "CONSTR_DEFAULT" && expr != nullptr && CallsVolatileFunction(*expr)) return true;
  }
  return false;
}

bool SubcommandIsHeavy(std::string_view subtype, const json::object& command) {
  if (OneOf(subtype, kLockHeavySubcommands)) return true;
  const json::value* def = Field(command, "def");
  if (def == nullptr) return false;
  if (subtype == "AT_AddColumn") {
    const json::object* column_def = AsNodeOfType(*def, "ColumnDef");
    return column_def != nullptr && AddColumnIsHeavy(*column_def);
  }
  if (subtype == "AT_AddConstraint") {
    const json::object* constraint = AsNodeOfType(*def, "Constraint");
    return constraint != nullptr && BuildsIndex(*constraint);
  }
  return false;
}

std::string Lowercase(std::string_view text) {
  std::string lower;
  lower.reserve(text.size());
  for (char c : text) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  return lower;
}

// Languages that cannot reach outside the database (PostgreSQL's trusted languages). Anything
// else — C, internal, plpython3u, plperlu, an unknown name — can run arbitrary code.
constexpr std::array<std::string_view, 7> kTrustedLanguages = {"sql",  "plpgsql", "plperl", "pltcl",
                                                               "plv8", "pllua",   "plrust"};

// A function option list's `SECURITY DEFINER`.
bool RunsAsDefiner(const json::array* options) {
  return OptionEnabled(options, "security");
}

}  // namespace

FactSet AlterTableFacts(const json::object& alter_table, bool table_is_new) {
  FactSet facts{Fact::kSqlDdl};
  const json::array* commands = ArrayField(alter_table, "cmds");
  if (commands == nullptr) return facts;
  for (const json::value& item : *commands) {
    const json::object* command = AsNodeOfType(item, "AlterTableCmd");
    if (command == nullptr) continue;
    std::string_view subtype = StringField(*command, "subtype");
    if (OneOf(subtype, kDestructiveSubcommands)) facts.Add(Fact::kSqlAlterDestructive);
    if (OneOf(subtype, kPrivilegeSubcommands)) facts.Add(Fact::kSqlPrivilegeChange);
    if (!table_is_new && SubcommandIsHeavy(subtype, *command)) facts.Add(Fact::kSqlLockHeavyDdl);
  }
  return facts;
}

FactSet CreateFunctionFacts(const json::object& create_function) {
  FactSet facts{Fact::kSqlDdl};
  const json::array* options = ArrayField(create_function, "options");
  std::string_view language = OptionString(options, "language");
  if (!language.empty() && !OneOf(Lowercase(language), kTrustedLanguages)) {
    facts.Add(Fact::kSqlCodeExec);
  }
  if (RunsAsDefiner(options)) facts.Add(Fact::kSqlPrivilegeChange);
  return facts;
}

FactSet AlterFunctionFacts(const json::object& alter_function) {
  FactSet facts{Fact::kSqlDdl};
  if (RunsAsDefiner(ArrayField(alter_function, "actions"))) facts.Add(Fact::kSqlPrivilegeChange);
  return facts;
}

}  // namespace drawbridge::classify::sql
