-- +goose Up
-- Coverage guard (docs/API.md, "Coverage guard"): an admin may apply a
-- change that leaves a team short; its history row says so.
ALTER TABLE user_history ADD COLUMN forced boolean NOT NULL DEFAULT false;

-- Coverage reads people's own schedules that start within a range: by date.
CREATE INDEX schedules_user_from_idx ON schedules (effective_from) WHERE user_id IS NOT NULL;

-- +goose Down
DROP INDEX schedules_user_from_idx;
ALTER TABLE user_history DROP COLUMN forced;
