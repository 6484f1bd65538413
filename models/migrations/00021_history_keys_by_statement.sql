-- +goose Up
-- A history row names the user it is about and who made the change, and a
-- schedule who made it. These were foreign keys, which PostgreSQL checks
-- row by row, each check a query of its own: a change of schedule writes a
-- schedule and two history rows, so a bulk change of 1,000,000 users ran
-- 5,000,000 checks of these three keys (docs/PERFORMANCE.md, migration
-- 00021). They proved nothing: every statement that writes these
-- rows has locked or updated the user's row first, in its own transaction,
-- and no route deletes a user. What the keys did when an operator deletes
-- users, the triggers below do, once a statement instead of once a row: a
-- deleted user's history goes with them, and the changes they made no
-- longer name them. (Only a user deleted while a change they make is
-- being written stays named by it, by an id no one is given again: the
-- history shows no email for it.)
-- schedules.user_id stays a key: one check a change, and a schedule is
-- not a record of the past.
ALTER TABLE user_history DROP CONSTRAINT user_history_user_id_fkey,
                         DROP CONSTRAINT user_history_actor_id_fkey;
ALTER TABLE schedules DROP CONSTRAINT schedules_created_by_fkey;

-- The statements are run by EXECUTE, so planned for each call's own
-- deleted rows: a plan kept from a first call of one row would join many
-- as a nested loop (migration 00020).
-- +goose StatementBegin
CREATE FUNCTION users_forget_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        -- As TRUNCATE users CASCADE did through the key: the history of no one left.
        TRUNCATE user_history;
        RETURN NULL;
    END IF;
    EXECUTE 'DELETE FROM user_history WHERE user_id IN (SELECT id FROM old_rows)';
    EXECUTE 'UPDATE user_history SET actor_id = NULL WHERE actor_id IN (SELECT id FROM old_rows)';
    EXECUTE 'UPDATE schedules SET created_by = NULL WHERE created_by IN (SELECT id FROM old_rows)';
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER users_forget_deleted AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION users_forget_deleted();
CREATE TRIGGER users_forget_truncated AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION users_forget_deleted();

-- +goose Down
DROP TRIGGER users_forget_truncated ON users;
DROP TRIGGER users_forget_deleted ON users;
DROP FUNCTION users_forget_deleted();
DELETE FROM user_history h WHERE h.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = h.user_id);
UPDATE user_history h SET actor_id = NULL WHERE h.actor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = h.actor_id);
UPDATE schedules s SET created_by = NULL WHERE s.created_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.created_by);
ALTER TABLE user_history ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
                         ADD FOREIGN KEY (actor_id) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE schedules ADD FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL;
