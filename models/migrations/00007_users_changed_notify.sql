-- +goose Up
-- Every instance keeps figures drawn from the users table (the week-off chart)
-- and must hear when it changes, whoever changed it: another instance, the
-- command line, plain SQL. A statement-level trigger notifies on the channel
-- weekoffs_users_changed once per statement (PostgreSQL also folds repeats
-- within a transaction into one notification, delivered at commit, and none
-- on rollback), so a bulk write costs one notification and the write path no
-- extra round trip. It fires for the columns such figures read; a password
-- change or a session epoch bump stays silent. The payload is empty: the
-- message is only "users changed", so that listeners need not change when
-- what they count does.

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

-- +goose Down
DROP TRIGGER users_changed_notify ON users;
DROP FUNCTION users_changed_notify();
