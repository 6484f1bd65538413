-- +goose Up
-- Everyone's coverage figures without reading everyone (docs/PERFORMANCE.md,
-- "Issue 12: coverage kept on write"). Coverage groups people by their team
-- and by what tells their own schedules apart over the range; counting those
-- groups read every active employee's row and schedules (5-10 s at a
-- million). Here each user's own timeline is kept as a key valid for every
-- date on or after h, the organisation's date when it was worked out: the
-- own schedule in force on h (rules, inherit, and an anchor only for
-- alternate weeks, made canonical so that every rhythm of the same days
-- shares one) and the own changes after h. People whose keys match share a
-- timeline from h on, whatever dates their schedules began, so at a million
-- users the groups are about teams x patterns, not people. A ledger keeps
-- how many counted people (active employees) each (team, key) holds, as the
-- week-off counts' ledger does (migrations 00015, 00016): a row of
-- differences a statement, which adds no lock another writer waits for.
--
-- The keys' texts, once each, by their md5: the people and the ledger carry
-- the 16 bytes, a bulk change rewrites less, and a read sends each text once.
CREATE TABLE coverage_keys (
    hash uuid PRIMARY KEY,
    key  text NOT NULL
);

-- One row a user: what the ledger counts them under. It has no foreign key
-- to users: its rows come and go with users' by the triggers below (a
-- foreign key would check every row of a million-user insert one by one).
-- Half-filled pages leave room for a rekeyed row beside its old version
-- (a HOT update, without a new index entry): a bulk change rekeys everyone.
CREATE TABLE coverage_people (
    user_id bigint  NOT NULL,
    team_id bigint,
    counted boolean NOT NULL,
    key     uuid    NOT NULL,
    h       date    NOT NULL
) WITH (fillfactor = 50);

-- Differences of head counts by team (NULL: none) and key; h is the latest
-- date from which the keys counted in the row hold.
-- Folds (models/coverage_kept.go) delete rows every minute or so: vacuumed
-- after a few thousand dead ones, not a fifth of the table, so that reads
-- do not pass over them.
CREATE TABLE coverage_ledger (
    team_id bigint,
    key     uuid   NOT NULL,
    n       bigint NOT NULL,
    h       date   NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);

