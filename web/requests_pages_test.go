package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

// TestRequestForms walks approvals in the browser's forms: the employee's
// week-off and schedule forms send requests (the flash says so, /me lists
// them as pending, nothing changes), a request can be withdrawn; the
// admin's start page counts the pending ones and links to the queue,
// which shows each with its coverage effect; a rejection needs a reason;
// an approval applies the days, which /me then shows.
func TestRequestForms(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.Metrics = true })
	ctx := t.Context()
	team, err := a.store.CreateTeam(ctx, models.TeamInput{Name: new("Support"), MinOnDuty: new(1)})
	if err != nil {
		t.Fatal(err)
	}
	emp := a.user("asha@example.com", models.RoleEmployee, "sat", "sun")
	mate := a.user("ben@example.com", models.RoleEmployee, "fri")
	for _, u := range []*models.User{emp, mate} {
		if _, err := a.store.UpdateUser(ctx, u.ID, models.UserInput{TeamID: &team.ID}, 0); err != nil {
			t.Fatal(err)
		}
	}
	admin := a.user("admin@example.com", models.RoleAdmin)
	a.setSelfService("approval")
	v, boss := a.signedIn(emp), a.signedIn(admin)
	version := func() string {
		u, err := a.store.UserByID(ctx, emp.ID)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(u.Version)
	}

	t.Run("WeekoffsForm", func(t *testing.T) {
		wantRedirect(t, v.post("/me/weekoffs", url.Values{"weekoffs": {"monday"}, "version": {version()}}), "/me")
		wantWeekoffs(t, a, emp.ID, "saturday", "sunday")
		wantBody(t, v.get("/me"), "Your change was sent for approval: every Mon, from ", `id="my-requests"`,
			"Every Mon, from", `<strong class="request-status">Pending: waiting for an admin</strong>`, "Withdraw")
	})
	var withdrawn int64
	t.Run("ScheduleFormReplaces", func(t *testing.T) {
		mine, err := a.store.Requests(ctx, models.RequestFilter{UserID: &emp.ID})
		if err != nil {
			t.Fatal(err)
		}
		withdrawn = mine[0].ID
		form := url.Values{"part-friday": {"full"}, "weeks-friday": {"every"}, "version": {version()}}
		wantRedirect(t, v.post("/me/schedule", form), "/me")
		wantWeekoffs(t, a, emp.ID, "saturday", "sunday")
		wantBody(t, v.get("/me"), "Your change was sent for approval: every Fri", "Replaced by a newer request.")
		// The replaced one cannot be withdrawn again: /me says why.
		wantRedirect(t, v.post("/me/requests/"+itoa(withdrawn)+"/withdraw", nil), "/me")
		wantBody(t, v.get("/me"), "That request was already withdrawn")
		// Nor by anyone else.
		wantStatus(t, a.signedIn(mate).post("/me/requests/"+itoa(withdrawn)+"/withdraw", nil), http.StatusNotFound)
	})

	t.Run("StartPageAndMetrics", func(t *testing.T) {
		wantBody(t, boss.get("/admin/users"), `<a href="/admin/requests?status=pending">1 change request waits for approval</a>`)
		res := a.do(call{method: http.MethodGet, path: "/metrics", want: http.StatusOK})
		wantBody(t, res, "\nweekoffs_pending_requests 1\n")
	})

	t.Run("Queue", func(t *testing.T) {
		res := boss.get("/admin/requests?status=pending&team=" + itoa(team.ID))
		wantStatus(t, res, http.StatusOK)
		// Ben is off on Fridays already: Asha's Friday would leave nobody
		// of the team's minimum of one.
		wantBody(t, res, "Person asha", "(Support)", "Every Fri", "Pending: waiting for an admin",
			"Friday: 1 of 1 others off; 0 would work (needs 1)", "— short", "Approve", `name="reason"`)
		if empty := boss.get("/admin/requests?team=none"); !strings.Contains(empty.Body.String(), `id="no-requests"`) {
			t.Error("the team filter lets through requests of people in a team")
		}
		wantStatus(t, boss.get("/admin/requests?status=maybe"), http.StatusUnprocessableEntity)
	})

	var pending models.Request
	t.Run("RejectNeedsReason", func(t *testing.T) {
		st := models.RequestPending
		list, err := a.store.Requests(ctx, models.RequestFilter{Status: &st})
		if err != nil || len(list) != 1 {
			t.Fatalf("pending: %v %v", list, err)
		}
		pending = list[0]
		res := boss.post("/admin/requests/"+itoa(pending.ID)+"/reject", url.Values{"reason": {" "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, "There is a problem", `href="#reason-`+itoa(pending.ID)+`"`, "Say why the request is rejected",
			`aria-describedby="reason-`+itoa(pending.ID)+`-error"`)
	})

	t.Run("Approve", func(t *testing.T) {
		// Approving is subject to the coverage guard: Asha's Friday would
		// leave nobody of the minimum of one working on Fridays.
		wantStatus(t, boss.post("/admin/requests/"+itoa(pending.ID)+"/approve", nil), http.StatusConflict)
		wantWeekoffs(t, a, emp.ID, "saturday", "sunday")
		if _, err := a.store.UpdateTeam(ctx, team.ID, models.TeamInput{MinOnDuty: new(0)}); err != nil {
			t.Fatal(err)
		}
		wantRedirect(t, boss.post("/admin/requests/"+itoa(pending.ID)+"/approve", nil), "/admin/requests")
		wantBody(t, boss.get("/admin/requests"), "Approved Person asha&#39;s request: it applies from ")
		wantWeekoffs(t, a, emp.ID, "friday")
		wantBody(t, v.get("/me"), `<dd id="days-in-force">Every Fri</dd>`, `<strong class="request-status">Approved</strong>`)
		// Twice: the queue says it was decided already.
		res := boss.post("/admin/requests/"+itoa(pending.ID)+"/approve", nil)
		wantStatus(t, res, http.StatusConflict)
		wantBody(t, res, "That request was already approved, so nothing was done.")
		if strings.Contains(boss.get("/admin/users").Body.String(), `id="pending-requests"`) {
			t.Error("the start page still counts a pending request")
		}
	})

	t.Run("WithdrawAndReject", func(t *testing.T) {
		wantRedirect(t, v.post("/me/weekoffs", url.Values{"weekoffs": {"tuesday"}, "version": {version()}}), "/me")
		wantBody(t, v.get("/me"), "Your change was sent for approval: every Tue")
		mine, _ := a.store.Requests(ctx, models.RequestFilter{UserID: &emp.ID})
		wantRedirect(t, v.post("/me/requests/"+itoa(mine[0].ID)+"/withdraw", nil), "/me")
		wantBody(t, v.get("/me"), "Request withdrawn: nothing changes.", `<strong class="request-status">Withdrawn</strong>`)

		wantRedirect(t, v.post("/me/weekoffs", url.Values{"weekoffs": {"wednesday"}, "version": {version()}}), "/me")
		mine, _ = a.store.Requests(ctx, models.RequestFilter{UserID: &emp.ID})
		wantRedirect(t, boss.post("/admin/requests/"+itoa(mine[0].ID)+"/reject", url.Values{"reason": {"Wednesdays are full"}}), "/admin/requests")
		wantBody(t, v.get("/me"), `<strong class="request-status">Rejected</strong>`, "(Wednesdays are full)")
		wantWeekoffs(t, a, emp.ID, "friday")
	})
}
