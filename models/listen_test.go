package models_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestUsersChangedTrigger listens on the channel of migration 00007 from a
// session of its own and runs statements of every kind: each that changes
// what the week-off chart reads notifies once, a bulk statement included;
// a password change, a rename and a rolled-back change do not.
func TestUsersChangedTrigger(t *testing.T) {
	t.Parallel()
	cfg := modelstest.Config(t)
	conn, err := pgx.Connect(t.Context(), cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), "LISTEN weekoffs_users_changed"); err != nil {
		t.Fatal(err)
	}
	writer, err := pgx.Connect(t.Context(), cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close(context.Background())
	const seed = `INSERT INTO users (email, full_name, role, is_active, password_hash, weekoffs)
		SELECT 'u' || i || '@example.com', 'U' || i, 'employee', true, 'x', '{monday}' FROM generate_series(1, 3) i`

	for _, tc := range []struct {
		name, sql string
		notifies  bool
	}{
		{"InsertMany", seed, true},
		{"WeekoffsOfAll", `UPDATE users SET weekoffs = '{friday}'`, true},
		{"Role", `UPDATE users SET role = 'admin' WHERE email = 'u1@example.com'`, true},
		{"Active", `UPDATE users SET is_active = false WHERE email = 'u2@example.com'`, true},
		{"Password", `UPDATE users SET password_hash = 'y'`, false},
		{"Rename", `UPDATE users SET full_name = 'V'`, false},
		{"RolledBack", `BEGIN; UPDATE users SET weekoffs = '{sunday}'; ROLLBACK`, false},
		{"Delete", `DELETE FROM users WHERE email = 'u3@example.com'`, true},
		{"Truncate", `TRUNCATE users CASCADE`, true},
	} {
		if _, err := writer.Exec(t.Context(), tc.sql); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := 0
		for {
			// Notifications are sent at commit, before Exec returns; a
			// short wait tells "none" from "one more".
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			n, err := conn.WaitForNotification(ctx)
			cancel()
			if err != nil {
				break
			}
			if n.Channel != "weekoffs_users_changed" || n.Payload != "" {
				t.Errorf("%s: notification %+v", tc.name, n)
			}
			got++
		}
		if want := map[bool]int{true: 1, false: 0}[tc.notifies]; got != want {
			t.Errorf("%s: %d notifications, want %d", tc.name, got, want)
		}
	}
}

// TestOnUsersChanged has a Store tell a callback about changes: once when
// it starts listening, then for each change, then again once it listens
// after its session was killed; Close ends the listening session.
func TestOnUsersChanged(t *testing.T) {
	t.Parallel()
	cfg := modelstest.Config(t)
	s := modelstest.Open(t, cfg, nil)
	var calls atomic.Int64
	s.OnUsersChanged(func() { calls.Add(1) })
	listeners := func() int {
		return modelstest.CountBackends(t, cfg.DatabaseURL, "query LIKE 'LISTEN %'")
	}
	wantCalls := func(n int64, what string) {
		t.Helper()
		if !modelstest.Eventually(t, 10*time.Second, func() bool { return calls.Load() >= n }) {
			t.Fatalf("%s: %d calls, want %d", what, calls.Load(), n)
		}
	}
	wantCalls(1, "on listening")
	if n := listeners(); n != 1 {
		t.Fatalf("%d listening sessions, want 1", n)
	}
	name, role := "Asha", "employee"
	email, pw := "asha@example.com", "password1"
	u, err := s.CreateUser(t.Context(), models.UserInput{Email: &email, FullName: &name, Role: &role, Password: &pw})
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(2, "after a new user")

	if _, err := s.Pool().Exec(t.Context(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'"); err != nil {
		t.Fatal(err)
	}
	wantCalls(3, "after listening again")
	if _, err := s.SetWeekoffs(t.Context(), u.ID, []string{"sun"}, 0); err != nil {
		t.Fatal(err)
	}
	wantCalls(4, "after a change heard by the new session")

	s.Close()
	if !modelstest.Eventually(t, 5*time.Second, func() bool { return listeners() == 0 }) {
		t.Error("the listening session outlived Close")
	}
	s.OnUsersChanged(func() { t.Error("called after Close") })
}
