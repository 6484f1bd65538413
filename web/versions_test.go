package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// withIfMatch sends a JSON write carrying If-Match: tag and returns its status.
func (a *app) withIfMatch(method, path, token, tag, body string) int {
	a.t.Helper()
	return a.do(call{method: method, path: path, token: token, body: body, header: http.Header{"If-Match": {tag}}}).Code
}

func TestIfMatch(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u, tok := a.userWithToken("asha@example.com", models.RoleEmployee, "sun")

	first := a.json(http.MethodGet, "/me", tok, nil).Header().Get("ETag")
	if first == "" {
		t.Fatal("GET /me has no ETag")
	}
	if code := a.withIfMatch(http.MethodPut, "/me/weekoffs", tok, first, `{"weekoffs":["sat"]}`); code != http.StatusOK {
		t.Fatalf("current If-Match: got %d, want 200", code)
	}
	second := a.json(http.MethodGet, "/me", tok, nil).Header().Get("ETag")
	if second == first {
		t.Fatalf("ETag %s did not change with the write", first)
	}
	for _, stale := range []string{first, `W/` + second, "garbage"} {
		if code := a.withIfMatch(http.MethodPut, "/me/weekoffs", tok, stale, `{"weekoffs":["mon"]}`); code != http.StatusPreconditionFailed {
			t.Errorf("If-Match %s: got %d, want 412", stale, code)
		}
	}
	if code := a.withIfMatch(http.MethodPut, "/me/weekoffs", tok, "*", `{"weekoffs":["sat","sun"]}`); code != http.StatusOK {
		t.Errorf("If-Match *: got %d, want 200", code)
	}
	stored, _ := a.store.UserByID(t.Context(), u.ID)
	if !slices.Equal(stored.Weekoffs, models.Weekdays{models.Saturday, models.Sunday}) {
		t.Errorf("a refused write reached the database: %v", stored.Weekoffs)
	}

	t.Run("Admin", func(t *testing.T) {
		_, admin := a.userWithToken("admin@example.com", models.RoleAdmin)
		path := "/admin/users/" + itoa(u.ID)
		tag := a.json(http.MethodGet, path, admin, nil).Header().Get("ETag")
		if code := a.withIfMatch(http.MethodPatch, path, admin, first, `{"full_name":"Stale Write"}`); code != http.StatusPreconditionFailed {
			t.Errorf("stale PATCH: got %d, want 412", code)
		}
		if code := a.withIfMatch(http.MethodPatch, path, admin, tag, `{"full_name":"Fresh Write"}`); code != http.StatusOK {
			t.Errorf("current PATCH: got %d, want 200", code)
		}
		if got, _ := a.store.UserByID(t.Context(), u.ID); got.FullName != "Fresh Write" {
			t.Errorf("name: got %q", got.FullName)
		}
	})
}

// TestConcurrentWritersOneWins has 50 clients write the same user at once,
// all based on the same version: one must win, the rest get 412, and the
// row must hold the winner's days. A second round starts from the new version.
func TestConcurrentWritersOneWins(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u, tok := a.userWithToken("asha@example.com", models.RoleEmployee)

	for round := range 2 {
		tag := a.json(http.MethodGet, "/me", tok, nil).Header().Get("ETag")
		// Asking for the days already saved changes nothing and so is no
		// rival (it keeps the version): every writer asks for other days.
		current, _ := a.store.UserByID(t.Context(), u.ID)
		var mu sync.Mutex
		var winners []models.Weekdays
		codes := map[int]int{}
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				// Each writer asks for its own pair of days.
				first, second := models.AllWeekdays[i%7], models.AllWeekdays[(i/7+1+i)%7]
				want, _ := models.ParseWeekdays("weekoffs", slices.Compact([]string{string(first), string(second)}), 2)
				for k := 0; slices.Equal(want, current.Weekoffs); k++ {
					want = models.Weekdays{models.AllWeekdays[(i+k)%7]}
				}
				body, _ := json.Marshal(map[string][]string{"weekoffs": want.Strings()})
				code := a.withIfMatch(http.MethodPut, "/me/weekoffs", tok, tag, string(body))
				mu.Lock()
				defer mu.Unlock()
				codes[code]++
				if code == http.StatusOK {
					winners = append(winners, want)
				}
			})
		}
		wg.Wait()
		if codes[http.StatusOK] != 1 || codes[http.StatusPreconditionFailed] != 49 {
			t.Fatalf("round %d: statuses %v, want one 200 and 49 412s", round, codes)
		}
		stored, _ := a.store.UserByID(t.Context(), u.ID)
		if !slices.Equal(stored.Weekoffs, winners[0]) {
			t.Errorf("round %d: stored %v, the winner wrote %v", round, stored.Weekoffs, winners[0])
		}
	}
}
