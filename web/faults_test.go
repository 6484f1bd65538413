package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// slack is what a busy two-core machine running the race detector may add
// to a bound. The bounds still tell a timeout that works from a request that
// hangs until REQUEST_TIMEOUT (30 s in these tests) or for ever.
const slack = 3 * time.Second

// reply is one answered (or failed) HTTP request as the fault tests see it.
type reply struct {
	path    string
	status  int
	detail  string // "detail" of an error, or "status" of /health
	start   time.Time
	elapsed time.Duration
	err     error
}

func (r reply) String() string {
	if r.err != nil {
		return fmt.Sprintf("%s: %v after %s", r.path, r.err, r.elapsed)
	}
	return fmt.Sprintf("%s: %d %q after %s", r.path, r.status, r.detail, r.elapsed.Round(time.Millisecond))
}

// unavailable reports whether r is the service's answer to a database it
// cannot reach: 503 with "Database unavailable", or a degraded /health.
func (r reply) unavailable() bool {
	if r.status != http.StatusServiceUnavailable {
		return false
	}
	if strings.HasPrefix(r.path, "/health") {
		return r.detail == "degraded"
	}
	return r.detail == "Database unavailable"
}

// remote is the app behind a real HTTP server, for the tests that need a
// network between client and server: timeouts, cut connections, load.
type remote struct {
	t      testing.TB
	base   string // such as http://127.0.0.1:41234
	client *http.Client
}

