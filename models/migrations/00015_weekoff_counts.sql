-- +goose Up
-- The week-off chart counts the active employees off on each weekday.
-- Counting them on demand reads every user (40 ms at 100,000), so each
-- instance cached the figure and heard of every change through a NOTIFY
-- from a trigger (migration 00007). But a transaction that notifies takes a
-- lock on the whole database from just before its commit until after it
-- (PreCommit_Notify in async.c), so every week-off change committed alone,
-- one WAL flush each, never grouped with others': 350 commits a second where
-- the same transactions without the NOTIFY made 1,200 (pgbench, 32 clients,
-- the shared 2-core machine). The counts are now kept as they change, by
-- statement triggers, so reading them is cheap and every instance reads the
-- same figure at once, with no cache and no notification. They are kept in
-- 1024 stripes (a user's id modulo 1024): a write changes its stripe's row
-- only, so two concurrent writers rarely wait for each other, and the chart
-- sums 1024 rows.
DROP TRIGGER users_changed_notify ON users;
DROP FUNCTION users_changed_notify();

CREATE TABLE weekoff_counts (
    stripe    int    PRIMARY KEY,
    monday    bigint NOT NULL DEFAULT 0,
    tuesday   bigint NOT NULL DEFAULT 0,
    wednesday bigint NOT NULL DEFAULT 0,
    thursday  bigint NOT NULL DEFAULT 0,
    friday    bigint NOT NULL DEFAULT 0,
    saturday  bigint NOT NULL DEFAULT 0,
    sunday    bigint NOT NULL DEFAULT 0
);

-- The counts as they are now.
INSERT INTO weekoff_counts (stripe, monday, tuesday, wednesday, thursday, friday, saturday, sunday)
SELECT s.stripe, COALESCE(c.monday, 0), COALESCE(c.tuesday, 0), COALESCE(c.wednesday, 0), COALESCE(c.thursday, 0),
       COALESCE(c.friday, 0), COALESCE(c.saturday, 0), COALESCE(c.sunday, 0)
  FROM generate_series(0, 1023) AS s (stripe)
  LEFT JOIN (SELECT (id % 1024)::int AS stripe,
                    count(*) FILTER (WHERE 'monday' = ANY (weekoffs)) AS monday,
                    count(*) FILTER (WHERE 'tuesday' = ANY (weekoffs)) AS tuesday,
                    count(*) FILTER (WHERE 'wednesday' = ANY (weekoffs)) AS wednesday,
                    count(*) FILTER (WHERE 'thursday' = ANY (weekoffs)) AS thursday,
                    count(*) FILTER (WHERE 'friday' = ANY (weekoffs)) AS friday,
                    count(*) FILTER (WHERE 'saturday' = ANY (weekoffs)) AS saturday,
                    count(*) FILTER (WHERE 'sunday' = ANY (weekoffs)) AS sunday
               FROM users WHERE is_active AND role = 'employee' GROUP BY 1) c ON c.stripe = s.stripe;

-- The triggers add what a statement's new rows count and take away what its
-- old rows counted, by stripe, writing only the stripes that change: a row
-- that counted before and after a change of its password changes none. A
-- statement trigger sees its rows in transition tables, which only the
-- trigger's own function can read: hence the same statement three times.
-- +goose StatementBegin
CREATE FUNCTION weekoff_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE weekoff_counts c SET monday = c.monday + d.monday, tuesday = c.tuesday + d.tuesday,
               wednesday = c.wednesday + d.wednesday, thursday = c.thursday + d.thursday,
               friday = c.friday + d.friday, saturday = c.saturday + d.saturday, sunday = c.sunday + d.sunday
          FROM (SELECT (r.id % 1024)::int AS stripe,
                       COALESCE(sum(r.sign) FILTER (WHERE 'monday' = ANY (r.weekoffs)), 0) AS monday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'tuesday' = ANY (r.weekoffs)), 0) AS tuesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'wednesday' = ANY (r.weekoffs)), 0) AS wednesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'thursday' = ANY (r.weekoffs)), 0) AS thursday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'friday' = ANY (r.weekoffs)), 0) AS friday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'saturday' = ANY (r.weekoffs)), 0) AS saturday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'sunday' = ANY (r.weekoffs)), 0) AS sunday
                  FROM (SELECT id, weekoffs, 1 AS sign FROM new_rows WHERE is_active AND role = 'employee') r
                 GROUP BY 1) d
         WHERE c.stripe = d.stripe
           AND (d.monday, d.tuesday, d.wednesday, d.thursday, d.friday, d.saturday, d.sunday) <> (0, 0, 0, 0, 0, 0, 0);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE weekoff_counts c SET monday = c.monday + d.monday, tuesday = c.tuesday + d.tuesday,
               wednesday = c.wednesday + d.wednesday, thursday = c.thursday + d.thursday,
               friday = c.friday + d.friday, saturday = c.saturday + d.saturday, sunday = c.sunday + d.sunday
          FROM (SELECT (r.id % 1024)::int AS stripe,
                       COALESCE(sum(r.sign) FILTER (WHERE 'monday' = ANY (r.weekoffs)), 0) AS monday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'tuesday' = ANY (r.weekoffs)), 0) AS tuesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'wednesday' = ANY (r.weekoffs)), 0) AS wednesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'thursday' = ANY (r.weekoffs)), 0) AS thursday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'friday' = ANY (r.weekoffs)), 0) AS friday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'saturday' = ANY (r.weekoffs)), 0) AS saturday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'sunday' = ANY (r.weekoffs)), 0) AS sunday
                  FROM (SELECT id, weekoffs, -1 AS sign FROM old_rows WHERE is_active AND role = 'employee') r
                 GROUP BY 1) d
         WHERE c.stripe = d.stripe
           AND (d.monday, d.tuesday, d.wednesday, d.thursday, d.friday, d.saturday, d.sunday) <> (0, 0, 0, 0, 0, 0, 0);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE weekoff_counts c SET monday = c.monday + d.monday, tuesday = c.tuesday + d.tuesday,
               wednesday = c.wednesday + d.wednesday, thursday = c.thursday + d.thursday,
               friday = c.friday + d.friday, saturday = c.saturday + d.saturday, sunday = c.sunday + d.sunday
          FROM (SELECT (r.id % 1024)::int AS stripe,
                       COALESCE(sum(r.sign) FILTER (WHERE 'monday' = ANY (r.weekoffs)), 0) AS monday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'tuesday' = ANY (r.weekoffs)), 0) AS tuesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'wednesday' = ANY (r.weekoffs)), 0) AS wednesday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'thursday' = ANY (r.weekoffs)), 0) AS thursday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'friday' = ANY (r.weekoffs)), 0) AS friday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'saturday' = ANY (r.weekoffs)), 0) AS saturday,
                       COALESCE(sum(r.sign) FILTER (WHERE 'sunday' = ANY (r.weekoffs)), 0) AS sunday
                  FROM (SELECT id, weekoffs, 1 AS sign FROM new_rows WHERE is_active AND role = 'employee'
                        UNION ALL SELECT id, weekoffs, -1 AS sign FROM old_rows WHERE is_active AND role = 'employee') r
                 GROUP BY 1) d
         WHERE c.stripe = d.stripe
           AND (d.monday, d.tuesday, d.wednesday, d.thursday, d.friday, d.saturday, d.sunday) <> (0, 0, 0, 0, 0, 0, 0);
    ELSE -- TRUNCATE
        UPDATE weekoff_counts SET monday = 0, tuesday = 0, wednesday = 0, thursday = 0, friday = 0, saturday = 0, sunday = 0;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER weekoff_counts_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION weekoff_counts_follow();
CREATE TRIGGER weekoff_counts_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION weekoff_counts_follow();
CREATE TRIGGER weekoff_counts_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION weekoff_counts_follow();
CREATE TRIGGER weekoff_counts_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION weekoff_counts_follow();

-- +goose Down
DROP TRIGGER weekoff_counts_truncate ON users;
DROP TRIGGER weekoff_counts_delete ON users;
DROP TRIGGER weekoff_counts_update ON users;
DROP TRIGGER weekoff_counts_insert ON users;
DROP FUNCTION weekoff_counts_follow();
DROP TABLE weekoff_counts;

-- +goose StatementBegin
CREATE FUNCTION users_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('weekoffs_users_changed', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER users_changed_notify
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF weekoffs, role, is_active ON users
    FOR EACH STATEMENT
    EXECUTE FUNCTION users_changed_notify();
