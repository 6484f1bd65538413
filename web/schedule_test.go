package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
)

// scheduleOut is a schedule as a client reads it.
type scheduleOut struct {
	ID            int64            `json:"id"`
	Scope         string           `json:"scope"`
	Rules         []map[string]any `json:"rules"`
	Inherit       bool             `json:"inherit"`
	EffectiveFrom string           `json:"effective_from"`
	CreatedBy     *int64           `json:"created_by"`
}

type scheduleViewOut struct {
	InForce  *scheduleOut  `json:"in_force"`
	Upcoming []scheduleOut `json:"upcoming"`
}

type meOut struct {
	Weekoffs []string `json:"weekoffs"`
	Schedule struct {
		Source        string           `json:"source"`
		Rules         []map[string]any `json:"rules"`
		EffectiveFrom *string          `json:"effective_from"`
		NextChange    *string          `json:"next_change"`
	} `json:"schedule"`
	Team *struct{ ID int64 } `json:"team"`
}

// utcToday is the organisation's today in these tests (its zone is UTC).
func utcToday() time.Time { return time.Now().UTC().Truncate(24 * time.Hour) }

func day(t time.Time) string { return t.Format(time.DateOnly) }

func (a *app) me(t *testing.T, token string) meOut {
	t.Helper()
	var out meOut
	decode(t, a.do(call{method: "GET", path: "/me", token: token, want: http.StatusOK}), &out)
	return out
}

func (a *app) mySchedule(t *testing.T, token string) scheduleViewOut {
	t.Helper()
	var out scheduleViewOut
	decode(t, a.do(call{method: "GET", path: "/me/schedule", token: token, want: http.StatusOK}), &out)
	return out
}

// TestScheduleOfMigratedUser: a user's week-offs are their own schedule
// of every-week, whole-day rules, and the old member keeps its meaning.
func TestScheduleOfMigratedUser(t *testing.T) {
	t.Parallel()
	a, _, _ := newAdminApp(t)
	_, tok := a.userWithToken("asha@example.com", models.RoleEmployee, "sun", "sat")
	me := a.me(t, tok)
	if !slices.Equal(me.Weekoffs, []string{"saturday", "sunday"}) || me.Schedule.Source != "user" ||
		len(me.Schedule.Rules) != 2 || me.Schedule.Rules[0]["day"] != "saturday" || me.Schedule.Rules[0]["weeks"] != "every" ||
		me.Schedule.Rules[0]["part"] != "full" || me.Schedule.NextChange != nil || me.Schedule.EffectiveFrom == nil {
		t.Errorf("GET /me: got %+v", me)
	}
	// A user created without week-offs has no schedule of their own.
	_, tok = a.userWithToken("ben@example.com", models.RoleEmployee)
	if me := a.me(t, tok); me.Schedule.Source != "none" || len(me.Weekoffs) != 0 || me.Schedule.EffectiveFrom != nil {
		t.Errorf("a user without week-offs: got %+v", me)
	}
}

