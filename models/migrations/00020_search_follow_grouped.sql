-- +goose Up
-- search_follow_users_update (migration 00019) paired each user's old row
-- with their new one by a join of the statement's transition tables.
-- PL/pgSQL plans a statement once a session and keeps the plan, and the
-- plan is made for the transition tables of the first call: on a pooled
-- connection that is most often a one-row write, estimated at one row a
-- side, so the join became a nested loop. An UPDATE of 5,000 users on such
-- a connection compared 25,000,000 pairs in the trigger, 6.3 s, where the
-- same UPDATE as a connection's first statement took 1 s; a bulk change of
-- a million users took 256 s, against 153 s with the grouping below
-- (docs/PERFORMANCE.md, migration 00020). The rows are paired here by
-- grouping them on the user's id, which is linear however it was planned:
-- a sort or a hash, never a comparison of every row with every other.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_follow_users_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    renamed_from text[];
    renamed_to   text[];
BEGIN
    WITH changed AS MATERIALIZED (
        SELECT id, email, old_email, full_name, old_name
          FROM (SELECT id, min(email) FILTER (WHERE is_new) AS email, min(email) FILTER (WHERE NOT is_new) AS old_email,
                       min(full_name) FILTER (WHERE is_new) AS full_name, min(full_name) FILTER (WHERE NOT is_new) AS old_name
                  FROM (SELECT id, email, full_name, true AS is_new FROM new_rows
                        UNION ALL
                        SELECT id, email, full_name, false FROM old_rows) AS r
                 GROUP BY id) AS paired
         WHERE email <> old_email OR full_name <> old_name
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

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_follow_users_update() RETURNS trigger LANGUAGE plpgsql AS $$
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
