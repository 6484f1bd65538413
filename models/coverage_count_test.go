package models

import (
	"fmt"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// TestCountCoverage holds the counting to figures worked out by hand, for
// 1–14 December 2026 (a Tuesday to a Monday):
//
//	A: 3 of team 1, their own Saturday and Sunday all along;
//	B: 2 of team 1, their own Fridays, then from Tuesday 8th Monday afternoons;
//	C: 1 of team 1 who hands themselves back to the team: Wednesdays;
//	D: 4 without a team and no schedule of their own: the organisation's Sundays.
func TestCountCoverage(t *testing.T) {
	d := func(day int) schedule.Date { return schedule.DateOf(2026, time.December, day) }
	from, to := d(1), d(14)
	before := schedule.DateOf(2026, time.January, 5)
	own := func(at schedule.Date, rules ...schedule.Rule) schedule.Schedule {
		return schedule.Schedule{Scope: schedule.ScopeUser, EffectiveFrom: at, Rules: rules}
	}
	full := func(day time.Weekday) schedule.Rule { return schedule.Rule{Day: day, Part: schedule.Full} }
	groups := []timelineGroup{
		{TeamID: 1, Count: 3, Own: []schedule.Schedule{own(before, full(time.Saturday), full(time.Sunday))}},
		{TeamID: 1, Count: 2, Own: []schedule.Schedule{own(before, full(time.Friday)),
			own(d(8), schedule.Rule{Day: time.Monday, Part: schedule.Afternoon})}},
		{TeamID: 1, Count: 1, Own: []schedule.Schedule{{Scope: schedule.ScopeUser, EffectiveFrom: before, Inherit: true}}},
		{TeamID: 0, Count: 4},
	}
	teams := map[int64][]schedule.Schedule{1: {{Scope: schedule.ScopeTeam, EffectiveFrom: before, Rules: schedule.Rules{full(time.Wednesday)}}}}
	org := []schedule.Schedule{{Scope: schedule.ScopeOrganisation, EffectiveFrom: before, Rules: schedule.Rules{full(time.Sunday)}}}

	counts := countCoverage(from, to, groups, teams, org)

	// date: working, off, half off, short (minimum 5 of 6)
	want := []string{
		"2026-12-01 6 0 0 false", "2026-12-02 5 1 0 false", "2026-12-03 6 0 0 false",
		"2026-12-04 4 2 0 true", "2026-12-05 3 3 0 true", "2026-12-06 3 3 0 true",
		"2026-12-07 6 0 0 false", "2026-12-08 6 0 0 false", "2026-12-09 5 1 0 false",
		"2026-12-10 6 0 0 false", "2026-12-11 6 0 0 false", "2026-12-12 3 3 0 true",
		"2026-12-13 3 3 0 true", "2026-12-14 4 0 2 true",
	}
	for i, day := range counts[1].days(from, 5) {
		if got := fmt.Sprintf("%s %d %d %d %t", day.Date, day.Working, day.Off, day.HalfOff, day.Short); got != want[i] {
			t.Errorf("team 1: got %s, want %s", got, want[i])
		}
	}
	// Everyone: team 1 plus the four on the organisation's Sundays; no minimum.
	total := sumCounts(14, counts).days(from, 0)
	for _, c := range []struct {
		day                int
		working, off, half int64
	}{{6, 3, 7, 0}, {13, 3, 7, 0}, {14, 8, 0, 2}, {1, 10, 0, 0}} {
		got := total[c.day-1]
		if got.Working != c.working || got.Off != c.off || got.HalfOff != c.half || got.Short || got.MinOnDuty != 0 {
			t.Errorf("everyone on the %dth: got %+v, want working %d off %d half %d, not short", c.day, got, c.working, c.off, c.half)
		}
	}

	short := shortDays(from, 14, counts, map[int64]int{1: 5, 2: 1}, map[int64]string{1: "Support", 2: "Empty"})
	// Team 2 has a minimum and nobody: short every day; team 1 on its six.
	if len(short) != 14+6 {
		t.Fatalf("got %d short team-days, want 20: %+v", len(short), short)
	}
	if s := short[3]; s.Date != d(4) || s.TeamID != 1 || s.Working != 4 || s.MinOnDuty != 5 || s.TeamName != "Support" {
		t.Errorf("got %+v, want Support short on 2026-12-04 with 4 of 5", s)
	}
}

// TestPeriodsKeyTellsAlternateRhythms: two alternate-week schedules a week
// apart are different timelines; two every-week ones are the same.
func TestPeriodsKeyTellsAlternateRhythms(t *testing.T) {
	from, to := schedule.DateOf(2026, time.December, 1), schedule.DateOf(2026, time.December, 31)
	key := func(anchor schedule.Date, weeks schedule.Weeks) string {
		tl := schedule.Timelines{User: []schedule.Schedule{{Scope: schedule.ScopeUser, EffectiveFrom: anchor,
			Rules: schedule.Rules{{Day: time.Saturday, Weeks: weeks, Part: schedule.Full}}}}}
		return periodsKey(tl.Periods(from, to))
	}
	a, b := schedule.DateOf(2026, time.November, 2), schedule.DateOf(2026, time.November, 9)
	if key(a, schedule.Weeks{Alternate: true}) == key(b, schedule.Weeks{Alternate: true}) {
		t.Error("alternate weeks a week apart share a key; their Saturdays differ")
	}
	if key(a, schedule.Weeks{}) != key(b, schedule.Weeks{}) {
		t.Error("every-week rules from different dates have different keys; their Saturdays are the same")
	}
}
