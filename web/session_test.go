package web_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/web"
)

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		secure bool
		cookie string
	}{
		{"Development", false, "weekoffs_session"},
		{"Secure", true, "__Host-weekoffs_session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, func(c *config.Config) { c.CookieSecure = tc.secure })
			a.user("asha@example.com", models.RoleEmployee)
			v := a.visitor()
			res := v.post("/login", url.Values{"email": {"asha@example.com"}, "password": {"password1"}})
			wantRedirect(t, res, "/me")
			var c *http.Cookie
			for _, got := range res.Result().Cookies() {
				if got.Name == tc.cookie {
					c = got
				}
			}
			if c == nil {
				t.Fatalf("no %s cookie in %v", tc.cookie, res.Header().Values("Set-Cookie"))
			}
			_, absolute := a.server.SessionLifetimes()
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" ||
				c.Secure != tc.secure || c.MaxAge != int(absolute.Seconds()) {
				t.Errorf("cookie: got HttpOnly=%v SameSite=%v Path=%q Domain=%q Secure=%v MaxAge=%d, want HttpOnly, Lax, /, host-only, Secure=%v, MaxAge=%d",
					c.HttpOnly, c.SameSite, c.Path, c.Domain, c.Secure, c.MaxAge, tc.secure, int(absolute.Seconds()))
			}
			// Encrypted, not only signed: the value does not show its keys.
			// securecookie's value is base64("date|base64(value)|mac"); a
			// signed-only value would hold every key, while ciphertext
			// holds any three letters by chance now and then, so the
			// check is that not all of them are there. The mac is raw
			// bytes and may itself hold a "|", so only the first two split.
			raw, _ := base64.URLEncoding.DecodeString(c.Value)
			parts := strings.SplitN(string(raw), "|", 3)
			if len(parts) != 3 {
				t.Fatalf("cookie value: %d parts, want date|value|mac", len(parts))
			}
			inner, _ := base64.URLEncoding.DecodeString(parts[1])
			for _, text := range []string{string(raw), string(inner)} {
				if strings.Contains(text, "uid") && strings.Contains(text, "sid") && strings.Contains(text, "epoch") {
					t.Errorf("the cookie shows its keys (uid, sid, epoch) in the clear")
				}
			}
		})
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	a.user("admin@example.com", models.RoleAdmin)
	a.user("asha@example.com", models.RoleEmployee)
	gone := a.user("gone@example.com", models.RoleEmployee)
	if _, err := a.store.UpdateUser(t.Context(), gone.ID, models.UserInput{IsActive: new(false)}, 0); err != nil {
		t.Fatal(err)
	}

	t.Run("Form", func(t *testing.T) {
		res := a.visitor().get("/login?next=%2Fadmin%2Fusers")
		wantStatus(t, res, http.StatusOK)
		wantBody(t, res, `<label for="email">`, `<label for="password">`, `name="next" value="/admin/users"`)
	})
	t.Run("Refused", func(t *testing.T) {
		for _, tc := range []struct{ name, email, password string }{
			{"WrongPassword", "asha@example.com", "password2"},
			{"UnknownEmail", "nobody@example.com", "password1"},
			// Without its password nobody learns that a deactivated account exists.
			{"InactiveWrongPassword", "gone@example.com", "password2"},
		} {
			v := a.visitor()
			res := v.post("/login", url.Values{"email": {tc.email}, "password": {tc.password}})
			if res.Code != http.StatusUnauthorized || !strings.Contains(res.Body.String(), "Incorrect email or password") {
				t.Errorf("%s: got %d, want 401 with the one message", tc.name, res.Code)
			}
			if len(v.cookies) != 0 {
				t.Errorf("%s: a refused sign-in set a cookie", tc.name)
			}
		}
	})
	t.Run("Deactivated", func(t *testing.T) {
		v := a.visitor()
		res := v.post("/login", url.Values{"email": {"gone@example.com"}, "password": {"password1"}})
		wantStatus(t, res, http.StatusForbidden)
		wantBody(t, res, "This account is deactivated; ask an administrator", `value="gone@example.com"`, `<label for="password">`)
		if strings.Contains(res.Body.String(), "Incorrect email or password") || len(v.cookies) != 0 {
			t.Error("a deactivated account was told the generic message, or given a session")
		}
	})
	t.Run("Throttled", func(t *testing.T) {
		account, _ := web.SignInLimits()
		a.user("locked@example.com", models.RoleEmployee)
		v := a.visitor()
		for range account.Burst {
			wantStatus(t, v.post("/login", url.Values{"email": {"locked@example.com"}, "password": {"typo"}}), http.StatusUnauthorized)
		}
		res := v.post("/login", url.Values{"email": {"locked@example.com"}, "password": {"password1"}, "next": {"/admin/users/new"}})
		wantStatus(t, res, http.StatusTooManyRequests)
		// The form again, the email and next kept, with when to try again above it.
		wantBody(t, res, `value="locked@example.com"`, `name="next" value="/admin/users/new"`, `<label for="password">`)
		retry, err := strconv.Atoi(res.Header().Get("Retry-After"))
		if err != nil || retry < 1 {
			t.Fatalf("Retry-After: got %q", res.Header().Get("Retry-After"))
		}
		words := regexp.MustCompile(`Too many failed sign-in attempts\. Try again in (\d+) seconds?\.`).FindStringSubmatch(res.Body.String())
		if words == nil || words[1] != strconv.Itoa(retry) {
			t.Errorf("the page does not say to try again in %d seconds: %s", retry, res.Body)
		}
	})
	t.Run("Home", func(t *testing.T) {
		v := a.visitor()
		wantRedirect(t, v.post("/login", url.Values{"email": {"ADMIN@example.com "}, "password": {"password1"}}), "/admin/users")
		wantRedirect(t, v.get("/"), "/admin/users")
		wantRedirect(t, v.get("/login"), "/admin/users") // signed in already
	})
	t.Run("Next", func(t *testing.T) {
		for next, want := range map[string]string{
			"/me?x=1":               "/me?x=1",
			"//evil.example/me":     "/me",
			"https://evil.example/": "/me",
			`/\evil.example`:        "/me",
			"javascript:alert(1)":   "/me",
			"/login":                "/me",
			"me":                    "/me",
		} {
			res := a.visitor().post("/login", url.Values{"email": {"asha@example.com"}, "password": {"password1"}, "next": {next}})
			if got := res.Header().Get("Location"); got != want {
				t.Errorf("next=%q: went to %q, want %q", next, got, want)
			}
		}
	})
	t.Run("FreshSession", func(t *testing.T) {
		v := a.visitor()
		v.signIn("asha@example.com", "password1")
		_, first, _ := a.server.SessionOf(cookieRequest(v))
		v.signIn("admin@example.com", "password1")
		uid, second, ok := a.server.SessionOf(cookieRequest(v))
		if !ok || first == "" || second == first {
			t.Errorf("sign-in kept the session id %q", first)
		}
		if uid == 0 {
			t.Error("the new session has no user")
		}
	})
}

