-- +goose Up
-- The coverage guard weighs one person's change against a bound
-- (models/coverage_guard_bound.go): how many active employees the team has
-- and how many of them have each weekday among their days in force. Read
-- from users, that is a pass over the team's rows (1,000 pages for a team
-- of 1,000) while the team's lock is held. The week-off counts' ledger
-- (migration 00015) already adds a row for every statement that changes
-- what it counts; it now keeps its rows by team (NULL: no team), with the
-- head count beside the days, so that a team's figures are the sums of its
-- few rows. One person's change still adds one row.
LOCK TABLE users IN SHARE MODE; -- no writer may change what is recounted below

ALTER TABLE weekoff_counts ADD COLUMN team_id bigint, ADD COLUMN people bigint NOT NULL DEFAULT 0;
DELETE FROM weekoff_counts;
INSERT INTO weekoff_counts (team_id, people, monday, tuesday, wednesday, thursday, friday, saturday, sunday)
SELECT team_id, count(*),
       count(*) FILTER (WHERE 'monday' = ANY (weekoffs)), count(*) FILTER (WHERE 'tuesday' = ANY (weekoffs)),
       count(*) FILTER (WHERE 'wednesday' = ANY (weekoffs)), count(*) FILTER (WHERE 'thursday' = ANY (weekoffs)),
       count(*) FILTER (WHERE 'friday' = ANY (weekoffs)), count(*) FILTER (WHERE 'saturday' = ANY (weekoffs)),
       count(*) FILTER (WHERE 'sunday' = ANY (weekoffs))
  FROM users WHERE is_active AND role = 'employee' GROUP BY team_id;
CREATE INDEX weekoff_counts_team_idx ON weekoff_counts (team_id);

-- As 00015's, grouped by team, with the head count.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION weekoff_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO weekoff_counts (team_id, people, monday, tuesday, wednesday, thursday, friday, saturday, sunday)
        SELECT * FROM (SELECT r.team_id, sum(r.sign) AS people,
                       COALESCE(sum(r.sign) FILTER (WHERE 'monday' = ANY (r.weekoffs)), 0) AS monday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'tuesday' = ANY (r.weekoffs)), 0) AS tuesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'wednesday' = ANY (r.weekoffs)), 0) AS wednesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'thursday' = ANY (r.weekoffs)), 0) AS thursday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'friday' = ANY (r.weekoffs)), 0) AS friday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'saturday' = ANY (r.weekoffs)), 0) AS saturday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'sunday' = ANY (r.weekoffs)), 0) AS sunday
                  FROM (SELECT team_id, weekoffs, 1 AS sign FROM new_rows WHERE is_active AND role = 'employee') r
                 GROUP BY r.team_id) d
         WHERE (people, monday, tuesday, wednesday, thursday, friday, saturday, sunday) <> (0, 0, 0, 0, 0, 0, 0, 0);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO weekoff_counts (team_id, people, monday, tuesday, wednesday, thursday, friday, saturday, sunday)
        SELECT * FROM (SELECT r.team_id, sum(r.sign) AS people,
                       COALESCE(sum(r.sign) FILTER (WHERE 'monday' = ANY (r.weekoffs)), 0) AS monday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'tuesday' = ANY (r.weekoffs)), 0) AS tuesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'wednesday' = ANY (r.weekoffs)), 0) AS wednesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'thursday' = ANY (r.weekoffs)), 0) AS thursday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'friday' = ANY (r.weekoffs)), 0) AS friday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'saturday' = ANY (r.weekoffs)), 0) AS saturday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'sunday' = ANY (r.weekoffs)), 0) AS sunday
                  FROM (SELECT team_id, weekoffs, -1 AS sign FROM old_rows WHERE is_active AND role = 'employee') r
                 GROUP BY r.team_id) d
         WHERE (people, monday, tuesday, wednesday, thursday, friday, saturday, sunday) <> (0, 0, 0, 0, 0, 0, 0, 0);
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO weekoff_counts (team_id, people, monday, tuesday, wednesday, thursday, friday, saturday, sunday)
        SELECT * FROM (SELECT r.team_id, sum(r.sign) AS people,
                       COALESCE(sum(r.sign) FILTER (WHERE 'monday' = ANY (r.weekoffs)), 0) AS monday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'tuesday' = ANY (r.weekoffs)), 0) AS tuesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'wednesday' = ANY (r.weekoffs)), 0) AS wednesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'thursday' = ANY (r.weekoffs)), 0) AS thursday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'friday' = ANY (r.weekoffs)), 0) AS friday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'saturday' = ANY (r.weekoffs)), 0) AS saturday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'sunday' = ANY (r.weekoffs)), 0) AS sunday
                  FROM (SELECT team_id, weekoffs, 1 AS sign FROM new_rows WHERE is_active AND role = 'employee'
                UNION ALL SELECT team_id, weekoffs, -1 AS sign FROM old_rows WHERE is_active AND role = 'employee') r
                 GROUP BY r.team_id) d
         WHERE (people, monday, tuesday, wednesday, thursday, friday, saturday, sunday) <> (0, 0, 0, 0, 0, 0, 0, 0);
    ELSE -- TRUNCATE, which no other writer of users can run beside
        DELETE FROM weekoff_counts;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- Back to one ledger for everyone, without teams or head counts.
