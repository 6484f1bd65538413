package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// forcedHistory is a user's history as a client reads it: the fields
// changed, newest first, and whether each change was forced.
func forcedHistory(t *testing.T, a *app, adminToken string, userID int64) map[string]bool {
	t.Helper()
	var history struct {
		Items []struct {
			Field  string `json:"field"`
			Forced bool   `json:"forced"`
		} `json:"items"`
	}
	decode(t, a.do(call{method: "GET", path: "/admin/users/" + itoa(userID) + "/history", token: adminToken, want: http.StatusOK}), &history)
	out := map[string]bool{}
	for _, h := range history.Items {
		if _, seen := out[h.Field]; !seen {
			out[h.Field] = h.Forced
		}
	}
	return out
}

// TestGuardPatchUser: an admin's PATCH of a user that would leave the
// user's team short (their week-offs, alone or with other fields; moving
// them out of the team; deactivating them; making them an admin) is a 409
// with the short dates and changes nothing; with "force": true it is
// applied, and the history says it was forced. The same PATCH of a team
// without a minimum is not refused.
func TestGuardPatchUser(t *testing.T) {
	t.Parallel()
	a, _, adminToken := newAdminApp(t)
	teamID, users, _ := guardedTeam(t, a, adminToken, 2, 2)
	path := func(i int) string { return "/admin/users/" + itoa(users[i].ID) }

	refusals := []map[string]any{
		{"weekoffs": []string{"friday"}},
		{"weekoffs": []string{"friday"}, "full_name": "Asha Rao"},
		{"team_id": nil},
		{"is_active": false},
		{"role": "admin"},
	}
	for _, body := range refusals {
		res := a.do(call{method: "PATCH", path: path(0), token: adminToken, body: body, want: http.StatusConflict})
		var out shortOut
		decode(t, res, &out)
		if len(out.Short) == 0 || out.Short[0].TeamID != teamID || out.Short[0].Working != 1 || out.Short[0].MinOnDuty != 2 ||
			!strings.HasPrefix(out.Detail, "Team Support would have 1 working on "+out.Short[0].Date) {
			t.Errorf("PATCH %v: %s", body, res.Body)
		}
	}
	stored, err := a.store.UserByID(t.Context(), users[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Weekoffs) != 0 || stored.FullName == "Asha Rao" || stored.TeamID == nil || !stored.IsActive || stored.IsAdmin() || stored.Version != users[0].Version+1 {
		t.Fatalf("a refused PATCH changed the user: %+v", stored)
	}

	// Forced, with If-Match: applied, and the history says so.
	res := a.do(call{method: "PATCH", path: path(0), token: adminToken, header: http.Header{"If-Match": {`"` + itoa(int64(stored.Version)) + `"`}},
		body: map[string]any{"weekoffs": []string{"friday"}, "full_name": "Asha Rao", "force": true}, want: http.StatusOK})
	if !strings.Contains(res.Body.String(), `"weekoffs":["friday"]`) {
		t.Errorf("forced PATCH: %s", res.Body)
	}
	if h := forcedHistory(t, a, adminToken, users[0].ID); !h["weekoffs"] || !h["schedule"] {
		t.Errorf("history after a forced PATCH: %v", h)
	}
	a.do(call{method: "PATCH", path: path(1), token: adminToken, body: map[string]any{"is_active": false, "force": true}, want: http.StatusOK})
	if h := forcedHistory(t, a, adminToken, users[1].ID); !h["is_active"] {
		t.Errorf("history after a forced deactivation: %v", h)
	}

	// Not forced, and no team short: not marked.
	a.do(call{method: "PATCH", path: "/admin/teams/" + itoa(teamID), token: adminToken, body: map[string]any{"min_on_duty": 0}, want: http.StatusOK})
	a.do(call{method: "PATCH", path: path(0), token: adminToken, body: map[string]any{"weekoffs": []string{"monday"}, "full_name": "Asha R."}, want: http.StatusOK})
	if h := forcedHistory(t, a, adminToken, users[0].ID); h["weekoffs"] {
		t.Errorf("a change of a team without a minimum is marked forced: %v", h)
	}
}

// TestGuardUserForm: the admin's user form whose day boxes would leave the
// user's team short is drawn again (409) with what was sent, the short
// dates and a "Save anyway" button that sends the same form with force;
// sending it saves the change, and the history says it was forced.
func TestGuardUserForm(t *testing.T) {
	t.Parallel()
	a, admin, adminToken := newAdminApp(t)
	teamID, users, _ := guardedTeam(t, a, adminToken, 2, 2)
	u, err := a.store.UserByID(t.Context(), users[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	path := "/admin/users/" + itoa(u.ID)
	form := url.Values{"version": {itoa(int64(u.Version))}, "full_name": {"Asha Rao"}, "role": {"employee"}, "is_active": {"true"},
		"weekoffs": {"friday"}, "weekoffs_shown": {""}, "team_id": {itoa(teamID)}}

	v := a.signedIn(admin)
	res := v.post(path, form)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "so it was not saved yet", "Support would have 1 working; it needs 2", `value="Asha Rao"`,
		`<button type="submit" form="user-form" name="force" value="true" id="user-force">Save anyway</button>`)
	if stored, _ := a.store.UserByID(t.Context(), u.ID); len(stored.Weekoffs) != 0 || stored.FullName == "Asha Rao" {
		t.Fatalf("a refused form was saved: %+v", stored)
	}

	res = v.post(path, with(form, "force", "true"))
	wantStatus(t, res, http.StatusSeeOther)
	if stored, _ := a.store.UserByID(t.Context(), u.ID); len(stored.Weekoffs) != 1 || stored.FullName != "Asha Rao" {
		t.Errorf("the forced form was not saved: %+v", stored)
	}
	if h := forcedHistory(t, a, adminToken, u.ID); !h["weekoffs"] {
		t.Errorf("history after a forced form: %v", h)
	}
}

// upcomingView is GET /me/schedule's list of planned changes.
type upcomingView struct {
	Upcoming []struct{ ID int64 } `json:"upcoming"`
}

// plannedCancelShort makes a team of two with a minimum of one, whose
// first member is off on Fridays until later and then works them, and
// whose second takes Fridays off from later: cancelling the first one's
// planned change (sid) would leave nobody working on Fridays from later.
func plannedCancelShort(t *testing.T, a *app, adminToken string) (users []*models.User, tokens []string, later, sid string) {
	t.Helper()
	_, users, tokens = guardedTeam(t, a, adminToken, 1, 2)
	later = day(utcToday().AddDate(0, 0, 20))
	a.do(call{method: "PATCH", path: "/admin/users/" + itoa(users[0].ID), token: adminToken, body: map[string]any{"weekoffs": []string{"friday"}}, want: http.StatusOK})
	a.do(call{method: "PUT", path: "/me/schedule", token: tokens[0], body: map[string]any{"rules": []any{}, "effective_from": later}, want: http.StatusOK})
	a.do(call{method: "PUT", path: "/me/schedule", token: tokens[1], body: map[string]any{"rules": []any{map[string]string{"day": "friday"}}, "effective_from": later}, want: http.StatusOK})
	var view upcomingView
	decode(t, a.do(call{method: "GET", path: "/me/schedule", token: tokens[0], want: http.StatusOK}), &view)
	if len(view.Upcoming) != 1 {
		t.Fatalf("upcoming: %+v", view)
	}
	return users, tokens, later, itoa(view.Upcoming[0].ID)
}

// TestGuardCancelForceParam: ?force on the DELETE of a planned change is
// read as the import's and dry_run are (true/false, 1/0): ?force=1 from an
// admin cancels it, from an employee is a 403, and a value that is no
// boolean is a 422 naming force, not a silent "not forced" and the guard's
// 409. Nothing is cancelled by a refused one.
func TestGuardCancelForceParam(t *testing.T) {
	t.Parallel()
	a, _, adminToken := newAdminApp(t)
	users, tokens, _, sid := plannedCancelShort(t, a, adminToken)
	admin := "/admin/users/" + itoa(users[0].ID) + "/schedule/" + sid

	a.do(call{method: "DELETE", path: "/me/schedule/" + sid + "?force=1", token: tokens[0], want: http.StatusForbidden})
	res := a.do(call{method: "DELETE", path: admin + "?force=yes", token: adminToken, want: http.StatusUnprocessableEntity})
	if !strings.Contains(res.Body.String(), `"loc":["query","force"]`) {
		t.Errorf("?force=yes: got %s, want a 422 at query.force", res.Body)
	}
	var view upcomingView
	decode(t, a.do(call{method: "GET", path: "/me/schedule", token: tokens[0], want: http.StatusOK}), &view)
	if len(view.Upcoming) != 1 {
		t.Fatalf("a refused cancel cancelled: %+v", view)
	}
	a.do(call{method: "DELETE", path: admin + "?force=1", token: adminToken, want: http.StatusNoContent})
	decode(t, a.do(call{method: "GET", path: "/me/schedule", token: tokens[0], want: http.StatusOK}), &view)
	if len(view.Upcoming) != 0 {
		t.Errorf("?force=1 left %+v", view.Upcoming)
	}
}

// TestGuardCancelPlanned: withdrawing a planned change that gave someone a
// working day back, where the team then falls short, is a 409 with the
// short dates (an employee cannot force it); on the user's page an admin
// sees the dates and a "Cancel it anyway" button, which cancels it, and
// the history says it was forced.
func TestGuardCancelPlanned(t *testing.T) {
	t.Parallel()
	a, admin, adminToken := newAdminApp(t)
	users, tokens, later, sid := plannedCancelShort(t, a, adminToken)
	var view upcomingView

	res := a.do(call{method: "DELETE", path: "/me/schedule/" + sid, token: tokens[0], want: http.StatusConflict})
	var out shortOut
	decode(t, res, &out)
	if len(out.Short) == 0 || out.Short[0].Date < later || out.Short[0].Working != 0 {
		t.Errorf("refused cancel: %s", res.Body)
	}
	a.do(call{method: "DELETE", path: "/me/schedule/" + sid + "?force=true", token: tokens[0], want: http.StatusForbidden})
	// /me's Cancel button: the guard's sentence, and no way to force it.
	res = a.signedIn(users[0]).post("/me/schedule/"+sid+"/cancel", url.Values{"force": {"true"}})
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "Team Support would have 0 working on "+out.Short[0].Date)
	a.do(call{method: "DELETE", path: "/admin/users/" + itoa(users[0].ID) + "/schedule/" + sid, token: adminToken, want: http.StatusConflict})

	v := a.signedIn(admin)
	cancel := "/admin/users/" + itoa(users[0].ID) + "/schedule/" + sid + "/cancel"
	res = v.post(cancel, nil)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "so it was not cancelled yet", "Support would have 0 working; it needs 1",
		`<form method="post" action="`+cancel+`"><input type="hidden" name="force" value="true">`, `id="cancel-force">Cancel it anyway</button>`)
	res = v.post(cancel, url.Values{"force": {"true"}})
	wantStatus(t, res, http.StatusSeeOther)
	decode(t, a.do(call{method: "GET", path: "/me/schedule", token: tokens[0], want: http.StatusOK}), &view)
	if len(view.Upcoming) != 0 {
		t.Errorf("the forced cancel left %+v", view.Upcoming)
	}
	if h := forcedHistory(t, a, adminToken, users[0].ID); !h["schedule"] {
		t.Errorf("history after a forced cancel: %v", h)
	}
}
