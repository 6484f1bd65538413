-- The floor of an import (docs/PERFORMANCE.md, "Where the targets lie
-- against the floor", 2026-11-28): the least that 50,000 new users and
-- 50,000 changed ones, each with a schedule from today and a history row,
-- ask of this schema, written 5,000 rows a statement in one transaction as
-- the import's apply is, and rolled back.
--
--   psql -h 127.0.0.1 -U postgres weekoffs_bench_import -f docs/floors/import.sql
--
-- The schema's triggers fire as they do for weekoffs; uncomment the SET
-- below to see the statements without them (and without foreign-key
-- checks).
\timing on
BEGIN;
-- SET LOCAL session_replication_role = replica;
DO $$
DECLARE
    a int := 0;
BEGIN
    WHILE a < 50000 LOOP
        EXECUTE $q$
        WITH n AS (INSERT INTO users (email, full_name, role, is_active, team_id, password_hash, weekoffs)
                   SELECT 'floor' || g || '@example.com', 'Floor Person ' || g, 'employee', true, NULL, NULL, '{friday}'
                     FROM generate_series($1, $2 - 1) g RETURNING id),
        s AS (INSERT INTO schedules (scope, user_id, rules, inherit, effective_from, applied, created_by)
              SELECT 'user', id, '[{"day": "friday", "part": "full", "weeks": "every"}]'::jsonb, false, current_date, true, NULL FROM n),
        h AS (INSERT INTO user_history (user_id, actor_id, via, field, old_value, new_value)
              SELECT id, NULL, 'import', 'schedule', 'null'::jsonb, '[{"day": "friday", "part": "full", "weeks": "every"}]'::jsonb FROM n)
        SELECT 1 $q$ USING a, a + 5000;
        a := a + 5000;
    END LOOP;
END $$;
DO $$
DECLARE
    a bigint := (SELECT min(id) FROM users);
    stop bigint := a + 50000;
BEGIN
    WHILE a < stop LOOP
        EXECUTE $q$
        WITH t AS (SELECT id, weekoffs FROM users WHERE id >= $1 AND id < $2 ORDER BY id FOR UPDATE),
        s AS (INSERT INTO schedules (scope, user_id, rules, inherit, effective_from, applied, created_by)
              SELECT 'user', id, '[{"day": "friday", "part": "full", "weeks": "every"}]', false, current_date, true, NULL FROM t
              ON CONFLICT (user_id, effective_from) WHERE user_id IS NOT NULL
              DO UPDATE SET rules = EXCLUDED.rules, created_at = now(), created_by = EXCLUDED.created_by),
        u AS (UPDATE users SET weekoffs = '{friday}', version = version + 1, updated_at = now() FROM t WHERE users.id = t.id),
        h AS (INSERT INTO user_history (user_id, actor_id, via, field, old_value, new_value)
              SELECT id, NULL, 'import', 'schedule', 'null'::jsonb, '[{"day": "friday", "part": "full", "weeks": "every"}]'::jsonb FROM t)
        SELECT 1 $q$ USING a, a + 5000;
        a := a + 5000;
    END LOOP;
END $$;
ROLLBACK;
