package models

import (
	"context"
	"fmt"
)

// DayCounts holds a number per weekday, in week order (Monday first).
type DayCounts [7]int64

// Of returns the number for day.
func (c DayCounts) Of(day Weekday) int64 {
	if i := day.index(); i >= 0 {
		return c[i]
	}
	return 0
}

// Max returns the largest number, or 0.
func (c DayCounts) Max() int64 {
	var m int64
	for _, n := range c {
		m = max(m, n)
	}
	return m
}

// ActiveEmployeesOff counts the active employees off on each weekday: the
// sums of the ledger that triggers on users keep (migration 00015), which
// every instance reads alike. Once the ledger holds more than
// weekoffCountsFolded rows it is folded into one, so that reading it stays
// cheap however many changes were made since.
func (s *Store) ActiveEmployeesOff(ctx context.Context) (DayCounts, error) {
	var c DayCounts
	var rows int64
	err := s.pool.QueryRow(ctx, `SELECT count(*), `+weekoffCountsSums+` FROM weekoff_counts`).
		Scan(&rows, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6])
	if err != nil {
		return DayCounts{}, fmt.Errorf("count week-offs: %w", err)
	}
	if rows > weekoffCountsFolded {
		if _, err := s.pool.Exec(ctx, foldWeekoffCountsSQL); err != nil {
			return DayCounts{}, fmt.Errorf("fold week-off counts: %w", err)
		}
	}
	return c, nil
}

// weekoffCountsFolded is how many rows of differences the ledger may hold
// before a read folds them: summing a thousand takes well under a millisecond.
const weekoffCountsFolded = 1000

const weekoffCountsSums = `COALESCE(sum(monday), 0), COALESCE(sum(tuesday), 0), COALESCE(sum(wednesday), 0),
	COALESCE(sum(thursday), 0), COALESCE(sum(friday), 0), COALESCE(sum(saturday), 0), COALESCE(sum(sunday), 0)`

// foldWeekoffCountsSQL replaces the ledger's rows by their sums. Writers
// only add rows, which this statement does not see and leaves; two folds at
// once cannot count a row twice, since only one can delete it.
const foldWeekoffCountsSQL = `WITH folded AS (DELETE FROM weekoff_counts RETURNING *)
INSERT INTO weekoff_counts SELECT ` + weekoffCountsSums + ` FROM folded`
