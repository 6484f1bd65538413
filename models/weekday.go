package models

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// Weekday is a day of the week, stored and shown as its lowercase English name.
type Weekday string

// The weekdays, in week order.
const (
	Monday    Weekday = "monday"
	Tuesday   Weekday = "tuesday"
	Wednesday Weekday = "wednesday"
	Thursday  Weekday = "thursday"
	Friday    Weekday = "friday"
	Saturday  Weekday = "saturday"
	Sunday    Weekday = "sunday"
)

// AllWeekdays lists the weekdays in week order.
var AllWeekdays = [7]Weekday{Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday}

// index returns the day's place in the week, or -1 for a name that is no day.
func (d Weekday) index() int {
	for i, w := range AllWeekdays {
		if w == d {
			return i
		}
	}
	return -1
}

// Title returns the day's name as a heading shows it ("Monday").
func (d Weekday) Title() string {
	if d == "" {
		return ""
	}
	return strings.ToUpper(string(d[:1])) + string(d[1:])
}

// ParseWeekday reads a day name in any letter case, in full or as its first
// three letters ("Sat").
func ParseWeekday(s string) (Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, d := range AllWeekdays {
		if s == string(d) || (len(s) == 3 && strings.HasPrefix(string(d), s)) {
			return d, true
		}
	}
	return "", false
}

// Weekdays is a set of days off, kept in week order without repeats. It is a
// text[] column so that "who is off on Friday" is a GIN-indexed containment
// query (weekoffs @> '{friday}').
type Weekdays []Weekday

// ParseWeekdays validates a list of day names as a client sends it: at most
// max of them, every name a day, none repeated. A list longer than max is
// refused as a whole before its members are read, so that a huge list costs
// one error, not one per member. The problems are returned as field errors
// located under field, and the result is in week order.
func ParseWeekdays(field string, names []string, max int) (Weekdays, FieldErrors) {
	if len(names) > max {
		return nil, FieldErrors{{
			Loc:  []any{field},
			Msg:  fmt.Sprintf("Choose at most %d week-off days, not %d", max, len(names)),
			Type: "too_long",
		}}
	}
	var errs FieldErrors
	var seen [7]bool
	for i, name := range names {
		d, ok := ParseWeekday(name)
		if !ok {
			errs = append(errs, FieldError{
				Loc:  []any{field, i},
				Msg:  fmt.Sprintf("Input should be a weekday such as 'monday' or 'mon', not %q", clip(name, 20)),
				Type: "enum",
			})
			continue
		}
		if seen[d.index()] {
			errs = append(errs, FieldError{
				Loc:  []any{field, i},
				Msg:  fmt.Sprintf("%s is listed more than once", d.Title()),
				Type: "value_error",
			})
		}
		seen[d.index()] = true
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return KnownWeekdays(names), nil
}

// clip cuts s to at most n characters, marking the cut with "…": an error
// that quotes a client's input need not quote a megabyte of it.
func clip(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}

// KnownWeekdays are the days among names that ParseWeekday reads, in week
// order, ignoring the rest: what a form shown again with an error checks.
func KnownWeekdays(names []string) Weekdays {
	var seen [7]bool
	for _, n := range names {
		if d, ok := ParseWeekday(n); ok {
			seen[d.index()] = true
		}
	}
	days := Weekdays{}
	for i, on := range seen {
		if on {
			days = append(days, AllWeekdays[i])
		}
	}
	return days
}

// Titles joins the days' titles in week order ("Saturday, Sunday"); "" for none.
func (w Weekdays) Titles() string {
	titles := make([]string, len(w))
	for i, d := range w {
		titles[i] = d.Title()
	}
	return strings.Join(titles, ", ")
}

// Has reports whether the set holds day.
func (w Weekdays) Has(day Weekday) bool {
	for _, d := range w {
		if d == day {
			return true
		}
	}
	return false
}

// Strings returns the names in order, never nil, so JSON shows [] for none.
func (w Weekdays) Strings() []string {
	out := make([]string, len(w))
	for i, d := range w {
		out[i] = string(d)
	}
	return out
}

// Value writes the set as a PostgreSQL text[] literal.
func (w Weekdays) Value() (driver.Value, error) {
	return "{" + strings.Join(w.Strings(), ",") + "}", nil
}

// Scan reads a PostgreSQL text[] value. Day names need no quoting, so the
// literal is a plain comma-separated list in braces.
func (w *Weekdays) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case nil:
		*w = Weekdays{}
		return nil
	default:
		return fmt.Errorf("weekdays: cannot scan %T", src)
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	days := Weekdays{}
	if s != "" {
		for _, name := range strings.Split(s, ",") {
			d, ok := ParseWeekday(name)
			if !ok {
				return fmt.Errorf("weekdays: stored value %q is not a weekday", name)
			}
			days = append(days, d)
		}
	}
	*w = days
	return nil
}

// GormDataType tells GORM the column type.
func (Weekdays) GormDataType() string { return "text[]" }

// Rules are the days as schedule rules: every week, the whole day.
func (w Weekdays) Rules() schedule.Rules {
	days := make([]time.Weekday, len(w))
	for i, d := range w {
		days[i], _ = schedule.ParseDay(string(d))
	}
	return schedule.EveryWeek(days)
}
