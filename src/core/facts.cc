#include "drawbridge/facts.h"

#include <array>

namespace drawbridge {
namespace {

struct FactInfo {
  Fact fact;
  std::string_view name;        // full, stable name
  std::string_view family;      // "sql", "shell", "http" or ""
  std::string_view short_name;  // as written in a policy
  bool dangerous;
};

constexpr std::array<FactInfo, static_cast<size_t>(Fact::kCount_)> kFacts{{
    {Fact::kSqlDrop, "sql.drop", "sql", "drop", true},
    {Fact::kSqlDropDatabase, "sql.drop_database", "sql", "drop_database", true},
    {Fact::kSqlTruncate, "sql.truncate", "sql", "truncate", true},
    {Fact::kSqlDeleteAll, "sql.delete_all", "sql", "delete_all", true},
    {Fact::kSqlUpdateAll, "sql.update_all", "sql", "update_all", true},
    {Fact::kSqlAlterDestructive, "sql.alter_destructive", "sql", "alter_destructive", true},
    {Fact::kSqlLockHeavyDdl, "sql.lock_heavy_ddl", "sql", "lock_heavy_ddl", true},
    {Fact::kSqlPrivilegeChange, "sql.privilege_change", "sql", "privilege_change", true},
    {Fact::kSqlConfigChange, "sql.config_change", "sql", "config_change", true},
    {Fact::kSqlDataExport, "sql.data_export", "sql", "data_export", true},
    {Fact::kSqlCodeExec, "sql.code_exec", "sql", "code_exec", true},
    {Fact::kSqlRead, "sql.read", "sql", "read", false},
    {Fact::kSqlWrite, "sql.write", "sql", "write", false},
    {Fact::kSqlDdl, "sql.ddl", "sql", "ddl", false},
    {Fact::kShellRecursiveDelete, "shell.recursive_delete", "shell", "recursive_delete", true},
    {Fact::kShellDiskFormat, "shell.disk_format", "shell", "disk_format", true},
    {Fact::kShellDeviceOverwrite, "shell.device_overwrite", "shell", "device_overwrite", true},
    {Fact::kShellPermissionChange, "shell.permission_change", "shell", "permission_change", true},
    {Fact::kShellVcsHistoryRewrite, "shell.vcs_history_rewrite", "shell", "vcs_history_rewrite",
     true},
    {Fact::kShellInfraDestroy, "shell.infra_destroy", "shell", "infra_destroy", true},
    {Fact::kShellK8sDestructive, "shell.k8s_destructive", "shell", "k8s_destructive", true},
    {Fact::kShellCloudDestructive, "shell.cloud_destructive", "shell", "cloud_destructive", true},
    {Fact::kShellContainerDestructive, "shell.container_destructive", "shell",
     "container_destructive", true},
    {Fact::kShellDbDestructive, "shell.db_destructive", "shell", "db_destructive", true},
    {Fact::kShellRemoteCodeExec, "shell.remote_code_exec", "shell", "remote_code_exec", true},
    {Fact::kShellSystemPower, "shell.system_power", "shell", "system_power", true},
    {Fact::kShellPackageRemoval, "shell.package_removal", "shell", "package_removal", true},
    {Fact::kHttpMethodGet, "http.method.get", "http", "get", false},
    {Fact::kHttpMethodHead, "http.method.head", "http", "head", false},
    {Fact::kHttpMethodPost, "http.method.post", "http", "post", false},
    {Fact::kHttpMethodPut, "http.method.put", "http", "put", false},
    {Fact::kHttpMethodPatch, "http.method.patch", "http", "patch", false},
    {Fact::kHttpMethodDelete, "http.method.delete", "http", "delete", false},
    {Fact::kHttpMethodOptions, "http.method.options", "http", "options", false},
    {Fact::kHttpMethodOther, "http.method.other", "http", "other", false},
    {Fact::kHttpWrite, "http.write", "http", "write", false},
    {Fact::kUnparseable, "unparseable", "", "unparseable", true},
}};

constexpr bool TableIsInEnumOrder() {
  for (size_t i = 0; i < kFacts.size(); ++i) {
    if (static_cast<size_t>(kFacts[i].fact) != i) return false;
  }
  return true;
}
static_assert(TableIsInEnumOrder(), "kFacts must list facts in enum order");

const FactInfo& Info(Fact fact) {
  return kFacts[static_cast<size_t>(fact)];
}

}  // namespace

std::vector<Fact> FactSet::ToVector() const {
  std::vector<Fact> out;
  for (const FactInfo& info : kFacts) {
    if (Has(info.fact)) out.push_back(info.fact);
  }
  return out;
}

std::string_view FactName(Fact fact) {
  return Info(fact).name;
}
std::string_view FactShortName(Fact fact) {
  return Info(fact).short_name;
}

std::optional<Fact> ParseFact(std::string_view name) {
  for (const FactInfo& info : kFacts) {
    if (info.name == name) return info.fact;
  }
  return std::nullopt;
}

std::optional<Fact> ParseFactShortName(std::string_view family, std::string_view short_name) {
  for (const FactInfo& info : kFacts) {
    if ((info.family == family || info.family.empty()) && info.short_name == short_name) {
      return info.fact;
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> FactShortNames(std::string_view family) {
  std::vector<std::string_view> out;
  for (const FactInfo& info : kFacts) {
    if (info.family == family) out.push_back(info.short_name);
  }
  return out;
}

FactSet DangerousFacts() {
  static const FactSet kDangerous = [] {
    FactSet set;
    for (const FactInfo& info : kFacts) {
      if (info.dangerous) set.Add(info.fact);
    }
    return set;
  }();
  return kDangerous;
}

std::vector<std::string> FactNames(FactSet facts) {
  std::vector<std::string> out;
  for (Fact f : facts.ToVector()) out.emplace_back(FactName(f));
  return out;
}

}  // namespace drawbridge
