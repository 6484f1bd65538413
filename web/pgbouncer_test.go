package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestBehindPgBouncer runs the JSON routes, many at once, through a real
// PgBouncer in transaction mode, which hands each transaction whichever
// server connection is free and (in Debian's 1.18) keeps no prepared
// statements across them. With DB_QUERY_EXEC_MODE=exec nothing may fail; the
// default cache_statement mode is shown to fail there, which is why the
// setting exists.
func TestBehindPgBouncer(t *testing.T) {
	t.Parallel()
	bin := pgbouncerBinary(t)

	t.Run("exec", func(t *testing.T) {
		t.Parallel()
		a := newApp(t, func(c *config.Config) {
			c.DatabaseURL = startPgBouncer(t, bin, c.DatabaseURL)
			c.QueryExecMode = "exec"
			c.PoolMax = 8 // more clients than PgBouncer's 2 server connections
		})
		failures := exerciseJSONRoutes(t, a, 8, 6)
		for _, f := range failures {
			t.Error(f)
		}
		// Any server error shows as "(SQLSTATE …)", the prepared-statement
		// ones (42P05, 26000) included; a bare code would also match a
		// timestamp (…40.61260008Z).
		for _, bad := range []string{"prepared statement", "SQLSTATE"} {
			if strings.Contains(a.logs.String(), bad) {
				t.Errorf("server log mentions %q:\n%s", bad, a.logs.String())
			}
		}
	})

	t.Run("cache_statement fails", func(t *testing.T) {
		t.Parallel()
		cfg := modelstest.Config(t)
		cfg.DatabaseURL = startPgBouncer(t, bin, cfg.DatabaseURL)
		cfg.QueryExecMode, cfg.PoolMax = "cache_statement", 8
		store := modelstest.Open(t, cfg, nil)
		var failed atomic.Int64
		var first atomic.Value
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 50 {
					_, err := store.UserByEmail(context.Background(), "nobody@example.com")
					if err != nil && !errors.Is(err, models.ErrNotFound) {
						failed.Add(1)
						first.CompareAndSwap(nil, err.Error())
					}
				}
			})
		}
		wg.Wait()
		if failed.Load() == 0 {
			t.Fatal("no query failed with pgx's statement cache behind PgBouncer; the test no longer shows what DB_QUERY_EXEC_MODE guards against")
		}
		if msg, _ := first.Load().(string); !strings.Contains(msg, "prepared statement") {
			t.Errorf("got %q, want a prepared-statement error", msg)
		}
	})
}

// exerciseJSONRoutes has `workers` employees and an admin use the JSON API at
// once, `rounds` times each, and returns a line for every unexpected answer.
func exerciseJSONRoutes(t *testing.T, a *app, workers, rounds int) []string {
	t.Helper()
	_, adminToken := a.userWithToken("boss@example.com", models.RoleAdmin)
	tokens := make([]string, workers)
	ids := make([]int64, workers)
	for i := range workers {
		email := fmt.Sprintf("worker%d@example.com", i)
		ids[i] = a.user(email, models.RoleEmployee, "sunday").ID
		tokens[i] = a.token(email, "password1")
	}

	var mu sync.Mutex
	var failures []string
	check := func(what string, got, want int, body string) {
		if got != want {
			mu.Lock()
			failures = append(failures, fmt.Sprintf("%s: status %d, want %d: %s", what, got, want, body))
			mu.Unlock()
		}
	}
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			for r := range rounds {
				res := a.json(http.MethodGet, "/me", tokens[i], nil)
				check("GET /me", res.Code, http.StatusOK, res.Body.String())
				days := []string{"saturday", "sunday"}[r%2 : r%2+1]
				res = a.json(http.MethodPut, "/me/weekoffs", tokens[i], map[string]any{"weekoffs": days})
				check("PUT /me/weekoffs", res.Code, http.StatusOK, res.Body.String())
				res = a.json(http.MethodGet, "/admin/users/?q=worker&weekoff=sunday&limit=2", adminToken, nil)
				check("GET /admin/users/?q=&weekoff=", res.Code, http.StatusOK, res.Body.String())
				res = a.json(http.MethodGet, "/admin/users/export.csv?q=worker", adminToken, nil)
				check("GET /admin/users/export.csv", res.Code, http.StatusOK, res.Body.String())
				res = a.json(http.MethodGet, fmt.Sprintf("/admin/users/%d", ids[(i+r)%workers]), adminToken, nil)
				check("GET /admin/users/{id}", res.Code, http.StatusOK, res.Body.String())
				res = a.json(http.MethodPatch, fmt.Sprintf("/admin/users/%d", ids[i]), adminToken, map[string]any{"full_name": fmt.Sprintf("Worker %d-%d", i, r)})
				check("PATCH /admin/users/{id}", res.Code, http.StatusOK, res.Body.String())
				res = a.json(http.MethodPost, "/admin/users/", adminToken, map[string]any{
					"email": fmt.Sprintf("new%d-%d@example.com", i, r), "full_name": "New Person", "role": "employee", "password": "password1",
				})
				check("POST /admin/users/", res.Code, http.StatusCreated, res.Body.String())
				res = a.json(http.MethodGet, "/health", "", nil)
				check("GET /health", res.Code, http.StatusOK, res.Body.String())
			}
		})
	}
	wg.Wait()
	return failures
}

// pgbouncerBinary finds pgbouncer, skipping the test on a developer machine
// without it; CI installs it (.ci/run), so there its absence is a failure.
func pgbouncerBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"pgbouncer", "/usr/sbin/pgbouncer"} {
		if bin, err := exec.LookPath(p); err == nil {
			return bin
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("pgbouncer is not installed; .ci/run installs it")
	}
	t.Skip("pgbouncer is not installed (apt-get install pgbouncer)")
	return ""
}

// startPgBouncer starts PgBouncer in transaction mode in front of the
// database dbURL names and returns the URL that reaches it through PgBouncer.
// PgBouncer refuses to run as root, so as root it runs as postgres.
func startPgBouncer(t *testing.T, bin, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "weekoffs-pgbouncer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// The postgres user must be able to read the files.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	user := u.User.Username()
	password, _ := u.User.Password()
	ini := fmt.Sprintf(`[databases]
* = host=%s port=%s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = 2
max_client_conn = 100
server_reset_query =
`, u.Hostname(), u.Port(), port, filepath.Join(dir, "userlist.txt"))
	writeFile(t, filepath.Join(dir, "pgbouncer.ini"), ini)
	writeFile(t, filepath.Join(dir, "userlist.txt"), fmt.Sprintf("%q %q\n", user, password))

	args := []string{filepath.Join(dir, "pgbouncer.ini")}
	cmd := exec.Command(bin, args...)
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	var out modelstest.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // stop runuser and pgbouncer together
	if err := cmd.Start(); err != nil {
		t.Fatalf("start pgbouncer: %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() {
			t.Logf("pgbouncer output:\n%s", out.String())
		}
	})

	u.Host = fmt.Sprintf("127.0.0.1:%d", port)
	via := u.String()
	ok := modelstest.Eventually(t, 10*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, via)
		if err != nil {
			return false
		}
		defer conn.Close(ctx)
		return conn.Ping(ctx) == nil
	})
	if !ok {
		t.Fatalf("pgbouncer did not answer on port %d:\n%s", port, out.String())
	}
	return via
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
