package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// BenchmarkTeamsOnUsersPage draws the users page over 100,000 users in ten
// teams, whole and filtered by a team, beside the two reads of the teams:
// their names (the page's team filter) and with their member counts (the
// teams page), which costs a pass over every member.
func BenchmarkTeamsOnUsersPage(b *testing.B) {
	a := newApp(b, nil)
	if _, err := a.store.Seed(b.Context(), 100_000, "password1", nil); err != nil {
		b.Fatal(err)
	}
	for i := range 10 {
		name := fmt.Sprintf("Team %d", i)
		if _, err := a.store.CreateTeam(b.Context(), models.TeamInput{Name: &name}); err != nil {
			b.Fatal(err)
		}
	}
	for _, stmt := range []string{"UPDATE users SET team_id = 1 + id % 10", "VACUUM ANALYZE users"} {
		if _, err := a.store.Pool().Exec(b.Context(), stmt); err != nil {
			b.Fatal(err)
		}
	}
	v := a.visitor()
	v.signIn(models.SeedAdminEmail, "password1")
	b.Run("TeamNames", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.store.TeamNames(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Teams", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.store.Teams(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UsersPage", func(b *testing.B) {
		for b.Loop() {
			if res := v.get("/admin/users"); res.Code != http.StatusOK {
				b.Fatalf("status %d", res.Code)
			}
		}
	})
	b.Run("UsersPageByTeam", func(b *testing.B) {
		for b.Loop() {
			if res := v.get("/admin/users?team=3"); res.Code != http.StatusOK {
				b.Fatalf("status %d", res.Code)
			}
		}
	})
}
