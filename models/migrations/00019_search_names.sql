-- +goose Up
-- A search in name order walks the name index until it has a page of
-- matches. That walk is long when the matches are many but gathered late in
-- the order: at 10,000,000 seeded users, whose 1,200 full names are shared by
-- 8,333 people each, "Rao Ana" walked 434,723 entries (49 ms) before the first
-- "Ana Rao", "okafor" 159,476 (20–50 ms). When names repeat like that, the
-- names that hold every word are few, and the users bearing them can be read
-- straight from the name index, in order (ListUsers, byNames).
--
-- A word may be in the email instead, so the emails get a trigram index of
-- their own, to find the users an email makes a match. Both live beside
-- users, not on it: an index on users costs every write of a user's row (a
-- bulk change rewrites a million of them), and these change only with a
-- name or an email.
CREATE TABLE search_names (
    full_name text COLLATE "C" PRIMARY KEY,
    folded    text NOT NULL -- users_search_fold(full_name)
);
CREATE TABLE search_emails (
    user_id bigint PRIMARY KEY, -- kept by the triggers below, not a foreign key: see search_follow_users_insert
    folded  text   NOT NULL     -- users_search_fold(email)
);
INSERT INTO search_names (full_name, folded)
SELECT full_name, users_search_fold(full_name) FROM (SELECT DISTINCT full_name FROM users) AS d;
INSERT INTO search_emails (user_id, folded) SELECT id, users_search_fold(email) FROM users;
CREATE INDEX search_names_folded_idx ON search_names USING gin (folded gin_trgm_ops);
CREATE INDEX search_emails_folded_idx ON search_emails USING gin (folded gin_trgm_ops);

-- The names a statement brings are added where new, and each is held with
-- a KEY SHARE lock until the transaction ends, as a foreign key would hold
-- it: a transaction that drops a name nobody bears (search_drop_unused_names)
-- skips the names others hold, and so never drops one that a user not yet
-- committed bears. Shared locks do not wait on each other, so writers that
-- add the same name (an import and a new user) do not queue. A name dropped
-- between the INSERT and the lock is added again.
-- +goose StatementBegin
CREATE FUNCTION search_hold_names(names text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    held bigint;
BEGIN
    LOOP
        -- In the names' order, so that two writers adding the same new names cannot deadlock.
        INSERT INTO search_names (full_name, folded)
        SELECT n, users_search_fold(n) FROM unnest(names) AS n ORDER BY n
        ON CONFLICT (full_name) DO NOTHING;
        SELECT count(*) INTO held
          FROM (SELECT 1 FROM search_names WHERE full_name = ANY(names) ORDER BY full_name FOR KEY SHARE) AS h;
        EXIT WHEN held = cardinality(names);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- Names nobody bears any more are dropped, so that a deleted user's name is
-- not kept. Those another transaction holds are skipped: a user of theirs
-- bears the name (or did, and the name stays until a later drop). The rest
-- are locked first and tested by a later statement, whose snapshot sees
-- every holder that let go of one before it was locked as committed.
-- +goose StatementBegin
CREATE FUNCTION search_drop_unused_names(names text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    locked text[] := ARRAY(SELECT full_name FROM search_names WHERE full_name = ANY(names)
                            ORDER BY full_name FOR UPDATE SKIP LOCKED);
BEGIN
    DELETE FROM search_names n
     WHERE n.full_name = ANY(locked) AND NOT EXISTS (SELECT 1 FROM users u WHERE u.full_name = n.full_name);
END
$$;
-- +goose StatementEnd

-- A statement's new users, their emails and their names. The seed's COPY of
-- a million rows is one statement, so these follow a statement, not each row
-- (a foreign key from search_emails would check every row, and lock each new
-- user's row to do it; the triggers keep the rows instead).
-- +goose StatementBegin
CREATE FUNCTION search_follow_users_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_emails (user_id, folded) SELECT id, users_search_fold(email) FROM new_rows;
    PERFORM search_hold_names(ARRAY(SELECT DISTINCT full_name FROM new_rows));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_follow_users_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_emails e USING old_rows o WHERE e.user_id = o.id;
    PERFORM search_drop_unused_names(ARRAY(SELECT DISTINCT full_name FROM old_rows));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Renames and new emails. A statement trigger, not one for each row: a
-- rename costs a row trigger four statements, which an import renaming
-- thousands of users would pay for each; this joins the statement's old and
-- new rows once. Every UPDATE of users calls it (a trigger that names its
-- columns may not read transition tables), and for most (a week-off change)
-- it finds nothing to do: about 6 µs on a one-row UPDATE.
-- +goose StatementBegin
CREATE FUNCTION search_follow_users_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    renamed_from text[];
    renamed_to   text[];
BEGIN
    WITH changed AS MATERIALIZED (
        SELECT n.id, n.email, o.email AS old_email, n.full_name, o.full_name AS old_name
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE n.email <> o.email OR n.full_name <> o.full_name
    ), emails AS (
        UPDATE search_emails e SET folded = users_search_fold(c.email)
          FROM changed c WHERE e.user_id = c.id AND c.email <> c.old_email
    )
    SELECT array_agg(DISTINCT old_name), array_agg(DISTINCT full_name) INTO renamed_from, renamed_to
      FROM changed WHERE full_name <> old_name;
    IF renamed_to IS NOT NULL THEN
        PERFORM search_hold_names(renamed_to);
        PERFORM search_drop_unused_names(renamed_from);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_follow_users_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE search_names, search_emails;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER search_follow_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_follow_users_insert();
CREATE TRIGGER search_follow_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_follow_users_delete();
CREATE TRIGGER search_follow_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_follow_users_update();
CREATE TRIGGER search_follow_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION search_follow_users_truncate();

ANALYZE search_names;
ANALYZE search_emails;

-- +goose Down
DROP TRIGGER search_follow_truncate ON users;
DROP TRIGGER search_follow_update ON users;
DROP TRIGGER search_follow_delete ON users;
DROP TRIGGER search_follow_insert ON users;
DROP FUNCTION search_follow_users_truncate();
DROP FUNCTION search_follow_users_update();
DROP FUNCTION search_follow_users_delete();
DROP FUNCTION search_follow_users_insert();
DROP FUNCTION search_drop_unused_names(text[]);
DROP FUNCTION search_hold_names(text[]);
DROP TABLE search_emails;
DROP TABLE search_names;
