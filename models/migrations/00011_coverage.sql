-- +goose Up
-- Coverage guard (docs/API.md, "Coverage guard"): an admin may apply a
-- change that leaves a team short; its history row says so.
ALTER TABLE user_history ADD COLUMN forced boolean NOT NULL DEFAULT false;

-- Figures of who works when (coverage, the month calendar) are kept briefly
-- by each instance and must hear of every change that moves them: besides
-- users' days and status (00007), a move to another team, any schedule, and
-- a team's minimum. Same channel, same once-per-statement notification.
-- (Not the applied flag that ApplyDueSchedules sets every minute: the days
-- it moves reach users.weekoffs, which notifies.)
DROP TRIGGER users_changed_notify ON users;
CREATE TRIGGER users_changed_notify
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF weekoffs, role, is_active, team_id ON users
    FOR EACH STATEMENT
    EXECUTE FUNCTION users_changed_notify();
CREATE TRIGGER schedules_changed_notify
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF rules, inherit, effective_from ON schedules
    FOR EACH STATEMENT
    EXECUTE FUNCTION users_changed_notify();
CREATE TRIGGER teams_changed_notify
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF min_on_duty ON teams
    FOR EACH STATEMENT
    EXECUTE FUNCTION users_changed_notify();

-- Coverage reads people's own schedules that start within a range: by date.
CREATE INDEX schedules_user_from_idx ON schedules (effective_from) WHERE user_id IS NOT NULL;

-- +goose Down
DROP INDEX schedules_user_from_idx;
DROP TRIGGER teams_changed_notify ON teams;
DROP TRIGGER schedules_changed_notify ON schedules;
DROP TRIGGER users_changed_notify ON users;
CREATE TRIGGER users_changed_notify
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF weekoffs, role, is_active ON users
    FOR EACH STATEMENT
    EXECUTE FUNCTION users_changed_notify();
ALTER TABLE user_history DROP COLUMN forced;
