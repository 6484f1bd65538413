package web

import (
	"net/url"
	"testing"
)

// FuzzListFrom: whatever a user page's from parameter holds, the way back
// is the list's own path on this site, and reading the query it yields
// again leads to the same place.
func FuzzListFrom(f *testing.F) {
	f.Add("q=rao&sort=-email&limit=25&start=26")
	f.Add("//evil.example/")
	f.Add("https://evil.example/x?q=1")
	f.Add("q=%zz")
	f.Add("next=/%2F%2Fevil.example&q=a")
	f.Add("/\\evil.example")
	f.Fuzz(func(t *testing.T, from string) {
		back, query := listFrom(from)
		u, err := url.Parse(back)
		if err != nil || u.Path != "/admin/users" || u.Host != "" || u.Scheme != "" || u.Opaque != "" || u.RawQuery != query {
			t.Fatalf("listFrom(%q) = %q, %q: not the list on this site", from, back, query)
		}
		if again, q := listFrom(query); again != back || q != query {
			t.Fatalf("listFrom(%q) = %q, %q; from its query again: %q, %q", from, back, query, again, q)
		}
	})
}