// serveHTTP runs the app's handler on a real HTTP server for the test;
// configure, if given, sets the server up (timeouts) before it starts.
func serveHTTP(t testing.TB, a *app, configure ...func(*http.Server)) *remote {
	srv := httptest.NewUnstartedServer(a.server.Handler())
	for _, f := range configure {
		f(srv.Config)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return &remote{t: t, base: srv.URL, client: &http.Client{Transport: tr, Timeout: 20 * time.Second}}
}

// get sends a JSON GET.
func (rm *remote) get(path, token string) reply {
	return rm.send(http.MethodGet, path, token, "")
}

// send sends a JSON request and holds the exchange against the OpenAPI
// document, as a.do does.
func (rm *remote) send(method, path, token, body string) reply {
	r := reply{path: method + " " + path, start: time.Now()}
	if method == http.MethodGet {
		r.path = path
	}
	req, err := http.NewRequest(method, rm.base+path, strings.NewReader(body))
	if err != nil {
		r.err = err
		return r
	}
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := rm.client.Do(req)
	if err == nil {
		rec := httptest.NewRecorder()
		maps.Copy(rec.Header(), res.Header)
		rec.WriteHeader(res.StatusCode)
		_, err = io.Copy(rec.Body, res.Body)
		res.Body.Close()
		r.status = res.StatusCode
		r.elapsed = time.Since(r.start)
		if err == nil {
			conform(rm.t, method, path, req.Header, []byte(body), rec)
			r.detail, err = replyDetail(rec.Body.Bytes())
		}
	}
	if err != nil {
		r.err = fmt.Errorf("status %d: %w", r.status, err)
		r.elapsed = time.Since(r.start)
	}
	return r
}

// replyDetail is the "detail" of an error body, or the "status" of /health's.
func replyDetail(body []byte) (string, error) {
	var out struct {
		Detail any    `json:"detail"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", fmt.Errorf("body: %w", err)
	}
	if out.Detail != nil {
		return fmt.Sprint(out.Detail), nil
	}
	return out.Status, nil
}

// waitPoolIdle waits until no connection is in use and no acquire waits.
func waitPoolIdle(t testing.TB, a *app) {
	t.Helper()
	if !modelstest.Eventually(t, 10*time.Second, func() bool {
		st := a.store.PoolStats()
		return st.InUse == 0 && st.Waiting == 0
	}) {
		st := a.store.PoolStats()
		t.Fatalf("pool did not drain: %d connections in use, %d acquires waiting", st.InUse, st.Waiting)
	}
}

// noServerErrors fails when the logs show a 500, a panic or an unexpected
// error: a fault must be answered as one.
func noServerErrors(t testing.TB, a *app) {
	t.Helper()
	for _, line := range strings.Split(a.logs.String(), "\n") {
		for _, bad := range []string{`"msg":"request failed"`, `"msg":"panic"`, `"status":500`} {
			if strings.Contains(line, bad) {
				t.Errorf("logged: %s", line)
			}
		}
	}
}

// TestFaultDatabaseDown stops the database (through a proxy that refuses
// connections and cuts the open ones) or makes it hang, under a steady load
// of requests: while it is out every request answers 503 within the acquire
// timeout and /health says degraded; once it is back the service recovers
// by itself, without a restart.
func TestFaultDatabaseDown(t *testing.T) {
	t.Parallel()
	faults := []struct {
		name   string
		inject func(*faultProxy)
	}{
		{"Stopped", (*faultProxy).stop},
		{"Hanging", (*faultProxy).hang},
	}
	for _, fault := range faults {
		t.Run(fault.name, func(t *testing.T) {
			t.Parallel()
			const acquireTimeout = time.Second
			var proxy *faultProxy
			a := newApp(t, func(c *config.Config) {
				proxy = proxyDatabase(t, c)
				c.AcquireTimeout = acquireTimeout
				c.RequestTimeout = 30 * time.Second
			})
			_, tok := a.userWithToken("admin@example.com", models.RoleAdmin)
			srv := serveHTTP(t, a)
			paths := []string{"/me", "/admin/users?limit=5", "/health"}

			// Each reply is judged by the phase its request started and
			// ended in: up, down or back. Those that met a change (the
			// fault going in, the database coming back before the test saw
			// the service recover) may have either answer.
			const (
				up = iota
				goingDown
				down
				comingBack
				back
				straddled // started and ended in different phases
			)
			var phase atomic.Int32
			var mu sync.Mutex
			replies := map[int32][]reply{}
			stop := make(chan struct{})
			var load sync.WaitGroup
			stopLoad := sync.OnceFunc(func() { close(stop); load.Wait() })
			defer stopLoad()
			for w := range 4 {
				load.Go(func() {
					for i := w; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						p := phase.Load()
						r := srv.get(paths[i%len(paths)], tok)
						if phase.Load() != p {
							p = straddled
						}
						mu.Lock()
						replies[p] = append(replies[p], r)
						mu.Unlock()
						time.Sleep(5 * time.Millisecond) // load, not a busy loop on two cores
					}
				})
			}

			time.Sleep(300 * time.Millisecond)
			phase.Store(goingDown)
			fault.inject(proxy)
			phase.Store(down)
			time.Sleep(2 * acquireTimeout)
			if r := srv.get("/health", ""); !r.unavailable() {
				t.Errorf("health during the outage: got %s, want 503 degraded", r)
			}
			phase.Store(comingBack)
			proxy.start()
			restarted := time.Now()
			if !modelstest.Eventually(t, 10*time.Second, func() bool {
				return srv.get("/health", "").status == http.StatusOK
			}) {
				t.Fatal("the service did not recover after the database came back")
			}
			recovered := time.Since(restarted)
			phase.Store(back)
			time.Sleep(300 * time.Millisecond)
			stopLoad()

			mu.Lock()
			defer mu.Unlock()
			names := map[int32]string{up: "before the outage", down: "during the outage", back: "after recovery"}
			for p, name := range names {
				if len(replies[p]) == 0 {
					t.Errorf("no requests completed %s", name)
				}
			}
			for p := range int32(straddled + 1) {
				name, ok := names[p]
				if !ok {
					name = "around a change"
				}
				for _, r := range replies[p] {
					switch {
					case r.err != nil:
						t.Errorf("%s: %s", name, r)
					case r.status != http.StatusOK && !r.unavailable():
						t.Errorf("%s: got %s, want 200 or 503 Database unavailable", name, r)
					case r.elapsed > acquireTimeout+slack:
						t.Errorf("%s: %s, want an answer within the acquire timeout (%s)", name, r, acquireTimeout)
					case p == down && r.status != http.StatusServiceUnavailable:
						t.Errorf("%s: got %s, want 503", name, r)
					case (p == up || p == back) && r.status != http.StatusOK:
						t.Errorf("%s: got %s, want 200", name, r)
					}
				}
			}
			t.Logf("recovered %s after the database came back; requests: %d before, %d during, %d after, %d across a change",
				recovered, len(replies[up]), len(replies[down]), len(replies[back]), len(replies[goingDown])+len(replies[comingBack])+len(replies[straddled]))
			waitPoolIdle(t, a)
			noServerErrors(t, a)
		})
	}
}

// lockUsers takes an exclusive lock on the users table from a connection of
// the test's own, so that the service's queries on it wait; release ends it.
func lockUsers(t testing.TB, a *app) (release func()) {
	t.Helper()
	return modelstest.Lock(t, a.cfg.DatabaseURL, "LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
}

// waitLockWaiters waits until n queries of the database at dbURL are waiting on a lock.
func waitLockWaiters(t testing.TB, dbURL string, n int) {
	t.Helper()
	var waiting int
	if !modelstest.Eventually(t, 10*time.Second, func() bool {
		waiting = modelstest.CountBackends(t, dbURL, "wait_event_type = 'Lock'")
		return waiting == n
	}) {
		t.Fatalf("%d queries wait on the lock, want %d", waiting, n)
	}
}

// TestFaultConnectionLostMidQuery cuts the database connections while a
// request waits inside PostgreSQL on a lock the test holds, once in a pgx
// query and once in a GORM one: a connection lost mid-query is the database
// being unavailable, a 503, not a 500 or a 401.
func TestFaultConnectionLostMidQuery(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, lock, method, path, body string
	}{
		// The sign-in lookup (pgx) waits on a table lock.
		{"Pgx", "LOCK TABLE users IN ACCESS EXCLUSIVE MODE", http.MethodGet, "/me", ""},
		// The sign-in lookup passes a row lock; the update (GORM) waits on it.
		{"Gorm", "SELECT 1 FROM users FOR UPDATE", http.MethodPut, "/me/weekoffs", `{"weekoffs": ["sat"]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var proxy *faultProxy
			var direct string
			a := newApp(t, func(c *config.Config) {
				direct = c.DatabaseURL
				proxy = proxyDatabase(t, c)
				c.RequestTimeout = 30 * time.Second
			})
			_, tok := a.userWithToken("someone@example.com", models.RoleEmployee)
			srv := serveHTTP(t, a)

			modelstest.Lock(t, a.cfg.DatabaseURL, tc.lock) // through the proxy too: the cut ends it
			done := make(chan reply, 1)
			go func() { done <- srv.send(tc.method, tc.path, tok, tc.body) }()
			waitLockWaiters(t, direct, 1)
			proxy.stop()
			if r := <-done; !r.unavailable() || r.elapsed > slack {
				t.Errorf("got %s, want a quick 503 Database unavailable", r)
			}
			proxy.start()
			if r := srv.send(tc.method, tc.path, tok, tc.body); r.status != http.StatusOK {
				t.Errorf("after the database came back: got %s, want 200", r)
			}
			waitPoolIdle(t, a)
			noServerErrors(t, a)
		})
	}
}

