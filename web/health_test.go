package web_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

type healthBody struct {
	Status    string   `json:"status"`
	Database  string   `json:"database"`
	Driver    string   `json:"driver"`
	LatencyMS *float64 `json:"latency_ms"`
	// The pool's other figures are held to the document by conform.
	Pool struct {
		Max          int32 `json:"max"`
		Total        int32 `json:"total"`
		AcquireCount int64 `json:"acquire_count"`
	} `json:"pool"`
}

func TestHealthOK(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	res := a.json(http.MethodGet, "/health", "", nil)
	wantStatus(t, res, http.StatusOK)
	var h healthBody
	decode(t, res, &h)
	if h.Status != "ok" || h.Database != "ok" || h.Driver != "pgx" || h.LatencyMS == nil {
		t.Errorf("got %+v", h)
	}
	if h.Pool.Max != a.cfg.PoolMax || h.Pool.Total < 1 || h.Pool.AcquireCount < 1 {
		t.Errorf("pool: got %+v, want max %d and a connection made", h.Pool, a.cfg.PoolMax)
	}
	if strings.Contains(res.Body.String(), "postgres://") || strings.Contains(res.Body.String(), "pgtdbpass") {
		t.Errorf("health shows the connection string: %s", res.Body)
	}
}

// TestHealthDatabaseDown points the pool at addresses where PostgreSQL is not
// and wants a quick 503, never a hung request.
func TestHealthDatabaseDown(t *testing.T) {
	t.Parallel()

	// A server that accepts connections and never says a word.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held sync.WaitGroup
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			held.Go(func() { time.Sleep(10 * time.Second); c.Close() })
		}
	}()
	t.Cleanup(func() { silent.Close() })

	for name, addr := range map[string]string{"NothingListens": fmt.Sprintf("127.0.0.1:%d", freePort(t)), "NeverAnswers": silent.Addr().String()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, func(c *config.Config) {
				c.DatabaseURL = fmt.Sprintf("postgres://weekoffs:s3cret-pw@%s/weekoffs?sslmode=disable", addr)
			})
			for range 2 { // a second check must not queue behind the first
				start := time.Now()
				res := a.json(http.MethodGet, "/health", "", nil)
				elapsed := time.Since(start)
				wantStatus(t, res, http.StatusServiceUnavailable)
				var h healthBody
				decode(t, res, &h)
				if h.Status != "degraded" || h.Database != "unreachable" || h.Driver != "pgx" {
					t.Errorf("got %+v", h)
				}
				if elapsed > 1500*time.Millisecond {
					t.Errorf("took %s, want about a second at most", elapsed)
				}
				if strings.Contains(res.Body.String(), "s3cret-pw") || strings.Contains(a.logs.String(), "s3cret-pw") {
					t.Error("the database password reached the response or the logs")
				}
			}
			// API routes answer 503 too, quickly, instead of hanging.
			tok, _ := a.server.MintToken("someone@example.com")
			res := a.json(http.MethodGet, "/me", tok, nil)
			wantStatus(t, res, http.StatusServiceUnavailable)
			if d := detailOf(t, res); d != "Database unavailable" {
				t.Errorf("detail: got %v", d)
			}
		})
	}
}

// TestPoolReturnsToIdle sends a burst of concurrent requests and wants every
// connection back in the pool afterwards: database/sql must hold none.
func TestPoolReturnsToIdle(t *testing.T) {
	t.Parallel()
	a, _, tok := newAdminApp(t)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			path := []string{"/me", "/admin/users?limit=5", "/health"}[i%3]
			if res := a.json(http.MethodGet, path, tok, nil); res.Code != http.StatusOK {
				t.Errorf("%s: status %d", path, res.Code)
			}
		})
	}
	wg.Wait()
	st := a.store.PoolStats()
	if st.InUse != 0 || st.Waiting != 0 {
		t.Fatalf("after the burst: %d connections in use, %d acquires waiting; want 0", st.InUse, st.Waiting)
	}
	// How many connections a burst opens depends on how fast each request
	// is (on a quiet machine one may serve them all); the bound must hold.
	if st.Total < 1 || st.Total > a.cfg.PoolMax {
		t.Errorf("pool opened %d connections, want between 1 and %d", st.Total, a.cfg.PoolMax)
	}
}

// TestPoolSaturationWarning holds both connections of a pool of two and wants
// the monitor's warning, then its recovery line once they are released.
func TestPoolSaturationWarning(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.PoolMax = 2 })
	ctx := t.Context()
	c1, err := a.store.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := a.store.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	warned := modelstest.Eventually(t, 2*time.Second, func() bool {
		return strings.Contains(a.logs.String(), `"level":"WARN","msg":"database pool near exhaustion"`)
	})
	if !warned {
		t.Fatalf("no pool warning logged; logs:\n%s", a.logs)
	}
	if !strings.Contains(a.logs.String(), `"in_use":2,"max":2`) {
		t.Errorf("the warning does not give the figures: %s", a.logs)
	}
	c1.Release()
	c2.Release()
	recovered := modelstest.Eventually(t, 2*time.Second, func() bool {
		return strings.Contains(a.logs.String(), `"msg":"database pool recovered"`)
	})
	if !recovered {
		t.Fatalf("no recovery logged; logs:\n%s", a.logs)
	}
	if n := strings.Count(a.logs.String(), "database pool near exhaustion"); n != 1 {
		t.Errorf("warned %d times for one episode, want once", n)
	}
}
