package main

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestGracefulShutdown sends SIGTERM to a running weekoffs while a request
// is inside a query (waiting on a lock the test holds). The process stops
// accepting connections at once, finishes that request with 200 once the
// lock is released, closes its database connections and exits 0.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	env, dbURL := testEnv(t)
	env["REQUEST_TIMEOUT"] = "30s"
	if _, logs, err := runCmd(t, env, "", "createuser", "--email", "asha@example.com", "--name", "Asha Rao", "--password", "password1"); err != nil {
		t.Fatalf("createuser: %v\n%s", err, logs)
	}
	c := startChild(t, env, "serve", "--migrate=false")
	client := &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}
	token := signInAPI(t, client, c.base, "asha@example.com", "password1")

	// Hold the users table so that the request's query waits inside PostgreSQL.
	release := modelstest.Lock(t, dbURL, "LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
	type answer struct {
		status int
		email  string
		err    error
	}
	inFlight := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, c.base+"/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
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
	if !modelstest.Eventually(t, 10*time.Second, func() bool { return modelstest.CountBackends(t, dbURL, "wait_event_type = 'Lock'") == 1 }) {
		t.Fatal("the request's query never waited on the lock")
	}

	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(c.base, "http://")
	refused := modelstest.Eventually(t, 10*time.Second, func() bool {
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

	release()
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
	if !modelstest.Eventually(t, 5*time.Second, func() bool { return modelstest.CountBackends(t, dbURL, "application_name = 'weekoffs'") == 0 }) {
		t.Error("weekoffs' database connections outlived it")
	}
}

// TestShutdownClosesPool runs serve in this process and wants its database
// connections gone once serve returns: the pool is closed, not left to the
// process's exit.
func TestShutdownClosesPool(t *testing.T) {
	t.Parallel()
	env, dbURL := testEnv(t)
	base, stop := serveHere(t, env, "--migrate=false")
	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	res, err := client.Get(base + "/health")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("health: status %d", res.StatusCode)
	}
	if n := modelstest.CountBackends(t, dbURL, "application_name = 'weekoffs'"); n == 0 {
		t.Fatal("no weekoffs connection open while serving; the check below would prove nothing")
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if !modelstest.Eventually(t, 5*time.Second, func() bool { return modelstest.CountBackends(t, dbURL, "application_name = 'weekoffs'") == 0 }) {
		t.Error("the pool's connections are still open after serve returned")
	}
}
