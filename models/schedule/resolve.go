package schedule

import (
	"slices"
	"time"
)

// Scope is whose schedule it is; also the source of a user's days off.
type Scope string

// The scopes, and None for a user whom no schedule covers.
const (
	ScopeUser         Scope = "user"
	ScopeTeam         Scope = "team"
	ScopeOrganisation Scope = "organisation"
	None              Scope = "none"
)

// Schedule is a set of rules in force from a date for the organisation, a
// team or one user. A user schedule with Inherit hands the user back to the
// team's or organisation's schedule from its date.
type Schedule struct {
	ID            int64
	Scope         Scope
	Rules         Rules
	Inherit       bool
	EffectiveFrom Date
	CreatedAt     time.Time
	CreatedBy     *int64
}

// Timelines are the schedules that can apply to one user: their own, their
// team's and the organisation's, each in order of EffectiveFrom.
type Timelines struct {
	User, Team, Organisation []Schedule
}

// latest is the schedule of tl with the latest EffectiveFrom on or before d.
func latest(tl []Schedule, d Date) *Schedule {
	i, _ := slices.BinarySearchFunc(tl, d, func(s Schedule, d Date) int {
		if s.EffectiveFrom.After(d) {
			return 1
		}
		return -1
	})
	if i == 0 {
		return nil
	}
	return &tl[i-1]
}

// InForce is the schedule in force on d and where it comes from: the user's
// own with the latest date on or before d, unless it says inherit; failing
// that the team's; failing that the organisation's; failing that none.
func (t Timelines) InForce(d Date) (*Schedule, Scope) {
	if s := latest(t.User, d); s != nil && !s.Inherit {
		return s, ScopeUser
	}
	if s := latest(t.Team, d); s != nil {
		return s, ScopeTeam
	}
	if s := latest(t.Organisation, d); s != nil {
		return s, ScopeOrganisation
	}
	return nil, None
}

// Period is a run of days, From to To inclusive, with one schedule in force
// (nil: none).
type Period struct {
	From, To time.Time // dates as Date.Time: midnight UTC
	Schedule *Schedule
	Source   Scope
}

// Span is a period's first and last date.
func (p Period) Span() (Date, Date) { return Date{p.From}, Date{p.To} }

// Periods splits from..to (inclusive) into runs with one schedule in force,
// merging neighbours where the same schedule goes on.
func (t Timelines) Periods(from, to Date) []Period {
	bounds := []Date{from}
	for _, tl := range [][]Schedule{t.User, t.Team, t.Organisation} {
		for _, s := range tl {
			if s.EffectiveFrom.After(from) && !s.EffectiveFrom.After(to) {
				bounds = append(bounds, s.EffectiveFrom)
			}
		}
	}
	slices.SortFunc(bounds, Date.Compare)
	bounds = slices.Compact(bounds)
	var out []Period
	for i, b := range bounds {
		end := to
		if i+1 < len(bounds) {
			end = bounds[i+1].AddDays(-1)
		}
		s, src := t.InForce(b)
		if n := len(out); n > 0 && out[n-1].Schedule == s {
			out[n-1].To = end.Time()
			continue
		}
		out = append(out, Period{From: b.Time(), To: end.Time(), Schedule: s, Source: src})
	}
	return out
}

// NextChange is the first date after today on which a different schedule
// is in force, if one is planned.
func (t Timelines) NextChange(today Date) (Date, bool) {
	now, _ := t.InForce(today)
	var dates []Date
	for _, tl := range [][]Schedule{t.User, t.Team, t.Organisation} {
		for _, s := range tl {
			if s.EffectiveFrom.After(today) {
				dates = append(dates, s.EffectiveFrom)
			}
		}
	}
	slices.SortFunc(dates, Date.Compare)
	for _, d := range dates {
		if s, _ := t.InForce(d); s != now {
			return d, true
		}
	}
	return Date{}, false
}

// Add puts s into the timeline of its scope, in date order; one of the same
// scope and date is replaced, as the store replaces it.
func (t *Timelines) Add(s Schedule) {
	tl := &t.Organisation
	switch s.Scope {
	case ScopeUser:
		tl = &t.User
	case ScopeTeam:
		tl = &t.Team
	}
	i, found := slices.BinarySearchFunc(*tl, s.EffectiveFrom, func(x Schedule, d Date) int { return x.EffectiveFrom.Compare(d) })
	if found {
		(*tl)[i] = s
		return
	}
	*tl = slices.Insert(*tl, i, s)
}
