package models

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// guardBound is what the guard can tell of a team without reading each
// member's schedules: how many active employees it has, how many of them
// have each weekday among the days in force today (users.weekoffs, Sunday
// first), how many have a change of their own not yet applied that starts
// within the guard's range, and whether the team's or the organisation's
// schedule has one.
//
// users.weekoffs lists the day of every rule in force, whatever its weeks
// or part, and every write keeps it with the schedule, applying a later one
// on its date (schedules.applied); so on any date of the range a member
// without such a pending change is off at most on a weekday their
// weekoffs list, and one with a pending change may be off on any.
type guardBound struct {
	people        int64
	weekday       []int64 // by time.Weekday
	pending       int64
	sharedPending bool
}

// enough says that on each of the dates (days from from) at least minimum
// of the team would still work with one more person off, whoever of its
// members are off then. False means only that the bound cannot tell.
func (b guardBound) enough(from schedule.Date, dates []int, minimum int) bool {
	if b.sharedPending || len(b.weekday) != 7 {
		return false
	}
	for _, i := range dates {
		if b.people-b.weekday[from.AddDays(i).Weekday()]-b.pending-1 < int64(minimum) {
			return false
		}
	}
	return true
}

// guardBoundSQL reads a guardBound of team $1 for changes starting by $2,
// and how many rows of the week-off counts' ledger the team has. The
// head count and weekdays are the team's sums of that ledger (migration
// 00016), which triggers on users keep as every write happens: a few rows,
// where reading the members' rows took a page each. Pending changes are
// found by date among those not applied (schedules_due_idx), a few, not by
// member.
const guardBoundSQL = `
SELECT COALESCE(sum(people), 0),
       ARRAY[COALESCE(sum(sunday), 0), COALESCE(sum(monday), 0), COALESCE(sum(tuesday), 0), COALESCE(sum(wednesday), 0),
             COALESCE(sum(thursday), 0), COALESCE(sum(friday), 0), COALESCE(sum(saturday), 0)],
       (SELECT count(DISTINCT s.user_id) FROM schedules s JOIN users m ON m.id = s.user_id
         WHERE NOT s.applied AND s.effective_from <= $2::date AND s.user_id IS NOT NULL
           AND m.team_id = $1 AND m.is_active AND m.role = 'employee'),
       EXISTS (SELECT 1 FROM schedules s WHERE NOT s.applied AND s.effective_from <= $2::date
                  AND (s.scope = 'organisation' OR (s.scope = 'team' AND s.team_id = $1))),
       count(*)
  FROM weekoff_counts WHERE team_id = $1`

// guardFoldRows is how many ledger rows a team may have before the guard
// folds them into one: every guarded change in a busy team adds one, and
// the ledger is otherwise folded only once a minute.
const guardFoldRows = 64

// guardInput is what userChangeShort reads before it decides whether to
// count the team: the team's minimum, the shared schedules, the person's
// own, and the bound.
type guardInput struct {
	minimum int
	shared  sharedTimelines
	own     schedule.Timelines
	bound   guardBound
}

// readGuardBound reads q's team's guardInput, for a change of userID, in
// one round trip.
func readGuardBound(ctx context.Context, tx pgx.Tx, q CoverageQuery, userID int64) (in guardInput, err error) {
	batch := &pgx.Batch{}
	batch.Queue("SELECT min_on_duty FROM teams WHERE id = $1", q.TeamID)
	batch.Queue(sharedSelect+" WHERE scope = 'organisation' OR (scope = 'team' AND team_id = $1) ORDER BY effective_from", q.TeamID)
	batch.Queue(scheduleSelect+" WHERE scope = 'user' AND user_id = $1 ORDER BY effective_from", userID)
	batch.Queue(guardBoundSQL, q.TeamID, q.To.Time())
	results := tx.SendBatch(ctx, batch)
	defer func() {
		if closeErr := results.Close(); err == nil && closeErr != nil {
			err = fmt.Errorf("coverage guard: %w", closeErr)
		}
	}()
	if err = results.QueryRow().Scan(&in.minimum); err != nil {
		return in, fmt.Errorf("coverage guard: %w", err)
	}
	rows, err := results.Query()
	if err == nil {
		in.shared, err = scanShared(rows)
	}
	if err == nil {
		if rows, err = results.Query(); err == nil {
			in.own, err = scanSchedules(rows)
		}
	}
	if err != nil {
		return in, fmt.Errorf("coverage guard: %w", err)
	}
	b := &in.bound
	var ledgerRows int64
	if err = results.QueryRow().Scan(&b.people, &b.weekday, &b.pending, &b.sharedPending, &ledgerRows); err != nil {
		return in, fmt.Errorf("coverage guard: %w", err)
	}
	if ledgerRows > guardFoldRows {
		if err = results.Close(); err != nil {
			return in, fmt.Errorf("coverage guard: %w", err)
		}
		if _, err = tx.Exec(ctx, fmt.Sprintf(foldWeekoffCountsSQL, "WHERE team_id = $1"), q.TeamID); err != nil {
			return in, fmt.Errorf("coverage guard: fold week-off counts: %w", err)
		}
	}
	return in, nil
}
