package web_test

import (
	"net/http"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// BenchmarkGetMe is GET /me through the whole handler (middleware, JWT,
// the user query, JSON) without the network, logging at warn as `make
// bench` runs the server, for CPU profiles of the hot path:
//
//	go test -run '^$' -bench GetMe -cpuprofile cpu.out ./web
func BenchmarkGetMe(b *testing.B) {
	a := newApp(b, nil)
	a.user("me@example.com", models.RoleEmployee)
	get := call{method: http.MethodGet, path: "/me", token: a.token("me@example.com", "password1"),
		header: http.Header{"Accept": {"application/json"}}, want: http.StatusOK}
	b.ReportAllocs()
	for b.Loop() {
		a.do(get)
	}
}