// cookieRequest is a request carrying the visitor's cookies.
func cookieRequest(v *visitor) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	for _, c := range v.cookies {
		req.AddCookie(c)
	}
	return req
}

func TestSessionEnds(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)

	t.Run("SignOut", func(t *testing.T) {
		u := a.user("so@example.com", models.RoleEmployee)
		v := a.signedIn(u)
		stolen := v.clone()
		wantRedirect(t, v.post("/logout", nil), "/login")
		res := v.get("/login")
		wantBody(t, res, "You have signed out.")
		wantRedirect(t, v.get("/me"), "/login?next=%2Fme")
		// A copy of the cookie taken before signing out is dead too.
		wantRedirect(t, stolen.get("/me"), "/login?next=%2Fme")
	})
	t.Run("PasswordChangeByForm", func(t *testing.T) {
		u := a.user("pw@example.com", models.RoleEmployee)
		here, there := a.signedIn(u), a.signedIn(u)
		res := here.post("/me/password", url.Values{"current_password": {"password1"}, "new_password": {"new-password-2"}})
		wantRedirect(t, res, "/me")
		wantStatus(t, here.get("/me"), http.StatusOK) // this session goes on
		wantRedirect(t, there.get("/me"), "/login?next=%2Fme")
	})
	t.Run("PasswordChangeByAPI", func(t *testing.T) {
		u := a.user("pw2@example.com", models.RoleEmployee)
		v := a.signedIn(u)
		res := a.json(http.MethodPut, "/me/password", a.token(u.Email, "password1"),
			map[string]string{"current_password": "password1", "new_password": "another-pass-3"})
		wantStatus(t, res, http.StatusNoContent)
		wantRedirect(t, v.get("/me"), "/login?next=%2Fme")
	})
	t.Run("Deactivated", func(t *testing.T) {
		u := a.user("deact@example.com", models.RoleEmployee)
		v := a.signedIn(u)
		if _, err := a.store.UpdateUser(t.Context(), u.ID, models.UserInput{IsActive: new(false)}, 0); err != nil {
			t.Fatal(err)
		}
		wantRedirect(t, v.get("/me"), "/login?next=%2Fme")
		// Reactivating does not bring the old session back.
		if _, err := a.store.UpdateUser(t.Context(), u.ID, models.UserInput{IsActive: new(true)}, 0); err != nil {
			t.Fatal(err)
		}
		wantRedirect(t, v.clone().get("/me"), "/login?next=%2Fme")
	})
	t.Run("TamperedCookie", func(t *testing.T) {
		u := a.user("tamper@example.com", models.RoleEmployee)
		v := a.signedIn(u)
		for _, c := range v.cookies {
			c.Value = c.Value[:len(c.Value)-4] + "AAAA"
		}
		wantRedirect(t, v.get("/me"), "/login?next=%2Fme")
	})
}

