-- The floor of a bulk change (docs/PERFORMANCE.md, "Where the targets lie
-- against the floor", 2026-11-28): the least a change of week-offs with
-- history asks of this schema, written set by set as the bulk job does
-- (5,000 users a statement), for 100,000 employees, and rolled back.
--
--   psql -h 127.0.0.1 -U postgres weekoffs_bench_bulk -f docs/floors/bulk.sql
--
-- Each statement writes what the contract records of a change: the users'
-- rows, their schedules from today, and the two history rows of each. The
-- schema's triggers (coverage keys, the chart's counts, search names) fire
-- as they do for weekoffs; uncomment the SET below to see the statement
-- without them (and without foreign-key checks).
\timing on
BEGIN;
-- SET LOCAL session_replication_role = replica;
DO $$
DECLARE
    a bigint := (SELECT min(id) FROM users);
    stop bigint := a + 100000;
BEGIN
    WHILE a < stop LOOP
        EXECUTE $q$
        WITH t AS (SELECT id, weekoffs FROM users WHERE id >= $1 AND id < $2 AND role = 'employee' ORDER BY id FOR UPDATE),
        s AS (INSERT INTO schedules (scope, user_id, rules, inherit, effective_from, applied, created_by)
              SELECT 'user', id, '[{"day": "friday", "part": "full", "weeks": "every"}]', false, current_date, true, NULL FROM t
              ON CONFLICT (user_id, effective_from) WHERE user_id IS NOT NULL
              DO UPDATE SET rules = EXCLUDED.rules, created_at = now(), created_by = EXCLUDED.created_by),
        u AS (UPDATE users SET weekoffs = '{friday}', version = version + 1, updated_at = now() FROM t WHERE users.id = t.id),
        h AS (INSERT INTO user_history (user_id, actor_id, via, field, old_value, new_value)
              SELECT id, NULL::bigint, 'admin', 'schedule', 'null'::jsonb, '[{"day": "friday", "part": "full", "weeks": "every"}]'::jsonb FROM t
              UNION ALL
              SELECT id, NULL::bigint, 'admin', 'weekoffs', to_jsonb(weekoffs), '["friday"]'::jsonb FROM t)
        SELECT 1 $q$ USING a, a + 5000;
        a := a + 5000;
    END LOOP;
END $$;
ROLLBACK;
