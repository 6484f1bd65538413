package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/weekoffs/weekoffs/models"
)

func TestIssueToken(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	a.user("asha@example.com", models.RoleEmployee)

	t.Run("OK", func(t *testing.T) {
		res := a.do(call{method: http.MethodPost, path: "/auth/token", body: "username=Asha@Example.com&password=password1", contentType: formType})
		wantStatus(t, res, http.StatusOK)
		var out struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			ExpiresIn   int    `json:"expires_in"`
		}
		decode(t, res, &out)
		if out.AccessToken == "" || out.TokenType != "bearer" || out.ExpiresIn != 3600 {
			t.Fatalf("got %+v", out)
		}
		me := a.json(http.MethodGet, "/me", out.AccessToken, nil)
		wantStatus(t, me, http.StatusOK)
	})
	for name, body := range map[string]string{
		"WrongPassword": "username=asha@example.com&password=password2",
		"UnknownEmail":  "username=nobody@example.com&password=password1",
	} {
		t.Run(name, func(t *testing.T) {
			res := a.do(call{method: http.MethodPost, path: "/auth/token", body: body, contentType: formType})
			wantStatus(t, res, http.StatusUnauthorized)
			if got := detailOf(t, res); got != "Incorrect email or password" {
				t.Errorf("detail: got %v", got)
			}
		})
	}
	t.Run("Deactivated", func(t *testing.T) {
		gone := a.user("gone@example.com", models.RoleEmployee)
		if _, err := a.store.UpdateUser(t.Context(), gone.ID, models.UserInput{IsActive: new(false)}, 0); err != nil {
			t.Fatal(err)
		}
		res := a.signIn("gone@example.com", "password1", "")
		wantStatus(t, res, http.StatusForbidden)
		if got := detailOf(t, res); got != "This account is deactivated; ask an administrator" {
			t.Errorf("detail: got %v", got)
		}
		// A wrong password tells nothing of the account.
		res = a.signIn("gone@example.com", "password2", "")
		wantStatus(t, res, http.StatusUnauthorized)
		if got := detailOf(t, res); got != "Incorrect email or password" {
			t.Errorf("detail for a wrong password: got %v", got)
		}
	})
	t.Run("MissingFields", func(t *testing.T) {
		res := a.do(call{method: http.MethodPost, path: "/auth/token", body: "username=asha@example.com", contentType: formType})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body.String(), `"loc":["body","password"]`) {
			t.Errorf("body %s does not locate the missing password", res.Body)
		}
	})
}

func TestBearerAuthentication(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	a.user("asha@example.com", models.RoleEmployee)
	inactive, goneToken := a.userWithToken("gone@example.com", models.RoleEmployee)
	if _, err := a.store.UpdateUser(t.Context(), inactive.ID, models.UserInput{IsActive: new(false)}, 0); err != nil {
		t.Fatal(err)
	}

	sign := func(method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(method, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	secret := []byte(a.cfg.SecretKey)
	exp := time.Now().Add(time.Hour).Unix()

	t.Run("PythonServiceToken", func(t *testing.T) {
		// python-jose and PyJWT mint exactly this: HS256, sub and a numeric exp.
		tok := sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "asha@example.com", "exp": exp})
		wantStatus(t, a.json(http.MethodGet, "/me", tok, nil), http.StatusOK)
	})

	bad := map[string]string{
		"NoToken":        "",
		"Garbage":        "not-a-jwt",
		"WrongSignature": sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-1234"), jwt.MapClaims{"sub": "asha@example.com", "exp": exp}),
		"Expired":        sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "asha@example.com", "exp": time.Now().Add(-time.Hour).Unix()}),
		"NoExpiry":       sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "asha@example.com"}),
		"NoSubject":      sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"exp": exp}),
		"AlgNone":        sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, jwt.MapClaims{"sub": "asha@example.com", "exp": exp}),
		"WrongAlgorithm": sign(jwt.SigningMethodHS512, secret, jwt.MapClaims{"sub": "asha@example.com", "exp": exp}),
		"UnknownUser":    sign(jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "nobody@example.com", "exp": exp}),
		"InactiveUser":   goneToken,
	}
	for name, tok := range bad {
		t.Run(name, func(t *testing.T) {
			// PUT /me/weekoffs signs in within its write: it must refuse
			// the same tokens, even when its body is refused as well.
			for _, res := range []*httptest.ResponseRecorder{
				a.json(http.MethodGet, "/me", tok, nil),
				a.json(http.MethodPut, "/me/weekoffs", tok, `{"weekoffs":["friday"]}`),
				a.json(http.MethodPut, "/me/weekoffs", tok, `{"weekoffs":["someday"]}`),
			} {
				wantStatus(t, res, http.StatusUnauthorized)
				if got := detailOf(t, res); got != "Not authenticated" {
					t.Errorf("detail: got %v", got)
				}
				if got := res.Header().Get("WWW-Authenticate"); got != "Bearer" {
					t.Errorf("WWW-Authenticate: got %q, want Bearer", got)
				}
			}
		})
	}
	after, err := a.store.UserByID(t.Context(), inactive.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != inactive.Version+1 || len(after.Weekoffs) != len(inactive.Weekoffs) {
		t.Errorf("the inactive user's token changed them: version %d → %d, days %v → %v", inactive.Version, after.Version, inactive.Weekoffs, after.Weekoffs)
	}
}

func TestAdminOnly(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	emp, tok := a.userWithToken("emp@example.com", models.RoleEmployee)
	id := "/admin/users/" + itoa(emp.ID)
	for _, r := range []struct{ method, path, body string }{
		{http.MethodGet, "/admin/users/", ""},
		{http.MethodPost, "/admin/users/", `{"email":"x@example.com","full_name":"X","role":"admin","password":"password1"}`},
		{http.MethodGet, id, ""},
		{http.MethodPatch, id, `{"role":"admin"}`},
	} {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			var body any
			if r.body != "" {
				body = r.body
			}
			res := a.json(r.method, r.path, tok, body)
			wantStatus(t, res, http.StatusForbidden)
			if got := detailOf(t, res); got != "Admin privileges required" {
				t.Errorf("detail: got %v", got)
			}
			wantStatus(t, a.json(r.method, r.path, "", body), http.StatusUnauthorized)
		})
	}
	if u, _ := a.store.UserByID(t.Context(), emp.ID); u.Role != models.RoleEmployee {
		t.Errorf("the employee promoted themselves: role %s", u.Role)
	}
}
