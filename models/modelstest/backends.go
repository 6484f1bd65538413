package modelstest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// CountBackends counts the other sessions of the database at dbURL that
// match where, a condition on pg_stat_activity such as
// "wait_event_type = 'Lock'", from a connection of the test's own.
func CountBackends(t testing.TB, dbURL, where string) int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	err = conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND `+where).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Lock runs a locking statement, such as LOCK TABLE, in a transaction of
// the test's own on the database at dbURL, and holds the lock until release
// or the end of the test.
func Lock(t testing.TB, dbURL, sql string) (release func()) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(t.Context(), sql); err != nil {
		t.Fatal(err)
	}
	release = sync.OnceFunc(func() {
		// Not t.Context(), which is cancelled before cleanups run; bounded,
		// as the connection may run through a proxy that a test hung.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		tx.Rollback(ctx)
		conn.Close(ctx)
	})
	t.Cleanup(release)
	return release
}
