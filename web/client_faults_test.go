package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestClientFaultsAreNotDatabaseOutages sends request bodies that stop
// short (the client closes its side) or trickle in slower than the server's
// read timeout, over a real connection, to JSON routes and a form: they are
// the client's faults, 400 and 408, logged without a word about the
// database, never 503 "Database unavailable". The database is fine
// throughout.
func TestClientFaultsAreNotDatabaseOutages(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	emp, token := a.userWithToken("emp@example.com", models.RoleEmployee)
	cookie, err := a.server.SessionCookieFor(t.Context(), emp.ID)
	if err != nil {
		t.Fatal(err)
	}
	const readTimeout = time.Second
	srv := serveHTTP(t, a, func(s *http.Server) { s.ReadTimeout = readTimeout })

	routes := []struct {
		name, path, header, body string
	}{
		{"PutWeekoffs", "PUT /me/weekoffs", "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nAccept: application/json\r\n", `{"weekoffs": ["sat", "sun"]}`},
		{"Token", "POST /auth/token", "Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n", "username=emp%40example.com&password=password1"},
		{"WeekoffsForm", "POST /me/weekoffs", "Cookie: " + cookie.Name + "=" + cookie.Value + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Accept: " + browserAccept + "\r\nSec-Fetch-Site: same-origin\r\n", "weekoffs=saturday&weekoffs=sunday"},
	}
	faults := []struct {
		name string
		want int
		then func(*net.TCPConn) // after the first half of the body
	}{
		{"Truncated", http.StatusBadRequest, func(c *net.TCPConn) { c.CloseWrite() }},
		{"Slow", http.StatusRequestTimeout, nil}, // the rest never comes: the read timeout ends it
	}
	for _, r := range routes {
		for _, f := range faults {
			t.Run(r.name+f.name, func(t *testing.T) {
				start := time.Now()
				raw := r.path + " HTTP/1.1\r\nHost: example.com\r\n" + r.header +
					"Content-Length: " + strconv.Itoa(len(r.body)) + "\r\n\r\n" + r.body[:len(r.body)/2]
				got := rawRequest(t, srv, raw, f.then)
				if got.status != f.want {
					t.Fatalf("%s with a body cut in half: got %d %s, want %d", r.path, got.status, got.body, f.want)
				}
				if strings.Contains(got.body, "Database unavailable") || strings.Contains(got.body, "database") {
					t.Errorf("%s: the answer blames the database: %s", r.path, got.body)
				}
				if f.want == http.StatusRequestTimeout && time.Since(start) > readTimeout+slack {
					t.Errorf("%s: the slow body was answered after %s", r.path, time.Since(start))
				}
			})
		}
	}

	stored, err := a.store.UserByID(t.Context(), emp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Version != emp.Version {
		t.Errorf("a body that never arrived whole changed the user to version %d", stored.Version)
	}
	for _, line := range strings.Split(a.logs.String(), "\n") {
		if strings.Contains(strings.ToLower(line), "database") || strings.Contains(line, `"status":503`) {
			t.Errorf("logged as the database's fault: %s", line)
		}
	}
	noServerErrors(t, a)
}

// TestHealthClientGone holds every pool connection, so that /health waits
// for one, and has the client hang up meanwhile: the database is not
// reported unreachable, in the answer's log line or a warning, for a
// client that went away.
func TestHealthClientGone(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	srv := serveHTTP(t, a)
	var held []*pgxpool.Conn
	for range a.cfg.PoolMax {
		conn, err := a.store.Pool().Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, conn)
	}
	defer func() {
		for _, c := range held {
			c.Release()
		}
	}()

	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, "GET /health HTTP/1.1\r\nHost: example.com\r\n\r\n")
	time.Sleep(200 * time.Millisecond) // /health now waits for a connection
	conn.Close()

	var line string
	if !modelstest.Eventually(t, 5*time.Second, func() bool {
		for _, l := range strings.Split(a.logs.String(), "\n") {
			if strings.Contains(l, `"msg":"request"`) && strings.Contains(l, `"path":"/health"`) {
				line = l
				return true
			}
		}
		return false
	}) {
		t.Fatal("the /health request was never logged")
	}
	if strings.Contains(line, `"status":503`) || strings.Contains(line, `"level":"ERROR"`) {
		t.Errorf("a client that went away was answered as a database outage: %s", line)
	}
	if strings.Contains(a.logs.String(), "health check failed") {
		t.Errorf("a client that went away was logged as a failed health check:\n%s", a.logs)
	}

	// The database was never out: once the connections are back, /health says so.
	for _, c := range held {
		c.Release()
	}
	held = nil
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := a.store.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if r := srv.get("/health", ""); r.status != http.StatusOK {
		t.Errorf("/health afterwards: %s", r)
	}
}