// TestUpcomingScheduleChange walks the contract: a change planned for a
// later date leaves today's days alone, is listed, shows in the calendar
// from its date, and can be cancelled; one in force cannot.
func TestUpcomingScheduleChange(t *testing.T) {
	t.Parallel()
	a, _, _ := newAdminApp(t)
	_, tok := a.userWithToken("asha@example.com", models.RoleEmployee, "sat", "sun")
	today := utcToday()
	change := today.AddDate(0, 0, 10)
	body := map[string]any{"rules": []map[string]any{{"day": "Sat", "weeks": []int{2, 4}}, {"day": "friday", "part": "afternoon"}},
		"effective_from": day(change)}

	var me meOut
	decode(t, a.do(call{method: "PUT", path: "/me/schedule", token: tok, body: body, want: http.StatusOK}), &me)
	if !slices.Equal(me.Weekoffs, []string{"saturday", "sunday"}) || me.Schedule.NextChange == nil || *me.Schedule.NextChange != day(change) {
		t.Errorf("after planning a change: weekoffs %v, next_change %v; want today's days and %s", me.Weekoffs, me.Schedule.NextChange, day(change))
	}
	v := a.mySchedule(t, tok)
	if v.InForce == nil || v.InForce.Scope != "user" || len(v.Upcoming) != 1 || v.Upcoming[0].EffectiveFrom != day(change) ||
		v.Upcoming[0].Rules[0]["day"] != "friday" || v.Upcoming[0].Rules[0]["part"] != "afternoon" {
		t.Fatalf("GET /me/schedule: got %+v", v)
	}

	// The calendar over the change: weekends before it, then the 2nd and
	// 4th Saturdays and Friday afternoons, worked out here day by day.
	to := today.AddDate(0, 0, 60)
	var cal struct {
		From, To string
		Days     []struct{ Date, Part, Source string }
	}
	decode(t, a.do(call{method: "GET", path: "/me/calendar?from=" + day(today) + "&to=" + day(to), token: tok, want: http.StatusOK}), &cal)
	var want, got []string
	for d := today; !d.After(to); d = d.AddDate(0, 0, 1) {
		switch {
		case d.Before(change) && (d.Weekday() == time.Saturday || d.Weekday() == time.Sunday):
			want = append(want, day(d)+" full")
		case !d.Before(change) && d.Weekday() == time.Saturday && ((d.Day()-1)/7+1 == 2 || (d.Day()-1)/7+1 == 4):
			want = append(want, day(d)+" full")
		case !d.Before(change) && d.Weekday() == time.Friday:
			want = append(want, day(d)+" afternoon")
		}
	}
	for _, d := range cal.Days {
		got = append(got, d.Date+" "+d.Part)
		if d.Source != "user" {
			t.Errorf("calendar day %s: source %q, want user", d.Date, d.Source)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("calendar:\n got %v\nwant %v", got, want)
	}

	// Only upcoming changes can be cancelled, and only one's own.
	a.do(call{method: "DELETE", path: "/me/schedule/" + itoa(v.InForce.ID), token: tok, want: http.StatusConflict})
	_, otherTok := a.userWithToken("ben@example.com", models.RoleEmployee)
	a.do(call{method: "DELETE", path: "/me/schedule/" + itoa(v.Upcoming[0].ID), token: otherTok, want: http.StatusNotFound})
	a.do(call{method: "DELETE", path: "/me/schedule/" + itoa(v.Upcoming[0].ID), token: tok, want: http.StatusNoContent})
	a.do(call{method: "DELETE", path: "/me/schedule/" + itoa(v.Upcoming[0].ID), token: tok, want: http.StatusNotFound})
	if v := a.mySchedule(t, tok); len(v.Upcoming) != 0 {
		t.Errorf("after cancelling: upcoming %+v", v.Upcoming)
	}
	if me := a.me(t, tok); me.Schedule.NextChange != nil {
		t.Errorf("after cancelling: next_change %v", *me.Schedule.NextChange)
	}
}

// TestScheduleRefusals: each bad input is named where it is, and nothing
// is written.
func TestScheduleRefusals(t *testing.T) {
	t.Parallel()
	a, _, _ := newAdminApp(t)
	_, tok := a.userWithToken("asha@example.com", models.RoleEmployee, "sun")
	yesterday := day(utcToday().AddDate(0, 0, -1))
	cases := []struct {
		name string
		body any
		loc  []any
	}{
		{"bad weeks", map[string]any{"rules": []any{map[string]any{"day": "sat"}, map[string]any{"day": "sun", "weeks": []int{6}}}}, []any{"body", "rules", 1, "weeks"}},
		{"unknown day", map[string]any{"rules": []any{map[string]any{"day": "someday"}}}, []any{"body", "rules", 0, "day"}},
		{"too many days", map[string]any{"rules": []any{map[string]any{"day": "fri"}, map[string]any{"day": "sat"}, map[string]any{"day": "sun"}}}, []any{"body", "rules"}},
		{"past date", map[string]any{"rules": []any{}, "effective_from": yesterday}, []any{"body", "effective_from"}},
		{"not a date", map[string]any{"rules": []any{}, "effective_from": "next week"}, []any{"body", "effective_from"}},
		{"inherit and rules", map[string]any{"rules": []any{}, "inherit": true}, []any{"body", "rules"}},
		{"no rules", map[string]any{"effective_from": day(utcToday())}, []any{"body", "rules"}},
		{"unknown member", map[string]any{"rules": []any{}, "forced": true}, []any{"body", "forced"}},
	}
	for _, c := range cases {
		res := a.do(call{method: "PUT", path: "/me/schedule", token: tok, body: c.body, want: http.StatusUnprocessableEntity})
		if !hasErrorAt(detailOf(t, res), c.loc...) {
			t.Errorf("%s: the 422 does not point at %v: %s", c.name, c.loc, res.Body)
		}
	}
	if me := a.me(t, tok); !slices.Equal(me.Weekoffs, []string{"sunday"}) {
		t.Errorf("a refused change was written: %v", me.Weekoffs)
	}
	if v := a.mySchedule(t, tok); len(v.Upcoming) != 0 {
		t.Errorf("a refused change was planned: %+v", v.Upcoming)
	}
	for _, q := range []string{"from=2026-13-01", "from=2026-01-10&to=2026-01-09", "from=2026-01-01&to=2027-01-02"} {
		a.do(call{method: "GET", path: "/me/calendar?" + q, token: tok, want: http.StatusUnprocessableEntity})
	}
	a.do(call{method: "GET", path: "/me/calendar?from=2026-01-01&to=2027-01-01", token: tok, want: http.StatusOK})
	var cal struct{ From, To string }
	decode(t, a.do(call{method: "GET", path: "/me/calendar?from=2030-02-10", token: tok, want: http.StatusOK}), &cal)
	if cal.From != "2030-02-10" || cal.To != "2030-02-28" {
		t.Errorf("from alone: got %s..%s, want the rest of its month", cal.From, cal.To)
	}
	decode(t, a.do(call{method: "GET", path: "/me/calendar?to=2030-02-10", token: tok, want: http.StatusOK}), &cal)
	if cal.From != "2030-02-01" || cal.To != "2030-02-10" {
		t.Errorf("to alone: got %s..%s, want its month up to it", cal.From, cal.To)
	}
}

// TestScheduleChangeThatAddsNothing: sending the rules already in force
// writes nothing and keeps the version, so another client's If-Match
// stays good.
func TestScheduleChangeThatAddsNothing(t *testing.T) {
	t.Parallel()
	a, _, _ := newAdminApp(t)
	_, tok := a.userWithToken("asha@example.com", models.RoleEmployee, "sat", "sun")
	before := a.do(call{method: "GET", path: "/me", token: tok, want: http.StatusOK}).Header().Get("ETag")
	a.do(call{method: "PUT", path: "/me/weekoffs", token: tok, body: map[string]any{"weekoffs": []string{"sunday", "saturday"}}, want: http.StatusOK})
	a.do(call{method: "PUT", path: "/me/schedule", token: tok, body: map[string]any{"rules": []any{map[string]any{"day": "sat"}, map[string]any{"day": "sun"}}}, want: http.StatusOK})
	a.do(call{method: "PUT", path: "/me/weekoffs", token: tok, header: http.Header{"If-Match": {before}},
		body: map[string]any{"weekoffs": []string{"sunday"}}, want: http.StatusOK})
	if v := a.mySchedule(t, tok); v.InForce == nil || len(v.InForce.Rules) != 1 {
		t.Errorf("the change after the ones that added nothing: %+v", v.InForce)
	}
}

// TestTeamAndOrganisationDefaults: a user without a schedule of their own
// has the organisation's days, then their team's; one who inherits hands
// their own back; the list's weekday filter follows.
func TestTeamAndOrganisationDefaults(t *testing.T) {
	t.Parallel()
	a, _, adminTok := newAdminApp(t)
	emp, tok := a.userWithToken("asha@example.com", models.RoleEmployee)

	var org scheduleOut
	decode(t, a.do(call{method: "PUT", path: "/admin/organisation/schedule", token: adminTok,
		body: map[string]any{"rules": []any{map[string]any{"day": "sunday"}}}, want: http.StatusOK}), &org)
	if org.Scope != "organisation" || org.EffectiveFrom != day(utcToday()) {
		t.Errorf("PUT /admin/organisation/schedule: got %+v", org)
	}
	if me := a.me(t, tok); me.Schedule.Source != "organisation" || !slices.Equal(me.Weekoffs, []string{"sunday"}) {
		t.Errorf("with the organisation's default: got %+v", me)
	}
	a.do(call{method: "PUT", path: "/admin/organisation/schedule", token: adminTok,
		body: map[string]any{"inherit": true}, want: http.StatusUnprocessableEntity})

	var team struct{ ID int64 }
	decode(t, a.do(call{method: "POST", path: "/admin/teams", token: adminTok, body: map[string]any{"name": "Support"}, want: http.StatusCreated}), &team)
	teamPath := "/admin/teams/" + itoa(team.ID)
	a.do(call{method: "PUT", path: teamPath + "/schedule", token: adminTok,
		body: map[string]any{"rules": []any{map[string]any{"day": "wed"}, map[string]any{"day": "thu", "part": "morning"}}}, want: http.StatusOK})
	a.do(call{method: "PATCH", path: "/admin/users/" + itoa(emp.ID), token: adminTok, body: map[string]any{"team_id": team.ID}, want: http.StatusOK})
	if me := a.me(t, tok); me.Schedule.Source != "team" || !slices.Equal(me.Weekoffs, []string{"wednesday", "thursday"}) {
		t.Errorf("in a team with a default: got %+v", me)
	}
	listed := func(day string) bool {
		var page struct{ Items []struct{ ID int64 } }
		decode(t, a.do(call{method: "GET", path: "/admin/users/?weekoff=" + day, token: adminTok, want: http.StatusOK}), &page)
		return slices.ContainsFunc(page.Items, func(u struct{ ID int64 }) bool { return u.ID == emp.ID })
	}
	if !listed("thursday") || listed("sunday") {
		t.Errorf("the weekday filter does not follow the team's schedule (thursday %v, sunday %v)", listed("thursday"), listed("sunday"))
	}

	// Their own schedule overrides the team's; inheriting hands it back.
	a.do(call{method: "PUT", path: "/me/schedule", token: tok, body: map[string]any{"rules": []any{map[string]any{"day": "mon"}}}, want: http.StatusOK})
	if me := a.me(t, tok); me.Schedule.Source != "user" || !slices.Equal(me.Weekoffs, []string{"monday"}) || !listed("monday") {
		t.Errorf("with their own schedule: got %+v", me)
	}
	var me meOut
	decode(t, a.do(call{method: "PUT", path: "/me/schedule", token: tok, body: map[string]any{"inherit": true}, want: http.StatusOK}), &me)
	if me.Schedule.Source != "team" || !slices.Equal(me.Weekoffs, []string{"wednesday", "thursday"}) || listed("monday") {
		t.Errorf("after inheriting: got %+v", me)
	}

	var v scheduleViewOut
	decode(t, a.do(call{method: "GET", path: teamPath + "/schedule", token: adminTok, want: http.StatusOK}), &v)
	if v.InForce == nil || v.InForce.Scope != "team" || len(v.InForce.Rules) != 2 {
		t.Errorf("GET team schedule: got %+v", v)
	}
	a.do(call{method: "GET", path: "/admin/teams/999999/schedule", token: adminTok, want: http.StatusNotFound})
	a.do(call{method: "GET", path: teamPath + "/schedule", token: tok, want: http.StatusForbidden})
	a.do(call{method: "PUT", path: "/admin/organisation/schedule", token: tok, body: map[string]any{"rules": []any{}}, want: http.StatusForbidden})
}

// TestCalendarFeed: the feed's address is a secret that can be replaced;
// the feed holds the days and nothing else about the person.
func TestCalendarFeed(t *testing.T) {
	t.Parallel()
	a, _, _ := newAdminApp(t)
	_, tok := a.userWithToken("asha.secret@example.com", models.RoleEmployee, "sat", "sun")
	var feed struct{ URL string }
	decode(t, a.do(call{method: "POST", path: "/me/calendar-feed", token: tok, want: http.StatusOK}), &feed)
	path := feed.URL[strings.Index(feed.URL, "/calendar/"):]
	res := a.do(call{method: "GET", path: path, want: http.StatusOK})
	body := res.Body.String()
	if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{"BEGIN:VCALENDAR", "BEGIN:VEVENT", "RRULE:FREQ=WEEKLY;WKST=MO;BYDAY=SA", "RRULE:FREQ=WEEKLY;WKST=MO;BYDAY=SU", "DTSTART;VALUE=DATE:", "DTSTAMP:"} {
		if !strings.Contains(body, want) {
			t.Errorf("the feed lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(strings.ToLower(body), "asha") {
		t.Errorf("the feed tells who it belongs to:\n%s", body)
	}
	var next struct{ URL string }
	decode(t, a.do(call{method: "POST", path: "/me/calendar-feed", token: tok, want: http.StatusOK}), &next)
	if next.URL == feed.URL {
		t.Fatal("a new feed address is the old one")
	}
	a.do(call{method: "GET", path: path, want: http.StatusNotFound})
	a.do(call{method: "GET", path: next.URL[strings.Index(next.URL, "/calendar/"):], want: http.StatusOK})
	a.do(call{method: "GET", path: "/calendar/not-a-key.ics", want: http.StatusNotFound})
	// The address is the credential: the request log keeps the route, not the key.
	for _, u := range []string{feed.URL, next.URL} {
		key := strings.TrimSuffix(u[strings.LastIndex(u, "/")+1:], ".ics")
		if strings.Contains(a.logs.String(), key) {
			t.Errorf("the log shows a feed's key %q", key)
		}
	}
	if !strings.Contains(a.logs.String(), `"path":"/calendar/:file"`) {
		t.Error("the feed's requests are not logged")
	}
}
