package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// MaxReasonLength bounds a rejection's reason, in characters.
const MaxReasonLength = 500

// WithdrawRequest withdraws one of the user's pending requests. One that
// is not theirs is ErrRequestNotFound; one no longer pending a
// *RequestDecidedError.
func (s *Store) WithdrawRequest(ctx context.Context, userID, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE schedule_requests SET status = 'withdrawn', decided_at = now(), decided_by = $2
		WHERE id = $1 AND user_id = $2 AND status = 'pending'`, id, userID)
	if err != nil {
		return fmt.Errorf("withdraw request: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	return s.whyNotPending(ctx, id, &userID)
}

// whyNotPending says why a request (of userID, when given) could not be
// decided: it does not exist (for them), or it was decided already.
func (s *Store) whyNotPending(ctx context.Context, id int64, userID *int64) error {
	var status RequestStatus
	err := s.pool.QueryRow(ctx, "SELECT status FROM schedule_requests WHERE id = $1 AND ($2::bigint IS NULL OR user_id = $2)", id, userID).Scan(&status)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return ErrRequestNotFound
	case err != nil:
		return fmt.Errorf("request: %w", err)
	case status == RequestPending: // pending again cannot be; decided meanwhile and undone cannot either
		return ErrRequestDecided
	}
	return &RequestDecidedError{Status: status}
}

// RejectRequest rejects a pending request, saying why (required, at most
// MaxReasonLength characters), as the context's actor.
func (s *Store) RejectRequest(ctx context.Context, id int64, reason string) (*Request, error) {
	reason = strings.TrimSpace(reason)
	switch n := len([]rune(reason)); {
	case n == 0:
		return nil, invalid("reason", "Say why the request is rejected", "missing")
	case n > MaxReasonLength || !IsText(reason):
		return nil, invalid("reason", fmt.Sprintf("Write the reason in at most %d characters of text", MaxReasonLength), "string_too_long")
	}
	tag, err := s.pool.Exec(ctx, `UPDATE schedule_requests SET status = 'rejected', reason = $2, decided_at = now(), decided_by = $3
		WHERE id = $1 AND status = 'pending'`, id, reason, actorFrom(ctx).id())
	if err != nil {
		return nil, fmt.Errorf("reject request: %w", err)
	}
	if tag.RowsAffected() != 1 {
		return nil, s.whyNotPending(ctx, id, nil)
	}
	return s.Request(ctx, id)
}

// ApproveRequest applies a pending request and marks it approved, in one
// transaction, as the context's actor (the history's rows name them). The
// schedule is written by setUserScheduleSQL, the statement of every
// direct change, from the date asked for, or from today if that date has
// passed. A request whose user's days off were changed after it was made
// (user_schedule_stamp moved: their own schedules or their team) is not
// applied: ErrRequestOutdated. One asking for more days than the
// organisation now allows is ErrRequestTooManyDays. One that would leave the
// user's team short of its minimum on some date of the next 12 weeks is a
// *ShortError, checked under the team's lock as any change of a member is;
// an admin who wants it anyway can make the change themselves with force.
func (s *Store) ApproveRequest(ctx context.Context, id int64) (*Request, error) {
	actor := actorFrom(ctx)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Locks are taken user first, then request, as RequestSchedule
		// takes them (it replaces the pending request under the user's
		// lock): the other order could deadlock the two. A request's user
		// never changes, so it can be read before either lock.
		var userID int64
		err := tx.QueryRow(ctx, "SELECT user_id FROM schedule_requests WHERE id = $1", id).Scan(&userID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrRequestNotFound
		} else if err != nil {
			return err
		}
		// The coverage guard's lock on the user's team comes first, as in a
		// guarded change (setUserScheduleGuarded), so the two cannot
		// deadlock; a team changed meanwhile moves the stamp, checked below.
		var teamID *int64
		var minimum int
		var counted bool
		err = tx.QueryRow(ctx, `SELECT team_id, is_active AND role = 'employee' FROM users WHERE id = $1`, userID).Scan(&teamID, &counted)
		if err == nil && teamID != nil {
			err = tx.QueryRow(ctx, `SELECT min_on_duty FROM teams WHERE id = $1 FOR NO KEY UPDATE`, *teamID).Scan(&minimum)
		}
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		// Every change of the user's schedules or team locks their row:
		// once it is held, nothing moves the stamp until this commits.
		if _, err := tx.Exec(ctx, "SELECT FROM users WHERE id = $1 FOR UPDATE", userID); err != nil {
			return err
		}
		var status RequestStatus
		var rules string
		var inherit, unchanged bool
		var from, today time.Time
		err = tx.QueryRow(ctx, `SELECT status, rules::text, inherit, effective_from, org_today(), schedule_stamp = user_schedule_stamp(user_id)
			FROM schedule_requests WHERE id = $1 FOR UPDATE`, id).Scan(&status, &rules, &inherit, &from, &today, &unchanged)
		switch {
		case errors.Is(err, pgx.ErrNoRows): // its user was deleted meanwhile
			return ErrRequestNotFound
		case err != nil:
			return err
		case status != RequestPending:
			return &RequestDecidedError{Status: status}
		case !unchanged:
			return ErrRequestOutdated
		}
		applyFrom := from
		if from.Before(today) {
			applyFrom = today
		}
		if teamID != nil && minimum > 0 && counted {
			var in ScheduleInput
			if err := json.Unmarshal([]byte(rules), &in.Rules); err != nil {
				return err
			}
			in.Inherit, in.EffectiveFrom = inherit, schedule.DateOf(applyFrom.Date())
			short, err := userChangeShort(ctx, tx, userID, *teamID, schedule.DateOf(today.Date()), in)
			if err != nil {
				return err
			}
			if len(short) > 0 {
				return &ShortError{Short: short}
			}
		}
		batch := &pgx.Batch{}
		batch.Queue(setUserScheduleByID, userID, 0, rules, inherit, applyFrom, actor.id(), string(actor.Via), 1, s.weekoffsMax, true)
		batch.Queue(refreshUserSQL, userID)
		batch.Queue(`UPDATE schedule_requests SET status = 'approved', decided_at = now(), decided_by = $2, applied_from = $3
			WHERE id = $1`, id, actor.id(), applyFrom)
		results := tx.SendBatch(ctx, batch)
		tag, err := results.Exec()
		if err == nil && tag.RowsAffected() == 0 {
			// The statement's only other condition: the number of days.
			err = ErrRequestTooManyDays
		}
		for i := 0; err == nil && i < 2; i++ {
			_, err = results.Exec()
		}
		if closeErr := results.Close(); err == nil {
			err = closeErr
		}
		return err
	})
	for _, known := range []error{ErrRequestNotFound, ErrRequestDecided, ErrRequestOutdated, ErrRequestTooManyDays} {
		if errors.Is(err, known) {
			return nil, err
		}
	}
	if short := (*ShortError)(nil); errors.As(err, &short) {
		return nil, short
	}
	if err != nil {
		return nil, fmt.Errorf("approve request: %w", err)
	}
	return s.Request(ctx, id)
}
