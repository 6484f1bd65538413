package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// heard bounds how long a change takes to reach another instance's chart
// through the database's notification, with room for a busy machine; the
// charts' TTL is set far beyond it, so only a heard change refreshes them.
const heard = 5 * time.Second

// TestChartAcrossInstances runs two instances on one database, the second
// listening for changes through a proxy the test can cut. A week-off saved
// through the first, a bulk change in plain SQL and a new user all show in
// the second's chart at its next load, without waiting for the chart's TTL;
// while the second cannot listen its chart keeps its figure (until its TTL),
// and once it listens again it counts afresh. Closing both stores leaves no
// listener behind.
func TestChartAcrossInstances(t *testing.T) {
	t.Parallel()
	one := newApp(t, nil)
	var proxy *faultProxy
	two := one.twin(func(c *config.Config) {
		u, err := url.Parse(c.DirectDatabaseURL)
		if err != nil {
			t.Fatal(err)
		}
		proxy = newFaultProxy(t, u.Host)
		u.Host = proxy.addr
		c.DirectDatabaseURL = u.String()
	})
	for _, a := range []*app{one, two} {
		a.server.SetChartTTL(time.Hour)
	}
	admin := one.user("admin@example.com", models.RoleAdmin)
	emp := one.user("asha@example.com", models.RoleEmployee, "friday")
	one.user("omar@example.com", models.RoleEmployee, "friday", "saturday")
	empToken := one.token(emp.Email, "password1")
	onOne, onTwo := one.signedIn(admin), two.signedIn(admin)
	waitListeners(t, one, 2)

	chart := func(t *testing.T, v *visitor) map[string]string {
		t.Helper()
		res := v.get("/admin/users")
		wantStatus(t, res, http.StatusOK)
		return chartCounts(res.Body.String())
	}
	wantChart := func(t *testing.T, v *visitor, within time.Duration, want map[string]string, what string) {
		t.Helper()
		var got map[string]string
		if !modelstest.Eventually(t, within, func() bool {
			got = chart(t, v)
			for day, n := range want {
				if got[day] != n {
					return false
				}
			}
			return true
		}) {
			t.Fatalf("%s: the chart shows %v, want %v", what, got, want)
		}
	}
	sql := func(t *testing.T, stmt string) {
		t.Helper()
		if _, err := one.store.Pool().Exec(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	}

	wantChart(t, onTwo, 0, map[string]string{"friday": "2", "saturday": "1", "monday": "0"}, "at first")

	t.Run("WriteThroughTheOther", func(t *testing.T) {
		res := one.json(http.MethodPut, "/me/weekoffs", empToken, map[string][]string{"weekoffs": {"monday"}})
		wantStatus(t, res, http.StatusOK)
		wantChart(t, onOne, 0, map[string]string{"friday": "1", "monday": "1"}, "on the instance written through")
		wantChart(t, onTwo, heard, map[string]string{"friday": "1", "monday": "1"}, "on the other instance")
	})
	t.Run("BulkSQL", func(t *testing.T) {
		sql(t, `UPDATE users SET weekoffs = '{sunday}' WHERE role = 'employee'`)
		want := map[string]string{"friday": "0", "monday": "0", "saturday": "0", "sunday": "2"}
		wantChart(t, onOne, heard, want, "after a bulk update in SQL")
		wantChart(t, onTwo, heard, want, "after a bulk update in SQL")
	})
	t.Run("NewUser", func(t *testing.T) {
		one.user("li@example.com", models.RoleEmployee, "sunday")
		wantChart(t, onTwo, heard, map[string]string{"sunday": "3"}, "after a new user")
	})
	t.Run("ListenerCutThenBack", func(t *testing.T) {
		proxy.stop()
		waitListeners(t, one, 1)
		sql(t, `UPDATE users SET weekoffs = '{tuesday}' WHERE email = 'li@example.com'`)
		wantChart(t, onOne, heard, map[string]string{"sunday": "2", "tuesday": "1"}, "on the instance still listening")
		if got := chart(t, onTwo); got["sunday"] != "3" || got["tuesday"] != "0" {
			t.Fatalf("the instance that cannot listen shows %v: the test cannot tell a heard change from another refresh", got)
		}
		proxy.start()
		waitListeners(t, one, 2)
		wantChart(t, onTwo, heard, map[string]string{"sunday": "2", "tuesday": "1"}, "once listening again")
		if logs := two.logs.String(); !strings.Contains(logs, "not listening for changes to users") ||
			!strings.Contains(logs, "listening for changes to users again") {
			t.Errorf("want the listener's loss and return logged:\n%s", logs)
		}
	})
	t.Run("TTLWhileCut", func(t *testing.T) {
		proxy.stop()
		waitListeners(t, one, 1)
		two.server.SetChartTTL(time.Second)
		sql(t, `UPDATE users SET weekoffs = '{wednesday}' WHERE email = 'li@example.com'`)
		wantChart(t, onTwo, heard, map[string]string{"tuesday": "0", "wednesday": "1"}, "after the TTL, not listening")
		proxy.start()
	})

	t.Run("StopsOnClose", func(t *testing.T) {
		waitListeners(t, one, 2)
		one.store.Close()
		two.store.Close()
		waitListeners(t, one, 0)
	})
}

// waitListeners waits until n sessions listen for changes on the app's
// database.
func waitListeners(t *testing.T, a *app, n int) {
	t.Helper()
	var got int
	if !modelstest.Eventually(t, 15*time.Second, func() bool {
		got = modelstest.CountBackends(t, a.cfg.DatabaseURL, "(query LIKE 'LISTEN %' OR query = '-- ping')")
		return got == n
	}) {
		t.Fatalf("%d sessions listen for changes, want %d", got, n)
	}
}
