package web_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	for _, path := range []string{"/health", "/me", "/no/such/page", "/static/css/site.css"} {
		res := a.json(http.MethodGet, path, "", nil)
		h := res.Header()
		csp := map[string]string{}
		for _, d := range strings.Split(h.Get("Content-Security-Policy"), ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
			csp[name] = value
		}
		if csp["script-src"] != "'self'" || csp["style-src"] != "'self'" || csp["default-src"] != "'self'" {
			t.Errorf("%s: CSP %v must allow scripts from this site only, none inline", path, csp)
		}
		if csp["frame-ancestors"] != "'none'" {
			t.Errorf("%s: CSP %v must forbid framing", path, csp)
		}
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s: got %q, want %q", path, name, got, want)
			}
		}
	}
}
