package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// requestOut is a request as the API writes it.
type requestOut struct {
	ID            int64            `json:"id"`
	UserID        int64            `json:"user_id"`
	Rules         []map[string]any `json:"rules"`
	Inherit       bool             `json:"inherit"`
	EffectiveFrom string           `json:"effective_from"`
	Status        string           `json:"status"`
	Reason        *string          `json:"reason"`
	DecidedBy     *int64           `json:"decided_by"`
	AppliedFrom   *string          `json:"applied_from"`
}

// setSelfService switches the organisation's self_service.
func (a *app) setSelfService(mode string) {
	a.t.Helper()
	if _, err := a.store.UpdateOrganisation(context.Background(), models.OrganisationInput{SelfService: &mode}); err != nil {
		a.t.Fatalf("self_service %s: %v", mode, err)
	}
}

// requested sends an employee's change and returns the request it became (202).
func (a *app) requested(t *testing.T, method, path, token, body string) requestOut {
	t.Helper()
	var out struct{ Request requestOut }
	decode(t, a.do(call{method: method, path: path, token: token, body: body, want: http.StatusAccepted}), &out)
	if out.Request.Status != "pending" {
		t.Fatalf("%s %s: request status %q, want pending", method, path, out.Request.Status)
	}
	return out.Request
}

func (a *app) requests(t *testing.T, path, token string) []requestOut {
	t.Helper()
	var out struct{ Items []requestOut }
	decode(t, a.do(call{method: "GET", path: path, token: token, want: http.StatusOK}), &out)
	return out.Items
}

func ruleDays(rules []map[string]any) []string {
	var days []string
	for _, r := range rules {
		days = append(days, r["day"].(string))
	}
	return days
}

