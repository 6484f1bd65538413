package web_test

import (
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
	"github.com/weekoffs/weekoffs/web"
)

// BenchmarkGetMe is GET /me through the whole handler (middleware, JWT,
// the user query, JSON) without the network, logging at warn, for CPU
// profiles of the hot path:
//
//	go test -run '^$' -bench GetMe -cpuprofile cpu.out ./web
//
// Gzip asks as browsers do: the body is under the compressor's 1 KiB, so it
// measures what the compressor costs a small answer it leaves plain.
func BenchmarkGetMe(b *testing.B) {
	a := newApp(b, nil)
	benchmarkGetMe(b, a)
}

// BenchmarkGetMeInfo is BenchmarkGetMe at LOG_LEVEL=info, the production
// default: a JSON request line per request, written to a file with a write
// per line as slog's handler does on its own. The difference from
// BenchmarkGetMe is what the request line costs.
func BenchmarkGetMeInfo(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "requests.log"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	cfg := modelstest.Config(b)
	log := slog.New(slog.NewJSONHandler(f, nil))
	store := modelstest.Open(b, cfg, log)
	server, err := web.NewServer(cfg, store, log)
	if err != nil {
		b.Fatal(err)
	}
	benchmarkGetMe(b, &app{t: b, cfg: cfg, store: store, server: server, logs: &modelstest.SyncBuffer{}})
}

func benchmarkGetMe(b *testing.B, a *app) {
	a.user("me@example.com", models.RoleEmployee)
	token := a.token("me@example.com", "password1")
	for _, bc := range []struct{ name, encoding string }{{"Plain", ""}, {"Gzip", "gzip, deflate, br"}} {
		b.Run(bc.name, func(b *testing.B) {
			header := http.Header{"Accept": {"application/json"}}
			if bc.encoding != "" {
				header.Set("Accept-Encoding", bc.encoding)
			}
			get := call{method: http.MethodGet, path: "/me", token: token, header: header, want: http.StatusOK}
			b.ReportAllocs()
			for b.Loop() {
				a.do(get)
			}
		})
	}
}

// BenchmarkPutWeekoffs is PUT /me/weekoffs through the whole handler,
// alternating two sets of days so that every write changes the user: the
// sign-in's user read, then the one-round-trip write (the schedule, its
// history, the user's state, the read back).
func BenchmarkPutWeekoffs(b *testing.B) {
	a := newApp(b, nil)
	a.user("me@example.com", models.RoleEmployee, "sun")
	token := a.token("me@example.com", "password1")
	bodies := []any{map[string]any{"weekoffs": []string{"saturday", "sunday"}}, map[string]any{"weekoffs": []string{"friday"}}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a.do(call{method: http.MethodPut, path: "/me/weekoffs", token: token, body: bodies[i%2], want: http.StatusOK})
		i++
	}
}
