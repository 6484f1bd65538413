package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestDocsPage checks the /docs page without a browser: it holds no inline
// script, the site's policy allows only this origin's scripts, and every
// asset it names is served.
func TestDocsPage(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	for _, path := range []string{"/docs", "/docs/"} {
		res := a.do(call{method: http.MethodGet, path: path})
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s: Content-Type: got %q, want text/html", path, ct)
		}
		if csp := res.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: Content-Security-Policy %q does not limit scripts to this origin", path, csp)
		}
	}

	page := a.do(call{method: http.MethodGet, path: "/docs"}).Body.String()
	scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1)
	if len(scripts) == 0 {
		t.Fatal("the page loads no script")
	}
	for _, tag := range scripts {
		if !strings.Contains(tag, ` src="/static/`) {
			t.Errorf("inline or foreign script %s: the CSP allows only this origin's script files", tag)
		}
	}
	assets := regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(page, -1)
	wantTypes := map[string]string{".js": "text/javascript", ".css": "text/css"}
	for _, m := range assets {
		url := strings.ReplaceAll(m[1], "&amp;", "&")
		res := a.do(call{method: http.MethodGet, path: url})
		wantStatus(t, res, http.StatusOK)
		name, _, _ := strings.Cut(url, "?")
		for ext, want := range wantTypes {
			if strings.HasSuffix(name, ext) && !strings.HasPrefix(res.Header().Get("Content-Type"), want) {
				t.Errorf("%s: Content-Type: got %q, want %s", url, res.Header().Get("Content-Type"), want)
			}
		}
		if res.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: a versioned asset should be cached for a year, got %q", url, res.Header().Get("Cache-Control"))
		}
	}
	if !strings.Contains(page, `data-openapi-url="/openapi.json"`) {
		t.Error("the page does not point Swagger UI at /openapi.json")
	}
}
