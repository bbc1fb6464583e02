// StatementWalker: the facts of each statement of one SQL string, in order.
//
// One walk over each statement's tree applies the statement rules to every statement node it
// meets — the top-level one and any nested one (a data-modifying CTE, EXPLAIN ANALYZE's query,
// a PREPAREd statement, a view or rule body) — and the function-call rules to every call. What
// earlier statements of the string did is remembered: tables created (an index on those does not
// take a lock anyone waits for) and statements PREPAREd (their EXECUTE runs what they hold).
// One object per string; not thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "classify/sql/json_node.h"
#include "drawbridge/facts.h"

namespace drawbridge::classify::sql {

class StatementWalker {
 public:
  // Facts of one statement (a wrapped statement node, the "stmt" of a parse-tree entry). Call in
  // the order the statements appear.
  FactSet Classify(const boost::json::value& statement);

 private:
  void Visit(const boost::json::value& value);
  // Applies the rules for one wrapped node; returns whether its children still need a visit.
  bool ApplyRules(const Node& node);
  bool ApplyPrepare(const boost::json::object& prepare);
  void ApplyExecute(const boost::json::object& execute);
  void ApplyDeallocate(const boost::json::object& deallocate);
  void ApplyCopy(const boost::json::object& copy);

  void RememberCreatedTable(const boost::json::object* relation, bool if_not_exists);
  bool IsCreatedTable(const boost::json::object* relation) const;

  FactSet facts_;
  std::vector<std::pair<std::string, std::string>> created_tables_;  // (schema, name)
  std::vector<std::pair<std::string, FactSet>> prepared_;            // name -> what it runs
};

}  // namespace drawbridge::classify::sql
