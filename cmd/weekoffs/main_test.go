package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models/modelstest"
)

// testEnv is the environment of a command run against a fresh database.
func testEnv(t *testing.T) map[string]string {
	cfg := modelstest.Config(t)
	return map[string]string{
		"APP_ENV":      "production",
		"DATABASE_URL": strings.Replace(cfg.DatabaseURL, "postgres://", "postgresql+asyncpg://", 1),
		"SECRET_KEY":   "cmd-test-secret-0123456789abcdef0123456789",
		"BCRYPT_COST":  "4",
		"LISTEN_ADDR":  "127.0.0.1:0",
		"DB_POOL_MAX":  "4",
	}
}

// runCmd runs the program with args and returns what it printed.
func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(t.Context(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestCommands(t *testing.T) {
	t.Parallel()
	env := testEnv(t)

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
		ctx, stop := context.WithCancel(t.Context())
		var out syncWriter
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &bytes.Buffer{})
		}()
		var base string
		for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			base = regexp.MustCompile(`http://\S+`).FindString(out.String())
		}
		if base == "" {
			t.Fatal("serve did not report its address")
		}
		res, err := http.PostForm(base+"/auth/token", url.Values{"username": {"user7@example.com"}, "password": {"demo-password"}})
		if err != nil {
			t.Fatal(err)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		json.NewDecoder(res.Body).Decode(&tok)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || tok.AccessToken == "" {
			t.Fatalf("sign in as a seeded user: status %d", res.StatusCode)
		}
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("serve returned %v after shutdown", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop")
		}
	})
}

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

type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
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
