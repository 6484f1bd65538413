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
//
// Gzip asks as browsers do: the body is under the compressor's 1 KiB, so it
// measures what the compressor costs a small answer it leaves plain.
func BenchmarkGetMe(b *testing.B) {
	a := newApp(b, nil)
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