// TestApprovalWalk walks the contract's approvals as a client would: with
// self_service approval an employee's change is a 202 request and changes
// nothing; an admin approves it, and the user then has the rules, with a
// history row naming the admin; a rejection carries its reason; withdrawn
// and decided requests cannot be decided again; nobody reaches another's.
func TestApprovalWalk(t *testing.T) {
	t.Parallel()
	a, admin, adminTok := newAdminApp(t)
	emp, empTok := a.userWithToken("asha@example.com", models.RoleEmployee, "sat", "sun")
	_, patTok := a.userWithToken("pat@example.com", models.RoleEmployee, "sun")
	a.setSelfService("approval")
	empPath := "/admin/users/" + itoa(emp.ID)

	// PUT /me/weekoffs becomes a request; nothing else changes.
	r := a.requested(t, "PUT", "/me/weekoffs", empTok, `{"weekoffs":["fri"]}`)
	if r.UserID != emp.ID || !slices.Equal(ruleDays(r.Rules), []string{"friday"}) || r.EffectiveFrom != day(utcToday()) {
		t.Fatalf("request: got %+v", r)
	}
	if got := a.me(t, empTok).Weekoffs; !slices.Equal(got, []string{"saturday", "sunday"}) {
		t.Fatalf("weekoffs after the request: got %v, want them unchanged", got)
	}
	if mine := a.requests(t, "/me/requests", empTok); len(mine) != 1 || mine[0].ID != r.ID {
		t.Fatalf("GET /me/requests: got %+v", mine)
	}

	t.Run("OthersCannotReachIt", func(t *testing.T) {
		a.do(call{method: "DELETE", path: "/me/requests/" + itoa(r.ID), token: patTok, want: http.StatusNotFound})
		a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/approve", token: patTok, want: http.StatusForbidden})
		if theirs := a.requests(t, "/me/requests", patTok); len(theirs) != 0 {
			t.Errorf("pat sees %d requests, want none", len(theirs))
		}
	})

	t.Run("Approve", func(t *testing.T) {
		pending := a.requests(t, "/admin/requests?status=pending", adminTok)
		if len(pending) != 1 || pending[0].ID != r.ID {
			t.Fatalf("the queue: got %+v", pending)
		}
		var got requestOut
		decode(t, a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/approve", token: adminTok, want: http.StatusOK}), &got)
		if got.Status != "approved" || got.DecidedBy == nil || *got.DecidedBy != admin.ID || got.AppliedFrom == nil || *got.AppliedFrom != day(utcToday()) {
			t.Fatalf("approved request: got %+v", got)
		}
		if me := a.me(t, empTok); !slices.Equal(me.Weekoffs, []string{"friday"}) || !slices.Equal(ruleDays(me.Schedule.Rules), []string{"friday"}) {
			t.Fatalf("user after approval: got %+v, want Friday", me)
		}
		var hist struct{ Items []historyItem }
		decode(t, a.do(call{method: "GET", path: empPath + "/history", token: adminTok, want: http.StatusOK}), &hist)
		if len(hist.Items) == 0 || hist.Items[0].ActorID == nil || *hist.Items[0].ActorID != admin.ID || hist.Items[0].Via != "admin" {
			t.Fatalf("history after approval: got %+v, want the admin's rows first", hist.Items)
		}
		// Decided: neither again, nor rejected, nor withdrawn.
		res := a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/approve", token: adminTok, want: http.StatusConflict})
		if d, _ := detailOf(t, res).(string); !strings.Contains(d, "already approved") {
			t.Errorf("409 detail: got %q, want it to say the request was already approved", d)
		}
		a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/reject", token: adminTok, body: `{"reason":"late"}`, want: http.StatusConflict})
		a.do(call{method: "DELETE", path: "/me/requests/" + itoa(r.ID), token: empTok, want: http.StatusConflict})
	})

	t.Run("Reject", func(t *testing.T) {
		r := a.requested(t, "PUT", "/me/schedule", empTok, `{"rules":[{"day":"mon","weeks":"alternate"}],"effective_from":"`+day(utcToday().AddDate(0, 0, 7))+`"}`)
		a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/reject", token: adminTok, body: `{"reason":"  "}`, want: http.StatusUnprocessableEntity})
		a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/reject", token: adminTok, body: `{}`, want: http.StatusUnprocessableEntity})
		var got requestOut
		decode(t, a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/reject", token: adminTok,
			body: `{"reason":"Mondays are short already"}`, want: http.StatusOK}), &got)
		if got.Status != "rejected" || got.Reason == nil || *got.Reason != "Mondays are short already" || got.AppliedFrom != nil {
			t.Fatalf("rejected request: got %+v", got)
		}
		if v := a.mySchedule(t, empTok); len(v.Upcoming) != 0 {
			t.Fatalf("a rejected request planned a change: %+v", v.Upcoming)
		}
	})

	t.Run("WithdrawAndReplace", func(t *testing.T) {
		first := a.requested(t, "PUT", "/me/weekoffs", empTok, `{"weekoffs":["tue"]}`)
		second := a.requested(t, "PUT", "/me/weekoffs", empTok, `{"weekoffs":["wed"]}`)
		mine := a.requests(t, "/me/requests", empTok)
		if mine[0].ID != second.ID || mine[1].ID != first.ID || mine[1].Status != "withdrawn" || mine[1].Reason == nil {
			t.Fatalf("a second request should replace the first (withdrawn, saying why): got %+v", mine[:2])
		}
		a.do(call{method: "DELETE", path: "/me/requests/" + itoa(second.ID), token: empTok, want: http.StatusNoContent})
		a.do(call{method: "DELETE", path: "/me/requests/" + itoa(second.ID), token: empTok, want: http.StatusConflict})
		a.do(call{method: "POST", path: "/admin/requests/" + itoa(second.ID) + "/approve", token: adminTok, want: http.StatusConflict})
		if got := a.me(t, empTok).Weekoffs; !slices.Equal(got, []string{"friday"}) {
			t.Fatalf("weekoffs after withdrawals: got %v, want friday", got)
		}
		a.do(call{method: "POST", path: "/admin/requests/999999/approve", token: adminTok, want: http.StatusNotFound})
	})

	t.Run("AdminsAreNeverAsked", func(t *testing.T) {
		var me meOut
		decode(t, a.do(call{method: "PUT", path: "/me/weekoffs", token: adminTok, body: `{"weekoffs":["mon"]}`, want: http.StatusOK}), &me)
		if !slices.Equal(me.Weekoffs, []string{"monday"}) {
			t.Fatalf("admin's own change: got %v", me.Weekoffs)
		}
	})
}

// TestApprovalOfChangedUser: a request whose user's days off were changed
// after it was made (here by an admin) is refused with a 409 that says so,
// and nothing is applied; a change of name alone does not matter.
func TestApprovalOfChangedUser(t *testing.T) {
	t.Parallel()
	a, _, adminTok := newAdminApp(t)
	emp, empTok := a.userWithToken("asha@example.com", models.RoleEmployee, "sat", "sun")
	a.setSelfService("approval")
	empPath := "/admin/users/" + itoa(emp.ID)

	r := a.requested(t, "PUT", "/me/weekoffs", empTok, `{"weekoffs":["fri"]}`)
	a.do(call{method: "PATCH", path: empPath, token: adminTok, body: `{"full_name":"Asha Rao"}`, want: http.StatusOK})
	a.do(call{method: "PATCH", path: empPath, token: adminTok, body: `{"weekoffs":["thu"]}`, want: http.StatusOK})
	res := a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/approve", token: adminTok, want: http.StatusConflict})
	if d, _ := detailOf(t, res).(string); !strings.Contains(d, "changed after this request was made") {
		t.Errorf("409 detail: got %q, want it to say the days off changed after the request", d)
	}
	if got := a.me(t, empTok).Weekoffs; !slices.Equal(got, []string{"thursday"}) {
		t.Fatalf("weekoffs: got %v, want the admin's thursday kept", got)
	}
	// Still pending: it can be rejected.
	a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/reject", token: adminTok, body: `{"reason":"Overtaken"}`, want: http.StatusOK})

	// Only the name changed: approved.
	r = a.requested(t, "PUT", "/me/weekoffs", empTok, `{"weekoffs":["fri"]}`)
	a.do(call{method: "PATCH", path: empPath, token: adminTok, body: `{"full_name":"Asha R."}`, want: http.StatusOK})
	a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/approve", token: adminTok, want: http.StatusOK})
	if got := a.me(t, empTok).Weekoffs; !slices.Equal(got, []string{"friday"}) {
		t.Fatalf("weekoffs: got %v, want friday", got)
	}
}

