// Package schedule holds the rules of week-offs and what they mean on the
// calendar: rules and their validation, the RFC 5545 recurrence each rule
// is, which schedule is in force on a date (user, team, organisation),
// expansion into dates, the pattern in words, and the iCalendar feed. It is
// pure: no database, no HTTP, nothing of weekoffs' other packages.
package schedule

import (
	"time"
)

// Date is a calendar day. It is held as midnight UTC, so that date
// arithmetic never meets a daylight-saving change: week-offs are dates in
// the organisation's zone, not instants.
type Date struct{ t time.Time }

// DateOf is the date of y-m-d; out-of-range days roll over as time.Date does.
func DateOf(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// Today is the date it is now in loc.
func Today(now time.Time, loc *time.Location) Date {
	y, m, d := now.In(loc).Date()
	return DateOf(y, m, d)
}

// ParseDate reads a date as YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, err
	}
	return Date{t}, nil
}

// String is the date as YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(time.DateOnly) }

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time is midnight UTC of the date.
func (d Date) Time() time.Time { return d.t }

// In is midnight of the date in loc.
func (d Date) In(loc *time.Location) time.Time {
	y, m, day := d.t.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, loc)
}

// AddDays is the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// Compare is -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.t.Compare(e.t) }

// DaysUntil is the number of days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }

// MarshalText writes the date as YYYY-MM-DD (JSON: "2026-12-01").
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