// TestSessionLifetimes steps the session clock over the idle and absolute
// lifetimes, the defaults (1 h, 12 h) and SESSION_IDLE and SESSION_ABSOLUTE
// set, and checks that the cookie lives as long as a session may.
func TestSessionLifetimes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name           string
		set            bool // SESSION_IDLE and SESSION_ABSOLUTE are idle and absolute; else the defaults are
		idle, absolute time.Duration
	}{
		{"Defaults", false, time.Hour, 12 * time.Hour},
		{"Set", true, 10 * time.Minute, 2 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, func(c *config.Config) {
				if tc.set {
					c.SessionIdle, c.SessionAbsolute = tc.idle, tc.absolute
				}
			})
			u := a.user("asha@example.com", models.RoleEmployee)
			now := time.Now()
			a.server.SetSessionClock(func() time.Time { return now })

			t.Run("Cookie", func(t *testing.T) {
				res := a.visitor().post("/login", url.Values{"email": {"asha@example.com"}, "password": {"password1"}})
				wantRedirect(t, res, "/me")
				if c := res.Result().Cookies(); len(c) != 1 || c[0].MaxAge != int(tc.absolute.Seconds()) {
					t.Errorf("cookies %v, want one whose Max-Age is %d", res.Header().Values("Set-Cookie"), int(tc.absolute.Seconds()))
				}
			})
			t.Run("Idle", func(t *testing.T) {
				v := a.signedIn(u)
				now = now.Add(tc.idle - time.Minute)
				wantStatus(t, v.get("/me"), http.StatusOK) // and the idle deadline moves on
				now = now.Add(tc.idle - time.Minute)
				wantStatus(t, v.get("/me"), http.StatusOK)
				now = now.Add(tc.idle + time.Second)
				wantRedirect(t, v.get("/me"), "/login?next=%2Fme")
			})
			t.Run("Absolute", func(t *testing.T) {
				v := a.signedIn(u)
				start := now
				for now.Sub(start) < tc.absolute-tc.idle/2 {
					now = now.Add(tc.idle / 2)
					wantStatus(t, v.get("/me"), http.StatusOK)
				}
				now = start.Add(tc.absolute + time.Second)
				wantRedirect(t, v.get("/me"), "/login?next=%2Fme")
			})
		})
	}
}

func TestCrossOriginPosts(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u := a.user("asha@example.com", models.RoleEmployee, "sunday")
	v := a.signedIn(u)

	for _, tc := range []struct {
		name   string
		header http.Header
	}{
		{"CrossSite", http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"SameSiteOtherOrigin", http.Header{"Sec-Fetch-Site": {"same-site"}}},
		{"OriginOnly", http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evil := v.clone()
			evil.header = tc.header
			for _, path := range []string{"/me/weekoffs", "/login", "/logout", "/me/password"} {
				res := evil.post(path, url.Values{"weekoffs": {"monday"}, "email": {u.Email}, "password": {"password1"}})
				if res.Code != http.StatusForbidden || !strings.Contains(res.Body.String(), "Request refused") {
					t.Errorf("POST %s: got %d, want 403 Request refused", path, res.Code)
				}
			}
			wantWeekoffs(t, a, u.ID, "sunday")
			wantStatus(t, v.get("/me"), http.StatusOK) // the refused sign-out ended nothing
		})
	}
}

// wantWeekoffs fails unless the database holds these week-offs for the user.
func wantWeekoffs(t *testing.T, a *app, id int64, days ...string) {
	t.Helper()
	u, err := a.store.UserByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(u.Weekoffs.Strings(), ","); got != strings.Join(days, ",") {
		t.Errorf("stored week-offs: got %q, want %q", got, strings.Join(days, ","))
	}
}
