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

// TestBulkChangeAPI: an admin changes every user a filter selects, or the
// users of a list of ids, in one request; each gets one history row and
// one version more; the last active admin cannot be deactivated this way;
// bad input is a 422 naming the member and writes nothing.
func TestBulkChangeAPI(t *testing.T) {
	t.Parallel()
	a, admin, tok := newAdminApp(t)
	asha := a.user("asha@example.com", models.RoleEmployee, "sat")
	ben := a.user("ben@example.com", models.RoleEmployee, "sat")
	cara := a.user("cara@example.com", models.RoleEmployee, "mon")

	res := a.json("POST", "/admin/users/bulk", tok, map[string]any{
		"filter": map[string]any{"weekoff": "sat"}, "set": map[string]any{"rules": []any{map[string]any{"day": "sunday"}}}})
	wantStatus(t, res, http.StatusOK)
	var out struct{ Updated int64 }
	decode(t, res, &out)
	if out.Updated != 2 {
		t.Errorf("got %d updated, want 2 (the users off on Saturday)", out.Updated)
	}
	for _, u := range []*models.User{asha, ben} {
		got, err := a.store.UserByID(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if days := got.Weekoffs.Strings(); len(days) != 1 || days[0] != "sunday" || got.Version != u.Version+1 {
			t.Errorf("%s: got %v, version %d; want [sunday], version %d", u.Email, days, got.Version, u.Version+1)
		}
		hist, err := a.store.History(t.Context(), u.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]int{}
		for _, h := range hist {
			if h.ActorID != nil && *h.ActorID == admin.ID {
				fields[h.Field]++
			}
		}
		if fields["schedule"] != 1 || fields["weekoffs"] != 1 {
			t.Errorf("%s: got the admin's history rows %v, want one schedule and one weekoffs", u.Email, fields)
		}
	}
	if got, _ := a.store.UserByID(t.Context(), cara.ID); got.Version != cara.Version {
		t.Errorf("cara, not off on Saturday, changed: version %d", got.Version)
	}

	t.Run("LastAdmin", func(t *testing.T) {
		res := a.json("POST", "/admin/users/bulk", tok, map[string]any{"ids": []int64{admin.ID, cara.ID}, "set": map[string]any{"is_active": false}})
		wantStatus(t, res, http.StatusConflict)
		if got, _ := a.store.UserByID(t.Context(), cara.ID); !got.IsActive {
			t.Error("cara was deactivated by a refused change")
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		res := a.json("POST", "/admin/users/bulk", tok, map[string]any{"ids": []int64{cara.ID},
			"set": map[string]any{"rules": []any{map[string]any{"day": "funday"}}, "effective_from": "2000-01-01"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		body := res.Body.String()
		for _, want := range []string{`"loc":["body","set","rules",0,"day"]`, `"loc":["body","set","effective_from"]`} {
			if !strings.Contains(body, want) {
				t.Errorf("got %s, want a problem at %s", body, want)
			}
		}
		res = a.json("POST", "/admin/users/bulk", tok, map[string]any{"ids": []int64{cara.ID, 99999}, "set": map[string]any{"is_active": false}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body.String(), "There is no user with id 99999") {
			t.Errorf("got %s, want the unknown id named", res.Body.String())
		}
		if got, _ := a.store.UserByID(t.Context(), cara.ID); got.Version != cara.Version {
			t.Errorf("a refused change wrote: version %d", got.Version)
		}
	})
}

// TestBulkChangeForm: from the users list, an admin checks rows, asks for
// a change, sees how many users it will change, confirms, and is back on
// the list with "Updated N users."; with all matching users above the
// threshold, the change becomes a job whose page refreshes itself until it
// is done.
func TestBulkChangeForm(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.BulkSyncMax = 2; c.JobsRescueAfter = 30 * time.Second })
	admin := a.user("admin@example.com", models.RoleAdmin)
	var ids []string
	for _, e := range []string{"asha", "ben", "cara"} {
		ids = append(ids, itoa(a.user(e+"@example.com", models.RoleEmployee).ID))
	}
	v := a.signedIn(admin)
	res := v.get("/admin/users")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `form="bulk" name="ids" value="`+ids[0]+`"`, `id="bulk"`, "All 4 users matching these filters")

	form := url.Values{"scope": {"selected"}, "ids": ids[:2], "action": {"weekoffs"}, "days": {"friday"}}
	res = v.post("/admin/users/bulk", form)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "This will change 2 users: their week-offs become every Fri from today.", `name="confirm" value="yes"`)
	form.Set("confirm", "yes")
	res = v.post("/admin/users/bulk", form)
	wantStatus(t, res, http.StatusSeeOther)
	res = v.get(res.Header().Get("Location"))
	wantBody(t, res, "Updated 2 users.")

	t.Run("NothingChecked", func(t *testing.T) {
		res := v.post("/admin/users/bulk", url.Values{"scope": {"selected"}, "action": {"activate"}, "confirm": {"yes"}})
		wantStatus(t, res, http.StatusSeeOther)
		wantBody(t, v.get(res.Header().Get("Location")), "Check at least one user in the list")
	})

	// All matching employees: 3, above the threshold of 2, so a job.
	all := url.Values{"scope": {"all"}, "role": {"employee"}, "action": {"team"}, "team_id": {"0"}, "confirm": {"yes"}}
	all.Set("action", "weekoffs")
	all["days"] = []string{"monday"}
	res = v.post("/admin/users/bulk", all)
	wantStatus(t, res, http.StatusSeeOther)
	jobPage := res.Header().Get("Location")
	if !strings.HasPrefix(jobPage, "/admin/jobs/") {
		t.Fatalf("redirected to %q, want a job's page", jobPage)
	}
	res = v.get(jobPage)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `<meta http-equiv="refresh" content="2">`, `<progress id="job-progress" max="3" value="0">`, "0 of 3 done")

	if err := a.server.Jobs().Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.server.Jobs().Stop(context.Background()) })
	if !modelstest.Eventually(t, 20*time.Second, func() bool { return strings.Contains(v.get(jobPage).Body.String(), "3 of 3 done") }) {
		t.Fatalf("the job did not finish: %s", v.get(jobPage).Body.String())
	}
	res = v.get(jobPage)
	wantBody(t, res, "Done: every user has been changed.", `id="back-to-users"`)
	if strings.Contains(res.Body.String(), `http-equiv="refresh"`) {
		t.Error("a finished job's page still refreshes itself")
	}
	res = v.get("/admin/users?weekoff=mon")
	wantBody(t, res, "All 3 users matching these filters")
}
