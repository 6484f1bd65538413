package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// shortOut is a 409 of the coverage guard as a client reads it.
type shortOut struct {
	Detail string `json:"detail"`
	Short  []struct {
		Date      string `json:"date"`
		TeamID    int64  `json:"team_id"`
		Working   int64  `json:"working"`
		MinOnDuty int    `json:"min_on_duty"`
	} `json:"short"`
}

// guardedTeam makes a team with the minimum and n employees in it, with
// no days off, and returns the team's id and the employees' tokens.
func guardedTeam(t *testing.T, a *app, adminToken string, minimum, n int) (int64, []*models.User, []string) {
	t.Helper()
	var team struct{ ID int64 }
	decode(t, a.do(call{method: "POST", path: "/admin/teams", token: adminToken, body: map[string]any{"name": "Support", "min_on_duty": minimum}, want: http.StatusCreated}), &team)
	var users []*models.User
	var tokens []string
	for i := range n {
		u, tok := a.userWithToken("p"+itoa(int64(i))+"@example.com", models.RoleEmployee)
		joinTeam(t, a, u.ID, team.ID)
		users, tokens = append(users, u), append(tokens, tok)
	}
	return team.ID, users, tokens
}

// TestGuardLastFreeFriday: eight people of a team of nine, whose minimum is
// eight, ask for Fridays off at the same moment. Exactly one gets them; the
// other seven are refused with 409 naming the first short Friday, and the
// database holds one change.
func TestGuardLastFreeFriday(t *testing.T) {
	t.Parallel()
	a, _, adminToken := newAdminApp(t)
	teamID, users, tokens := guardedTeam(t, a, adminToken, 8, 9)

	statuses := make([]int, 8)
	bodies := make([]string, 8)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 8 {
		wg.Go(func() {
			<-start
			res := a.do(call{method: "PUT", path: "/me/weekoffs", token: tokens[i], body: map[string]any{"weekoffs": []string{"friday"}}})
			statuses[i], bodies[i] = res.Code, res.Body.String()
		})
	}
	close(start)
	wg.Wait()

	won := 0
	for i, st := range statuses {
		switch st {
		case http.StatusOK:
			won++
		case http.StatusConflict:
			var out shortOut
			if err := json.Unmarshal([]byte(bodies[i]), &out); err != nil {
				t.Fatal(err)
			}
			if len(out.Short) == 0 || !strings.HasPrefix(out.Detail, "Team Support would have 7 working on "+out.Short[0].Date+"; it needs 8") ||
				out.Short[0].TeamID != teamID || out.Short[0].Working != 7 || out.Short[0].MinOnDuty != 8 {
				t.Errorf("a refusal: %s", bodies[i])
			}
		default:
			t.Errorf("request %d: status %d, %s", i, st, bodies[i])
		}
	}
	if won != 1 {
		t.Fatalf("got %d winners of the last free Friday, want exactly 1: %v", won, statuses)
	}
	off := 0
	for _, u := range users {
		stored, err := a.store.UserByID(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored.Weekoffs) > 0 {
			off++
		}
	}
	if off != 1 {
		t.Errorf("the database has %d people off on Fridays, want 1", off)
	}
}

