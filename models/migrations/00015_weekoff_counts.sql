-- +goose Up
-- The week-off chart counts the active employees off on each weekday.
-- Counting them on demand reads every user (40 ms at 100,000), so each
-- instance cached the figure and heard of every change through a NOTIFY
-- from a trigger (migration 00007). But a transaction that notifies takes a
-- lock on the whole database from just before its commit until after it
-- (PreCommit_Notify in async.c), so every week-off change committed alone,
-- one WAL flush each, never grouped with others': 350 commits a second where
-- the same transactions without the NOTIFY made 1,200 (pgbench, 32 clients,
-- the shared 2-core machine). The counts are now kept as they change, so
-- reading them is cheap and every instance reads the same figure at once,
-- with no cache and no notification.
--
-- They are kept as a ledger: each statement that changes what the counts
-- count adds a row of its differences, and the counts are the rows' sums.
-- Adding rows takes no lock another writer waits for, so writers never
-- queue on a counter or deadlock over two, however many users a statement
-- changes; Store.ActiveEmployeesOff folds the rows into one now and then.
DROP TRIGGER users_changed_notify ON users;
DROP FUNCTION users_changed_notify();

CREATE TABLE weekoff_counts (
    monday    bigint NOT NULL,
    tuesday   bigint NOT NULL,
    wednesday bigint NOT NULL,
    thursday  bigint NOT NULL,
    friday    bigint NOT NULL,
    saturday  bigint NOT NULL,
    sunday    bigint NOT NULL
);

-- The counts as they are now.
INSERT INTO weekoff_counts
SELECT count(*) FILTER (WHERE 'monday' = ANY (weekoffs)), count(*) FILTER (WHERE 'tuesday' = ANY (weekoffs)),
       count(*) FILTER (WHERE 'wednesday' = ANY (weekoffs)), count(*) FILTER (WHERE 'thursday' = ANY (weekoffs)),
       count(*) FILTER (WHERE 'friday' = ANY (weekoffs)), count(*) FILTER (WHERE 'saturday' = ANY (weekoffs)),
       count(*) FILTER (WHERE 'sunday' = ANY (weekoffs))
  FROM users WHERE is_active AND role = 'employee';

-- The triggers add what a statement's new rows count less what its old
-- rows counted; a statement that changes no count (a password change, say)
-- adds nothing. A statement trigger sees its rows in transition tables,
-- which only the trigger's own function can read: hence the same statement
-- three times.
-- +goose StatementBegin
CREATE FUNCTION weekoff_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO weekoff_counts
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
        INSERT INTO weekoff_counts
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
        INSERT INTO weekoff_counts
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
    ELSE -- TRUNCATE, which no other writer of users can run beside
        DELETE FROM weekoff_counts;
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
