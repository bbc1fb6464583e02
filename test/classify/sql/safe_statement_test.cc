// Safe statements, many of them look-alikes of dangerous ones: keywords in literals, identifiers
// and comments, restricted writes, online DDL.
#include "classify/sql/sql_case.h"

namespace drawbridge::classify::sql_test {
namespace {

class SafeStatementTest : public testing::TestWithParam<SqlCase> {};

// Test that each statement is safe and carries exactly its labels.
TEST_P(SafeStatementTest, IsSafeWithExactLabels) {
  ExpectClassifiedAs(GetParam());
}

const SqlCase kSafeCases[] = {
    // Reads.
    {"SELECT id, name FROM users WHERE id = $1", false, {kRead}},
    {"select * from orders o join users u on u.id = o.user_id where o.id = 42", false, {kRead}},
    {"SELECT count(*) FROM events", false, {kRead}},
    {"SELECT 1", false, {kRead}},
    {"SELECT * FROM t FOR UPDATE", false, {kRead}},
    {"SELECT * FROM a UNION ALL SELECT * FROM b", false, {kRead}},
    {"WITH recent AS (SELECT * FROM t WHERE ts > now() - interval '1 day') SELECT * FROM recent",
     false,
     {kRead}},
    {"VALUES (1, 'a'), (2, 'b')", false, {}},
    {"TABLE users", false, {kRead}},
    {"SHOW search_path", false, {kRead}},
    {"SHOW ALL", false, {kRead}},
    {"EXPLAIN SELECT * FROM t WHERE id = 1", false, {kRead}},
    {"EXPLAIN DELETE FROM t", false, {kRead}},
    {"EXPLAIN (ANALYZE false) DELETE FROM t", false, {kRead}},
    {"EXPLAIN ANALYZE SELECT * FROM t", false, {kRead}},
    {"EXPLAIN (ANALYZE, BUFFERS) SELECT 1", false, {kRead}},
    {"SELECT pg_sleep(0.1)", false, {kRead}},
    {"SELECT * FROM pg_stat_activity WHERE state = 'active'", false, {kRead}},
    {"SELECT pid, query FROM pg_stat_activity", false, {kRead}},
    {"SELECT set_config('search_path', 'app', false)", false, {kRead}},
    {"SELECT set_config('app.tenant_id', $1, true)", false, {kRead}},
    {"SELECT * FROM dblink('dbname=x', 'select 1') AS r(a int)", false, {kRead}},
    // Keywords inside literals, identifiers and comments are not actions.
    {"SELECT 'DROP TABLE users'", false, {kRead}},
    {"SELECT 'x'; -- DROP TABLE users", false, {kRead}},
    {"SELECT /* TRUNCATE t */ 1", false, {kRead}},
    {"SELECT $$DELETE FROM t$$", false, {kRead}},
    {"SELECT $tag$ ; DROP DATABASE prod; $tag$", false, {kRead}},
    {"SELECT \"drop table\" FROM t", false, {kRead}},
    {"SELECT 'pg_terminate_backend(1)'", false, {kRead}},
    {"SELECT * FROM t WHERE note = 'GRANT ALL ON t TO public'", false, {kRead}},
    {"SELECT E'\\';DROP TABLE t;--'", false, {kRead}},
    {"SELECT * FROM \"pg_terminate_backend\"", false, {kRead}},
    {"SELECT \"PG_TERMINATE_BACKEND\"(1)", false, {kRead}},
    {"CREATE TABLE drop_log (id bigint, truncate_reason text)", false, {kDdl}},
    {"INSERT INTO audit (action) VALUES ('DELETE FROM users')", false, {kWrite}},
    {"INSERT INTO \"delete\" VALUES (1)", false, {kWrite}},
    {"UPDATE notes SET body = 'TRUNCATE t; DROP TABLE x' WHERE id = 7", false, {kWrite}},
    {"COMMENT ON TABLE t IS 'never DROP this'", false, {kDdl}},
    // Writes that restrict their rows.
    {"INSERT INTO orders (user_id, total) VALUES ($1, $2)", false, {kWrite}},
    {"INSERT INTO t (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET n = t.n + 1", false, {kWrite}},
    {"INSERT INTO t (id) VALUES (1) ON CONFLICT DO NOTHING", false, {kWrite}},
    {"INSERT INTO archive SELECT * FROM t WHERE created < now()", false, {kWrite, kRead}},
    {"UPDATE users SET name = $1 WHERE id = $2", false, {kWrite}},
    {"DELETE FROM sessions WHERE expires_at < now()", false, {kWrite}},
    {"DELETE FROM t WHERE id IN (1, 2, 3)", false, {kWrite}},
    {"DELETE FROM t WHERE id = ANY($1)", false, {kWrite}},
    {"DELETE FROM t WHERE CURRENT OF cur", false, {kWrite}},
    {"UPDATE t SET flag = true WHERE id = 1 RETURNING *", false, {kWrite}},
    {"COPY t FROM STDIN", false, {kWrite}},
    {"COPY t (a, b) FROM STDIN WITH (FORMAT csv)", false, {kWrite}},
    {"COPY t TO STDOUT", false, {kRead}},
    {"COPY (SELECT * FROM t WHERE id < 10) TO STDOUT WITH CSV HEADER", false, {kRead}},
    {"CALL refresh_stats()", false, {kWrite}},
    {"SELECT purge_all()", false, {kRead}},
    {"INSERT INTO t DEFAULT VALUES", false, {kWrite}},
    {"REFRESH MATERIALIZED VIEW CONCURRENTLY mv", false, {kWrite}},
    // Online DDL and schema creation.
    {"CREATE TABLE t (id bigint PRIMARY KEY, name text)", false, {kDdl}},
    {"CREATE TEMP TABLE scratch (x int)", false, {kDdl}},
    {"CREATE VIEW v AS SELECT id FROM t", false, {kDdl, kRead}},
    {"CREATE SCHEMA reporting", false, {kDdl}},
    {"CREATE SEQUENCE s START 1", false, {kDdl}},
    {"CREATE TYPE mood AS ENUM ('sad', 'ok')", false, {kDdl}},
    {"CREATE INDEX CONCURRENTLY idx_t_a ON t (a)", false, {kDdl}},
    {"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON s.t (lower(email))", false, {kDdl}},
    {"REINDEX (CONCURRENTLY) TABLE t", false, {}},
    {"REINDEX INDEX CONCURRENTLY i", false, {}},
    {"ALTER TABLE t ADD COLUMN note text", false, {kDdl}},
    {"ALTER TABLE t ADD COLUMN status text DEFAULT 'new'", false, {kDdl}},
    {"ALTER TABLE t ADD COLUMN created_at timestamptz DEFAULT now()", false, {kDdl}},
    {"ALTER TABLE t ALTER COLUMN c DROP NOT NULL", false, {kDdl}},
    {"ALTER TABLE t ALTER COLUMN c SET DEFAULT 0", false, {kDdl}},
    {"ALTER TABLE t RENAME COLUMN a TO b", false, {kDdl}},
    {"ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u (id) NOT VALID", false, {kDdl}},
    {"ALTER TABLE t VALIDATE CONSTRAINT fk", false, {kDdl}},
    {"ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_idx", false, {kDdl}},
    {"CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql AS 'select a + b'", false, {kDdl}},
    {"CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; "
     "END$$",
     false,
     {kDdl}},
    {"CREATE FUNCTION f() RETURNS int SECURITY INVOKER LANGUAGE sql AS 'select 1'", false, {kDdl}},
    // Session and transaction control, maintenance without heavy locks.
    {"BEGIN", false, {}},
    {"START TRANSACTION ISOLATION LEVEL SERIALIZABLE", false, {}},
    {"COMMIT", false, {}},
    {"ROLLBACK", false, {}},
    {"SAVEPOINT s1", false, {}},
    {"SET statement_timeout = '5s'", false, {}},
    {"SET search_path TO app, public", false, {}},
    {"SET LOCAL lock_timeout = 1000", false, {}},
    {"RESET ROLE", false, {}},
    {"SET TRANSACTION READ ONLY", false, {}},
    {"ANALYZE t", false, {}},
    {"VACUUM t", false, {}},
    {"VACUUM (ANALYZE, VERBOSE) t", false, {}},
    {"VACUUM (FULL false) t", false, {}},
    {"LOCK TABLE t IN SHARE MODE", false, {}},
    {"LOCK TABLE t IN ROW EXCLUSIVE MODE", false, {}},
    {"LISTEN jobs", false, {}},
    {"NOTIFY jobs, 'DROP TABLE x'", false, {}},
    {"DISCARD ALL", false, {}},
    {"DECLARE c CURSOR FOR SELECT * FROM t", false, {kRead}},
    {"FETCH 10 FROM c", false, {kRead}},
    {"PREPARE q (int) AS SELECT * FROM t WHERE id = $1", false, {kRead}},
    {"PREPARE q (int) AS SELECT * FROM t WHERE id = $1; EXECUTE q(1)", false, {kRead}},
    {"DEALLOCATE q", false, {}},
};

INSTANTIATE_TEST_SUITE_P(Cases, SafeStatementTest, testing::ValuesIn(kSafeCases));

}  // namespace
}  // namespace drawbridge::classify::sql_test
