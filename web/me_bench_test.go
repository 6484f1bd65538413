package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// BenchmarkGetMe is GET /me through the whole handler (middleware, JWT,
// the user query, JSON) without the network, for CPU profiles of the hot
// path: go test -run '^$' -bench GetMe -cpuprofile cpu.out ./web
func BenchmarkGetMe(b *testing.B) {
	a := newApp(b, nil)
	a.user("me@example.com", models.RoleEmployee, "sunday")
	tok := a.token("me@example.com", "password1")
	h := a.server.Handler()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
