// Facts carried by a function call, wherever it appears (target list, CTE, subquery, DEFAULT,
// index expression, CALL argument...).
//
// Matching is on the function's own name, with or without a schema (`pg_catalog.x` and `x` are the
// same call; a look-alike in another schema is treated as the real one, failing closed). Pure;
// thread-safe.
#pragma once

#include <boost/json.hpp>

#include "drawbridge/facts.h"

namespace drawbridge::classify::sql {

// Facts for one FuncCall node's fields (the object inside {"FuncCall": {...}}).
FactSet FunctionCallFacts(const boost::json::object& func_call);

}  // namespace drawbridge::classify::sql
