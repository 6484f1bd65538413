package web_test

import (
	"net/http"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// TestChartAcrossInstances runs two instances on one database. A week-off
// saved through the first, a bulk change in plain SQL, a deactivation, a
// promotion, a new user, a deleted one: each shows in both instances'
// charts at their next load, with no waiting, since the counts are kept in
// the database as users change rather than cached by each instance.
func TestChartAcrossInstances(t *testing.T) {
	t.Parallel()
	one := newApp(t, nil)
	two := one.twin(nil)
	admin := one.user("admin@example.com", models.RoleAdmin)
	emp := one.user("asha@example.com", models.RoleEmployee, "friday")
	one.user("omar@example.com", models.RoleEmployee, "friday", "saturday")
	empToken := one.token(emp.Email, "password1")
	onOne, onTwo := one.signedIn(admin), two.signedIn(admin)

	wantChart := func(t *testing.T, want map[string]string, what string) {
		t.Helper()
		for i, v := range []*visitor{onOne, onTwo} {
			res := v.get("/admin/users")
			wantStatus(t, res, http.StatusOK)
			got := chartCounts(res.Body.String())
			for day, n := range want {
				if got[day] != n {
					t.Fatalf("%s: instance %d's chart shows %v, want %v", what, i+1, got, want)
				}
			}
		}
	}
	sql := func(t *testing.T, stmt string) {
		t.Helper()
		if _, err := one.store.Pool().Exec(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	}

	wantChart(t, map[string]string{"friday": "2", "saturday": "1", "monday": "0"}, "at first")
	res := one.json(http.MethodPut, "/me/weekoffs", empToken, map[string][]string{"weekoffs": {"monday"}})
	wantStatus(t, res, http.StatusOK)
	wantChart(t, map[string]string{"friday": "1", "monday": "1"}, "after a change through the first")
	sql(t, `UPDATE users SET weekoffs = '{sunday}' WHERE role = 'employee'`)
	wantChart(t, map[string]string{"friday": "0", "monday": "0", "saturday": "0", "sunday": "2"}, "after a bulk update in SQL")
	one.user("li@example.com", models.RoleEmployee, "sunday")
	wantChart(t, map[string]string{"sunday": "3"}, "after a new user")
	sql(t, `UPDATE users SET is_active = false WHERE email = 'li@example.com'`)
	wantChart(t, map[string]string{"sunday": "2"}, "after a deactivation")
	sql(t, `UPDATE users SET role = 'admin' WHERE email = 'omar@example.com'`)
	wantChart(t, map[string]string{"sunday": "1"}, "after a promotion (admins are not counted)")
	sql(t, `UPDATE users SET role = 'employee', weekoffs = '{monday,sunday}' WHERE email = 'omar@example.com'`)
	wantChart(t, map[string]string{"sunday": "2", "monday": "1"}, "after a demotion and a change at once")
	sql(t, `DELETE FROM user_history; DELETE FROM schedules; DELETE FROM user_schedule_state; DELETE FROM calendar_feeds;
		DELETE FROM users WHERE email = 'asha@example.com'`)
	wantChart(t, map[string]string{"sunday": "1", "monday": "1"}, "after a deletion")
}
