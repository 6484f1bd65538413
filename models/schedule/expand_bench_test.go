package schedule

import (
	"testing"
	"time"
)

// BenchmarkExpandYear is GET /me/calendar's work for a year that crosses
// a change: two schedules, nth weeks and a half day.
func BenchmarkExpandYear(b *testing.B) {
	from := DateOf(2026, time.November, 27)
	tl := Timelines{User: []Schedule{
		{ID: 1, Scope: ScopeUser, EffectiveFrom: DateOf(2025, time.January, 1), Rules: Rules{{Day: time.Saturday, Part: Full}, {Day: time.Sunday, Part: Full}}},
		{ID: 2, Scope: ScopeUser, EffectiveFrom: from.AddDays(30), Rules: Rules{{Day: time.Friday, Part: Afternoon}, {Day: time.Saturday, Weeks: Weeks{Nth: []int{2, 4}}, Part: Full}}},
	}}
	b.ReportAllocs()
	for b.Loop() {
		if len(Expand(tl.Periods(from, from.AddDays(365)))) == 0 {
			b.Fatal("no days")
		}
	}
}
