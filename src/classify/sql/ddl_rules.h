// Facts for the DDL statements whose danger hides in their options: ALTER TABLE (one statement,
// many sub-commands), CREATE FUNCTION (language, SECURITY DEFINER) and ALTER FUNCTION.
// Pure; thread-safe.
#pragma once

#include <boost/json.hpp>

#include "drawbridge/facts.h"

namespace drawbridge::classify::sql {

// ALTER TABLE / INDEX / VIEW ... (an AlterTableStmt's fields). `table_is_new` is true when the
// table was created earlier in the same string: nobody else can be waiting on its lock, so the
// lock-heavy rules do not apply (destructive ones still do).
FactSet AlterTableFacts(const boost::json::object& alter_table, bool table_is_new);

// CREATE FUNCTION / PROCEDURE (a CreateFunctionStmt's fields).
FactSet CreateFunctionFacts(const boost::json::object& create_function);

// ALTER FUNCTION / PROCEDURE (an AlterFunctionStmt's fields).
FactSet AlterFunctionFacts(const boost::json::object& alter_function);

}  // namespace drawbridge::classify::sql
