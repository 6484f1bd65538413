package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// coverageOut is GET /admin/coverage as a client reads it.
type coverageOut struct {
	Days []struct {
		Date      string `json:"date"`
		Working   int64  `json:"working"`
		Off       int64  `json:"off"`
		HalfOff   int64  `json:"half_off"`
		MinOnDuty *int   `json:"min_on_duty"`
		Short     bool   `json:"short"`
	} `json:"days"`
}

// TestCoverage: an admin reads how many of a team work each date, with its
// minimum and the dates that fall short, or everyone's figures without a
// minimum; a range longer than 92 days is refused with the reason.
func TestCoverage(t *testing.T) {
	t.Parallel()
	a, _, token := newAdminApp(t)
	var team struct{ ID int64 }
	decode(t, a.do(call{method: "POST", path: "/admin/teams", token: token, body: map[string]any{"name": "Support", "min_on_duty": 2}, want: http.StatusCreated}), &team)
	for _, p := range []struct {
		email string
		days  []string
	}{{"asha@example.com", []string{"saturday", "sunday"}}, {"ben@example.com", []string{"sunday"}}, {"chen@example.com", nil}} {
		u := a.user(p.email, models.RoleEmployee, p.days...)
		a.do(call{method: "PATCH", path: "/admin/users/" + itoa(u.ID), token: token, body: map[string]any{"team_id": team.ID}, want: http.StatusOK})
	}
	a.user("dev@example.com", models.RoleEmployee, "monday") // no team

	// 1 June 2030 is a Saturday.
	var got coverageOut
	decode(t, a.do(call{method: "GET", path: "/admin/coverage?team=" + itoa(team.ID) + "&from=2030-06-01&to=2030-06-03", token: token, want: http.StatusOK}), &got)
	want := []string{"2030-06-01 2 1 false", "2030-06-02 1 2 true", "2030-06-03 3 0 false"}
	if len(got.Days) != len(want) {
		t.Fatalf("got %d days, want %d: %+v", len(got.Days), len(want), got)
	}
	for i, d := range got.Days {
		if s := d.Date + " " + itoa(d.Working) + " " + itoa(d.Off) + " " + map[bool]string{true: "true", false: "false"}[d.Short]; s != want[i] || d.MinOnDuty == nil || *d.MinOnDuty != 2 {
			t.Errorf("team: got %s (minimum %v), want %s (minimum 2)", s, d.MinOnDuty, want[i])
		}
	}

	decode(t, a.do(call{method: "GET", path: "/admin/coverage?from=2030-06-02&to=2030-06-03", token: token, want: http.StatusOK}), &got)
	if d := got.Days[1]; d.Working != 3 || d.Off != 1 || d.MinOnDuty != nil || d.Short {
		t.Errorf("everyone on Monday: got %+v, want 3 working, 1 off (dev), no minimum", d)
	}

	res := a.do(call{method: "GET", path: "/admin/coverage?from=2030-01-01&to=2030-04-30", token: token, want: http.StatusUnprocessableEntity})
	if !hasErrorAt(detailOf(t, res), "query", "to") || !strings.Contains(res.Body.String(), "at most 92 days, not 120") {
		t.Errorf("a range of 120 days: %s", res.Body)
	}
}
