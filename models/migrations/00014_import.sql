-- +goose Up
-- Users created by an import have no password until an admin sets one (or
-- a reset does): never a default one that everybody could guess. Sign-in
-- refuses a user without one as it refuses a wrong password.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;

-- History says which changes came from an imported file.
ALTER TABLE user_history DROP CONSTRAINT user_history_via_check;
ALTER TABLE user_history ADD CONSTRAINT user_history_via_check
    CHECK (via IN ('api', 'form', 'admin', 'system', 'import'));

-- +goose Down
DELETE FROM user_history WHERE via = 'import';
ALTER TABLE user_history DROP CONSTRAINT user_history_via_check;
ALTER TABLE user_history ADD CONSTRAINT user_history_via_check
    CHECK (via IN ('api', 'form', 'admin', 'system'));
-- A user without a password gets one nobody can sign in with: no bcrypt hash is empty.
UPDATE users SET password_hash = '' WHERE password_hash IS NULL;
ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL;