LOCK TABLE users IN SHARE MODE;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION weekoff_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO weekoff_counts (monday, tuesday, wednesday, thursday, friday, saturday, sunday)
        SELECT * FROM (SELECT
                       COALESCE(sum(r.sign) FILTER (WHERE 'monday' = ANY (r.weekoffs)), 0) AS monday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'tuesday' = ANY (r.weekoffs)), 0) AS tuesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'wednesday' = ANY (r.weekoffs)), 0) AS wednesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'thursday' = ANY (r.weekoffs)), 0) AS thursday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'friday' = ANY (r.weekoffs)), 0) AS friday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'saturday' = ANY (r.weekoffs)), 0) AS saturday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'sunday' = ANY (r.weekoffs)), 0) AS sunday
                  FROM (SELECT weekoffs, 1 AS sign FROM new_rows WHERE is_active AND role = 'employee') r) d
         WHERE (monday, tuesday, wednesday, thursday, friday, saturday, sunday) <> (0, 0, 0, 0, 0, 0, 0);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO weekoff_counts (monday, tuesday, wednesday, thursday, friday, saturday, sunday)
        SELECT * FROM (SELECT
                       COALESCE(sum(r.sign) FILTER (WHERE 'monday' = ANY (r.weekoffs)), 0) AS monday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'tuesday' = ANY (r.weekoffs)), 0) AS tuesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'wednesday' = ANY (r.weekoffs)), 0) AS wednesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'thursday' = ANY (r.weekoffs)), 0) AS thursday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'friday' = ANY (r.weekoffs)), 0) AS friday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'saturday' = ANY (r.weekoffs)), 0) AS saturday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'sunday' = ANY (r.weekoffs)), 0) AS sunday
                  FROM (SELECT weekoffs, -1 AS sign FROM old_rows WHERE is_active AND role = 'employee') r) d
         WHERE (monday, tuesday, wednesday, thursday, friday, saturday, sunday) <> (0, 0, 0, 0, 0, 0, 0);
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO weekoff_counts (monday, tuesday, wednesday, thursday, friday, saturday, sunday)
        SELECT * FROM (SELECT
                       COALESCE(sum(r.sign) FILTER (WHERE 'monday' = ANY (r.weekoffs)), 0) AS monday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'tuesday' = ANY (r.weekoffs)), 0) AS tuesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'wednesday' = ANY (r.weekoffs)), 0) AS wednesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'thursday' = ANY (r.weekoffs)), 0) AS thursday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'friday' = ANY (r.weekoffs)), 0) AS friday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'saturday' = ANY (r.weekoffs)), 0) AS saturday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'sunday' = ANY (r.weekoffs)), 0) AS sunday
                  FROM (SELECT weekoffs, 1 AS sign FROM new_rows WHERE is_active AND role = 'employee'
                UNION ALL SELECT weekoffs, -1 AS sign FROM old_rows WHERE is_active AND role = 'employee') r) d
         WHERE (monday, tuesday, wednesday, thursday, friday, saturday, sunday) <> (0, 0, 0, 0, 0, 0, 0);
    ELSE
        DELETE FROM weekoff_counts;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
DROP INDEX weekoff_counts_team_idx;
WITH folded AS (DELETE FROM weekoff_counts RETURNING *)
INSERT INTO weekoff_counts (monday, tuesday, wednesday, thursday, friday, saturday, sunday)
SELECT COALESCE(sum(monday), 0), COALESCE(sum(tuesday), 0), COALESCE(sum(wednesday), 0), COALESCE(sum(thursday), 0),
       COALESCE(sum(friday), 0), COALESCE(sum(saturday), 0), COALESCE(sum(sunday), 0) FROM folded;
ALTER TABLE weekoff_counts DROP COLUMN people, DROP COLUMN team_id;
