package models

import (
	"strings"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// CoverageDay is how many of a set of people work on one date, are off for
// the whole day, or off for half of it (which counts as not working).
// MinOnDuty is the team's minimum (0: none, or not one team's figures);
// Short says the day falls below it.
type CoverageDay struct {
	Date      schedule.Date
	Working   int64
	Off       int64
	HalfOff   int64
	MinOnDuty int
	Short     bool
}

// ShortDay is one date on which one team would have fewer working than its
// minimum.
type ShortDay struct {
	Date      schedule.Date
	TeamID    int64
	TeamName  string
	Working   int64
	MinOnDuty int
}

// timelineGroup is a head count of people who share one schedule timeline
// over a range: the same team (0: none) and the same own schedules as far as
// the range can tell them apart (see coverageKeySQL).
type timelineGroup struct {
	TeamID int64
	Own    []schedule.Schedule
	Count  int64
	// Key is the group's own schedules as coverageKeySQL keyed them
	// ("null" for none), to find its people again.
	Key string
}

// teamCounts are one team's (or the people without one, 0) figures per date.
type teamCounts struct {
	off, half, people []int64
}

// countCoverage counts, for each date from..to and each team, how many of
// the groups' people are off the whole day or half of it, expanding each
// distinct timeline once however many people share it. teams holds each
// team's schedules in date order, org the organisation's. It is pure, so
// that its arithmetic is tested without a database.
func countCoverage(from, to schedule.Date, groups []timelineGroup, teams map[int64][]schedule.Schedule, org []schedule.Schedule) map[int64]*teamCounts {
	n := from.DaysUntil(to) + 1
	out := map[int64]*teamCounts{}
	// Many groups differ only where the range cannot see it (a team whose
	// schedule their own overrides throughout): expansions are kept by
	// what the periods hold, not by group, as offsets into the range.
	expanded := map[string][]offDay{}
	// Groups of the same key in teams with the same schedules (or none)
	// expand alike; at a million users the kept groups are some 10,000
	// (team, key) pairs of a few hundred keys and two team timelines, and
	// expanding each pair took 40 ms.
	type memoKey struct {
		sig int
		key string
	}
	byKey := map[memoKey][]offDay{}
	teamSigs, sigs := map[int64]int{}, map[string]int{}
	for _, g := range groups {
		tc := out[g.TeamID]
		if tc == nil {
			tc = &teamCounts{off: make([]int64, n), half: make([]int64, n), people: make([]int64, n)}
			out[g.TeamID] = tc
		}
		for i := range tc.people {
			tc.people[i] += g.Count
		}
		var memo memoKey
		if g.Key != "" {
			sig, ok := teamSigs[g.TeamID]
			if !ok {
				text := timelineSig(teams[g.TeamID])
				if sig, ok = sigs[text]; !ok {
					sig = len(sigs)
					sigs[text] = sig
				}
				teamSigs[g.TeamID] = sig
			}
			memo = memoKey{sig, g.Key}
		}
		days, ok := byKey[memo]
		if !ok || g.Key == "" {
			tl := schedule.Timelines{User: g.Own, Team: teams[g.TeamID], Organisation: org}
			periods := tl.Periods(from, to)
			key := periodsKey(periods)
			if days, ok = expanded[key]; !ok {
				days = offDays(from, schedule.Expand(periods))
				expanded[key] = days
			}
			if g.Key != "" {
				byKey[memo] = days
			}
		}
		for _, d := range days {
			if d.full {
				tc.off[d.i] += g.Count
			} else {
				tc.half[d.i] += g.Count
			}
		}
	}
	return out
}

// offDay is a day off as countCoverage adds it up: its offset in the
// range, and whether it is the whole day.
type offDay struct {
	i    int
	full bool
}

// offDays turns the days of an expansion from from on into offDays.
func offDays(from schedule.Date, days []schedule.Day) []offDay {
	out := make([]offDay, len(days))
	for k, d := range days {
		out[k] = offDay{from.DaysUntil(d.Date), d.Part == schedule.Full}
	}
	return out
}

// timelineSig tells apart team timelines that can expand differently:
// each schedule's date and rules.
func timelineSig(tl []schedule.Schedule) string {
	var b strings.Builder
	for _, s := range tl {
		b.WriteString(s.EffectiveFrom.String())
		for _, r := range s.Rules {
			b.WriteByte(',')
			b.WriteString(r.RRule())
			b.WriteByte('|')
			b.WriteString(string(r.Part))
		}
		b.WriteByte(';')
	}
	return b.String()
}

// periodsKey tells apart periods whose expansions can differ: their spans,
// rules, and the anchor of alternate weeks.
func periodsKey(periods []schedule.Period) string {
	var b strings.Builder
	for _, p := range periods {
		f, t := p.Span()
		b.WriteString(f.String())
		b.WriteByte('/')
		b.WriteString(t.String())
		if p.Schedule == nil {
			b.WriteString(":none;")
			continue
		}
		b.WriteByte(':')
		alternate := false
		for _, r := range p.Schedule.Rules {
			b.WriteString(r.RRule())
			b.WriteByte('|')
			b.WriteString(string(r.Part))
			b.WriteByte(',')
			alternate = alternate || r.Weeks.Alternate
		}
		if alternate {
			b.WriteString("@" + p.Schedule.EffectiveFrom.String())
		}
		b.WriteByte(';')
	}
	return b.String()
}

// days turns counts into CoverageDays against min (0: no minimum).
func (tc *teamCounts) days(from schedule.Date, min int) []CoverageDay {
	out := make([]CoverageDay, len(tc.people))
	for i := range out {
		working := tc.people[i] - tc.off[i] - tc.half[i]
		out[i] = CoverageDay{Date: from.AddDays(i), Working: working, Off: tc.off[i], HalfOff: tc.half[i],
			MinOnDuty: min, Short: min > 0 && working < int64(min)}
	}
	return out
}

// sum adds up every team's counts (with none, zeros).
func sumCounts(n int, all map[int64]*teamCounts) *teamCounts {
	total := &teamCounts{off: make([]int64, n), half: make([]int64, n), people: make([]int64, n)}
	for _, tc := range all {
		for i := range n {
			total.off[i] += tc.off[i]
			total.half[i] += tc.half[i]
			total.people[i] += tc.people[i]
		}
	}
	return total
}