-- The canonical anchor of rules in force from d: null without alternate
-- weeks (every other rule finds its dates from any start). An alternate
-- rule's dates are the first of its day on or after d and every 14 days
-- after (schedule.Rule.firstOnOrAfter); the first alternate day on or after
-- d, moved by whole fortnights into the fortnight from 2001-01-01, starts
-- every alternate rule of the set on the same dates. A plain expression
-- (the least of each day's distance from d, where that day is alternate),
-- so that PostgreSQL inlines it: a function over the rules' elements was
-- called row by row, 30 us each.
CREATE FUNCTION coverage_anchor(rules jsonb, d date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT date '2001-01-01' + ((d + LEAST(
               CASE WHEN rules @> '[{"day": "sunday", "weeks": "alternate"}]' THEN (7 - extract(dow FROM d)::int) % 7 END,
               CASE WHEN rules @> '[{"day": "monday", "weeks": "alternate"}]' THEN (8 - extract(dow FROM d)::int) % 7 END,
               CASE WHEN rules @> '[{"day": "tuesday", "weeks": "alternate"}]' THEN (9 - extract(dow FROM d)::int) % 7 END,
               CASE WHEN rules @> '[{"day": "wednesday", "weeks": "alternate"}]' THEN (10 - extract(dow FROM d)::int) % 7 END,
               CASE WHEN rules @> '[{"day": "thursday", "weeks": "alternate"}]' THEN (11 - extract(dow FROM d)::int) % 7 END,
               CASE WHEN rules @> '[{"day": "friday", "weeks": "alternate"}]' THEN (12 - extract(dow FROM d)::int) % 7 END,
               CASE WHEN rules @> '[{"day": "saturday", "weeks": "alternate"}]' THEN (13 - extract(dow FROM d)::int) % 7 END)
           - date '2001-01-01') % 14 + 14) % 14
$$;

-- A key's text, as models/coverage.go's ownFromKey reads it: [rules,
-- inherit, anchor, changes] of the own schedule in force (null: none) and
-- the own changes after it ([[date, rules, inherit], ...] or null). A
-- plain expression, so that PostgreSQL inlines it: STABLE as to_json of a
-- date is (declared IMMUTABLE it was called row by row, 100 us each).
CREATE FUNCTION coverage_key_text(rules jsonb, inherit boolean, effective_from date, changes jsonb) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT '[' || COALESCE(rules::text, 'null') || ',' || COALESCE(inherit::text, 'null') || ','
        || COALESCE(to_json(CASE WHEN rules @> '[{"weeks": "alternate"}]' THEN coverage_anchor(rules, effective_from) END)::text, 'null')
        || ',' || COALESCE(changes::text, 'null') || ']'
$$;

-- The keys of the users uids from h on: two probes of schedules_user_key each.
CREATE FUNCTION coverage_keys_of(uids bigint[], h date) RETURNS TABLE (user_id bigint, key text) LANGUAGE sql STABLE AS $$
    SELECT a.id, coverage_key_text(b.rules, b.inherit, b.effective_from, l.changes)
      FROM unnest(uids) AS a (id)
      LEFT JOIN LATERAL (SELECT s.rules, s.inherit, s.effective_from FROM schedules s
                          WHERE s.user_id = a.id AND s.effective_from <= h ORDER BY s.effective_from DESC LIMIT 1) b ON true
      LEFT JOIN LATERAL (SELECT jsonb_agg(jsonb_build_array(s.effective_from, s.rules, s.inherit) ORDER BY s.effective_from) AS changes
                           FROM schedules s WHERE s.user_id = a.id AND s.effective_from > h) l ON true
$$;

-- Works the keys of the users uids out again and writes those that moved
-- (with today as their h; a key that did not move keeps its older h). The
-- rows are locked first, in a statement of their own: the next statement
-- takes a new snapshot, so that it sees the schedules of a writer that
-- held a row until it committed (an UPDATE computing from its own
-- snapshot would write a key that misses them). Without JIT: a batch of
-- 5,000 users' estimate reached its threshold, and compiling took 50 ms of
-- the 150. With generic plans, planned once a session: a custom plan for
-- one user's array (an estimate of 1 row against the generic plan's 10)
-- always looked cheaper, so every single write planned the keys' statement
-- again, about 4 ms of the 5 the triggers added to a write
-- (docs/PERFORMANCE.md). A bulk change's batches of 5,000 took the generic
-- plan after five of them anyway (its index probes per user are the plan a
-- batch needs).
-- +goose StatementBegin
CREATE FUNCTION coverage_rekey(uids bigint[]) RETURNS void LANGUAGE plpgsql
    SET jit = off SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    today date := org_today();
BEGIN
    IF COALESCE(cardinality(uids), 0) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM coverage_people WHERE user_id = ANY (uids) ORDER BY user_id FOR UPDATE;
    -- The ledger follows in the same statement (one trigger fewer a write):
    -- o is the row as it was, which nobody else can have moved since the
    -- lock above.
    WITH k AS MATERIALIZED (SELECT k.user_id, md5(k.key)::uuid AS hash, k.key FROM coverage_keys_of(uids, today) k),
    texts AS (INSERT INTO coverage_keys (hash, key) SELECT DISTINCT hash, key FROM k ON CONFLICT DO NOTHING),
    moved AS (
        UPDATE coverage_people p SET key = k.hash, h = today FROM k, coverage_people o
         WHERE p.user_id = k.user_id AND o.user_id = k.user_id AND p.key <> k.hash
        RETURNING p.team_id, p.counted, o.key AS old_key, o.h AS old_h, p.key, p.h
    )
    INSERT INTO coverage_ledger (team_id, key, n, h)
    SELECT team_id, key, sum(n), max(h)
      FROM (SELECT team_id, key, 1 AS n, h FROM moved WHERE counted
  UNION ALL SELECT team_id, old_key, -1, old_h FROM moved WHERE counted) r
     GROUP BY team_id, key HAVING sum(n) <> 0;
END
$$;
-- +goose StatementEnd

-- Every user's row worked out again, in one pass: the migration's, and a
-- large seed's (models/seed.go), which holds the triggers off meanwhile.
-- +goose StatementBegin
CREATE FUNCTION coverage_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE coverage_people, coverage_ledger;
    CREATE TEMPORARY TABLE coverage_rebuilt ON COMMIT DROP AS
    WITH b AS (
        SELECT DISTINCT ON (s.user_id) s.user_id, s.rules, s.inherit, s.effective_from
          FROM schedules s WHERE s.user_id IS NOT NULL AND s.effective_from <= org_today()
         ORDER BY s.user_id, s.effective_from DESC
    ), l AS (
        SELECT s.user_id, jsonb_agg(jsonb_build_array(s.effective_from, s.rules, s.inherit) ORDER BY s.effective_from) AS changes
          FROM schedules s WHERE s.user_id IS NOT NULL AND s.effective_from > org_today() GROUP BY s.user_id
    )
    SELECT u.id, u.team_id, u.is_active AND u.role = 'employee' AS counted,
           coverage_key_text(b.rules, b.inherit, b.effective_from, l.changes) AS key
      FROM users u LEFT JOIN b ON b.user_id = u.id LEFT JOIN l ON l.user_id = u.id;
    INSERT INTO coverage_keys (hash, key) SELECT DISTINCT md5(key)::uuid, key FROM coverage_rebuilt ON CONFLICT DO NOTHING;
    -- The ledger follows this insert by its trigger, as it follows any other.
    INSERT INTO coverage_people (user_id, team_id, counted, key, h)
    SELECT id, team_id, counted, md5(key)::uuid, org_today() FROM coverage_rebuilt;
    DROP TABLE coverage_rebuilt;
END
$$;
-- +goose StatementEnd

-- The ledger follows coverage_people's rows, and only them: a statement
-- that moves a user's team and one that changes their schedules, in
-- whichever order their triggers run, each change the row, and the ledger
-- adds what the row counts now less what it counted. Inserts, deletions
-- and a truncate by this trigger; the two updates (coverage_rekey and the
-- users trigger) write their ledger rows in their own statements, which
-- saves every write a trigger call and its transition tables.
-- +goose StatementBegin
CREATE FUNCTION coverage_ledger_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO coverage_ledger (team_id, key, n, h)
        SELECT team_id, key, count(*), max(h) FROM new_rows WHERE counted GROUP BY team_id, key;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO coverage_ledger (team_id, key, n, h)
        SELECT team_id, key, -count(*), max(h) FROM old_rows WHERE counted GROUP BY team_id, key;
    ELSE -- TRUNCATE
        DELETE FROM coverage_ledger;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- users: a new user gets a row (with the key of no schedule of their own,
-- unless the same statement wrote some); a change of team, active or role
-- is copied; a deleted user's row goes. The deletion's cascade to the
-- user's schedules runs first and may rekey the row; the ledger follows
-- either way.
-- +goose StatementBegin
CREATE FUNCTION coverage_people_follow_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO coverage_people (user_id, team_id, counted, key, h)
        SELECT id, team_id, is_active AND role = 'employee', md5('[null,null,null,null]')::uuid, org_today() FROM new_rows;
        PERFORM coverage_rekey(ARRAY(SELECT n.id FROM new_rows n WHERE EXISTS (SELECT 1 FROM schedules s WHERE s.user_id = n.id)));
    ELSIF TG_OP = 'UPDATE' THEN
        -- The ledger in the same statement. The team and counted it had are
        -- the user's old ones (only this trigger changes them, under the
        -- user's row lock); its key is the one RETURNING gives, which this
        -- update does not change and a rekey committed meanwhile may have.
        WITH moved AS (
            UPDATE coverage_people p SET team_id = n.team_id, counted = n.is_active AND n.role = 'employee'
              FROM new_rows n
             WHERE p.user_id = n.id AND (p.team_id IS DISTINCT FROM n.team_id OR p.counted <> (n.is_active AND n.role = 'employee'))
            RETURNING p.user_id, p.team_id, p.counted, p.key, p.h
        )
        INSERT INTO coverage_ledger (team_id, key, n, h)
        SELECT team_id, key, sum(n), max(h)
          FROM (SELECT team_id, key, 1 AS n, h FROM moved WHERE counted
      UNION ALL SELECT o.team_id, m.key, -1, m.h FROM moved m JOIN old_rows o ON o.id = m.user_id
                 WHERE o.is_active AND o.role = 'employee') r
         GROUP BY team_id, key HAVING sum(n) <> 0;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM coverage_people p USING old_rows o WHERE p.user_id = o.id;
    ELSE -- TRUNCATE
        TRUNCATE coverage_people;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- schedules: the users whose own schedules a statement wrote, moved or
-- removed are rekeyed (ApplyDueSchedules' marking of due rows too, which
-- brings their keys' h forward); team and organisation schedules are not
-- in keys (coverage adds them by team when it reads).
-- +goose StatementBegin
CREATE FUNCTION coverage_people_follow_schedules() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    uids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        uids := ARRAY(SELECT DISTINCT user_id FROM new_rows WHERE user_id IS NOT NULL);
    ELSIF TG_OP = 'DELETE' THEN
        uids := ARRAY(SELECT DISTINCT user_id FROM old_rows WHERE user_id IS NOT NULL);
    ELSIF TG_OP = 'UPDATE' THEN
        uids := ARRAY(SELECT user_id FROM new_rows WHERE user_id IS NOT NULL
                       UNION SELECT user_id FROM old_rows WHERE user_id IS NOT NULL);
    ELSE -- TRUNCATE: nobody has schedules of their own any more
        uids := ARRAY(SELECT user_id FROM coverage_people WHERE key <> md5('[null,null,null,null]')::uuid);
    END IF;
    -- An INSERT ... ON CONFLICT DO UPDATE (every PUT /me/weekoffs) fires
    -- both the insert and the update trigger, one of them with no rows, and
    -- a write of rules already in force fires both with none: no call then
    -- (coverage_rekey's settings and its reading of the date cost one).
    IF cardinality(uids) > 0 THEN
        PERFORM coverage_rekey(uids);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- The key of no schedule of one's own, which every new user gets.
INSERT INTO coverage_keys (hash, key) VALUES (md5('[null,null,null,null]')::uuid, '[null,null,null,null]');

LOCK TABLE users, schedules IN SHARE MODE; -- no writer may change what is worked out below
CREATE TRIGGER coverage_ledger_insert AFTER INSERT ON coverage_people
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_ledger_follow();
CREATE TRIGGER coverage_ledger_delete AFTER DELETE ON coverage_people
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_ledger_follow();
CREATE TRIGGER coverage_ledger_truncate AFTER TRUNCATE ON coverage_people
    FOR EACH STATEMENT EXECUTE FUNCTION coverage_ledger_follow();

SELECT coverage_rebuild();
ALTER TABLE coverage_people ADD PRIMARY KEY (user_id);
ANALYZE coverage_people;

CREATE TRIGGER coverage_people_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_people_follow_users();
CREATE TRIGGER coverage_people_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_people_follow_users();
CREATE TRIGGER coverage_people_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_people_follow_users();
CREATE TRIGGER coverage_people_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION coverage_people_follow_users();

CREATE TRIGGER coverage_keys_insert AFTER INSERT ON schedules
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_people_follow_schedules();
CREATE TRIGGER coverage_keys_update AFTER UPDATE ON schedules
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_people_follow_schedules();
CREATE TRIGGER coverage_keys_delete AFTER DELETE ON schedules
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_people_follow_schedules();
CREATE TRIGGER coverage_keys_truncate AFTER TRUNCATE ON schedules
    FOR EACH STATEMENT EXECUTE FUNCTION coverage_people_follow_schedules();

-- +goose Down
DROP TRIGGER coverage_keys_truncate ON schedules;
DROP TRIGGER coverage_keys_delete ON schedules;
DROP TRIGGER coverage_keys_update ON schedules;
DROP TRIGGER coverage_keys_insert ON schedules;
DROP TRIGGER coverage_people_truncate ON users;
DROP TRIGGER coverage_people_delete ON users;
DROP TRIGGER coverage_people_update ON users;
DROP TRIGGER coverage_people_insert ON users;
DROP FUNCTION coverage_people_follow_schedules();
DROP FUNCTION coverage_people_follow_users();
DROP TABLE coverage_ledger;
DROP TABLE coverage_people;
DROP TABLE coverage_keys;
DROP FUNCTION coverage_ledger_follow();
DROP FUNCTION coverage_rebuild();
DROP FUNCTION coverage_rekey(bigint[]);
DROP FUNCTION coverage_keys_of(bigint[], date);
DROP FUNCTION coverage_key_text(jsonb, boolean, date, jsonb);
DROP FUNCTION coverage_anchor(jsonb, date);
