SELECT 'DROP TABLE x', $$TRUNCATE t$$, $q$ ; DELETE FROM t; $q$, E'\';DROP--', "drop table" -- DROP
 /* GRANT */