// Facts: what a classifier found in a payload (SQL text, a command line, an HTTP request).
//
// Guardrails match on facts, never on raw text. A FactSet is a 64-bit mask so that matching a
// guardrail against a classified payload is one AND. Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drawbridge {

// The order is part of nothing external: names are the stable form (see FactName).
enum class Fact : uint8_t {
  // SQL (PostgreSQL), see docs/classifiers/SQL.md.
  kSqlDrop,
  kSqlDropDatabase,
  kSqlTruncate,
  kSqlDeleteAll,
  kSqlUpdateAll,
  kSqlAlterDestructive,
  kSqlLockHeavyDdl,
  kSqlPrivilegeChange,
  kSqlConfigChange,
  kSqlDataExport,
  kSqlCodeExec,
  kSqlRead,
  kSqlWrite,
  kSqlDdl,
  // Shell command lines.
  kShellRecursiveDelete,
  kShellDiskFormat,
  kShellDeviceOverwrite,
  kShellPermissionChange,
  kShellVcsHistoryRewrite,
  kShellInfraDestroy,
  kShellK8sDestructive,
  kShellCloudDestructive,
  kShellContainerDestructive,
  kShellDbDestructive,
  kShellRemoteCodeExec,
  kShellSystemPower,
  kShellPackageRemoval,
  // HTTP requests.
  kHttpMethodGet,
  kHttpMethodHead,
  kHttpMethodPost,
  kHttpMethodPut,
  kHttpMethodPatch,
  kHttpMethodDelete,
  kHttpMethodOptions,
  kHttpMethodOther,
  kHttpWrite,  // any method other than GET, HEAD, OPTIONS
  // Any payload that could not be parsed. Always dangerous (fail closed).
  kUnparseable,
  kCount_,
};

static_assert(static_cast<int>(Fact::kCount_) <= 64, "FactSet is a 64-bit mask");

class FactSet {
 public:
  constexpr FactSet() = default;
  constexpr explicit FactSet(uint64_t bits) : bits_(bits) {}
  constexpr FactSet(std::initializer_list<Fact> facts) {
    for (Fact f : facts) Add(f);
  }

  constexpr void Add(Fact f) { bits_ |= Bit(f); }
  constexpr void Add(FactSet other) { bits_ |= other.bits_; }
  constexpr bool Has(Fact f) const { return (bits_ & Bit(f)) != 0; }
  constexpr bool Intersects(FactSet other) const { return (bits_ & other.bits_) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr uint64_t bits() const { return bits_; }
  constexpr bool operator==(const FactSet&) const = default;

  // Facts in enum order.
  std::vector<Fact> ToVector() const;

 private:
  static constexpr uint64_t Bit(Fact f) { return uint64_t{1} << static_cast<unsigned>(f); }
  uint64_t bits_ = 0;
};

// "sql.drop", "shell.k8s_destructive", "http.method.delete", "unparseable".
std::string_view FactName(Fact fact);
// Short name within its family, as written in a policy: "drop", "k8s_destructive", "delete".
std::string_view FactShortName(Fact fact);
// Parses a full name ("sql.drop").
std::optional<Fact> ParseFact(std::string_view name);
// Parses a short name of one family: family is "sql", "shell" or "http".
std::optional<Fact> ParseFactShortName(std::string_view family, std::string_view short_name);
// All short names of a family, for "did you mean" and docs.
std::vector<std::string_view> FactShortNames(std::string_view family);

// Facts that DANGER.md calls dangerous (everything except sql.read/write/ddl and the HTTP method
// facts), plus kUnparseable.
FactSet DangerousFacts();
inline bool IsDangerous(FactSet facts) {
  return facts.Intersects(DangerousFacts());
}

// Names of the facts in a set, for explanations and JSON output.
std::vector<std::string> FactNames(FactSet facts);

}  // namespace drawbridge
