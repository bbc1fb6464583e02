// How many rows a WHERE clause (or a MERGE join condition) lets an UPDATE or DELETE touch.
//
// The question is not "which rows" but "can this condition restrict at all": a tautology (`true`,
// `1=1`, `x = x`, `col IS NOT NULL`, `EXISTS (SELECT 1)`, anything OR-ed with one) cannot, and
// neither can a condition made only of join conditions between tables. A condition that compares
// a column with a constant, a parameter or a subquery can. When the analysis cannot tell, it
// answers kAllRows (fail closed) for conditions that do not depend on the row. Pure; thread-safe.
#pragma once

#include <boost/json.hpp>

namespace drawbridge::classify::sql {

enum class Reach {
  kAllRows,    // holds for every row (or the analysis cannot tell and fails closed)
  kNoRows,     // holds for no row (`false`, `1 = 0`)
  kJoinOnly,   // only relates tables to each other: every row that has a partner
  kSelective,  // depends on the row's own values compared with something
};

// Both conditions must hold (AND).
Reach BothHold(Reach a, Reach b);

// Whether a statement whose condition has this reach changes rows wholesale.
inline bool IsBroad(Reach reach) {
  return reach == Reach::kAllRows || reach == Reach::kJoinOnly;
}

// The reach of `condition` (a wrapped expression node; nullptr means no condition, kAllRows).
// `joins` says whether the statement joins its target with other tables (DELETE ... USING,
// UPDATE ... FROM, MERGE); only then can column-to-column comparisons be join conditions.
Reach AnalyzeCondition(const boost::json::value* condition, bool joins);

// Whether a FROM / USING / MERGE source narrows the rows it brings by itself: a VALUES list, or a
// subquery with a selective WHERE or a LIMIT. A join-only condition against such a source still
// restricts the target.
bool SourceRestricts(const boost::json::value& source);

// The verdict for UPDATE / DELETE: true when the statement can change every row of its target.
// `sources` are the other tables it joins (USING / FROM list; may be nullptr).
bool ChangesAllRows(const boost::json::value* where, const boost::json::array* sources);

}  // namespace drawbridge::classify::sql
