package web_test

import (
	"net/http"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// BenchmarkUsersPage draws the admin users page over 100,000 seeded users:
// the list (keyset page and capped count) with the chart, whose counts are
// read from the ledger the database keeps; FirstPageGzip is the first page
// compressed, as browsers ask for it.
func BenchmarkUsersPage(b *testing.B) {
	a := newApp(b, nil)
	if _, err := a.store.Seed(b.Context(), 100_000, "password1", nil); err != nil {
		b.Fatal(err)
	}
	v := a.visitor()
	v.signIn(models.SeedAdminEmail, "password1")
	for _, bc := range []struct {
		name, path, encoding string
	}{
		{"FirstPage", "/admin/users", ""},
		{"FirstPageGzip", "/admin/users", "gzip, deflate, br"},
		{"Friday", "/admin/users?weekoff=friday&sort=-created", ""},
		{"Search", "/admin/users?q=asha", ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			v.header.Del("Accept-Encoding")
			if bc.encoding != "" {
				v.header.Set("Accept-Encoding", bc.encoding)
			}
			b.ReportAllocs()
			for b.Loop() {
				res := v.get(bc.path)
				if res.Code != http.StatusOK {
					b.Fatalf("status %d", res.Code)
				}
				b.ReportMetric(float64(res.Body.Len()), "body-B/op")
			}
		})
	}
}
