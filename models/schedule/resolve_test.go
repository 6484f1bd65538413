package schedule_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models/schedule"
)

func sched(id int64, scope schedule.Scope, from string, days ...time.Weekday) schedule.Schedule {
	return schedule.Schedule{ID: id, Scope: scope, EffectiveFrom: d(from), Rules: schedule.EveryWeek(days)}
}

// TestInForce: the user's own schedule, else the team's, else the
// organisation's, else none; an inherit schedule hands the user back.
func TestInForce(t *testing.T) {
	tl := schedule.Timelines{
		Organisation: []schedule.Schedule{sched(1, schedule.ScopeOrganisation, "2026-01-01", time.Sunday)},
		Team:         []schedule.Schedule{sched(2, schedule.ScopeTeam, "2026-12-01", time.Saturday, time.Sunday)},
		User: []schedule.Schedule{
			sched(3, schedule.ScopeUser, "2026-12-10", time.Friday),
			{ID: 4, Scope: schedule.ScopeUser, EffectiveFrom: d("2027-01-01"), Inherit: true},
			sched(5, schedule.ScopeUser, "2027-02-01", time.Monday),
		},
	}
	for _, tc := range []struct {
		date   string
		id     int64
		source schedule.Scope
	}{
		{"2025-12-31", 0, schedule.None},
		{"2026-06-01", 1, schedule.ScopeOrganisation},
		{"2026-12-01", 2, schedule.ScopeTeam},
		{"2026-12-09", 2, schedule.ScopeTeam},
		{"2026-12-10", 3, schedule.ScopeUser},
		{"2026-12-31", 3, schedule.ScopeUser},
		{"2027-01-01", 2, schedule.ScopeTeam}, // inherit
		{"2027-02-01", 5, schedule.ScopeUser},
	} {
		s, src := tl.InForce(d(tc.date))
		var id int64
		if s != nil {
			id = s.ID
		}
		if id != tc.id || src != tc.source {
			t.Errorf("%s: got schedule %d from %s, want %d from %s", tc.date, id, src, tc.id, tc.source)
		}
	}
	if next, ok := tl.NextChange(d("2026-12-10")); !ok || next.String() != "2027-01-01" {
		t.Errorf("next change after 2026-12-10: got %s %v, want 2027-01-01", next, ok)
	}
	// From the team's schedule, the organisation's later ones change nothing.
	teamOnly := schedule.Timelines{Team: tl.Team, Organisation: []schedule.Schedule{sched(9, schedule.ScopeOrganisation, "2027-03-01")}}
	if next, ok := teamOnly.NextChange(d("2026-12-10")); ok {
		t.Errorf("a later organisation schedule under a team's: got next change %s, want none", next)
	}
}

// TestExpandAcrossAChange: a year that crosses a schedule change lists the
// old schedule's days up to the change and the new one's from it.
func TestExpandAcrossAChange(t *testing.T) {
	tl := schedule.Timelines{User: []schedule.Schedule{
		sched(1, schedule.ScopeUser, "2026-11-01", time.Sunday),
		{ID: 2, Scope: schedule.ScopeUser, EffectiveFrom: d("2026-12-16"), Rules: schedule.Rules{
			{Day: time.Saturday, Weeks: schedule.Weeks{Nth: []int{2, 4}}, Part: schedule.Full},
			{Day: time.Friday, Part: schedule.Afternoon},
		}},
	}}
	days := schedule.Expand(tl.Periods(d("2026-12-01"), d("2026-12-31")))
	var got []string
	for _, x := range days {
		got = append(got, x.Date.String()+" "+string(x.Part))
	}
	want := []string{"2026-12-06 full", "2026-12-13 full", "2026-12-18 afternoon", "2026-12-25 afternoon", "2026-12-26 full"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestParseRules(t *testing.T) {
	rules, problems := schedule.ParseRules(json.RawMessage(`[{"day":"Sun"},{"day":"saturday","weeks":[4,2]},{"day":"fri","part":"afternoon","weeks":"alternate"}]`), 3)
	if problems != nil {
		t.Fatalf("problems: %+v", problems)
	}
	if got := rules.Words(); got != "alternate Fri afternoon, 2nd & 4th Sat, every Sun" {
		t.Errorf("words: got %q", got)
	}
	out, _ := json.Marshal(rules)
	if want := `[{"day":"friday","weeks":"alternate","part":"afternoon"},{"day":"saturday","weeks":[2,4],"part":"full"},{"day":"sunday","weeks":"every","part":"full"}]`; string(out) != want {
		t.Errorf("json: got %s, want %s", out, want)
	}
	for _, tc := range []struct{ name, in, path, msg string }{
		{"NotAList", `{"day":"sun"}`, "[]", "list of rules"},
		{"UnknownDay", `[{"day":"funday"}]`, "[0 day]", "weekday"},
		{"MissingDay", `[{"weeks":"every"}]`, "[0 day]", "Field required"},
		{"RepeatedDay", `[{"day":"sat"},{"day":"Saturday","weeks":[1]}]`, "[1 day]", "more than one rule"},
		{"BadWeeks", `[{"day":"sat"},{"day":"sun","weeks":[0]}]`, "[1 weeks]", "1 to 5"},
		{"RepeatedWeek", `[{"day":"sat","weeks":[2,2]}]`, "[0 weeks]", "once"},
		{"BadPart", `[{"day":"sat","part":"evening"}]`, "[0 part]", "morning"},
		{"Unknown", `[{"day":"sat","when":"now"}]`, "[0 when]", "Extra inputs"},
		{"TooMany", `[{"day":"mon"},{"day":"tue"},{"day":"wed"},{"day":"thu"}]`, "[]", "at most 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, problems := schedule.ParseRules(json.RawMessage(tc.in), 3)
			if len(problems) != 1 {
				t.Fatalf("got %+v, want one problem", problems)
			}
			p := problems[0]
			if got := fmtPath(p.Path); got != tc.path || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("got %s %q, want %s …%s…", got, p.Msg, tc.path, tc.msg)
			}
		})
	}
	t.Run("ManyProblemsAreCapped", func(t *testing.T) {
		in := `[` + strings.Repeat(`{"day":"x","a":1,"b":2},`, 6) + `{"day":"x"}]`
		if _, problems := schedule.ParseRules(json.RawMessage(in), 7); len(problems) > 20 {
			t.Errorf("got %d problems, want at most 20", len(problems))
		}
	})
}