// TestApprovalAfterSwitchingToDirect: pending requests stay decidable when
// the organisation goes back to direct, and employees' changes apply at once again.
func TestApprovalAfterSwitchingToDirect(t *testing.T) {
	t.Parallel()
	a, _, adminTok := newAdminApp(t)
	_, empTok := a.userWithToken("asha@example.com", models.RoleEmployee, "sat")
	_, patTok := a.userWithToken("pat@example.com", models.RoleEmployee, "sat")
	a.setSelfService("approval")
	asha := a.requested(t, "PUT", "/me/weekoffs", empTok, `{"weekoffs":["fri"]}`)
	pat := a.requested(t, "PUT", "/me/weekoffs", patTok, `{"weekoffs":["mon"]}`)
	a.setSelfService("direct")

	a.do(call{method: "POST", path: "/admin/requests/" + itoa(asha.ID) + "/approve", token: adminTok, want: http.StatusOK})
	if got := a.me(t, empTok).Weekoffs; !slices.Equal(got, []string{"friday"}) {
		t.Fatalf("weekoffs: got %v, want friday", got)
	}
	a.do(call{method: "POST", path: "/admin/requests/" + itoa(pat.ID) + "/reject", token: adminTok, body: `{"reason":"No"}`, want: http.StatusOK})
	a.do(call{method: "PUT", path: "/me/weekoffs", token: patTok, body: `{"weekoffs":["tue"]}`, want: http.StatusOK})
}

// TestApprovalOfPastDate: a request whose date has passed by its approval
// applies from the day of approval (applied_from says so).
func TestApprovalOfPastDate(t *testing.T) {
	t.Parallel()
	a, _, adminTok := newAdminApp(t)
	_, empTok := a.userWithToken("asha@example.com", models.RoleEmployee, "sat")
	a.setSelfService("approval")
	r := a.requested(t, "PUT", "/me/schedule", empTok, `{"rules":[{"day":"fri"}],"effective_from":"`+day(utcToday().AddDate(0, 0, 1))+`"}`)
	// Two days pass.
	if _, err := a.store.Pool().Exec(t.Context(), "UPDATE schedule_requests SET effective_from = effective_from - 2 WHERE id = $1", r.ID); err != nil {
		t.Fatal(err)
	}
	var got requestOut
	decode(t, a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/approve", token: adminTok, want: http.StatusOK}), &got)
	if got.AppliedFrom == nil || *got.AppliedFrom != day(utcToday()) || got.EffectiveFrom != day(utcToday().AddDate(0, 0, -1)) {
		t.Fatalf("approved: got %+v, want applied from today", got)
	}
	if me := a.me(t, empTok); !slices.Equal(me.Weekoffs, []string{"friday"}) {
		t.Fatalf("weekoffs: got %v, want friday from today", me.Weekoffs)
	}
}

// TestApprovalRaces: two admins approving the same request at once get one
// 200 and one 409, and the schedule is written once; an approval racing the
// employee's next request never deadlocks (both end in an answer).
func TestApprovalRaces(t *testing.T) {
	t.Parallel()
	a, _, adminTok := newAdminApp(t)
	emp, empTok := a.userWithToken("asha@example.com", models.RoleEmployee, "sat")
	a.setSelfService("approval")
	for round := range 5 {
		r := a.requested(t, "PUT", "/me/weekoffs", empTok, `{"weekoffs":["`+[]string{"mon", "tue", "wed", "thu", "fri"}[round]+`"]}`)
		codes := make(chan int, 3)
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				codes <- a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/approve", token: adminTok}).Code
			})
		}
		wg.Go(func() {
			codes <- a.do(call{method: "PUT", path: "/me/weekoffs", token: empTok, body: `{"weekoffs":["sun"]}`}).Code
		})
		wg.Wait()
		close(codes)
		got := map[int]int{}
		for c := range codes {
			got[c]++
		}
		if got[http.StatusInternalServerError] > 0 || got[http.StatusOK]+got[http.StatusConflict] != 2 || got[http.StatusOK] > 1 || got[http.StatusAccepted] != 1 {
			t.Fatalf("round %d: statuses %v, want at most one 200, the rest 409, and the new request 202", round, got)
		}
		// Whatever won, the request left pending is withdrawn for the next round.
		for _, p := range a.requests(t, "/me/requests", empTok) {
			if p.Status == "pending" {
				a.do(call{method: "DELETE", path: "/me/requests/" + itoa(p.ID), token: empTok, want: http.StatusNoContent})
			}
		}
	}
	var hist struct{ Items []historyItem }
	decode(t, a.do(call{method: "GET", path: "/admin/users/" + itoa(emp.ID) + "/history", token: adminTok, want: http.StatusOK}), &hist)
	if len(hist.Items) > 10 {
		t.Errorf("%d history rows for at most 5 approvals of one day each", len(hist.Items))
	}
}

