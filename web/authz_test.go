package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// TestAuthorizationMatrix tries every route as each kind of caller and
// wants exactly the expected status: anonymous, the employee whose record
// the admin routes name ("self"), another employee, an admin, and a user
// deactivated after signing in. Nobody but an admin reads or changes
// another user.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	self := a.user("self@example.com", models.RoleEmployee, "sun")
	gone := a.user("gone@example.com", models.RoleEmployee)
	users := map[string]*models.User{
		"self": self, "other": a.user("other@example.com", models.RoleEmployee),
		"admin": a.user("admin@example.com", models.RoleAdmin), "inactive": gone,
	}

	callers := []string{"anonymous", "self", "other", "admin", "inactive"}
	tokens := map[string]string{"anonymous": ""}
	browsers := map[string]*visitor{"anonymous": a.visitor()}
	for name, u := range users {
		tokens[name] = a.token(u.Email, "password1")
		browsers[name] = a.signedIn(u)
	}
	if _, err := a.store.UpdateUser(t.Context(), gone.ID, models.UserInput{IsActive: new(false)}, 0); err != nil {
		t.Fatal(err)
	}
	selfPath := "/admin/users/" + itoa(self.ID)

	// Statuses in the order of callers.
	const (
		ok, created, noContent, seeOther = 200, 201, 204, 303
		bad, unauth, forbidden, invalid  = 400, 401, 403, 422
	)
	jsonRoutes := []struct {
		method, path, body string
		want               [5]int
	}{
		{"GET", "/health", "", [5]int{ok, ok, ok, ok, ok}},
		{"GET", "/me", "", [5]int{unauth, ok, ok, ok, unauth}},
		{"PUT", "/me/weekoffs", `{"weekoffs":["mon","funday"]}`, [5]int{unauth, invalid, invalid, invalid, unauth}},
		{"PUT", "/me/password", `{"current_password":"not-it-at-all","new_password":"whatever-123"}`, [5]int{unauth, bad, bad, bad, unauth}},
		{"GET", "/admin/users", "", [5]int{unauth, forbidden, forbidden, ok, unauth}},
		{"POST", "/admin/users", `{}`, [5]int{unauth, forbidden, forbidden, invalid, unauth}},
		{"GET", selfPath, "", [5]int{unauth, forbidden, forbidden, ok, unauth}},
		{"PATCH", selfPath, `{"full_name":"Changed By Someone"}`, [5]int{unauth, forbidden, forbidden, ok, unauth}},
		{"GET", selfPath + "/history", "", [5]int{unauth, forbidden, forbidden, ok, unauth}},
	}
	for _, r := range jsonRoutes {
		for i, who := range callers {
			t.Run("JSON "+r.method+" "+r.path+" as "+who, func(t *testing.T) {
				var body any
				if r.body != "" {
					body = r.body
				}
				if got := a.json(r.method, r.path, tokens[who], body).Code; got != r.want[i] {
					t.Errorf("got %d, want %d", got, r.want[i])
				}
			})
		}
	}

	pageRoutes := []struct {
		method, path string
		form         url.Values
		want         [5]int
	}{
		{"GET", "/me", nil, [5]int{seeOther, ok, ok, ok, seeOther}},
		// A refused form of /me is shown again by a redirect to /me; anyone else goes to sign in.
		{"POST", "/me/weekoffs", url.Values{"weekoffs": {"mon", "tue", "wed"}}, [5]int{seeOther, seeOther, seeOther, seeOther, seeOther}},
		{"GET", "/admin/users", nil, [5]int{seeOther, forbidden, forbidden, ok, seeOther}},
		{"GET", "/admin/users/new", nil, [5]int{seeOther, forbidden, forbidden, ok, seeOther}},
		{"POST", "/admin/users", url.Values{"email": {"new@example.com"}}, [5]int{seeOther, forbidden, forbidden, invalid, seeOther}},
		{"GET", selfPath, nil, [5]int{seeOther, forbidden, forbidden, ok, seeOther}},
		{"POST", selfPath, url.Values{"full_name": {""}, "role": {"admin"}}, [5]int{seeOther, forbidden, forbidden, invalid, seeOther}},
	}
	for _, r := range pageRoutes {
		for i, who := range callers {
			t.Run("page "+r.method+" "+r.path+" as "+who, func(t *testing.T) {
				v := browsers[who]
				var res interface{ Result() *http.Response }
				if r.method == "GET" {
					res = v.get(r.path)
				} else {
					res = v.post(r.path, r.form)
				}
				got := res.Result()
				if got.StatusCode != r.want[i] {
					t.Errorf("got %d, want %d", got.StatusCode, r.want[i])
				}
				toLogin := got.Header.Get("Location") == "/login" || strings.HasPrefix(got.Header.Get("Location"), "/login?next=")
				if signedOut := who == "anonymous" || who == "inactive"; got.StatusCode == seeOther && signedOut != toLogin {
					t.Errorf("redirected to %q; want the sign-in page exactly when signed out", got.Header.Get("Location"))
				}
			})
		}
	}

	// Only the admin's PATCH changed anything about "self".
	after, _ := a.store.UserByID(t.Context(), self.ID)
	if after.FullName != "Changed By Someone" || after.Role != models.RoleEmployee || after.Weekoffs.Strings()[0] != "sunday" {
		t.Errorf("self after the matrix: %+v", after)
	}
	if _, err := a.store.UserByEmail(t.Context(), "new@example.com"); err == nil {
		t.Error("a refused create wrote a user")
	}
}
