package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// ScheduleView is a schedule timeline as the routes show it: the schedule
// in force today and the changes planned after it.
type ScheduleView struct {
	InForce  *schedule.Schedule
	Upcoming []schedule.Schedule
	Today    schedule.Date
}

// scheduleSelect reads schedules as scanSchedules scans them.
const scheduleSelect = "SELECT id, scope, rules, inherit, effective_from, created_at, created_by FROM schedules"

// scanSchedules reads rows of scheduleSelect into timelines by scope.
func scanSchedules(rows pgx.Rows) (schedule.Timelines, error) {
	var tl schedule.Timelines
	for rows.Next() {
		var sc schedule.Schedule
		var rules json.RawMessage
		var from time.Time
		if err := rows.Scan(&sc.ID, &sc.Scope, &rules, &sc.Inherit, &from, &sc.CreatedAt, &sc.CreatedBy); err != nil {
			return tl, err
		}
		if err := json.Unmarshal(rules, &sc.Rules); err != nil {
			return tl, fmt.Errorf("schedule %d: stored rules: %w", sc.ID, err)
		}
		sc.EffectiveFrom = schedule.DateOf(from.Date())
		tl.Add(sc)
	}
	return tl, rows.Err()
}

// userTimelines reads every schedule that applies to a user, past and
// planned (theirs, their team's, the organisation's), with the
// organisation's today. An unknown user is ErrNotFound.
func (s *Store) userTimelines(ctx context.Context, userID int64) (tl schedule.Timelines, today schedule.Date, err error) {
	// Both questions in one round trip.
	batch := &pgx.Batch{}
	batch.Queue("SELECT org_today(), EXISTS (SELECT 1 FROM users WHERE id = $1)", userID)
	batch.Queue(scheduleSelect+`
		WHERE (scope = 'user' AND user_id = $1)
		   OR (scope = 'team' AND team_id = (SELECT team_id FROM users WHERE id = $1))
		   OR scope = 'organisation'
		ORDER BY effective_from`, userID)
	results := s.pool.SendBatch(ctx, batch)
	defer func() {
		if closeErr := results.Close(); err == nil && closeErr != nil {
			err = fmt.Errorf("schedules: %w", closeErr)
		}
	}()
	var day time.Time
	var exists bool
	if err := results.QueryRow().Scan(&day, &exists); err != nil {
		return tl, today, fmt.Errorf("schedules: %w", err)
	}
	if !exists {
		return tl, today, ErrNotFound
	}
	rows, err := results.Query()
	if err != nil {
		return tl, today, fmt.Errorf("schedules: %w", err)
	}
	defer rows.Close()
	if tl, err = scanSchedules(rows); err != nil {
		return tl, today, fmt.Errorf("schedules: %w", err)
	}
	return tl, schedule.DateOf(day.Date()), nil
}

// UserScheduleView is what GET /me/schedule shows: the schedule in force
// for the user today (theirs, their team's or the organisation's) and the
// changes planned for them: their own, and their team's or organisation's
// where those will be in force for them.
func (s *Store) UserScheduleView(ctx context.Context, userID int64) (ScheduleView, error) {
	tl, today, err := s.userTimelines(ctx, userID)
	if err != nil {
		return ScheduleView{}, err
	}
	v := ScheduleView{Today: today}
	v.InForce, _ = tl.InForce(today)
	for _, sc := range tl.User {
		if sc.EffectiveFrom.After(today) {
			v.Upcoming = append(v.Upcoming, sc)
		}
	}
	for _, shared := range [][]schedule.Schedule{tl.Team, tl.Organisation} {
		for i := range shared {
			if sc := &shared[i]; sc.EffectiveFrom.After(today) {
				if in, _ := tl.InForce(sc.EffectiveFrom); in == sc {
					v.Upcoming = append(v.Upcoming, *sc)
				}
			}
		}
	}
	slices.SortStableFunc(v.Upcoming, func(a, b schedule.Schedule) int { return a.EffectiveFrom.Compare(b.EffectiveFrom) })
	return v, nil
}

// Calendar is the user's days off from..to (inclusive), from the schedules
// in force on each date.
func (s *Store) Calendar(ctx context.Context, userID int64, from, to schedule.Date) ([]schedule.Day, error) {
	tl, _, err := s.userTimelines(ctx, userID)
	if err != nil {
		return nil, err
	}
	return schedule.Expand(tl.Periods(from, to)), nil
}

// scopeTimeline reads the team's (teamID) or the organisation's (teamID 0)
// schedules in date order. An unknown team is ErrTeamNotFound.
func (s *Store) scopeTimeline(ctx context.Context, teamID int64) ([]schedule.Schedule, schedule.Date, error) {
	var today time.Time
	var exists bool
	if err := s.pool.QueryRow(ctx, "SELECT org_today(), $1 = 0 OR EXISTS (SELECT 1 FROM teams WHERE id = $1)", teamID).Scan(&today, &exists); err != nil {
		return nil, schedule.Date{}, fmt.Errorf("schedules: %w", err)
	}
	if !exists {
		return nil, schedule.Date{}, ErrTeamNotFound
	}
	var rows pgx.Rows
	var err error
	if teamID == 0 {
		rows, err = s.pool.Query(ctx, scheduleSelect+" WHERE scope = 'organisation' ORDER BY effective_from")
	} else {
		rows, err = s.pool.Query(ctx, scheduleSelect+" WHERE scope = 'team' AND team_id = $1 ORDER BY effective_from", teamID)
	}
	if err != nil {
		return nil, schedule.Date{}, fmt.Errorf("schedules: %w", err)
	}
	defer rows.Close()
	tl, err := scanSchedules(rows)
	if err != nil {
		return nil, schedule.Date{}, fmt.Errorf("schedules: %w", err)
	}
	if teamID == 0 {
		return tl.Organisation, schedule.DateOf(today.Date()), nil
	}
	return tl.Team, schedule.DateOf(today.Date()), nil
}

// ScopeScheduleView is a team's (teamID) or the organisation's (teamID 0)
// schedule in force today and its planned changes.
func (s *Store) ScopeScheduleView(ctx context.Context, teamID int64) (ScheduleView, error) {
	tl, today, err := s.scopeTimeline(ctx, teamID)
	if err != nil {
		return ScheduleView{}, err
	}
	v := ScheduleView{Today: today}
	for i := range tl {
		if tl[i].EffectiveFrom.After(today) {
			v.Upcoming = append(v.Upcoming, tl[i])
		} else {
			v.InForce = &tl[i]
		}
	}
	return v, nil
}
