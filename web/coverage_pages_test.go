package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

// TestCoverageMonthPage: an admin opens the month calendar of a team,
// sees each day's counts and a short day said in words, opens the day and
// finds who is off there, linking to their page; the admin navigation
// leads to it, and employees cannot open it.
func TestCoverageMonthPage(t *testing.T) {
	t.Parallel()
	a, _, token := newAdminApp(t)
	admin, _ := a.store.UserByEmail(t.Context(), "admin@example.com")
	var team struct{ ID int64 }
	decode(t, a.do(call{method: "POST", path: "/admin/teams", token: token, body: map[string]any{"name": "Support", "min_on_duty": 2}, want: http.StatusCreated}), &team)
	asha := a.user("asha@example.com", models.RoleEmployee, "sunday")
	ben := a.user("ben@example.com", models.RoleEmployee, "sunday")
	for _, u := range []*models.User{asha, ben, a.user("chen@example.com", models.RoleEmployee)} {
		a.do(call{method: "PATCH", path: "/admin/users/" + itoa(u.ID), token: token, body: map[string]any{"team_id": team.ID}, want: http.StatusOK})
	}
	v := a.signedIn(admin)

	res := v.get("/admin/calendar?month=2030-06&team=" + itoa(team.ID))
	wantStatus(t, res, http.StatusOK)
	// 2 June 2030 is a Sunday: one of three working, below the minimum of two.
	wantBody(t, res, `<a href="/admin/calendar" aria-current="page">Coverage</a>`, "Coverage: June 2030",
		"Support needs 2 working each day.", "5 days are short this month.",
		`<time datetime="2030-06-02">`, "1 working, 2 off", `<strong class="short-mark">Short</strong>`,
		`href="/admin/calendar/day?date=2030-06-02&amp;team=`+itoa(team.ID)+`"`,
		`href="/admin/calendar?month=2030-05&amp;team=`+itoa(team.ID)+`" rel="prev"`)
	if strings.Count(res.Body.String(), `class="short-mark"`) != 5 {
		t.Errorf("want the five Sundays of June 2030 marked short:\n%s", res.Body)
	}

	// Everyone: no minimum, but the team's short days are named.
	res = v.get("/admin/calendar?month=2030-06")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "s active employees.", "Short: Support")

	res = v.get("/admin/calendar/day?date=2030-06-02&team=" + itoa(team.ID))
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Off on Sunday 2 June 2030: Support", `<a href="/admin/users/`+itoa(asha.ID)+`">Person asha</a>`, `<a href="/admin/users/`+itoa(ben.ID)+`">Person ben</a>`)
	if strings.Contains(res.Body.String(), "Person chen") {
		t.Error("chen works on Sundays but is listed as off")
	}

	wantStatus(t, v.get("/admin/calendar?month=June"), http.StatusUnprocessableEntity)
	wantStatus(t, v.get("/admin/calendar/day?date=soon"), http.StatusNotFound) // a query a page cannot read
	wantStatus(t, v.get("/admin/calendar?team=999"), http.StatusNotFound)
	wantStatus(t, a.signedIn(asha).get("/admin/calendar"), http.StatusForbidden)
}

// TestMyTeamLoad: the rule editor of /me says, beside each weekday, how
// many of the others in the person's team are off on it in the next four
// weeks, not counting the person; without a team it says nothing.
func TestMyTeamLoad(t *testing.T) {
	t.Parallel()
	a, _, token := newAdminApp(t)
	var team struct{ ID int64 }
	decode(t, a.do(call{method: "POST", path: "/admin/teams", token: token, body: map[string]any{"name": "Support"}, want: http.StatusCreated}), &team)
	asha := a.user("asha@example.com", models.RoleEmployee, "sunday")
	for _, u := range []*models.User{asha, a.user("ben@example.com", models.RoleEmployee, "sunday", "monday"), a.user("chen@example.com", models.RoleEmployee, "sunday")} {
		joinTeam(t, a, u.ID, team.ID)
	}
	loner := a.user("dev@example.com", models.RoleEmployee, "sunday")

	res := a.signedIn(asha).get("/me")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `<span class="team-load">: up to 2 of 2 others in Support off in the next 4 weeks</span>`,
		`<span class="team-load">: up to 1 of 2 others in Support off in the next 4 weeks</span>`,
		`<span class="team-load">: up to 0 of 2 others in Support off in the next 4 weeks</span>`)
	if body := a.signedIn(loner).get("/me").Body.String(); strings.Contains(body, "team-load") {
		t.Error("a person without a team is shown a team's load")
	}
}

// TestShortDaysSoon: the admins' start page (the users list) says how many
// team-days of the next four weeks are short, linking to the month
// calendar, and /metrics has the same number as weekoffs_short_team_days;
// with no minimum anywhere the page says nothing and the gauge is 0.
func TestShortDaysSoon(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.Metrics = true })
	admin, token := a.userWithToken("admin@example.com", models.RoleAdmin)
	v := a.signedIn(admin)
	var team struct{ ID int64 }
	decode(t, a.do(call{method: "POST", path: "/admin/teams", token: token, body: map[string]any{"name": "Support"}, want: http.StatusCreated}), &team)
	u := a.user("asha@example.com", models.RoleEmployee)
	joinTeam(t, a, u.ID, team.ID)

	if body := v.get("/admin/users").Body.String(); strings.Contains(body, `id="short-soon"`) {
		t.Error("the start page speaks of short days with no minimum anywhere")
	}
	wantBody(t, a.do(call{method: "GET", path: "/metrics", want: http.StatusOK}), "weekoffs_short_team_days 0")

	// A minimum of two with one member: every day of the next 28 is short.
	a.do(call{method: "PATCH", path: "/admin/teams/" + itoa(team.ID), token: token, body: map[string]any{"min_on_duty": 2}, want: http.StatusOK})
	res := v.get("/admin/users")
	wantBody(t, res, `id="short-soon"`, "28 short team-days in the next 4 weeks.", "Support would have 1 working; it needs 2",
		`href="/admin/calendar?month=`)
	wantBody(t, a.do(call{method: "GET", path: "/metrics", want: http.StatusOK}), "weekoffs_short_team_days 28")
}
