package models

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
)

// SeedAdminEmail is the seeded admin; employees are user1@example.com and up.
const SeedAdminEmail = "admin@example.com"

// ErrAlreadySeeded means the demo users exist already; seeding added nothing.
var ErrAlreadySeeded = errors.New("database already seeded: " + SeedAdminEmail + " exists")

// SeedEmployeeEmail is the email of the i-th seeded employee (i from 1).
func SeedEmployeeEmail(i int) string { return fmt.Sprintf("user%d@example.com", i) }

var (
	seedFirstNames = []string{"Aarav", "Asha", "Bianca", "Chen", "Daniel", "Deepa", "Elena", "Farah", "Gabriel", "Hana",
		"Ibrahim", "Isla", "Jamal", "Jun", "Kavya", "Liam", "Lucia", "Mateo", "Mei", "Nadia",
		"Noah", "Olga", "Omar", "Priya", "Quentin", "Rahul", "Rosa", "Sofia", "Tariq", "Uma",
		"Victor", "Wen", "Xavier", "Yara", "Yusuf", "Zara", "Ana", "Björn", "Chloé", "Dmitri"}
	seedLastNames = []string{"Rao", "Smith", "Okafor", "García", "Nguyen", "Müller", "Kowalski", "Tanaka", "Haddad", "Silva",
		"Patel", "Johansson", "Rossi", "Kim", "Dubois", "Mensah", "Ivanova", "O'Brien", "Cohen", "Fernandes",
		"Lindqvist", "Sato", "Costa", "Novak", "Ahmed", "Walsh", "Moreau", "Yilmaz", "Chowdhury", "Park"}
	// seedWeekoffs are common patterns, weighted towards the weekend.
	seedWeekoffs = [][]string{{"saturday", "sunday"}, {"saturday", "sunday"}, {"saturday", "sunday"}, {"sunday"},
		{"friday", "saturday"}, {"sunday", "monday"}, {"wednesday"}, {"thursday", "friday"}, {"tuesday"}, {}}
)

// Seed creates n demo users with PostgreSQL COPY: admin@example.com (an admin)
// and user1@example.com … user<n-1>@example.com (employees), all with the
// given password. They share one bcrypt hash, which makes a million users a
// matter of seconds; it is demo data. progress, if not nil, is called as rows
// are written. A database that has the admin already gets ErrAlreadySeeded.
func (s *Store) Seed(ctx context.Context, n int, password string, progress func(done, total int)) (int, error) {
	if n < 1 {
		return 0, fmt.Errorf("seed: --users must be at least 1, got %d", n)
	}
	if errs := validatePassword("password", password); errs != nil {
		return 0, fmt.Errorf("seed: %w", errs)
	}
	if _, err := s.UserByEmail(ctx, SeedAdminEmail); err == nil {
		return 0, ErrAlreadySeeded
	} else if !errors.Is(err, ErrNotFound) {
		return 0, err
	}
	hash, err := hashPassword(password, s.bcryptCost)
	if err != nil {
		return 0, err
	}
	conn, err := s.acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()

	rng := rand.New(rand.NewPCG(1, uint64(n)))
	now := time.Now().UTC()
	i := 0
	rows := pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		if progress != nil && i%10000 == 0 {
			progress(i, n)
		}
		email, role := SeedEmployeeEmail(i), RoleEmployee
		name := seedFirstNames[rng.IntN(len(seedFirstNames))] + " " + seedLastNames[rng.IntN(len(seedLastNames))]
		if i == 0 {
			email, role, name = SeedAdminEmail, RoleAdmin, "Demo Admin"
		}
		// Spread sign-up times over two years so that sorting by created means something.
		created := now.Add(-time.Duration(rng.Int64N(int64(2 * 365 * 24 * time.Hour))))
		i++
		return []any{email, name, string(role), true, hash, seedWeekoffs[rng.IntN(len(seedWeekoffs))], created, created}, nil
	})
	copied, err := conn.CopyFrom(ctx, pgx.Identifier{"users"},
		[]string{"email", "full_name", "role", "is_active", "password_hash", "weekoffs", "created_at", "updated_at"}, rows)
	if err != nil {
		if isUniqueViolation(err) {
			return 0, fmt.Errorf("seed: some demo emails exist already (%w)", ErrConflict)
		}
		return 0, fmt.Errorf("seed: %w", err)
	}
	if progress != nil {
		progress(n, n)
	}
	// Fresh statistics let the planner pick the list's indexes at once.
	if _, err := conn.Exec(ctx, "ANALYZE users"); err != nil {
		return int(copied), fmt.Errorf("seed: analyze: %w", err)
	}
	return int(copied), nil
}
