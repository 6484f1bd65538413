package models_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// benchUsers is how many users the lookup benchmarks seed, so the email
// index is a realistic depth rather than a single page.
const benchUsers = 10000

// BenchmarkUserByEmail compares the per-request user lookup done the GORM way
// (the baseline) with the hand-written pgx query the server runs
// (Store.UserByEmail). Both go through the same pool to the same database.
func BenchmarkUserByEmail(b *testing.B) {
	s := modelstest.Store(b)
	ctx := context.Background()
	if _, err := s.Seed(ctx, benchUsers, "bench-password", nil); err != nil {
		b.Fatalf("seed: %v", err)
	}
	emails := make([]string, 256)
	for i := range emails {
		emails[i] = models.SeedEmployeeEmail(1 + i*(benchUsers-2)/len(emails))
	}

	b.Run("gorm", func(b *testing.B) {
		db := s.GormDB()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			var u models.User
			if err := db.WithContext(ctx).Where("email = ?", emails[i%len(emails)]).Take(&u).Error; err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("pgx", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.UserByEmail(ctx, emails[i%len(emails)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkSaveUserForm saves a member of a team of 1,000 with a minimum
// as the admin's user form does: a new name, and every other field as it
// is, the team's id among them. Such a save cannot take a working day from
// the team, so it neither locks nor counts it.
func BenchmarkSaveUserForm(b *testing.B) {
	s := modelstest.Store(b)
	ctx := context.Background()
	if _, err := s.Seed(ctx, 1000, "bench-password", nil); err != nil {
		b.Fatalf("seed: %v", err)
	}
	one := 1
	name := "Desk"
	team, err := s.CreateTeam(ctx, models.TeamInput{Name: &name, MinOnDuty: &one})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.GormDB().Exec("UPDATE users SET team_id = ? WHERE role = 'employee'", team.ID).Error; err != nil {
		b.Fatal(err)
	}
	u, err := s.UserByEmail(ctx, models.SeedEmployeeEmail(500))
	if err != nil {
		b.Fatal(err)
	}
	role, active := "employee", true
	i := 0
	for b.Loop() {
		full := "Renamed " + strconv.Itoa(i)
		in := models.UserInput{FullName: &full, Role: &role, IsActive: &active, TeamID: &team.ID}
		if _, err := s.UpdateUser(ctx, u.ID, in, 0); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
