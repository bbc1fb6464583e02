// Table-driven SQL classification cases: a statement, whether it is dangerous, and exactly which
// facts it carries. Shared by the case files of classify_sql_test.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "drawbridge/classify.h"
#include "drawbridge/facts.h"

namespace drawbridge::classify::sql_test {

struct SqlCase {
  const char* sql;
  bool dangerous;
  FactSet facts;
};

inline void PrintTo(const SqlCase& c, std::ostream* os) {
  *os << "\"" << c.sql << "\"";
}

// Short names so that a table row reads like the rule it pins.
inline constexpr Fact kDrop = Fact::kSqlDrop;
inline constexpr Fact kDropDatabase = Fact::kSqlDropDatabase;
inline constexpr Fact kTruncate = Fact::kSqlTruncate;
inline constexpr Fact kDeleteAll = Fact::kSqlDeleteAll;
inline constexpr Fact kUpdateAll = Fact::kSqlUpdateAll;
inline constexpr Fact kAlterDestructive = Fact::kSqlAlterDestructive;
inline constexpr Fact kLockHeavy = Fact::kSqlLockHeavyDdl;
inline constexpr Fact kPrivilege = Fact::kSqlPrivilegeChange;
inline constexpr Fact kConfig = Fact::kSqlConfigChange;
inline constexpr Fact kExport = Fact::kSqlDataExport;
inline constexpr Fact kCodeExec = Fact::kSqlCodeExec;
inline constexpr Fact kRead = Fact::kSqlRead;
inline constexpr Fact kWrite = Fact::kSqlWrite;
inline constexpr Fact kDdl = Fact::kSqlDdl;

inline std::string Names(FactSet facts) {
  std::string out;
  for (const std::string& name : FactNames(facts)) out += (out.empty() ? "" : ",") + name;
  return "{" + out + "}";
}

// Checks one case: parses, has exactly the expected facts, and is (not) dangerous as labelled.
inline void ExpectClassifiedAs(const SqlCase& c) {
  ASSERT_EQ(c.dangerous, IsDangerous(c.facts)) << "the table row contradicts itself";
  Classification result = ClassifySql(c.sql);
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(Names(result.facts), Names(c.facts)) << c.sql;
  EXPECT_EQ(result.dangerous(), c.dangerous) << c.sql;
}

}  // namespace drawbridge::classify::sql_test
