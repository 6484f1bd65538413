package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestGuardBulkChange: a bulk change that would leave a team short (new
// rules, moving people out of it, deactivating them) is a 409 with the
// short dates and changes nobody, whether it would be made at once or
// queued (checked when queued); with "force": true it is made, and every
// history row it writes says it was forced, the queued job's batches' too.
func TestGuardBulkChange(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.BulkSyncMax = 2; c.JobsRescueAfter = 30 * time.Second })
	_, adminToken := a.userWithToken("admin@example.com", models.RoleAdmin)
	teamID, users, _ := guardedTeam(t, a, adminToken, 3, 3)
	fridays := map[string]any{"rules": []any{map[string]any{"day": "friday"}}}

	for _, set := range []map[string]any{fridays, {"team_id": nil}, {"is_active": false}} {
		res := a.do(call{method: "POST", path: "/admin/users/bulk", token: adminToken, body: map[string]any{"ids": []int64{users[0].ID}, "set": set}, want: http.StatusConflict})
		var out shortOut
		decode(t, res, &out)
		if len(out.Short) == 0 || out.Short[0].TeamID != teamID || out.Short[0].Working != 2 || out.Short[0].MinOnDuty != 3 ||
			!strings.HasPrefix(out.Detail, "Team Support would have 2 working on ") {
			t.Errorf("set %v: %s", set, res.Body)
		}
	}
	// The whole team, 3 users, above BULK_SYNC_MAX: refused when queued.
	all := map[string]any{"filter": map[string]any{"team": itoa(teamID)}, "set": fridays}
	a.do(call{method: "POST", path: "/admin/users/bulk", token: adminToken, body: all, want: http.StatusConflict})
	for _, u := range users {
		if got, _ := a.store.UserByID(t.Context(), u.ID); got.Version != u.Version+1 || len(got.Weekoffs) != 0 || !got.IsActive || got.TeamID == nil {
			t.Fatalf("a refused bulk change changed %s: %+v", u.Email, got)
		}
	}

	// Forced at once: made, and the history says so.
	a.do(call{method: "POST", path: "/admin/users/bulk", token: adminToken, body: map[string]any{"ids": []int64{users[0].ID}, "set": fridays, "force": true}, want: http.StatusOK})
	if h := forcedHistory(t, a, adminToken, users[0].ID); !h["schedule"] || !h["weekoffs"] {
		t.Errorf("history after a forced bulk change: %v", h)
	}

	// Forced when queued: the job's batches mark their rows forced.
	all["force"] = true
	all["set"] = map[string]any{"rules": []any{map[string]any{"day": "sunday"}}}
	res := a.do(call{method: "POST", path: "/admin/users/bulk", token: adminToken, body: all, want: http.StatusAccepted})
	if err := a.server.Jobs().Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.server.Jobs().Stop(context.Background()) })
	job := res.Header().Get("Location")
	if !modelstest.Eventually(t, 20*time.Second, func() bool {
		return strings.Contains(a.do(call{method: "GET", path: job, token: adminToken}).Body.String(), `"state":"completed"`)
	}) {
		t.Fatalf("the job did not complete: %s", a.do(call{method: "GET", path: job, token: adminToken}).Body)
	}
	for _, u := range users {
		if got, _ := a.store.UserByID(t.Context(), u.ID); got.Weekoffs.Strings()[0] != "sunday" {
			t.Errorf("%s: days off %v after the forced job, want sunday", u.Email, got.Weekoffs)
		}
		if h := forcedHistory(t, a, adminToken, u.ID); !h["schedule"] {
			t.Errorf("%s: history after a forced job: %v", u.Email, h)
		}
	}

	// No minimum: queued, not forced, nothing marked.
	a.do(call{method: "PATCH", path: "/admin/teams/" + itoa(teamID), token: adminToken, body: map[string]any{"min_on_duty": 0}, want: http.StatusOK})
	all["set"], all["force"] = map[string]any{"rules": []any{map[string]any{"day": "monday"}}}, false
	a.do(call{method: "POST", path: "/admin/users/bulk", token: adminToken, body: all, want: http.StatusAccepted})
	if !modelstest.Eventually(t, 20*time.Second, func() bool {
		got, _ := a.store.UserByID(t.Context(), users[2].ID)
		return got.Weekoffs.Strings()[0] == "monday"
	}) {
		t.Fatal("the second job did not change the users")
	}
	if h := forcedHistory(t, a, adminToken, users[2].ID); h["schedule"] {
		t.Errorf("a change that left no team short is marked forced: %v", h)
	}
}

// TestGuardBulkForm: the users list's bulk form, confirmed, that would
// leave a team short is drawn again (409) with the short dates and a
// "Change anyway" button that sends it with force; sending it makes it.
func TestGuardBulkForm(t *testing.T) {
	t.Parallel()
	a, admin, adminToken := newAdminApp(t)
	_, users, _ := guardedTeam(t, a, adminToken, 2, 2)
	v := a.signedIn(admin)
	form := url.Values{"scope": {"selected"}, "ids": {itoa(users[0].ID)}, "action": {"weekoffs"}, "days": {"friday"}, "confirm": {"yes"}}
	res := v.post("/admin/users/bulk", form)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "so nothing was changed yet", "Support would have 1 working; it needs 2",
		`<button type="submit" name="force" value="true" id="bulk-force">Change 1 user anyway</button>`, `name="ids" value="`+itoa(users[0].ID)+`"`)
	if got, _ := a.store.UserByID(t.Context(), users[0].ID); len(got.Weekoffs) != 0 {
		t.Fatalf("a refused bulk form changed the user: %v", got.Weekoffs)
	}
	res = v.post("/admin/users/bulk", with(form, "force", "true"))
	wantStatus(t, res, http.StatusSeeOther)
	wantBody(t, v.get(res.Header().Get("Location")), "Updated 1 user.")
	if got, _ := a.store.UserByID(t.Context(), users[0].ID); len(got.Weekoffs) != 1 {
		t.Errorf("the forced bulk form did not change the user: %v", got.Weekoffs)
	}
}
