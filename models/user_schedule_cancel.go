package models

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// cancelUserScheduleSQL deletes a user's upcoming schedule, records it in
// the history and bumps the user's version (their next change is no
// longer), in one statement. $1 user, $2 schedule, $3 actor, $4 via.
const cancelUserScheduleSQL = `
WITH gone AS (
    DELETE FROM schedules
     WHERE id = $2::bigint AND scope = 'user' AND user_id = $1::bigint AND effective_from > org_today()
    RETURNING user_id, rules, inherit, effective_from
), changed AS (
    UPDATE users u SET version = u.version + 1, updated_at = now() FROM gone WHERE u.id = gone.user_id RETURNING u.id
)
INSERT INTO user_history (user_id, actor_id, via, field, old_value, new_value)
SELECT gone.user_id, $3::bigint, $4::text, 'schedule',
       jsonb_build_object('scope', 'user', 'rules', rules, 'inherit', inherit, 'effective_from', effective_from), 'null'
  FROM gone, changed`

// CancelUserSchedule withdraws one of a user's upcoming schedule changes.
// A schedule that is not theirs is ErrScheduleNotFound; one in force or
// past is ErrScheduleInForce. Withdrawing a change that gave the user a
// working day back can leave their team short: the coverage guard checks
// it in the same transaction and refuses with a ShortError unless force,
// when the history row says it was forced.
func (s *Store) CancelUserSchedule(ctx context.Context, userID, scheduleID int64, force bool) error {
	var err error
	for range updateAttempts {
		if err = s.cancelUserSchedule(ctx, userID, scheduleID, force); !errors.Is(err, errRelock) {
			break
		}
	}
	if errors.Is(err, errRelock) {
		return ErrStale
	}
	if _, short := errors.AsType[*ShortError](err); short {
		return err
	}
	if err != nil && !errors.Is(err, errRefused) {
		return fmt.Errorf("cancel schedule: %w", err)
	}
	if err == nil {
		return nil
	}
	var theirs, user bool
	err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schedules WHERE id = $1 AND scope = 'user' AND user_id = $2),
		EXISTS (SELECT 1 FROM users WHERE id = $2)`, scheduleID, userID).Scan(&theirs, &user)
	switch {
	case err != nil:
		return fmt.Errorf("cancel schedule: %w", err)
	case theirs:
		return ErrScheduleInForce
	case !user:
		return ErrNotFound
	}
	return ErrScheduleNotFound
}

// cancelUserSchedule is one try of CancelUserSchedule. The guard locks the
// user's team before the statement locks the user's row, the order of every
// guarded write; a user moved into another guarded team in between is
// errRelock, and the caller tries again from the new team.
func (s *Store) cancelUserSchedule(ctx context.Context, userID, scheduleID int64, force bool) error {
	actor := actorFrom(ctx)
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		guard, err := guardMembersTeams(ctx, tx, "SELECT $1::bigint", []any{userID})
		if err != nil {
			return err
		}
		if s.beforeUserLock != nil {
			s.beforeUserLock(userID)
		}
		batch := &pgx.Batch{}
		batch.Queue(cancelUserScheduleSQL, userID, scheduleID, actor.id(), string(actor.Via))
		batch.Queue(refreshUserSQL, userID)
		batch.Queue(`SELECT EXISTS (SELECT 1 FROM users u JOIN teams t ON t.id = u.team_id
			WHERE u.id = $1 AND u.is_active AND u.role = 'employee' AND t.min_on_duty > 0
			  AND NOT t.id = ANY($2::bigint[]))`, userID, guard.lockedTeams())
		results := tx.SendBatch(ctx, batch)
		tag, err := results.Exec()
		var moved bool
		if err == nil {
			if _, err = results.Exec(); err == nil {
				err = results.QueryRow().Scan(&moved)
			}
		}
		if closeErr := results.Close(); err == nil {
			err = closeErr
		}
		switch {
		case err != nil:
			return err
		case tag.RowsAffected() != 1:
			return errRefused
		case moved:
			return errRelock
		}
		return guard.checkMarking(ctx, tx, force, []int64{userID})
	})
}
