package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// BulkChange is one change made to many users at once (POST
// /admin/users/bulk); a nil member leaves that field as it is. It travels
// in a job's arguments, so it is plain JSON.
type BulkChange struct {
	// Rules become each user's own schedule from EffectiveFrom (zero: today).
	Rules         *schedule.Rules `json:"rules,omitempty"`
	EffectiveFrom schedule.Date   `json:"effective_from,omitzero"`
	TeamID        *int64          `json:"team_id,omitempty"` // 0 takes the users out of any team
	IsActive      *bool           `json:"is_active,omitempty"`
	// Force applies the change even where it leaves a team below its
	// minimum on duty (coverage_guard_bulk.go). It is the asking admin's,
	// not the job's: a queued job records whether it was forced instead.
	Force bool `json:"-"`
}

// BulkFields is a bulk change as a client sends it, before validation.
type BulkFields struct {
	Rules         json.RawMessage
	EffectiveFrom *string
	TeamID        *int64 // 0: no team (null)
	IsActive      *bool
}

// ParseBulkChange validates a bulk change with the parsers of the
// single-user writes (ParseSchedule for rules and date); every problem is a
// FieldError located under "set".
func (s *Store) ParseBulkChange(ctx context.Context, f BulkFields) (BulkChange, error) {
	var ch BulkChange
	var errs FieldErrors
	under := func(fe FieldErrors) {
		for _, e := range fe {
			e.Loc = append([]any{"set"}, e.Loc...)
			errs = append(errs, e)
		}
	}
	switch {
	case f.Rules != nil:
		in, err := s.ParseSchedule(ctx, ScheduleFields{Rules: f.Rules, EffectiveFrom: f.EffectiveFrom}, false)
		if fe, ok := err.(FieldErrors); ok {
			under(fe)
		} else if err != nil {
			return ch, err
		}
		ch.Rules, ch.EffectiveFrom = &in.Rules, in.EffectiveFrom
	case f.EffectiveFrom != nil:
		under(invalid("effective_from", "A date goes with rules: give the rules that start then", "value_error"))
	}
	if f.TeamID != nil {
		switch exists, err := s.teamExists(ctx, *f.TeamID); {
		case err != nil:
			return ch, err
		case !exists:
			under(unknownTeam())
		}
		ch.TeamID = f.TeamID
	}
	ch.IsActive = f.IsActive
	if errs == nil && ch.Rules == nil && ch.TeamID == nil && ch.IsActive == nil {
		errs = FieldErrors{{Loc: []any{"set"}, Msg: "Choose at least one change: rules, team_id or is_active", Type: "missing"}}
	}
	if errs != nil {
		return BulkChange{}, errs
	}
	return ch, nil
}

// teamExists reports whether id is a team; 0 (no team) always is.
func (s *Store) teamExists(ctx context.Context, id int64) (bool, error) {
	if id == 0 {
		return true, nil
	}
	var ok bool
	err := s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM teams WHERE id = $1)", id).Scan(&ok)
	return ok, unavailable(err)
}

// BulkTarget is whom a bulk change is for: the users with IDs, or, when
// Filter is set, every user the list shows with that filter (all its
// pages, whatever its position or size).
type BulkTarget struct {
	IDs    []int64
	Filter *UserFilter
}

// targetSQL is a query of one column, id, of the target's users, with its
// arguments numbered from $1.
func (s *Store) targetSQL(ctx context.Context, t BulkTarget) (string, []any, error) {
	if t.Filter == nil {
		return "SELECT id FROM users WHERE id = ANY($1::bigint[])", []any{t.IDs}, nil
	}
	f := *t.Filter
	f.Cursor, f.Limit = nil, 0
	l, err := s.newListing(ctx, f)
	if err != nil {
		return "", nil, err
	}
	st := l.filtered().Select("id").Session(&gorm.Session{DryRun: true}).Find(&[]User{}).Statement
	return st.SQL.String(), st.Vars, nil
}

// BulkTargetIDs returns the target's users' ids in order, at most limit of
// them, in tx. Ids that are no user's are a FieldError at "ids".
func (s *Store) BulkTargetIDs(ctx context.Context, tx pgx.Tx, t BulkTarget, limit int) ([]int64, error) {
	query, args, err := s.targetSQL(ctx, t)
	if err != nil {
		return nil, err
	}
	if t.Filter == nil {
		limit = max(limit, len(t.IDs)) // every id is looked for
	}
	rows, err := tx.Query(ctx, "SELECT id FROM ("+query+") AS t ORDER BY id LIMIT "+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("bulk targets: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("bulk targets: %w", err)
	}
	if t.Filter == nil {
		for _, id := range t.IDs {
			if _, found := slices.BinarySearch(ids, id); !found {
				return nil, invalid("ids", fmt.Sprintf("There is no user with id %d", id), "value_error")
			}
		}
	}
	return ids, nil
}

// GuardLastAdmin refuses, in tx, a change that would deactivate every
// active admin (ErrLastAdmin). It locks the active admins' rows, so that two
// changes at once cannot each leave the other's admin as the last.
func (s *Store) GuardLastAdmin(ctx context.Context, tx pgx.Tx, t BulkTarget, ch BulkChange) error {
	if ch.IsActive == nil || *ch.IsActive {
		return nil
	}
	query, args, err := s.targetSQL(ctx, t)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE"); err != nil {
		return fmt.Errorf("bulk change: %w", err)
	}
	var spared bool
	err = tx.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND is_active)
		OR EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND is_active AND id NOT IN (`+query+`))`, args...).Scan(&spared)
	if err != nil {
		return fmt.Errorf("bulk change: %w", err)
	}
	if !spared {
		return ErrLastAdmin
	}
	return nil
}

// QueueBulkChange records a bulk job's users, in tx: the target's, fixed
// now, in batches of batchSize.
func (s *Store) QueueBulkChange(ctx context.Context, tx pgx.Tx, jobID int64, kind string, t BulkTarget, batchSize int) (int64, error) {
	query, args, err := s.targetSQL(ctx, t)
	if err != nil {
		return 0, err
	}
	return s.QueueJobBatches(ctx, tx, jobID, kind, "SELECT id AS item, id AS ord FROM ("+query+") AS t", args, batchSize)
}

// Begin starts a transaction on a connection of the pool, waiting for one
// no longer than the acquire timeout.
func (s *Store) Begin(ctx context.Context) (pgx.Tx, error) {
	actx, cancel := context.WithTimeout(ctx, s.acquireTimeout)
	defer cancel()
	s.acquiring.Add(1)
	defer s.acquiring.Add(-1)
	tx, err := s.pool.Begin(actx)
	if err != nil {
		return nil, unavailable(err)
	}
	return tx, nil
}

// CountBulkTarget counts the target's users, exactly: the number a bulk
// change's confirmation states.
func (s *Store) CountBulkTarget(ctx context.Context, t BulkTarget) (int64, error) {
	query, args, err := s.targetSQL(ctx, t)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM ("+query+") AS t", args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count bulk targets: %w", unavailable(err))
	}
	return n, nil
}
