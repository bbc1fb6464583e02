#include "classify/sql/statement_walker.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "classify/sql/ddl_rules.h"
#include "classify/sql/function_rules.h"
#include "classify/sql/where_analysis.h"

namespace drawbridge::classify::sql {
namespace {

namespace json = boost::json;

enum class Rule {
  kSelect,
  kInsert,
  kUpdate,
  kDelete,
  kMerge,
  kTruncate,
  kCopy,
  kCall,
  kFuncCall,
  kRead,     // SHOW, FETCH
  kWrite,    // REFRESH MATERIALIZED VIEW
  kNoLabel,  // transaction control, cursors, LISTEN/NOTIFY, CHECKPOINT, DISCARD...
  kExplain,
  kPrepare,
  kExecute,
  kDeallocate,
  kDrop,
  kDropDatabase,
  kDropOwned,
  kCreateTable,
  kCreateTableAs,
  kIndex,
  kAlterTable,
  kAlterTableMoveAll,
  kReindex,
  kCluster,
  kVacuum,
  kLock,
  kCreateFunction,
  kAlterFunction,
  kCodeExec,     // DO, LOAD
  kDdlCodeExec,  // CREATE EXTENSION / LANGUAGE, ALTER EXTENSION ... UPDATE
  kPrivilege,    // GRANT, REVOKE, roles, owners
  kConfig,       // ALTER SYSTEM, ALTER DATABASE, ALTER ROLE/DATABASE ... SET
  kVariableSet,
  kRename,
};

const std::unordered_map<std::string_view, Rule>& Rules() {
  static const auto* rules = new std::unordered_map<std::string_view, Rule>{
      {"SelectStmt", Rule::kSelect},
      {"InsertStmt", Rule::kInsert},
      {"UpdateStmt", Rule::kUpdate},
      {"DeleteStmt", Rule::kDelete},
      {"MergeStmt", Rule::kMerge},
      {"TruncateStmt", Rule::kTruncate},
      {"CopyStmt", Rule::kCopy},
      {"CallStmt", Rule::kCall},
      {"FuncCall", Rule::kFuncCall},
      {"VariableShowStmt", Rule::kRead},
      {"FetchStmt", Rule::kRead},
      {"RefreshMatViewStmt", Rule::kWrite},
      {"TransactionStmt", Rule::kNoLabel},
      {"DeclareCursorStmt", Rule::kNoLabel},
      {"ClosePortalStmt", Rule::kNoLabel},
      {"ListenStmt", Rule::kNoLabel},
      {"UnlistenStmt", Rule::kNoLabel},
      {"NotifyStmt", Rule::kNoLabel},
      {"CheckPointStmt", Rule::kNoLabel},
      {"DiscardStmt", Rule::kNoLabel},
      {"ConstraintsSetStmt", Rule::kNoLabel},
      {"ExplainStmt", Rule::kExplain},
      {"PrepareStmt", Rule::kPrepare},
      {"ExecuteStmt", Rule::kExecute},
      {"DeallocateStmt", Rule::kDeallocate},
      {"DropStmt", Rule::kDrop},
      {"DropTableSpaceStmt", Rule::kDrop},
      {"DropSubscriptionStmt", Rule::kDrop},
      {"DropUserMappingStmt", Rule::kDrop},
      {"DropdbStmt", Rule::kDropDatabase},
      {"DropOwnedStmt", Rule::kDropOwned},
      {"CreateStmt", Rule::kCreateTable},
      {"CreateTableAsStmt", Rule::kCreateTableAs},
      {"IndexStmt", Rule::kIndex},
      {"AlterTableStmt", Rule::kAlterTable},
      {"AlterTableMoveAllStmt", Rule::kAlterTableMoveAll},
      {"ReindexStmt", Rule::kReindex},
      {"ClusterStmt", Rule::kCluster},
      {"VacuumStmt", Rule::kVacuum},
      {"LockStmt", Rule::kLock},
      {"CreateFunctionStmt", Rule::kCreateFunction},
      {"AlterFunctionStmt", Rule::kAlterFunction},
      {"DoStmt", Rule::kCodeExec},
      {"LoadStmt", Rule::kCodeExec},
      {"CreateExtensionStmt", Rule::kDdlCodeExec},
      {"AlterExtensionStmt", Rule::kDdlCodeExec},
      {"CreatePLangStmt", Rule::kDdlCodeExec},
      {"GrantStmt", Rule::kPrivilege},
      {"GrantRoleStmt", Rule::kPrivilege},
      {"AlterDefaultPrivilegesStmt", Rule::kPrivilege},
      {"CreateRoleStmt", Rule::kPrivilege},
      {"AlterRoleStmt", Rule::kPrivilege},
      {"DropRoleStmt", Rule::kPrivilege},
      {"ReassignOwnedStmt", Rule::kPrivilege},
      {"AlterOwnerStmt", Rule::kPrivilege},
      {"AlterSystemStmt", Rule::kConfig},
      {"AlterDatabaseStmt", Rule::kConfig},
      {"AlterDatabaseSetStmt", Rule::kConfig},
      {"AlterRoleSetStmt", Rule::kConfig},
      {"VariableSetStmt", Rule::kVariableSet},
      {"RenameStmt", Rule::kRename},
  };
  return *rules;
}

// PostgreSQL's AccessExclusiveLock, LOCK TABLE's default mode.
constexpr int64_t kAccessExclusiveLock = 8;

// SET of a name that changes who the session is or which rules bind it.
FactSet VariableSetFacts(const json::object& set) {
  std::string_view kind = StringField(set, "kind");
  if (kind == "VAR_RESET" || kind == "VAR_RESET_ALL") return {};
  std::string_view name = StringField(set, "name");
  if (name == "role" || name == "session_authorization") return {Fact::kSqlPrivilegeChange};
  if (name == "session_replication_role") return {Fact::kSqlConfigChange};  // skips triggers, FKs
  return {};
}

std::string_view Relname(const json::object* relation) {
  return relation != nullptr ? StringField(*relation, "relname") : std::string_view();
}

}  // namespace

FactSet StatementWalker::Classify(const json::value& statement) {
  facts_ = {};
  Visit(statement);
  return facts_;
}

void StatementWalker::Visit(const json::value& value) {
  if (const json::array* items = value.if_array()) {
    for (const json::value& item : *items) Visit(item);
    return;
  }
  const json::object* object = value.if_object();
  if (object == nullptr) return;
  if (std::optional<Node> node = AsNode(value)) {
    if (!ApplyRules(*node)) return;
    object = node->fields;
  }
  for (const auto& entry : *object) {
    const json::value& child = entry.value();
    if (child.is_object() || child.is_array()) Visit(child);
  }
}

bool StatementWalker::ApplyRules(const Node& node) {
  const auto& rules = Rules();
  auto rule = rules.find(node.type);
  const json::object& fields = *node.fields;
  if (rule == rules.end()) {
    // Statement types without a rule of their own are schema changes (CREATE VIEW, COMMENT ON,
    // CREATE TYPE, ...). Expression nodes carry no facts of their own.
    if (node.type.ends_with("Stmt")) facts_.Add(Fact::kSqlDdl);
    return true;
  }
  switch (rule->second) {
    case Rule::kSelect:
      // A bare VALUES list (INSERT ... VALUES, FROM (VALUES ...)) reads no table.
      if (!HasItems(fields, "valuesLists")) facts_.Add(Fact::kSqlRead);
      if (const json::object* into = ObjectField(fields, "intoClause")) {  // SELECT ... INTO t
        facts_.Add({Fact::kSqlWrite, Fact::kSqlDdl});
        RememberCreatedTable(ObjectField(*into, "rel"), false);
      }
      return true;
    case Rule::kInsert: facts_.Add(Fact::kSqlWrite); return true;
    case Rule::kUpdate:
      facts_.Add(Fact::kSqlWrite);
      if (ChangesAllRows(Field(fields, "whereClause"), ArrayField(fields, "fromClause"))) {
        facts_.Add(Fact::kSqlUpdateAll);
      }
      return true;
    case Rule::kDelete:
      facts_.Add(Fact::kSqlWrite);
      if (ChangesAllRows(Field(fields, "whereClause"), ArrayField(fields, "usingClause"))) {
        facts_.Add(Fact::kSqlDeleteAll);
      }
      return true;
    case Rule::kMerge: {
      facts_.Add(Fact::kSqlWrite);
      const json::value* source = Field(fields, "sourceRelation");
      if (source != nullptr && SourceRestricts(*source)) return true;
      Reach join = AnalyzeCondition(Field(fields, "joinCondition"), true);
      if (const json::array* clauses = ArrayField(fields, "mergeWhenClauses")) {
        for (const json::value& item : *clauses) {
          const json::object* clause = AsNodeOfType(item, "MergeWhenClause");
          if (clause == nullptr) continue;
          Reach reach = BothHold(join, AnalyzeCondition(Field(*clause, "condition"), true));
          if (!IsBroad(reach)) continue;
          std::string_view command = StringField(*clause, "commandType");
          if (command == "CMD_UPDATE") facts_.Add(Fact::kSqlUpdateAll);
          if (command == "CMD_DELETE") facts_.Add(Fact::kSqlDeleteAll);
        }
      }
      return true;
    }
    case Rule::kTruncate: facts_.Add({Fact::kSqlTruncate, Fact::kSqlWrite}); return true;
    case Rule::kCopy: ApplyCopy(fields); return true;
    case Rule::kCall:
      facts_.Add(Fact::kSqlWrite);  // a procedure may change anything
      if (const json::object* call = ObjectField(fields, "funccall")) {
        facts_.Add(FunctionCallFacts(*call));
      }
      return true;
    case Rule::kFuncCall: facts_.Add(FunctionCallFacts(fields)); return true;
    case Rule::kRead: facts_.Add(Fact::kSqlRead); return true;
    case Rule::kWrite: facts_.Add(Fact::kSqlWrite); return true;
    case Rule::kNoLabel: return true;
    case Rule::kExplain:
      // Plain EXPLAIN only plans; EXPLAIN ANALYZE runs the statement.
      if (OptionEnabled(ArrayField(fields, "options"), "analyze")) {
        if (const json::value* query = Field(fields, "query")) Visit(*query);
      } else {
        facts_.Add(Fact::kSqlRead);
      }
      return false;
    case Rule::kPrepare: return ApplyPrepare(fields);
    case Rule::kExecute: ApplyExecute(fields); return true;
    case Rule::kDeallocate: ApplyDeallocate(fields); return true;
    case Rule::kDrop: facts_.Add({Fact::kSqlDrop, Fact::kSqlDdl}); return true;
    case Rule::kDropDatabase:
      facts_.Add({Fact::kSqlDropDatabase, Fact::kSqlDrop, Fact::kSqlDdl});
      return true;
    case Rule::kDropOwned:
      facts_.Add({Fact::kSqlDrop, Fact::kSqlPrivilegeChange, Fact::kSqlDdl});
      return true;
    case Rule::kCreateTable:
      facts_.Add(Fact::kSqlDdl);
      RememberCreatedTable(ObjectField(fields, "relation"), BoolField(fields, "if_not_exists"));
      return true;
    case Rule::kCreateTableAs: {
      facts_.Add({Fact::kSqlDdl, Fact::kSqlWrite});
      const json::object* into = ObjectField(fields, "into");
      RememberCreatedTable(into != nullptr ? ObjectField(*into, "rel") : nullptr,
                           BoolField(fields, "if_not_exists"));
      return true;
    }
    case Rule::kIndex:
      facts_.Add(Fact::kSqlDdl);
      if (!BoolField(fields, "concurrent") && !IsCreatedTable(ObjectField(fields, "relation"))) {
        facts_.Add(Fact::kSqlLockHeavyDdl);
      }
      return true;
    case Rule::kAlterTable:
      facts_.Add(AlterTableFacts(fields, IsCreatedTable(ObjectField(fields, "relation"))));
      return true;
    case Rule::kAlterTableMoveAll: facts_.Add({Fact::kSqlDdl, Fact::kSqlLockHeavyDdl}); return true;
    case Rule::kReindex:
      if (!OptionEnabled(ArrayField(fields, "params"), "concurrently")) {
        facts_.Add(Fact::kSqlLockHeavyDdl);
      }
      return true;
    case Rule::kCluster: facts_.Add(Fact::kSqlLockHeavyDdl); return true;
    case Rule::kVacuum:
      if (OptionEnabled(ArrayField(fields, "options"), "full")) facts_.Add(Fact::kSqlLockHeavyDdl);
      return true;
    case Rule::kLock: {
      int64_t mode = IntField(fields, "mode");
      if (mode == 0 || mode >= kAccessExclusiveLock) facts_.Add(Fact::kSqlLockHeavyDdl);
      return true;
    }
    case Rule::kCreateFunction: facts_.Add(CreateFunctionFacts(fields)); return true;
    case Rule::kAlterFunction: facts_.Add(AlterFunctionFacts(fields)); return true;
    case Rule::kCodeExec: facts_.Add(Fact::kSqlCodeExec); return true;
    case Rule::kDdlCodeExec: facts_.Add({Fact::kSqlCodeExec, Fact::kSqlDdl}); return true;
    case Rule::kPrivilege: facts_.Add(Fact::kSqlPrivilegeChange); return true;
    case Rule::kConfig: facts_.Add(Fact::kSqlConfigChange); return true;
    case Rule::kVariableSet: facts_.Add(VariableSetFacts(fields)); return true;
    case Rule::kRename:
      facts_.Add(Fact::kSqlDdl);
      if (StringField(fields, "renameType") == "OBJECT_ROLE") facts_.Add(Fact::kSqlPrivilegeChange);
      return true;
  }
  return true;
}

bool StatementWalker::ApplyPrepare(const json::object& prepare) {
  // PREPARE runs nothing yet, but it carries the label of what it holds, and so does a later
  // EXECUTE of it.
  FactSet outer = std::exchange(facts_, FactSet{});
  if (const json::value* query = Field(prepare, "query")) Visit(*query);
  FactSet prepared = std::exchange(facts_, outer);
  facts_.Add(prepared);
  std::string name(StringField(prepare, "name"));
  auto known = std::find_if(prepared_.begin(), prepared_.end(),
                            [&](const auto& entry) { return entry.first == name; });
  if (known != prepared_.end()) {
    known->second = prepared;
  } else {
    prepared_.emplace_back(std::move(name), prepared);
  }
  return false;
}

void StatementWalker::ApplyExecute(const json::object& execute) {
  std::string_view name = StringField(execute, "name");
  auto known = std::find_if(prepared_.begin(), prepared_.end(),
                            [&](const auto& entry) { return entry.first == name; });
  // A statement prepared elsewhere runs something this string does not show: fail closed.
  facts_.Add(known != prepared_.end() ? known->second : FactSet{Fact::kSqlCodeExec});
}

void StatementWalker::ApplyDeallocate(const json::object& deallocate) {
  std::string_view name = StringField(deallocate, "name");
  if (name.empty()) {  // DEALLOCATE ALL
    prepared_.clear();
    return;
  }
  std::erase_if(prepared_, [&](const auto& entry) { return entry.first == name; });
}

void StatementWalker::ApplyCopy(const json::object& copy) {
  bool from = BoolField(copy, "is_from");
  bool program = BoolField(copy, "is_program");
  // No file name means STDIN / STDOUT: the data travels over the client connection.
  bool server_side = !StringField(copy, "filename").empty() || program;
  if (from) {
    facts_.Add(Fact::kSqlWrite);
    if (server_side) facts_.Add(Fact::kSqlCodeExec);  // runs a program or reads server files
  } else {
    facts_.Add(Fact::kSqlRead);
    if (server_side) facts_.Add(Fact::kSqlDataExport);
    if (program) facts_.Add(Fact::kSqlCodeExec);  // TO PROGRAM also runs a shell command
  }
}

void StatementWalker::RememberCreatedTable(const json::object* relation, bool if_not_exists) {
  // CREATE TABLE IF NOT EXISTS may find the table already there, full of rows.
  if (relation == nullptr || if_not_exists) return;
  created_tables_.emplace_back(std::string(StringField(*relation, "schemaname")),
                               std::string(Relname(relation)));
}

bool StatementWalker::IsCreatedTable(const json::object* relation) const {
  std::string_view name = Relname(relation);
  if (name.empty()) return false;
  std::string_view schema = StringField(*relation, "schemaname");
  return std::any_of(created_tables_.begin(), created_tables_.end(), [&](const auto& created) {
    bool same_schema = schema.empty() || created.first.empty() || created.first == schema;
    return same_schema && created.second == name;
  });
}

}  // namespace drawbridge::classify::sql
