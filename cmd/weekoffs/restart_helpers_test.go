package main

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/modelstest"
)

// jobWorld starts an instance serving with env (on dbURL), with an admin
// (admin@example.com, password1) and users employees user1…user<users>,
// and returns it and a connection to the database for the test to watch.
func jobWorld(t *testing.T, env map[string]string, dbURL string, users int) (*child, *pgx.Conn) {
	t.Helper()
	first := startChild(t, env, "serve")
	if _, logs, err := runCmd(t, env, "password1\n", "createuser", "--email", "admin@example.com", "--name", "Admin", "--role", "admin"); err != nil {
		t.Fatalf("createuser: %v\n%s", err, logs)
	}
	conn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(t.Context()) })
	if _, err := conn.Exec(t.Context(), `INSERT INTO users (email, full_name, password_hash)
		SELECT 'user' || i || '@example.com', 'User ' || i, 'x' FROM generate_series(1, $1::int) AS i`, users); err != nil {
		t.Fatal(err)
	}
	return first, conn
}

// jobProgress reads how far job is: its done count, and whether it is finished.
func jobProgress(t *testing.T, conn *pgx.Conn, job int64) func() (done int64, finished bool) {
	return func() (done int64, finished bool) {
		t.Helper()
		err := conn.QueryRow(t.Context(), "SELECT done, finished_at IS NOT NULL FROM job_progress WHERE job_id = $1", job).Scan(&done, &finished)
		if err != nil {
			t.Fatal(err)
		}
		return done, finished
	}
}

// killMidJob waits (at most wait) for the job to have done something,
// then kills first (SIGKILL) and returns how much was done; it fails the
// test if the job finished before that.
func killMidJob(t *testing.T, first *child, progress func() (int64, bool), total int64, wait time.Duration) int64 {
	t.Helper()
	var before int64
	if !modelstest.Eventually(t, wait, func() bool { before, _ = progress(); return before > 0 }) {
		t.Fatalf("the job did not start\n%s", first.logs)
	}
	first.kill()
	before, finished := progress()
	if finished || before >= total {
		t.Fatalf("the job finished (%d of %d) before the instance was killed; make it longer", before, total)
	}
	return before
}

// restartFinishes starts a second instance with env and waits (at most
// wait) for it to finish the job.
func restartFinishes(t *testing.T, env map[string]string, progress func() (int64, bool), total int64, wait time.Duration) {
	t.Helper()
	second := startChild(t, env, "serve")
	restarted := time.Now()
	if !modelstest.Eventually(t, wait, func() bool { _, finished := progress(); return finished }) {
		done, _ := progress()
		t.Fatalf("the job did not finish on the second instance: %d of %d\n%s", done, total, second.logs)
	}
	t.Logf("the second instance finished the job %s after it started", time.Since(restarted).Round(time.Second))
}
