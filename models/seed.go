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
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("seed: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	rebuild, err := s.dropIndexesForSeed(ctx, tx, n)
	if err != nil {
		return 0, err
	}
	if err := holdCoverageTriggers(ctx, tx, n, "DISABLE"); err != nil {
		return 0, err
	}

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
	copied, err := tx.CopyFrom(ctx, pgx.Identifier{"users"},
		[]string{"email", "full_name", "role", "is_active", "password_hash", "weekoffs", "created_at", "updated_at"}, rows)
	if err == nil {
		err = s.rebuildIndexes(ctx, tx, rebuild)
	}
	if err == nil {
		// The planner must know the table it just filled.
		_, err = tx.Exec(ctx, "ANALYZE users")
	}
	if err == nil {
		_, err = tx.Exec(ctx, seedSchedulesSQL)
	}
	if err == nil {
		err = holdCoverageTriggers(ctx, tx, n, "ENABLE")
	}
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		if isUniqueViolation(err) {
			return 0, fmt.Errorf("seed: some demo emails exist already (%w)", ErrConflict)
		}
		return 0, fmt.Errorf("seed: %w", err)
	}
	if progress != nil {
		progress(n, n)
	}
	// VACUUM sets the rows' hint bits and the visibility map now rather than
	// on the first reads (which would write), so index-only scans work at
	// once; ANALYZE gives the planner the statistics to pick the list's indexes.
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE) users, schedules, user_schedule_state, coverage_people, search_names, search_emails"); err != nil {
		return int(copied), fmt.Errorf("seed: vacuum: %w", err)
	}
	return int(copied), nil
}

// seedSchedulesSQL gives each seeded user their week-offs as their own
// schedule from the day they were created, as migration 00010 did for the
// users it found; the rules are worked out once per pattern (a SQL
// function called per row is planned per row: a minute at a million).
const seedSchedulesSQL = `
WITH patterns AS (SELECT days, weekoffs_rules(days) AS rules FROM (SELECT DISTINCT weekoffs AS days FROM users) d),
seeded AS MATERIALIZED (
    SELECT u.id, p.rules, u.created_at,
           (u.created_at AT TIME ZONE COALESCE((SELECT timezone FROM organisation WHERE id = 1), 'UTC'))::date AS effective_from
      FROM users u JOIN patterns p ON p.days = u.weekoffs
     WHERE NOT EXISTS (SELECT 1 FROM user_schedule_state st WHERE st.user_id = u.id)
), states AS (
    INSERT INTO user_schedule_state (user_id, state)
    SELECT id, json_build_object('source', 'user', 'rules', rules, 'effective_from', effective_from, 'next_change', NULL) FROM seeded
)
INSERT INTO schedules (scope, user_id, rules, effective_from, created_at)
SELECT 'user', id, rules, effective_from, created_at FROM seeded`

// seedRebuildMin is the seed size from which an empty table's secondary
// indexes are dropped before COPY and built after it: building a trigram GIN
// index once is several times faster than updating it row by row, which made
// a million-user seed take over 30 s.
const seedRebuildMin = 50000

// dropIndexesForSeed drops the secondary indexes of users, and of the
// emails' search table its COPY fills (migration 00019), inside tx when the
// table is empty and the seed is large, and returns the statements
// that recreate them, as PostgreSQL itself prints them (so the migrations
// stay the only description of the schema). Indexes that back a constraint,
// and the primary key, stay. Being inside tx, a failed seed restores them.
func (s *Store) dropIndexesForSeed(ctx context.Context, tx pgx.Tx, n int) ([]string, error) {
	if n < seedRebuildMin {
		return nil, nil
	}
	var empty bool
	if err := tx.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM users)").Scan(&empty); err != nil || !empty {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		WHERE i.indrelid IN ('users'::regclass, 'search_emails'::regclass)
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`)
	if err != nil {
		return nil, fmt.Errorf("seed: list indexes: %w", err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, fmt.Errorf("seed: list indexes: %w", err)
		}
		names, defs = append(names, name), append(defs, def)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("seed: list indexes: %w", err)
	}
	for _, name := range names {
		if _, err := tx.Exec(ctx, "DROP INDEX "+name); err != nil {
			return nil, fmt.Errorf("seed: drop index %s: %w", name, err)
		}
	}
	return defs, nil
}

// rebuildIndexes runs the statements dropIndexesForSeed returned.
func (s *Store) rebuildIndexes(ctx context.Context, tx pgx.Tx, defs []string) error {
	if len(defs) == 0 {
		return nil
	}
	start := time.Now()
	// GIN builds are much faster with room to sort in memory.
	if _, err := tx.Exec(ctx, "SET LOCAL maintenance_work_mem = '512MB'"); err != nil {
		return err
	}
	for _, def := range defs {
		if _, err := tx.Exec(ctx, def); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
	}
	s.log.Info("seed: indexes built", "count", len(defs), "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// holdCoverageTriggers, for a seed of seedRebuildMin users or more,
// disables (how "DISABLE") the triggers that keep coverage's keys
// (migration 00017) on users and schedules inside tx, or enables them
// again ("ENABLE") after working every key out in one pass: rekeying a
// million new users statement by statement probed their schedules one by
// one. Smaller seeds go through the triggers as any write does.
func holdCoverageTriggers(ctx context.Context, tx pgx.Tx, n int, how string) error {
	if n < seedRebuildMin {
		return nil
	}
	if how == "ENABLE" {
		if _, err := tx.Exec(ctx, "SELECT coverage_rebuild()"); err != nil {
			return fmt.Errorf("seed: coverage keys: %w", err)
		}
	}
	for _, sql := range []string{
		"ALTER TABLE users " + how + " TRIGGER coverage_people_insert",
		"ALTER TABLE schedules " + how + " TRIGGER coverage_keys_insert",
	} {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}
