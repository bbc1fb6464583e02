// UPDATE, DELETE and MERGE: a WHERE that cannot restrict (none, a tautology, only join conditions)
// makes the statement change every row; one real condition makes it selective.
#include "classify/sql/sql_case.h"

namespace drawbridge::classify::sql_test {
namespace {

class WhereClauseTest : public testing::TestWithParam<SqlCase> {};

// Test that the statement's reach is judged as the table says.
TEST_P(WhereClauseTest, JudgesReach) {
  ExpectClassifiedAs(GetParam());
}

const SqlCase kWhereCases[] = {
    // No WHERE at all.
    {"DELETE FROM t", true, {kWrite, kDeleteAll}},
    {"delete from public.t", true, {kWrite, kDeleteAll}},
    {"UPDATE t SET x = 1", true, {kWrite, kUpdateAll}},
    {"DELETE FROM ONLY t RETURNING *", true, {kWrite, kDeleteAll}},
    // Tautologies.
    {"DELETE FROM t WHERE true", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE 1=1", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE 1 = 1.0", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE 2 > 1", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE 'a'='a'", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE 'a' <> 'b'", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE NOT false", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE 't'::boolean", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE x = x", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE t.x >= t.x", true, {kWrite, kDeleteAll}},
    {"UPDATE t SET a = 1 WHERE lower(name) = lower(name)", true, {kWrite, kUpdateAll}},
    {"DELETE FROM t WHERE x IS NOT DISTINCT FROM x", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE id IS NOT NULL", true, {kWrite, kDeleteAll}},
    {"UPDATE t SET a = 1 WHERE x IS NOT NULL", true, {kWrite, kUpdateAll}},
    {"DELETE FROM t WHERE EXISTS (SELECT 1)", true, {kWrite, kDeleteAll, kRead}},
    {"DELETE FROM t WHERE name LIKE '%'", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE NULL IS NULL", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE now() > '2000-01-01'", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE $1", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE 1 = '1'", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE (a, b) = (a, b)", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE -1 <> 0", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE - /* c */ (2) < 0", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE (true)", true, {kWrite, kDeleteAll}},
    // Anything OR-ed with a tautology.
    {"DELETE FROM t WHERE id=1 OR true", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t WHERE id = 42 OR 1 = 1", true, {kWrite, kDeleteAll}},
    {"UPDATE t SET x = 0 WHERE id = $1 OR x = x", true, {kWrite, kUpdateAll}},
    {"DELETE FROM t WHERE (id = 1 AND a = 2) OR NOT false", true, {kWrite, kDeleteAll}},
    // A tautology AND-ed with a real condition still restricts.
    {"DELETE FROM t WHERE 1=1 AND id = 5", false, {kWrite}},
    {"DELETE FROM t WHERE true AND id = $1", false, {kWrite}},
    {"UPDATE t SET a = 1 WHERE x IS NOT NULL AND id = 3", false, {kWrite}},
    {"DELETE FROM t WHERE (id = 1 OR true) AND tenant = 'acme'", false, {kWrite}},
    // Real conditions.
    {"DELETE FROM t WHERE id = 42", false, {kWrite}},
    {"DELETE FROM t WHERE x IS NULL", false, {kWrite}},
    {"DELETE FROM t WHERE NOT (id = 1)", false, {kWrite}},
    {"DELETE FROM t WHERE archived", false, {kWrite}},
    {"DELETE FROM t WHERE created_at BETWEEN $1 AND $2", false, {kWrite}},
    {"DELETE FROM t WHERE name LIKE 'tmp_%'", false, {kWrite}},
    {"DELETE FROM t WHERE a = b", false, {kWrite}},
    {"DELETE FROM t WHERE (a, b) = (1, 2)", false, {kWrite}},
    {"UPDATE t SET a = 1 WHERE id = ANY ($1::int[])", false, {kWrite}},
    {"DELETE FROM t WHERE false", false, {kWrite}},
    {"DELETE FROM t WHERE 1 = 0", false, {kWrite}},
    {"DELETE FROM t WHERE x <> x", false, {kWrite}},
    {"DELETE FROM t WHERE 0 = -1", false, {kWrite}},
    {"DELETE FROM t WHERE id = -3", false, {kWrite}},
    {"DELETE FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.id = t.u_id)",
     false,
     {kWrite, kRead}},
    {"DELETE FROM t WHERE id IN (SELECT id FROM expired)", false, {kWrite, kRead}},
    {"UPDATE t SET n = n + 1 WHERE id = (SELECT max(id) FROM t)", false, {kWrite, kRead}},
    // Join-only conditions change every row that has a partner.
    {"DELETE FROM t USING u WHERE t.u_id = u.id", true, {kWrite, kDeleteAll}},
    {"UPDATE t SET name = u.name FROM u WHERE t.u_id = u.id", true, {kWrite, kUpdateAll}},
    {"UPDATE t SET name = u.name FROM u WHERE u_id = id", true, {kWrite, kUpdateAll}},
    {"DELETE FROM t USING u, v WHERE t.a = u.a AND u.b = v.b", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t USING u WHERE t.u_id = u.id OR t.id = 5", true, {kWrite, kDeleteAll}},
    {"DELETE FROM t USING u", true, {kWrite, kDeleteAll}},
    // ... unless a constant or a parameter narrows them.
    {"DELETE FROM t USING u WHERE t.u_id = u.id AND u.name = 'bob'", false, {kWrite}},
    {"UPDATE t SET a = u.a FROM u WHERE t.id = u.id AND u.batch = $1", false, {kWrite}},
    {"DELETE FROM t USING u WHERE t.u_id = u.id AND u.banned", false, {kWrite}},
    {"UPDATE t SET x = v.x FROM (VALUES (1, 'a'), (2, 'b')) AS v(id, x) WHERE t.id = v.id",
     false,
     {kWrite}},
    {"UPDATE t SET x = s.x FROM (SELECT id, x FROM staging WHERE batch = 7) s WHERE t.id = s.id",
     false,
     {kWrite, kRead}},
    {"UPDATE t SET x = s.x FROM (SELECT id, x FROM staging) s WHERE t.id = s.id",
     true,
     {kWrite, kUpdateAll, kRead}},
    // MERGE: its ON is a join condition.
    {"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", true, {kWrite, kDeleteAll}},
    {"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET x = s.x",
     true,
     {kWrite, kUpdateAll}},
    {"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED AND t.x = 1 THEN DELETE", false, {kWrite}},
    {"MERGE INTO t USING s ON t.id = s.id AND s.id = $1 WHEN MATCHED THEN DELETE", false, {kWrite}},
    {"MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id)",
     false,
     {kWrite}},
    {"MERGE INTO t USING (VALUES (1)) v(id) ON t.id = v.id WHEN MATCHED THEN DELETE",
     false,
     {kWrite}},
};

INSTANTIATE_TEST_SUITE_P(Cases, WhereClauseTest, testing::ValuesIn(kWhereCases));

}  // namespace
}  // namespace drawbridge::classify::sql_test
