// Strings of several statements and statements that run others: every statement counts, data-
// modifying CTEs, EXPLAIN ANALYZE, PREPARE/EXECUTE and tables created earlier in the string.
#include "classify/sql/sql_case.h"

namespace drawbridge::classify::sql_test {
namespace {

class StatementFlowTest : public testing::TestWithParam<SqlCase> {};

// Test that the facts of the whole string are the union its statements' facts.
TEST_P(StatementFlowTest, UnitesFactsOfEveryStatement) {
  ExpectClassifiedAs(GetParam());
}

const SqlCase kFlowCases[] = {
    {"select * from t; drop table t", true, {kRead, kDrop, kDdl}},
    {"SELECT 1; SELECT 2;", false, {kRead}},
    {"BEGIN; DELETE FROM t; ROLLBACK", true, {kWrite, kDeleteAll}},
    {"BEGIN; TRUNCATE t; ROLLBACK;", true, {kTruncate, kWrite}},
    {"INSERT INTO t VALUES (1); UPDATE t SET x = 2", true, {kWrite, kUpdateAll}},
    {"INSERT INTO t SELECT * FROM u; DELETE FROM u", true, {kWrite, kRead, kDeleteAll}},
    {"SET statement_timeout = 0; SELECT * FROM t", false, {kRead}},
    // Data-modifying CTEs count for what they modify.
    {"WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", true, {kRead, kWrite, kDeleteAll}},
    {"WITH d AS (DELETE FROM t WHERE id = 1 RETURNING *) SELECT * FROM d", false, {kRead, kWrite}},
    {"WITH u AS (UPDATE t SET x = 1 RETURNING id) INSERT INTO log SELECT id FROM u",
     true,
     {kRead, kWrite, kUpdateAll}},
    {"SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) s", false, {kRead}},
    {"WITH a AS (SELECT 1), b AS (DELETE FROM t WHERE true RETURNING 1) SELECT * FROM a",
     true,
     {kRead, kWrite, kDeleteAll}},
    // EXPLAIN ANALYZE runs its statement.
    {"EXPLAIN ANALYZE DELETE FROM t", true, {kWrite, kDeleteAll}},
    {"EXPLAIN (ANALYZE) UPDATE t SET x = 1", true, {kWrite, kUpdateAll}},
    {"EXPLAIN (ANALYZE true, COSTS off) DELETE FROM t WHERE id = 1", false, {kWrite}},
    {"EXPLAIN SELECT pg_terminate_backend(1)", false, {kRead}},
    // PREPARE takes the label of its statement; EXECUTE takes the label of what was prepared.
    {"PREPARE p AS DELETE FROM t; EXECUTE p", true, {kWrite, kDeleteAll}},
    {"PREPARE p (int) AS DELETE FROM t WHERE id = $1", false, {kWrite}},
    {"PREPARE p AS DELETE FROM t", true, {kWrite, kDeleteAll}},
    {"PREPARE p AS SELECT 1; PREPARE q AS DELETE FROM t; EXECUTE p",
     true,
     {kRead, kWrite, kDeleteAll}},
    {"EXECUTE unknown_statement(1)", true, {kCodeExec}},
    {"PREPARE p AS SELECT 1; DEALLOCATE p; EXECUTE p", true, {kRead, kCodeExec}},
    {"PREPARE p AS SELECT 1; DEALLOCATE ALL; EXECUTE p", true, {kRead, kCodeExec}},
    {"CREATE TABLE n AS EXECUTE p", true, {kDdl, kWrite, kCodeExec}},
    // A table created earlier in the same string has no readers to block.
    {"CREATE TABLE t (a int); CREATE INDEX i ON t (a)", false, {kDdl}},
    {"CREATE TABLE s.t (a int); CREATE INDEX ON s.t (a)", false, {kDdl}},
    {"CREATE TABLE t (a int); ALTER TABLE t ALTER a TYPE bigint", false, {kDdl}},
    {"CREATE TABLE t (a int); ALTER TABLE t ADD PRIMARY KEY (a)", false, {kDdl}},
    {"CREATE TABLE t AS SELECT 1 AS a; CREATE INDEX ON t (a)", false, {kDdl, kWrite, kRead}},
    {"SELECT 1 AS a INTO t2; CREATE INDEX ON t2 (a)", false, {kRead, kWrite, kDdl}},
    {"CREATE INDEX i ON t (a); CREATE TABLE t (a int)", true, {kDdl, kLockHeavy}},
    {"CREATE TABLE IF NOT EXISTS t (a int); CREATE INDEX i ON t (a)", true, {kDdl, kLockHeavy}},
    {"CREATE TABLE a.t (x int); CREATE INDEX ON b.t (x)", true, {kDdl, kLockHeavy}},
    {"CREATE TABLE t (a int); ALTER TABLE t DROP COLUMN a", true, {kDdl, kAlterDestructive}},
    // Statements nested in definitions count too: they run whenever the object is used.
    {"CREATE RULE r AS ON INSERT TO t DO INSTEAD DELETE FROM u", true, {kDdl, kWrite, kDeleteAll}},
    {"CREATE VIEW v AS SELECT pg_read_file('/etc/passwd')", true, {kDdl, kRead, kCodeExec}},
    {"CREATE FUNCTION purge() RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM t; END",
     true,
     {kDdl, kWrite, kDeleteAll}},
    {"CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS 'DELETE FROM t'", false, {kDdl}},
    {"EXPLAIN ANALYZE EXECUTE p", true, {kCodeExec}},
    {"PREPARE p AS DELETE FROM t WHERE id = 1; EXPLAIN ANALYZE EXECUTE p", false, {kWrite}},
    {"CREATE SCHEMA s CREATE TABLE t (a int) CREATE VIEW v AS SELECT a FROM t",
     false,
     {kDdl, kRead}},
};

INSTANTIATE_TEST_SUITE_P(Cases, StatementFlowTest, testing::ValuesIn(kFlowCases));

}  // namespace
}  // namespace drawbridge::classify::sql_test
