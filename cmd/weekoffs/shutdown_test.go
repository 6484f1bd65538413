package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/config"
)

// TestMain lets a test run the real program in a child process: the test
// binary runs itself again with WEEKOFFS_TEST_MAIN=1 and the command's
// arguments, and then is weekoffs, main with its signal handling and exit
// status included, without a separate go build.
func TestMain(m *testing.M) {
	if os.Getenv("WEEKOFFS_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is weekoffs running in a process of its own.
type child struct {
	cmd    *exec.Cmd
	base   string     // http://host:port
	exited chan error // receives Wait's result
	logs   *syncWriter
}

// startChild runs weekoffs with args in a child process and returns once it
// says where it serves; the test's end kills it if it is still running.
func startChild(t *testing.T, env map[string]string, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], args...), exited: make(chan error, 1), logs: &syncWriter{}}
	c.cmd.Env = append(os.Environ(), "WEEKOFFS_TEST_MAIN=1")
	for k, v := range env {
		c.cmd.Env = append(c.cmd.Env, k+"="+v)
	}
	c.cmd.Stderr = c.logs
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	serving := make(chan string, 1)
	go func() {
		// Wait closes the pipe, so read all of it first.
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if u := regexp.MustCompile(`http://\S+`).FindString(lines.Text()); u != "" {
				select {
				case serving <- u:
				default:
				}
			}
		}
		c.exited <- c.cmd.Wait()
	}()
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Kill()
		}
	})
	select {
	case c.base = <-serving:
	case err := <-c.exited:
		t.Fatalf("weekoffs exited before serving: %v\n%s", err, c.logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("weekoffs did not say where it serves\n%s", c.logs)
	}
	return c
}

// countBackends counts the connections of the database that match cond,
// seen from a connection of the test's own.
func countBackends(t *testing.T, dbURL, cond string) int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	err = conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND `+cond).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond until it holds or the time is up.
func waitFor(within time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// TestGracefulShutdown sends SIGTERM to a running weekoffs while a request
// is inside a query (waiting on a lock the test holds). The process stops
// accepting connections at once, finishes that request with 200 once the
// lock is released, closes its database connections and exits 0.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	env["REQUEST_TIMEOUT"] = "30s"
	dbURL, _, err := config.ConvertDatabaseURL(env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	if _, logs, err := runCmd(t, env, "", "createuser", "--email", "asha@example.com", "--name", "Asha Rao", "--password", "password1"); err != nil {
		t.Fatalf("createuser: %v\n%s", err, logs)
	}
	c := startChild(t, env, "serve", "--migrate=false")
	client := &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}

	res, err := client.PostForm(c.base+"/auth/token", url.Values{"username": {"asha@example.com"}, "password": {"password1"}})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("sign in: status %d", res.StatusCode)
	}

	// Hold the users table so that the request's query waits inside PostgreSQL.
	lockConn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer lockConn.Close(context.Background())
	lock, err := lockConn.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec(t.Context(), "LOCK TABLE users IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		status int
		email  string
		err    error
	}
	inFlight := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, c.base+"/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		res, err := client.Do(req)
		if err != nil {
			inFlight <- answer{err: err}
			return
		}
		defer res.Body.Close()
		var me struct {
			Email string `json:"email"`
		}
		json.NewDecoder(res.Body).Decode(&me)
		inFlight <- answer{status: res.StatusCode, email: me.Email}
	}()
	if !waitFor(10*time.Second, func() bool { return countBackends(t, dbURL, "wait_event_type = 'Lock'") == 1 }) {
		t.Fatal("the request's query never waited on the lock")
	}

	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(c.base, "http://")
	refused := waitFor(10*time.Second, func() bool {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
		}
		return err != nil
	})
	if !refused {
		t.Error("still accepting connections after SIGTERM")
	}
	select {
	case err := <-c.exited:
		t.Fatalf("exited (%v) with a request in flight\n%s", err, c.logs)
	case a := <-inFlight:
		t.Fatalf("the request in flight ended before its query could: %+v", a)
	default:
	}

	if err := lock.Rollback(t.Context()); err != nil {
		t.Fatal(err)
	}
	select {
	case a := <-inFlight:
		if a.err != nil || a.status != http.StatusOK || a.email != "asha@example.com" {
			t.Errorf("the request in flight: got %+v, want 200 with the user", a)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the request in flight never finished")
	}
	select {
	case err := <-c.exited:
		if err != nil {
			t.Errorf("exit: got %v, want status 0\n%s", err, c.logs)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("did not exit after SIGTERM\n%s", c.logs)
	}
	logs := c.logs.String()
	if !strings.Contains(logs, `"msg":"shutting down"`) || !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("want shutting down and stopped in the logs:\n%s", logs)
	}
	if !waitFor(5*time.Second, func() bool { return countBackends(t, dbURL, "application_name = 'weekoffs'") == 0 }) {
		t.Error("weekoffs' database connections outlived it")
	}
}

// TestShutdownClosesPool runs serve in this process and wants its database
// connections gone once serve returns: the pool is closed, not left to the
// process's exit.
func TestShutdownClosesPool(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	dbURL, _, err := config.ConvertDatabaseURL(env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	var out syncWriter
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--migrate=false"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, io.Discard)
	}()
	var base string
	waitFor(30*time.Second, func() bool {
		base = regexp.MustCompile(`http://\S+`).FindString(out.String())
		return base != ""
	})
	if base == "" {
		t.Fatal("serve did not report its address")
	}
	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	res, err := client.Get(base + "/health")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("health: status %d", res.StatusCode)
	}
	if n := countBackends(t, dbURL, "application_name = 'weekoffs'"); n == 0 {
		t.Fatal("no weekoffs connection open while serving; the check below would prove nothing")
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !waitFor(5*time.Second, func() bool { return countBackends(t, dbURL, "application_name = 'weekoffs'") == 0 }) {
		t.Error("the pool's connections are still open after serve returned")
	}
}
