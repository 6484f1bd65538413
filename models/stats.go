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
// sums of the ledger that triggers on users keep (migrations 00015 and
// 00016, a row a statement and team), which every instance reads alike.
// Once the ledger holds weekoffCountsFolded rows more than one a team it is
// folded into one a team, so that reading it stays cheap however many
// changes were made since.
func (s *Store) ActiveEmployeesOff(ctx context.Context) (DayCounts, error) {
	var c DayCounts
	var extra int64
	err := s.pool.QueryRow(ctx, `SELECT count(*) - count(DISTINCT COALESCE(team_id, 0)), `+weekoffCountsSums+` FROM weekoff_counts`).
		Scan(&extra, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6])
	if err != nil {
		return DayCounts{}, fmt.Errorf("count week-offs: %w", err)
	}
	if extra > weekoffCountsFolded {
		if _, err := s.pool.Exec(ctx, fmt.Sprintf(foldWeekoffCountsSQL, "")); err != nil {
			return DayCounts{}, fmt.Errorf("fold week-off counts: %w", err)
		}
	}
	return c, nil
}

// weekoffCountsFolded is how many rows of differences the ledger may hold
// before a read folds them: summing a thousand takes well under a millisecond.
const weekoffCountsFolded = 1000

const weekoffCountsSums = `COALESCE(sum(monday), 0) AS monday, COALESCE(sum(tuesday), 0) AS tuesday,
	COALESCE(sum(wednesday), 0) AS wednesday, COALESCE(sum(thursday), 0) AS thursday, COALESCE(sum(friday), 0) AS friday,
	COALESCE(sum(saturday), 0) AS saturday, COALESCE(sum(sunday), 0) AS sunday`

// foldWeekoffCountsSQL replaces the ledger's rows by their sums, one row a
// team (none for a team whose sums are all 0). Writers only add rows, which
// this statement does not see and leaves; two folds at once cannot count a
// row twice, since only one can delete it. %s narrows the rows folded.
const foldWeekoffCountsSQL = `WITH folded AS (DELETE FROM weekoff_counts %s RETURNING *)
INSERT INTO weekoff_counts (team_id, people, monday, tuesday, wednesday, thursday, friday, saturday, sunday)
SELECT * FROM (SELECT team_id, COALESCE(sum(people), 0) AS people, ` + weekoffCountsSums + ` FROM folded GROUP BY team_id) f
 WHERE (people, monday, tuesday, wednesday, thursday, friday, saturday, sunday) <> (0, 0, 0, 0, 0, 0, 0, 0)`
