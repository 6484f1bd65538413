package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
)

const (
	msgSessionEnded = "Your session ended; sign in again to continue"
	msgSignIn       = "Sign in to continue"
	msgNotSaved     = "Your change was not saved because your session had ended; please make it again."
)

// TestFormAfterSessionEnded: a form sent after the session ended leads to
// the sign-in page, which says so, and back to the page it came from, which
// says that the change was not saved.
func TestFormAfterSessionEnded(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	admin := a.user("admin@example.com", models.RoleAdmin)
	asha := a.user("asha@example.com", models.RoleEmployee, "sunday")
	idle, _ := a.server.SessionLifetimes()
	now := time.Now()
	a.server.SetSessionClock(func() time.Time { return now })

	for _, tc := range []struct {
		name, path, referer string
		form                url.Values
		user                *models.User
		back                string // the page signing in returns to
	}{
		{"FromThePage", "/me/weekoffs", "http://example.com/me", url.Values{"weekoffs": {"monday"}, "version": {"1"}}, asha, "/me"},
		{"RefererWithQuery", "/admin/users/" + itoa(asha.ID), "http://example.com/admin/users/" + itoa(asha.ID) + "?from=list",
			url.Values{"full_name": {"Someone Else"}, "role": {"employee"}, "version": {"1"}}, admin, "/admin/users/" + itoa(asha.ID) + "?from=list"},
		{"RefererFromAnotherSite", "/me/password", "https://evil.example/admin/users",
			url.Values{"current_password": {"password1"}, "new_password": {"new-password-9"}}, asha, "/me"},
		{"NoReferer", "/admin/users", "", url.Values{"email": {"new@example.com"}}, admin, "/admin/users/new"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := a.signedIn(tc.user)
			now = now.Add(idle + time.Minute)
			v.header.Set("Referer", tc.referer)
			res := v.post(tc.path, tc.form)
			v.header.Del("Referer")
			login := res.Header().Get("Location")
			if res.Code != http.StatusSeeOther || !strings.HasPrefix(login, "/login?") {
				t.Fatalf("got %d to %q, want 303 to the sign-in page", res.Code, login)
			}
			page := v.get(login)
			wantStatus(t, page, http.StatusOK)
			wantBody(t, page, msgSessionEnded)

			form := hiddenFields(page)
			form.Set("email", tc.user.Email)
			form.Set("password", "password1")
			wantRedirect(t, v.post("/login", form), tc.back)
			back := v.get(tc.back)
			wantStatus(t, back, http.StatusOK)
			wantBody(t, back, msgNotSaved)
			// Said once: the note is not left behind for later pages.
			if strings.Contains(v.get(tc.back).Body.String(), msgNotSaved) {
				t.Error("the note is shown again on the next page")
			}
		})
	}
	stored, err := a.store.UserByID(t.Context(), asha.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.FullName != asha.FullName || stored.Version != asha.Version {
		t.Errorf("a form sent without a session changed the user: %+v", stored)
	}
	if _, err := a.store.Authenticate(t.Context(), asha.Email, "password1"); err != nil {
		t.Errorf("a password form sent without a session changed the password: %v", err)
	}
}

// TestDeepLinkWhileSignedOut: a page opened while signed out asks to sign in
// to continue, and goes there after signing in, with no note of a lost change.
func TestDeepLinkWhileSignedOut(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	a.user("admin@example.com", models.RoleAdmin)
	v := a.visitor()

	res := v.get("/admin/users?q=asha")
	wantRedirect(t, res, "/login?next=%2Fadmin%2Fusers%3Fq%3Dasha")
	page := v.get(res.Header().Get("Location"))
	wantBody(t, page, msgSignIn)
	if strings.Contains(page.Body.String(), msgSessionEnded) {
		t.Error("a visitor who had no session is told that it ended")
	}
	form := hiddenFields(page)
	form.Set("email", "admin@example.com")
	form.Set("password", "password1")
	wantRedirect(t, v.post("/login", form), "/admin/users?q=asha")
	if strings.Contains(v.get("/admin/users?q=asha").Body.String(), msgNotSaved) {
		t.Error("a deep link is told that a change was not saved")
	}

	// The sign-in page on its own says neither.
	plain := a.visitor().get("/login").Body.String()
	if strings.Contains(plain, msgSignIn) || strings.Contains(plain, msgSessionEnded) {
		t.Error("the plain sign-in page asks to continue something")
	}
}

// hiddenInput matches a hidden input as templ writes it.
var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

// hiddenFields are the hidden inputs of a page's forms, as a browser would
// send them back.
func hiddenFields(res *httptest.ResponseRecorder) url.Values {
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(res.Body.String(), -1) {
		form.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return form
}
