package schedule_test

import (
	"slices"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models/schedule"
)

func d(s string) schedule.Date {
	date, err := schedule.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return date
}

func dates(ds []schedule.Date) []string {
	out := make([]string, len(ds))
	for i, x := range ds {
		out[i] = x.String()
	}
	return out
}

// TestOccurrences holds each kind of rule against dates worked out by hand
// from a printed calendar (cal 12 2026 and so on).
func TestOccurrences(t *testing.T) {
	sat, fri, tue := time.Saturday, time.Friday, time.Tuesday
	cases := []struct {
		name             string
		rule             schedule.Rule
		anchor, from, to string
		want             []string
	}{
		{"EverySaturday", schedule.Rule{Day: sat}, "2026-12-01", "2026-12-01", "2026-12-31",
			[]string{"2026-12-05", "2026-12-12", "2026-12-19", "2026-12-26"}},
		{"SecondAndFourthSaturdayAcrossMonthEnd", schedule.Rule{Day: sat, Weeks: schedule.Weeks{Nth: []int{2, 4}}}, "2026-12-01", "2026-12-01", "2027-01-31",
			[]string{"2026-12-12", "2026-12-26", "2027-01-09", "2027-01-23"}},
		{"LastFriday", schedule.Rule{Day: fri, Weeks: schedule.Weeks{Nth: []int{-1}}}, "2027-01-01", "2027-01-01", "2027-02-28",
			[]string{"2027-01-29", "2027-02-26"}},
		{"FifthSaturdaySomeMonthsLack", schedule.Rule{Day: sat, Weeks: schedule.Weeks{Nth: []int{5}}}, "2027-01-01", "2027-01-01", "2027-05-31",
			[]string{"2027-01-30", "2027-05-29"}},
		{"LeapDayIsATuesday", schedule.Rule{Day: tue}, "2028-02-01", "2028-02-01", "2028-02-29",
			[]string{"2028-02-01", "2028-02-08", "2028-02-15", "2028-02-22", "2028-02-29"}},
		{"LastTuesdayOfALeapFebruary", schedule.Rule{Day: tue, Weeks: schedule.Weeks{Nth: []int{-1}}}, "2028-01-01", "2028-02-01", "2028-03-01",
			[]string{"2028-02-29"}},
		{"AlternateFromAWednesday", schedule.Rule{Day: sat, Weeks: schedule.Weeks{Alternate: true}}, "2026-12-02", "2026-12-02", "2027-01-31",
			[]string{"2026-12-05", "2026-12-19", "2027-01-02", "2027-01-16", "2027-01-30"}},
		// The first is the first Saturday on or after the start, not the one
		// in the start's calendar week.
		{"AlternateFromASunday", schedule.Rule{Day: sat, Weeks: schedule.Weeks{Alternate: true}}, "2026-12-06", "2026-12-06", "2027-01-10",
			[]string{"2026-12-12", "2026-12-26", "2027-01-09"}},
		// A range that starts later keeps the rhythm set by the schedule's start.
		{"AlternateKeepsItsRhythm", schedule.Rule{Day: sat, Weeks: schedule.Weeks{Alternate: true}}, "2026-12-02", "2027-01-01", "2027-01-31",
			[]string{"2027-01-02", "2027-01-16", "2027-01-30"}},
		{"EmptyRange", schedule.Rule{Day: sat}, "2026-12-01", "2026-12-07", "2026-12-06", []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := dates(tc.rule.Occurrences(d(tc.anchor), d(tc.from), d(tc.to)))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDatesAcrossDST: a day off is a date in the organisation's zone, so a
// daylight-saving change moves neither the dates nor which date is today.
func TestDatesAcrossDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// DST began in New York at 07:00 UTC on Sunday 14 March 2027.
	for _, tc := range []struct{ now, want string }{
		{"2027-03-14T03:30:00Z", "2027-03-13"}, // 22:30 EST the evening before
		{"2027-03-14T06:30:00Z", "2027-03-14"}, // 01:30 EST
		{"2027-03-14T07:30:00Z", "2027-03-14"}, // 03:30 EDT
		{"2027-03-15T03:59:00Z", "2027-03-14"}, // 23:59 EDT
		{"2027-03-15T04:00:00Z", "2027-03-15"}, // midnight EDT
	} {
		now, _ := time.Parse(time.RFC3339, tc.now)
		if got := schedule.Today(now, ny).String(); got != tc.want {
			t.Errorf("Today(%s) in New York: got %s, want %s", tc.now, got, tc.want)
		}
	}
	got := dates(schedule.Rule{Day: time.Sunday}.Occurrences(d("2027-03-01"), d("2027-03-01"), d("2027-03-31")))
	if want := []string{"2027-03-07", "2027-03-14", "2027-03-21", "2027-03-28"}; !slices.Equal(got, want) {
		t.Errorf("Sundays of March 2027: got %v, want %v", got, want)
	}
}
