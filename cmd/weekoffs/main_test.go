package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestConfigErrorStopsStart(t *testing.T) {
	t.Parallel()
	_, _, err := runCmd(t, map[string]string{"APP_ENV": "production"}, "", "serve")
	if err == nil || !strings.Contains(err.Error(), "SECRET_KEY") {
		t.Fatalf("got %v, want an error naming SECRET_KEY", err)
	}
	_, _, err = runCmd(t, map[string]string{}, "", "frobnicate")
	if err == nil || !strings.Contains(err.Error(), `unknown command "frobnicate"`) {
		t.Fatalf("got %v", err)
	}
}

// TestDatabaseCommandsNeedNoSecret: migrate, createuser and seed sign
// nothing, so they run in production with DATABASE_URL alone; serve does not.
func TestDatabaseCommandsNeedNoSecret(t *testing.T) {
	t.Parallel()
	env, _ := testEnv(t)
	delete(env, "SECRET_KEY")
	if _, logs, err := runCmd(t, env, "", "migrate"); err != nil {
		t.Fatalf("migrate without SECRET_KEY: %v\n%s", err, logs)
	}
	if out, logs, err := runCmd(t, env, "", "createuser", "--email", "a@example.com", "--name", "A", "--password", "password1"); err != nil {
		t.Fatalf("createuser without SECRET_KEY: %v\n%s%s", err, out, logs)
	}
	if out, logs, err := runCmd(t, env, "", "seed", "--users", "5", "--password", "demo-password"); err != nil || !strings.Contains(out, "seeded 5 users") {
		t.Fatalf("seed without SECRET_KEY: %v\n%s%s", err, out, logs)
	}
	if _, _, err := runCmd(t, env, "", "serve"); err == nil || !strings.Contains(err.Error(), "SECRET_KEY") {
		t.Fatalf("serve without SECRET_KEY: got %v, want an error naming SECRET_KEY", err)
	}
}

func TestCommands(t *testing.T) {
	t.Parallel()
	env, _ := testEnv(t)

	_, logs, err := runCmd(t, env, "", "migrate")
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, logs)
	}
	if !strings.Contains(logs, "converted DATABASE_URL") || strings.Contains(logs, "pgtdbpass") {
		t.Errorf("the conversion should be logged once with the password masked:\n%s", logs)
	}

	out, logs, err := runCmd(t, env, "a-secret-from-stdin\n", "createuser", "--email", "Boss@Example.com", "--name", "The Boss", "--role", "admin")
	if err != nil || !strings.Contains(out, "created admin boss@example.com") {
		t.Fatalf("createuser: %v\n%s%s", err, out, logs)
	}
	if strings.Contains(out+logs, "a-secret-from-stdin") {
		t.Error("createuser printed the password")
	}
	if _, _, err := runCmd(t, env, "", "createuser", "--email", "boss@example.com", "--name", "Again", "--password", "password1"); err == nil {
		t.Error("createuser accepted a duplicate email")
	}
	if _, _, err := runCmd(t, env, "", "createuser", "--email", "x@example.com", "--name", "X", "--password", "short"); err == nil || !strings.Contains(err.Error(), "at least 8") {
		t.Errorf("createuser with a short password: got %v", err)
	}

	out, _, err = runCmd(t, env, "", "seed", "--users", "50", "--password", "demo-password")
	if err != nil || !strings.Contains(out, "seeded 50 users") {
		t.Fatalf("seed: %v %s", err, out)
	}
	out, _, err = runCmd(t, env, "", "seed", "--users", "50", "--password", "demo-password")
	if err != nil || !strings.Contains(out, "already seeded: added no users") {
		t.Fatalf("seed again: %v %s", err, out)
	}

	t.Run("ServeAndShutDown", func(t *testing.T) {
		base, stop := serveHere(t, env)
		signInAPI(t, http.DefaultClient, base, "user7@example.com", "demo-password")
		if err := stop(); err != nil {
			t.Fatalf("serve returned %v after shutdown", err)
		}
	})
}

func TestDatabaseUnreachableSaysWhatToDo(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"APP_ENV":      "development",
		"DATABASE_URL": "postgres://weekoffs:pw@127.0.0.1:1/weekoffs?sslmode=disable",
		"DB_WAIT":      "300ms",
	}
	start := time.Now()
	_, _, err := runCmd(t, env, "", "serve")
	if err == nil || !strings.Contains(err.Error(), "database not reachable") || !strings.Contains(err.Error(), "Check DATABASE_URL") {
		t.Fatalf("got %v, want a message saying what to check", err)
	}
	if strings.Contains(err.Error(), ":pw@") {
		t.Errorf("the message shows the password: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("gave up after %s, want about DB_WAIT", time.Since(start))
	}
}
