package web_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// browserAccept is what Chromium sends when it loads a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

// visitor is a browser without a browser: it sends what a browser sends for
// pages and forms, and keeps the cookies it is given.
type visitor struct {
	t       testing.TB
	a       *app
	cookies map[string]*http.Cookie
	// header is added to every request (Sec-Fetch-Site, Origin, …).
	header http.Header
}

func (a *app) visitor() *visitor {
	return &visitor{t: a.t, a: a, cookies: map[string]*http.Cookie{}, header: http.Header{}}
}

// signedIn is a visitor signed in as u by a session cookie that the
// server's own sign-in code mints, without the form.
func (a *app) signedIn(u *models.User) *visitor {
	a.t.Helper()
	cookie, err := a.server.SessionCookieFor(a.t.Context(), u.ID)
	if err != nil {
		a.t.Fatalf("session cookie for %s: %v", u.Email, err)
	}
	v := a.visitor()
	v.cookies[cookie.Name] = cookie
	return v
}

// get loads a page.
func (v *visitor) get(path string) *httptest.ResponseRecorder {
	v.t.Helper()
	return v.send(http.MethodGet, path, nil)
}

// post sends a form as a browser does from a page of the app itself.
func (v *visitor) post(path string, form url.Values) *httptest.ResponseRecorder {
	v.t.Helper()
	return v.send(http.MethodPost, path, form) // a nil form is sent as an empty one
}

// send makes the request through a.do with what a browser adds (its
// Accept, for a post its Origin and Sec-Fetch-Site, its cookies), then
// keeps the cookies the response sets and forgets those it deletes.
func (v *visitor) send(method, path string, body any) *httptest.ResponseRecorder {
	v.t.Helper()
	header := http.Header{"Accept": {browserAccept}}
	if method == http.MethodPost {
		header.Set("Origin", "http://example.com") // httptest's Host
		header.Set("Sec-Fetch-Site", "same-origin")
	}
	maps.Copy(header, v.header)
	rec := v.a.do(call{method: method, path: path, body: body, header: header, cookies: slices.Collect(maps.Values(v.cookies))})
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(v.cookies, c.Name)
		} else {
			v.cookies[c.Name] = c
		}
	}
	return rec
}

// signIn signs in through the form and fails the test unless it worked.
func (v *visitor) signIn(email, password string) {
	v.t.Helper()
	res := v.post("/login", url.Values{"email": {email}, "password": {password}})
	if res.Code != http.StatusSeeOther {
		v.t.Fatalf("sign in %s: status %d: %s", email, res.Code, res.Body)
	}
}

// clone is a second browser holding copies of this one's cookies, as a
// stolen or copied cookie would be.
func (v *visitor) clone() *visitor {
	w := v.a.visitor()
	for k, c := range v.cookies {
		copied := *c
		w.cookies[k] = &copied
	}
	return w
}

// wantRedirect fails unless the response redirects with 303 to location.
func wantRedirect(t testing.TB, res *httptest.ResponseRecorder, location string) {
	t.Helper()
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != location {
		t.Fatalf("got %d to %q, want 303 to %q", res.Code, res.Header().Get("Location"), location)
	}
}

// wantBody fails unless the body holds every one of the texts.
func wantBody(t testing.TB, res *httptest.ResponseRecorder, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(res.Body.String(), s) {
			t.Errorf("body lacks %q", s)
		}
	}
}