// TestFaultSlowDatabase makes the service's queries wait on a lock the test
// holds. A query that outlives DB_STATEMENT_TIMEOUT (or the request's own
// deadline) answers 503 and gives its connection back: with a pool of one,
// the next request still gets a connection at once.
func TestFaultSlowDatabase(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		tweak func(*config.Config)
		bound time.Duration // the timeout that should end the query
	}{
		{"StatementTimeout", func(c *config.Config) { c.StatementTimeout = 300 * time.Millisecond }, 300 * time.Millisecond},
		{"RequestTimeout", func(c *config.Config) { c.RequestTimeout = 400 * time.Millisecond }, 400 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, func(c *config.Config) {
				c.PoolMax = 1
				c.AcquireTimeout = 5 * time.Second // longer than any bound here: a leak would show as a wait
				tc.tweak(c)
			})
			_, tok := a.userWithToken("admin@example.com", models.RoleAdmin)
			srv := serveHTTP(t, a)

			release := lockUsers(t, a)
			for _, path := range []string{"/me", "/admin/users?limit=5", "/me"} {
				r := srv.get(path, tok)
				if !r.unavailable() {
					t.Errorf("got %s, want 503 Database unavailable", r)
				}
				if r.elapsed < tc.bound || r.elapsed > tc.bound+slack {
					t.Errorf("%s, want an answer just after %s", r, tc.bound)
				}
				waitPoolIdle(t, a)
				// The query is over on the server too, not left waiting
				// on its own session that the pool no longer counts.
				waitLockWaiters(t, a.cfg.DatabaseURL, 0)
			}
			release()
			for _, path := range []string{"/me", "/admin/users?limit=5", "/health"} {
				if r := srv.get(path, tok); r.status != http.StatusOK || r.elapsed > slack {
					t.Errorf("after the lock: got %s, want 200 at once", r)
				}
			}
			waitPoolIdle(t, a)
			noServerErrors(t, a)
		})
	}
}

