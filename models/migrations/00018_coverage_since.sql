-- +goose Up
-- Everyone's coverage from the kept keys for ranges that start before
-- today (docs/PERFORMANCE.md, "Everyone's coverage for ranges that start
-- before today"). Migration 00017's keys held from the date they were worked out
-- on, so the current month's calendar for everyone, which starts on the
-- 1st, was counted person by person: 3-4 s at a million users.
--
-- Keys are now worked out from coverage_since(today), the first day of the
-- month before today's: they carry the own changes since then, dated, and
-- hold for any range from that day, the previous month's calendar
-- included. Dated keys are many more (at a million seeded users, 587 keys
-- against 17: people began on every day of those months), and by team
-- they made 78,000 groups, which PostgreSQL takes 60 ms to sum. But only
-- the teams with a minimum (whose short days are asked) and the teams with
-- schedules of their own (whose people without one follow them) need
-- their people apart; the ledger counts everyone else's people as of no
-- team (coverage_apart_teams), and a team's rows move when it starts or
-- stops needing them (coverage_regroup). Keys that carry changes older
-- than the next month's such day are worked out again when it comes
-- (coverage_catch_up), so that dated keys do not pile up.

-- The first day of the month before d's.
CREATE FUNCTION coverage_since(d date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT (date_trunc('month', d) - interval '1 month')::date
$$;

-- The teams whose people the ledger counts apart: those with a minimum
-- (whose short days are asked) or schedules of their own (which their
-- people without one follow); everyone else's as of no team. Kept by
-- coverage_regroup (and coverage_rebuild), so that a write reads one small
-- page rather than the teams' and their schedules' indexes: that cost a
-- week-off change 8-14% of its throughput at 64 connections.
CREATE TABLE coverage_apart (
    team_id bigint PRIMARY KEY REFERENCES teams ON DELETE CASCADE
);
CREATE FUNCTION coverage_apart_teams() RETURNS TABLE (id bigint) LANGUAGE sql STABLE AS $$
    SELECT team_id FROM coverage_apart
$$;

-- Every writer of the ledger first takes, in a statement of its own, a
-- shared lock (released at commit: coverage_apart_share), and reads
-- coverage_apart_teams in the next, with a snapshot taken after it. A
-- change that makes a team start or stop being apart takes the lock
-- exclusively before it moves the team's rows (coverage_regroup): a writer
-- either wrote first and its rows are among those moved, or waits and
-- writes under the new answer. One lock for every team, not one a team: a
-- bulk change's batch writes for a thousand teams, and PostgreSQL's lock
-- table holds 64 locks a connection; a team starts or stops being apart
-- rarely (its first minimum or schedule), and then every writer waits for
-- the moving of its rows, a few ms.
CREATE FUNCTION coverage_apart_share() RETURNS void LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock_shared(hashtext('coverage_apart'), 0)
$$;

-- Takes coverage_apart_share's lock exclusively, waiting for the writers
-- that hold it to commit; a caller reads what decides a team's answer
-- after this, in a statement of its own.
CREATE FUNCTION coverage_apart_lock() RETURNS void LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(hashtext('coverage_apart'), 0)
$$;

-- Moves team t's counted people in the ledger from being of no team to
-- being apart (was false, is true) or back, from coverage_people's rows
-- of t (coverage_people_team_idx).
-- +goose StatementBegin
CREATE FUNCTION coverage_regroup(t bigint, was_apart boolean, is_apart boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF was_apart = is_apart THEN
        RETURN;
    END IF;
    WITH c AS MATERIALIZED (SELECT key, count(*) AS n, max(h) AS h FROM coverage_people WHERE team_id = t AND counted GROUP BY key)
    INSERT INTO coverage_ledger (team_id, key, n, h)
    SELECT CASE WHEN is_apart THEN t END, key, n, h FROM c
    UNION ALL
    SELECT CASE WHEN was_apart THEN t END, key, -n, h FROM c;
    IF is_apart THEN
        INSERT INTO coverage_apart (team_id) VALUES (t) ON CONFLICT DO NOTHING;
    ELSE
        DELETE FROM coverage_apart WHERE team_id = t;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION coverage_rekey(uids bigint[]) RETURNS void LANGUAGE plpgsql
    SET jit = off SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    -- The keys hold from here (their h); a key that did not move keeps
    -- its older h, which the unchanged timeline before it still holds for.
    since date := coverage_since(org_today());
BEGIN
    IF COALESCE(cardinality(uids), 0) = 0 THEN
        RETURN;
    END IF;
    -- With the rows, coverage_apart_share's lock (a call a row, the first
    -- of which takes it): one statement fewer a write.
    PERFORM pg_advisory_xact_lock_shared(hashtext('coverage_apart'), 0)
       FROM coverage_people WHERE user_id = ANY (uids) ORDER BY user_id FOR UPDATE;
    -- The ledger follows in the same statement (one trigger fewer a write):
    -- o is the row as it was, which nobody else can have moved since the
    -- lock above.
    WITH k AS MATERIALIZED (SELECT k.user_id, md5(k.key)::uuid AS hash, k.key FROM coverage_keys_of(uids, since) k),
    texts AS (INSERT INTO coverage_keys (hash, key) SELECT DISTINCT hash, key FROM k ON CONFLICT DO NOTHING),
    moved AS (
        UPDATE coverage_people p SET key = k.hash, h = since FROM k, coverage_people o
         WHERE p.user_id = k.user_id AND o.user_id = k.user_id AND p.key <> k.hash
        RETURNING p.team_id, p.counted, o.key AS old_key, o.h AS old_h, p.key, p.h
    )
    INSERT INTO coverage_ledger (team_id, key, n, h)
    SELECT CASE WHEN team_id IN (SELECT id FROM coverage_apart_teams()) THEN team_id END, key, sum(n), max(h)
      FROM (SELECT team_id, key, 1 AS n, h FROM moved WHERE counted
  UNION ALL SELECT team_id, old_key, -1, old_h FROM moved WHERE counted) r
     GROUP BY 1, 2 HAVING sum(n) <> 0;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION coverage_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE coverage_people, coverage_ledger;
    DELETE FROM coverage_apart;
    INSERT INTO coverage_apart (team_id)
    SELECT id FROM teams WHERE min_on_duty > 0 UNION SELECT team_id FROM schedules WHERE team_id IS NOT NULL;
    CREATE TEMPORARY TABLE coverage_rebuilt ON COMMIT DROP AS
    WITH b AS (
        SELECT DISTINCT ON (s.user_id) s.user_id, s.rules, s.inherit, s.effective_from
          FROM schedules s WHERE s.user_id IS NOT NULL AND s.effective_from <= coverage_since(org_today())
         ORDER BY s.user_id, s.effective_from DESC
    ), l AS (
        SELECT s.user_id, jsonb_agg(jsonb_build_array(s.effective_from, s.rules, s.inherit) ORDER BY s.effective_from) AS changes
          FROM schedules s WHERE s.user_id IS NOT NULL AND s.effective_from > coverage_since(org_today()) GROUP BY s.user_id
    )
    SELECT u.id, u.team_id, u.is_active AND u.role = 'employee' AS counted,
           coverage_key_text(b.rules, b.inherit, b.effective_from, l.changes) AS key
      FROM users u LEFT JOIN b ON b.user_id = u.id LEFT JOIN l ON l.user_id = u.id;
    INSERT INTO coverage_keys (hash, key) SELECT DISTINCT md5(key)::uuid, key FROM coverage_rebuilt ON CONFLICT DO NOTHING;
    -- The ledger follows this insert by its trigger, as it follows any other.
    INSERT INTO coverage_people (user_id, team_id, counted, key, h)
    SELECT id, team_id, counted, md5(key)::uuid, coverage_since(org_today()) FROM coverage_rebuilt;
    DROP TABLE coverage_rebuilt;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION coverage_ledger_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM coverage_apart_share();
        INSERT INTO coverage_ledger (team_id, key, n, h)
        SELECT CASE WHEN team_id IN (SELECT id FROM coverage_apart_teams()) THEN team_id END, key, count(*), max(h)
          FROM new_rows WHERE counted GROUP BY 1, 2;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM coverage_apart_share();
        INSERT INTO coverage_ledger (team_id, key, n, h)
        SELECT CASE WHEN team_id IN (SELECT id FROM coverage_apart_teams()) THEN team_id END, key, -count(*), max(h)
          FROM old_rows WHERE counted GROUP BY 1, 2;
    ELSE -- TRUNCATE
        DELETE FROM coverage_ledger;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION coverage_people_follow_users() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_teams bigint[];
    now_counted boolean[];
    was_teams bigint[];
    was_counted boolean[];
    moved_keys uuid[];
    moved_h date[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO coverage_people (user_id, team_id, counted, key, h)
        SELECT id, team_id, is_active AND role = 'employee', md5('[null,null,null,null]')::uuid, coverage_since(org_today()) FROM new_rows;
        PERFORM coverage_rekey(ARRAY(SELECT n.id FROM new_rows n WHERE EXISTS (SELECT 1 FROM schedules s WHERE s.user_id = n.id)));
    ELSIF TG_OP = 'UPDATE' THEN
        -- Every write of a user comes here, most with no change of team,
        -- active or role: those run this one statement. o is the row as it
        -- was: its team and counted are the user's old ones (only this
        -- trigger changes them, under the user's row lock); the key is the
        -- one RETURNING gives, which this update does not change and a
        -- rekey committed meanwhile may have.
        WITH moved AS (
            UPDATE coverage_people p SET team_id = n.team_id, counted = n.is_active AND n.role = 'employee'
              FROM new_rows n, coverage_people o
             WHERE p.user_id = n.id AND o.user_id = n.id
               AND (p.team_id IS DISTINCT FROM n.team_id OR p.counted <> (n.is_active AND n.role = 'employee'))
            RETURNING p.team_id, p.counted, o.team_id AS old_team, o.counted AS old_counted, p.key, p.h
        )
        SELECT array_agg(team_id), array_agg(counted), array_agg(old_team), array_agg(old_counted), array_agg(key), array_agg(h)
          INTO now_teams, now_counted, was_teams, was_counted, moved_keys, moved_h FROM moved;
        IF moved_keys IS NOT NULL THEN
            PERFORM coverage_apart_share();
            INSERT INTO coverage_ledger (team_id, key, n, h)
            SELECT CASE WHEN team_id IN (SELECT id FROM coverage_apart_teams()) THEN team_id END, key, sum(n), max(h)
              FROM (SELECT m.t AS team_id, m.k AS key, 1 AS n, m.h FROM unnest(now_teams, now_counted, moved_keys, moved_h) m (t, c, k, h) WHERE m.c
          UNION ALL SELECT m.t, m.k, -1, m.h FROM unnest(was_teams, was_counted, moved_keys, moved_h) m (t, c, k, h) WHERE m.c) r
             GROUP BY 1, 2 HAVING sum(n) <> 0;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM coverage_people p USING old_rows o WHERE p.user_id = o.id;
    ELSE -- TRUNCATE
        TRUNCATE coverage_people;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- A team gained or lost d schedules (a statement's): if that made its first
-- or took its last, its people are counted apart, or no longer. Decided
-- after coverage_apart_lock, from statements of their own, so that two
-- such writes at once see each other.
-- +goose StatementBegin
CREATE FUNCTION coverage_team_follow_schedules(t bigint, d bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    minimum boolean;
    scheduled bigint;
BEGIN
    PERFORM coverage_apart_lock();
    SELECT count(*) INTO scheduled FROM schedules WHERE team_id = t;
    minimum := COALESCE((SELECT min_on_duty > 0 FROM teams WHERE id = t), false);
    PERFORM coverage_regroup(t, minimum OR scheduled - d > 0, minimum OR scheduled > 0);
END
$$;
-- +goose StatementEnd

-- teams: a minimum set from none, or back to none, where the team has no
-- schedules of its own: its people are counted apart, or no longer. A new
-- team with a minimum is apart from the start (it has nobody to move yet).
-- +goose StatementBegin
CREATE FUNCTION coverage_team_follow_minimum() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    scheduled boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.min_on_duty > 0 THEN
            INSERT INTO coverage_apart (team_id) VALUES (NEW.id);
        END IF;
        RETURN NULL;
    END IF;
    IF (OLD.min_on_duty > 0) = (NEW.min_on_duty > 0) THEN
        RETURN NULL;
    END IF;
    PERFORM coverage_apart_lock();
    scheduled := EXISTS (SELECT 1 FROM schedules WHERE team_id = NEW.id);
    PERFORM coverage_regroup(NEW.id, OLD.min_on_duty > 0 OR scheduled, NEW.min_on_duty > 0 OR scheduled);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION coverage_people_follow_schedules() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    uids bigint[];
    t bigint;
    d int;
BEGIN
    -- A team's first schedule, or its last gone: its people are counted
    -- apart, or no longer (coverage_apart_teams).
    IF TG_OP = 'INSERT' THEN
        FOR t, d IN SELECT team_id, count(*) FROM new_rows WHERE team_id IS NOT NULL GROUP BY team_id LOOP
            PERFORM coverage_team_follow_schedules(t, d);
        END LOOP;
    ELSIF TG_OP = 'DELETE' THEN
        FOR t, d IN SELECT team_id, -count(*) FROM old_rows WHERE team_id IS NOT NULL GROUP BY team_id LOOP
            PERFORM coverage_team_follow_schedules(t, d);
        END LOOP;
    ELSIF TG_OP = 'TRUNCATE' THEN
        -- Nobody has schedules of their own, and no team any.
        PERFORM coverage_rebuild();
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        uids := ARRAY(SELECT DISTINCT user_id FROM new_rows WHERE user_id IS NOT NULL);
    ELSIF TG_OP = 'DELETE' THEN
        uids := ARRAY(SELECT DISTINCT user_id FROM old_rows WHERE user_id IS NOT NULL);
    ELSIF TG_OP = 'UPDATE' THEN
        uids := ARRAY(SELECT user_id FROM new_rows WHERE user_id IS NOT NULL
                       UNION SELECT user_id FROM old_rows WHERE user_id IS NOT NULL);
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

-- The date up to which keys were last worked out again (coverage_catch_up).
CREATE TABLE coverage_caught_up (
    id    boolean PRIMARY KEY DEFAULT true CHECK (id),
    since date    NOT NULL
);
INSERT INTO coverage_caught_up (since) VALUES (coverage_since(org_today()));

-- Works out again, once coverage_since(today) has moved on, the keys of up
-- to lim users with own changes between the day it was and the day it is
-- (the only keys that can carry changes older than their h needs): their
-- keys become the schedule in force, and the groups stay about teams x
-- patterns. Returns how many it rekeyed; 0 when none are left, having
-- noted the day (or when another instance is at it). Run in batches
-- (models.Store.CatchUpCoverageKeys), each its own transaction, so that no
-- write waits on a month's worth.
-- +goose StatementBegin
CREATE FUNCTION coverage_catch_up(lim int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    target date := coverage_since(org_today());
    done date;
    uids bigint[];
BEGIN
    SELECT c.since INTO done FROM coverage_caught_up c;
    -- Another instance's run is doing the same work: leave it to that one.
    IF done >= target OR NOT pg_try_advisory_xact_lock(hashtext('coverage_catch_up')) THEN
        RETURN 0;
    END IF;
    uids := ARRAY(SELECT DISTINCT s.user_id FROM schedules s JOIN coverage_people p ON p.user_id = s.user_id
                   WHERE s.user_id IS NOT NULL AND s.effective_from > done AND s.effective_from <= target
                     AND s.effective_from > p.h
                   LIMIT lim);
    IF cardinality(uids) = 0 THEN
        UPDATE coverage_caught_up SET since = target;
        RETURN 0;
    END IF;
    PERFORM coverage_rekey(uids);
    RETURN cardinality(uids);
END
$$;
-- +goose StatementEnd

CREATE TRIGGER coverage_teams_minimum AFTER INSERT OR UPDATE OF min_on_duty ON teams
    FOR EACH ROW EXECUTE FUNCTION coverage_team_follow_minimum();

LOCK TABLE users, schedules, teams IN SHARE MODE; -- no writer may change what is worked out below
SELECT coverage_rebuild();
-- A team's counted people, for coverage_regroup, which every ledger writer
-- waits for: 230 ms a team at a million users by a scan, 1-2 ms by this.
CREATE INDEX coverage_people_team_idx ON coverage_people (team_id) WHERE counted AND team_id IS NOT NULL;
ANALYZE coverage_people;

-- +goose Down
DROP INDEX coverage_people_team_idx;
DROP TRIGGER coverage_teams_minimum ON teams;
DROP FUNCTION coverage_catch_up(int);
DROP TABLE coverage_caught_up;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION coverage_people_follow_schedules() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION coverage_people_follow_users() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION coverage_ledger_follow() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION coverage_rebuild() RETURNS void LANGUAGE plpgsql AS $$
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION coverage_rekey(uids bigint[]) RETURNS void LANGUAGE plpgsql
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

DROP FUNCTION coverage_team_follow_minimum();
DROP FUNCTION coverage_team_follow_schedules(bigint, bigint);
DROP FUNCTION coverage_regroup(bigint, boolean, boolean);
DROP FUNCTION coverage_apart_lock();
DROP FUNCTION coverage_apart_share();
DROP FUNCTION coverage_apart_teams();
DROP TABLE coverage_apart;
DROP FUNCTION coverage_since(date);
LOCK TABLE users, schedules IN SHARE MODE;
SELECT coverage_rebuild();