// TestGuardScopesAndForce: the guard refuses a team's and the
// organisation's change that would leave the team short, and a person's
// planned one; an employee cannot force, an admin can, and the history row
// says it was forced. A team with no minimum is not guarded.
func TestGuardScopesAndForce(t *testing.T) {
	t.Parallel()
	a, _, adminToken := newAdminApp(t)
	teamID, users, tokens := guardedTeam(t, a, adminToken, 2, 2)
	team := "/admin/teams/" + itoa(teamID)

	// Every member off on Sundays: refused, nothing written.
	res := a.do(call{method: "PUT", path: team + "/schedule", token: adminToken, body: map[string]any{"rules": []map[string]string{{"day": "sunday"}}}, want: http.StatusConflict})
	if !strings.Contains(res.Body.String(), `working on`) || !strings.Contains(res.Body.String(), `"working":0`) {
		t.Errorf("team schedule: %s", res.Body)
	}
	var view struct {
		InForce any `json:"in_force"`
	}
	decode(t, a.do(call{method: "GET", path: team + "/schedule", token: adminToken, want: http.StatusOK}), &view)
	if view.InForce != nil {
		t.Errorf("a refused team schedule was written: %+v", view)
	}
	a.do(call{method: "PUT", path: "/admin/organisation/schedule", token: adminToken, body: map[string]any{"rules": []map[string]string{{"day": "monday", "part": "morning"}}}, want: http.StatusConflict})

	// A planned change of one person: refused; forcing as an employee: 403.
	planned := map[string]any{"rules": []map[string]string{{"day": "tuesday"}}, "effective_from": day(utcToday().AddDate(0, 0, 20))}
	a.do(call{method: "PUT", path: "/me/schedule", token: tokens[0], body: planned, want: http.StatusConflict})
	planned["force"] = true
	a.do(call{method: "PUT", path: "/me/schedule", token: tokens[0], body: planned, want: http.StatusForbidden})

	// An admin forces it: applied, and the history says so.
	a.do(call{method: "PUT", path: "/admin/users/" + itoa(users[0].ID) + "/schedule", token: adminToken, body: planned, want: http.StatusOK})
	var history struct {
		Items []struct {
			Field  string `json:"field"`
			Forced bool   `json:"forced"`
		} `json:"items"`
	}
	decode(t, a.do(call{method: "GET", path: "/admin/users/" + itoa(users[0].ID) + "/history", token: adminToken, want: http.StatusOK}), &history)
	if len(history.Items) == 0 || history.Items[0].Field != "schedule" || !history.Items[0].Forced {
		t.Errorf("history after a forced change: %+v", history.Items)
	}
	// Taking a day back is never refused, though the team is short then.
	a.do(call{method: "PUT", path: "/me/schedule", token: tokens[0], body: map[string]any{"rules": []any{}, "effective_from": planned["effective_from"]}, want: http.StatusOK})

	// Without a minimum, the same change goes through.
	a.do(call{method: "PATCH", path: team, token: adminToken, body: map[string]any{"min_on_duty": 0}, want: http.StatusOK})
	a.do(call{method: "PUT", path: "/me/weekoffs", token: tokens[1], body: map[string]any{"weekoffs": []string{"sunday"}}, want: http.StatusOK})
}

// TestGuardForms: a team's schedule form that would leave the team short
// is drawn again (409) with the short dates and, for an admin, a "Save
// anyway" button that sends the same form with force; sending it saves
// the change. An employee's form is refused with the dates and no such
// button, even when it sends force itself; the week-off boxes say why too.
func TestGuardForms(t *testing.T) {
	t.Parallel()
	a, admin, adminToken := newAdminApp(t)
	teamID, users, _ := guardedTeam(t, a, adminToken, 2, 2)
	sundays := url.Values{"part-sunday": {"full"}, "weeks-sunday": {"every"}}

	v := a.signedIn(admin)
	team := "/admin/teams/" + itoa(teamID)
	res := v.post(team+"/schedule", sundays)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "so it was not saved yet", "Support would have 0 working; it needs 2",
		`<button type="submit" form="schedule-form" name="force" value="true" id="schedule-force">Save anyway</button>`)
	if view, _ := a.store.ScopeScheduleView(t.Context(), teamID); view.InForce != nil {
		t.Fatalf("a refused team schedule was saved: %+v", view.InForce)
	}
	res = v.post(team+"/schedule", with(sundays, "force", "true"))
	wantStatus(t, res, http.StatusSeeOther)
	if view, _ := a.store.ScopeScheduleView(t.Context(), teamID); view.InForce == nil || len(view.InForce.Rules) != 1 {
		t.Errorf("the forced team schedule was not saved: %+v", view.InForce)
	}

	// An employee: back to working every day is fine; Mondays off are not.
	a.do(call{method: "PUT", path: team + "/schedule", token: adminToken, body: map[string]any{"rules": []any{}}, want: http.StatusOK})
	emp := a.signedIn(users[0])
	stored, _ := a.store.UserByID(t.Context(), users[0].ID)
	mondays := url.Values{"inherit": {"false"}, "part-monday": {"full"}, "weeks-monday": {"every"}, "version": {itoa(int64(stored.Version))}, "force": {"true"}}
	res = emp.post("/me/schedule", mondays)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "Choose other days, or ask an admin", "Support would have 1 working; it needs 2")
	if strings.Contains(res.Body.String(), "Save anyway") {
		t.Error("an employee is offered to save anyway")
	}
	res = emp.post("/me/weekoffs", url.Values{"weekoffs": {"monday"}, "version": {itoa(int64(stored.Version))}})
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, emp.get("/me"), "Team Support would have 1 working on")
	if u, _ := a.store.UserByID(t.Context(), users[0].ID); len(u.Weekoffs) != 0 {
		t.Errorf("a refused change was saved: %v", u.Weekoffs)
	}
}