// TestFaultPoolExhaustion sends 300 concurrent clients at a pool of 4 while
// the test holds the users table locked, so every connection is busy and
// hundreds of acquires wait, until the warning is logged and the first
// waiters have given up. Every request answers: 200 (the four holding a
// connection, and those that got one after the lock), or 503 within the
// acquire timeout; the pool drains back to idle.
func TestFaultPoolExhaustion(t *testing.T) {
	t.Parallel()
	const clients = 300
	const acquireTimeout = time.Second
	a := newApp(t, func(c *config.Config) {
		c.PoolMax = 4
		c.AcquireTimeout = acquireTimeout
		c.RequestTimeout = 30 * time.Second
	})
	_, tok := a.userWithToken("admin@example.com", models.RoleAdmin)
	srv := serveHTTP(t, a)
	srv.client.Transport.(*http.Transport).MaxIdleConnsPerHost = clients

	release := lockUsers(t, a)
	started := time.Now()
	replies := make([]reply, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			replies[i] = srv.get([]string{"/me", "/admin/users?limit=5"}[i%2], tok)
		})
	}
	warned := modelstest.Eventually(t, 10*time.Second, func() bool {
		return strings.Contains(a.logs.String(), `"msg":"database pool near exhaustion"`)
	})
	shed := modelstest.Eventually(t, 10*time.Second, func() bool {
		return strings.Contains(a.logs.String(), `"msg":"database unavailable"`)
	})
	release()
	held := time.Since(started)
	wg.Wait()
	if !warned {
		t.Error("no pool warning while every connection was busy")
	}
	if !shed {
		t.Error("no request gave up waiting for a connection")
	}

	counts := map[int]int{}
	for _, r := range replies {
		counts[r.status]++
		switch {
		case r.err != nil:
			t.Errorf("no answer: %s", r)
		case r.status == http.StatusOK:
		case r.unavailable():
			// A request acquires up to three times (the sign-in lookup,
			// the page, the count), each bounded by the acquire timeout,
			// and may have waited on the lock in between.
			if bound := held + 3*acquireTimeout + slack; r.elapsed > bound {
				t.Errorf("a slow 503: %s, want one within %s", r, bound.Round(time.Millisecond))
			}
		default:
			t.Errorf("got %s, want 200 or 503 Database unavailable", r)
		}
	}
	t.Logf("statuses: %v", counts)
	if counts[http.StatusOK] < int(a.cfg.PoolMax) || counts[http.StatusServiceUnavailable] == 0 {
		t.Errorf("statuses %v: want the %d holding a connection to succeed and the waiters that gave up to get 503", counts, a.cfg.PoolMax)
	}
	waitPoolIdle(t, a)
	if !modelstest.Eventually(t, 5*time.Second, func() bool {
		return strings.Contains(a.logs.String(), `"msg":"database pool recovered"`)
	}) {
		t.Error("the monitor did not log the pool's recovery")
	}
	noServerErrors(t, a)
}