// TestApprovalOfWeekoffsByToken: PUT /me/weekoffs checks the setting in
// its one statement: a stale If-Match is still 412 and makes no request,
// bad days are still 422, and a deactivated employee's token still 401.
func TestApprovalOfWeekoffsByToken(t *testing.T) {
	t.Parallel()
	a, _, _ := newAdminApp(t)
	emp, empTok := a.userWithToken("asha@example.com", models.RoleEmployee, "sat")
	a.setSelfService("approval")
	a.do(call{method: "PUT", path: "/me/weekoffs", token: empTok, body: `{"weekoffs":["fri"]}`,
		header: http.Header{"If-Match": {`"99"`}}, want: http.StatusPreconditionFailed})
	a.do(call{method: "PUT", path: "/me/weekoffs", token: empTok, body: `{"weekoffs":["funday"]}`, want: http.StatusUnprocessableEntity})
	if mine := a.requests(t, "/me/requests", empTok); len(mine) != 0 {
		t.Fatalf("refused changes made requests: %+v", mine)
	}
	r := a.requested(t, "PUT", "/me/weekoffs", empTok, `{"weekoffs":["fri"]}`)
	if r.UserID != emp.ID {
		t.Fatalf("request of user %d, want %d", r.UserID, emp.ID)
	}
	if _, err := a.store.UpdateUser(t.Context(), emp.ID, models.UserInput{IsActive: new(false)}, 0); err != nil {
		t.Fatal(err)
	}
	a.do(call{method: "PUT", path: "/me/weekoffs", token: empTok, body: `{"weekoffs":["mon"]}`, want: http.StatusUnauthorized})
}

// TestApprovalIsGuarded: approving a request that would leave the person's
// team below its minimum is refused with the short dates, and nothing
// changes; once the minimum allows it, the same request is approved.
func TestApprovalIsGuarded(t *testing.T) {
	t.Parallel()
	a, _, adminTok := newAdminApp(t)
	var team struct{ ID int64 }
	decode(t, a.do(call{method: "POST", path: "/admin/teams", token: adminTok, body: map[string]any{"name": "Support", "min_on_duty": 2}, want: http.StatusCreated}), &team)
	var empTok string
	for _, email := range []string{"asha@example.com", "bo@example.com"} {
		u, tok := a.userWithToken(email, models.RoleEmployee, "sun")
		a.do(call{method: "PATCH", path: "/admin/users/" + itoa(u.ID), token: adminTok, body: map[string]any{"team_id": team.ID}, want: http.StatusOK})
		empTok = tok
	}
	a.setSelfService("approval")
	r := a.requested(t, "PUT", "/me/weekoffs", empTok, `{"weekoffs":["mon"]}`)
	res := a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/approve", token: adminTok, want: http.StatusConflict})
	var refused struct {
		Detail string
		Short  []struct{ Date string }
	}
	decode(t, res, &refused)
	if len(refused.Short) == 0 || !strings.Contains(refused.Detail, "Team Support would have 1 working") {
		t.Fatalf("approval of a change that leaves Support short: got %s", res.Body)
	}
	if got := a.me(t, empTok).Weekoffs; !slices.Equal(got, []string{"sunday"}) {
		t.Fatalf("weekoffs after a refused approval: got %v, want them unchanged", got)
	}
	a.do(call{method: "PATCH", path: "/admin/teams/" + itoa(team.ID), token: adminTok, body: map[string]any{"min_on_duty": 1}, want: http.StatusOK})
	a.do(call{method: "POST", path: "/admin/requests/" + itoa(r.ID) + "/approve", token: adminTok, want: http.StatusOK})
	if got := a.me(t, empTok).Weekoffs; !slices.Equal(got, []string{"monday"}) {
		t.Fatalf("weekoffs after the approval: got %v, want Monday", got)
	}
}
