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

// ActiveEmployeesOff counts the active employees off on each weekday. The
// counts are kept as users change, in stripes (migration 00015): this sums
// them, a read of 1024 small rows that every instance answers alike.
func (s *Store) ActiveEmployeesOff(ctx context.Context) (DayCounts, error) {
	var c DayCounts
	err := s.pool.QueryRow(ctx, `SELECT COALESCE(sum(monday), 0), COALESCE(sum(tuesday), 0), COALESCE(sum(wednesday), 0),
		COALESCE(sum(thursday), 0), COALESCE(sum(friday), 0), COALESCE(sum(saturday), 0), COALESCE(sum(sunday), 0)
		FROM weekoff_counts`).Scan(&c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6])
	if err != nil {
		return DayCounts{}, fmt.Errorf("count week-offs: %w", err)
	}
	return c, nil
}
