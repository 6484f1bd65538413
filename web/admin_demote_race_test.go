package web_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// TestAdminsDemoteEachOther has the only two active admins demote each
// other at the same moment, round after round. Each change locks every
// active admin before the user's own row, so the two wait for one another
// instead of deadlocking (which PostgreSQL breaks by aborting one, a 500):
// one is demoted, the other is refused as the last admin (or, if the
// first demotion committed before the second request was let in, as no
// longer an admin).
func TestAdminsDemoteEachOther(t *testing.T) {
	t.Parallel()
	a, first, firstTok := newAdminApp(t)
	second, secondTok := a.userWithToken("second@example.com", models.RoleAdmin)
	admin := string(models.RoleAdmin)
	for round := range 30 {
		for _, u := range []*models.User{first, second} {
			if _, err := a.store.UpdateUser(t.Context(), u.ID, models.UserInput{Role: &admin}, 0); err != nil {
				t.Fatalf("round %d: make %s an admin again: %v", round, u.Email, err)
			}
		}
		var wg sync.WaitGroup
		codes := make([]int, 2)
		demote := func(i int, tok string, target *models.User) {
			defer wg.Done()
			codes[i] = a.json(http.MethodPatch, "/admin/users/"+itoa(target.ID), tok, `{"role":"employee"}`).Code
		}
		wg.Add(2)
		go demote(0, firstTok, second)
		go demote(1, secondTok, first)
		wg.Wait()
		ok, refused := 0, 0
		for _, code := range codes {
			switch code {
			case http.StatusOK:
				ok++
			case http.StatusConflict, http.StatusForbidden:
				// Refused as the last admin, or no longer an admin when
				// the request was let in.
				refused++
			}
		}
		if ok != 1 || refused != 1 {
			t.Fatalf("round %d: got statuses %v, want one 200 and one 409 or 403", round, codes)
		}
		admins := 0
		for _, u := range []*models.User{first, second} {
			after, err := a.store.UserByID(t.Context(), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.IsAdmin() && after.IsActive {
				admins++
			}
		}
		if admins != 1 {
			t.Fatalf("round %d: got %d active admins, want 1", round, admins)
		}
	}
}
