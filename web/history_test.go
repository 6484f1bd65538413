package web_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

type historyItem struct {
	UserID   int64  `json:"user_id"`
	ActorID  *int64 `json:"actor_id"`
	Via      string `json:"via"`
	Field    string `json:"field"`
	OldValue any    `json:"old_value"`
	NewValue any    `json:"new_value"`
}

func TestHistory(t *testing.T) {
	t.Parallel()
	a, admin, adminTok := newAdminApp(t)
	emp, empTok := a.userWithToken("emp@example.com", models.RoleEmployee, "sun")
	path := "/admin/users/" + itoa(emp.ID)

	wantStatus(t, a.json(http.MethodPut, "/me/weekoffs", empTok, `{"weekoffs":["sat","sun"]}`), http.StatusOK)
	wantStatus(t, a.json(http.MethodPatch, path, adminTok, `{"role":"admin","full_name":"Not Recorded"}`), http.StatusOK)
	wantStatus(t, a.json(http.MethodPut, "/me/weekoffs", empTok, `{"weekoffs":["sat","sun"]}`), http.StatusOK) // no change, no row

	res := a.json(http.MethodGet, path+"/history", adminTok, nil)
	wantStatus(t, res, http.StatusOK)
	var out struct{ Items []historyItem }
	decode(t, res, &out)
	if len(out.Items) != 3 {
		t.Fatalf("got %d history rows, want 3: %+v", len(out.Items), out.Items)
	}
	role, days, sched := out.Items[0], out.Items[1], out.Items[2] // newest first
	if role.Field != "role" || role.Via != "admin" || role.ActorID == nil || *role.ActorID != admin.ID ||
		role.OldValue != "employee" || role.NewValue != "admin" || role.UserID != emp.ID {
		t.Errorf("role change: got %+v", role)
	}
	if days.Field != "weekoffs" || days.Via != "api" || days.ActorID == nil || *days.ActorID != emp.ID ||
		!slices.Equal(days.OldValue.([]any), []any{"sunday"}) || !slices.Equal(days.NewValue.([]any), []any{"saturday", "sunday"}) {
		t.Errorf("week-off change: got %+v", days)
	}
	if sched.Field != "schedule" || sched.Via != "api" || sched.ActorID == nil || *sched.ActorID != emp.ID {
		t.Errorf("schedule change: got %+v", sched)
	}
	old, _ := sched.OldValue.(map[string]any)
	cur, _ := sched.NewValue.(map[string]any)
	if len(old["rules"].([]any)) != 1 || len(cur["rules"].([]any)) != 2 || cur["scope"] != "user" || cur["inherit"] != false {
		t.Errorf("schedule change: old %v, new %v; want one rule before, two after, the user's own", old, cur)
	}

	t.Run("OnTheUserPage", func(t *testing.T) {
		v := a.signedIn(admin)
		page := v.get(path)
		wantStatus(t, page, http.StatusOK)
		wantBody(t, page, `id="history"`, "<td>Role</td><td>employee</td><td>admin</td><td>admin@example.com (admin)</td>",
			"<td>Week-offs</td><td>Sunday</td><td>Saturday, Sunday</td><td>emp@example.com (API)</td>")
	})

	wantStatus(t, a.json(http.MethodGet, "/admin/users/999999/history", adminTok, nil), http.StatusNotFound)
	other, otherTok := a.userWithToken("other@example.com", models.RoleEmployee)
	wantStatus(t, a.json(http.MethodGet, "/admin/users/"+itoa(other.ID)+"/history", otherTok, nil), http.StatusForbidden)
}

// TestHistoryFailureWritesNothing makes the history table refuse rows and
// wants the change itself refused with it: both or neither.
func TestHistoryFailureWritesNothing(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u, tok := a.userWithToken("asha@example.com", models.RoleEmployee, "sun")
	if _, err := a.store.Pool().Exec(t.Context(), "ALTER TABLE user_history ADD CONSTRAINT refuse_all CHECK (false) NOT VALID"); err != nil {
		t.Fatal(err)
	}
	res := a.json(http.MethodPut, "/me/weekoffs", tok, `{"weekoffs":["mon"]}`)
	wantStatus(t, res, http.StatusInternalServerError)
	if d := detailOf(t, res); d != "Internal Server Error" {
		t.Errorf("detail %v shows more than it should", d)
	}
	after, _ := a.store.UserByID(t.Context(), u.ID)
	if !slices.Equal(after.Weekoffs, models.Weekdays{models.Sunday}) || after.Version != u.Version {
		t.Errorf("the change was kept without its history: %v, version %d (was %d)", after.Weekoffs, after.Version, u.Version)
	}
}
