-- +goose Up
-- Browser sessions live in signed, encrypted cookies; the database keeps only
-- what lets it end them early.
--
-- session_epoch is part of every session; a session whose epoch no longer
-- matches its user's is over. The trigger raises it whenever the password
-- changes or the user is deactivated, by whatever path (the web forms, the
-- JSON API, the CLI, plain SQL), so that no writer can forget it.
ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION users_end_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.session_epoch := OLD.session_epoch + 1;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER users_end_sessions
    BEFORE UPDATE OF password_hash, is_active ON users
    FOR EACH ROW
    WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash OR (OLD.is_active AND NOT NEW.is_active))
    EXECUTE FUNCTION users_end_sessions();

-- Sessions signed out before they expired. A row lives until the session
-- would have expired anyway; expired rows are deleted as new ones arrive.
CREATE TABLE ended_sessions (
    id         text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX ended_sessions_expires_at_idx ON ended_sessions (expires_at);

-- +goose Down
DROP TABLE ended_sessions;
DROP TRIGGER users_end_sessions ON users;
DROP FUNCTION users_end_sessions();
ALTER TABLE users DROP COLUMN session_epoch;
