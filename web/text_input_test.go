package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// notText are what PostgreSQL refuses in text: a NUL character, and bytes
// that are not UTF-8 (forms carry any bytes; JSON strings can only carry NUL).
var notText = map[string]string{"NUL": "\x00", "NotUTF8": "\xff\xfe"}

// TestTextInputsAreText sends a NUL character or bytes that are not UTF-8
// in every text input that reaches the database, through JSON and through
// the forms: each is refused as the client's mistake, naming the field (or,
// at sign-in, as a wrong password, and throttled like one), and none gets
// a 500 or logs an error.
func TestTextInputsAreText(t *testing.T) {
	t.Parallel()
	a, _, adminTok := newAdminApp(t)
	admin, err := a.store.UserByEmail(t.Context(), "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	emp := a.user("emp@example.com", models.RoleEmployee)
	empPath := "/admin/users/" + itoa(emp.ID)
	browser := a.signedIn(admin)

	t.Run("JSON", func(t *testing.T) {
		cases := []struct {
			name, method, path string
			body               map[string]any
			field              string
		}{
			{"CreateName", http.MethodPost, "/admin/users", map[string]any{"email": "n@example.com", "full_name": "N\x00N", "role": "employee", "password": "password1"}, "full_name"},
			{"CreateEmail", http.MethodPost, "/admin/users", map[string]any{"email": "n\x00@example.com", "full_name": "N", "role": "employee", "password": "password1"}, "email"},
			{"PatchName", http.MethodPatch, empPath, map[string]any{"full_name": "N\x00N"}, "full_name"},
			{"PatchRole", http.MethodPatch, empPath, map[string]any{"role": "admin\x00"}, "role"},
			{"PatchWeekoffs", http.MethodPatch, empPath, map[string]any{"weekoffs": []string{"mon\x00"}}, "weekoffs"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := a.json(tc.method, tc.path, adminTok, tc.body)
				wantStatus(t, res, http.StatusUnprocessableEntity)
				if !strings.Contains(res.Body.String(), `"loc":["body","`+tc.field+`"`) {
					t.Errorf("the 422 does not name %s: %s", tc.field, res.Body)
				}
			})
		}
	})

	t.Run("Forms", func(t *testing.T) {
		for kind, bad := range notText {
			cases := []struct {
				name, path string
				form       url.Values
				field      string
			}{
				{"Create" + kind, "/admin/users", url.Values{"email": {"f@example.com"}, "full_name": {"Asha " + bad + " Rao"}, "role": {"employee"}, "is_active": {"true"}, "password": {"password1"}}, "full_name"},
				{"CreateEmail" + kind, "/admin/users", url.Values{"email": {"f" + bad + "@example.com"}, "full_name": {"F"}, "role": {"employee"}, "is_active": {"true"}, "password": {"password1"}}, "email"},
				{"Update" + kind, empPath, url.Values{"full_name": {"Asha " + bad + " Rao"}, "role": {"employee"}, "is_active": {"true"}}, "full_name"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					res := browser.post(tc.path, tc.form)
					wantStatus(t, res, http.StatusUnprocessableEntity)
					wantBody(t, res, `id="`+tc.field+`-error"`)
				})
			}
		}
		stored, err := a.store.UserByID(t.Context(), emp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.FullName != emp.FullName || stored.Version != emp.Version {
			t.Errorf("the refused forms changed the user: %+v", stored)
		}
	})

	t.Run("SignIn", func(t *testing.T) {
		for kind, bad := range notText {
			t.Run("Token"+kind, func(t *testing.T) {
				from := "198.51.100." + map[string]string{"NUL": "1", "NotUTF8": "2"}[kind]
				for i := range 5 {
					res := a.signIn("admin"+bad+"@example.com", "password1", from)
					if res.Code != http.StatusUnauthorized || detailOf(t, res) != "Incorrect email or password" {
						t.Fatalf("attempt %d: got %d %s, want 401 as for a wrong password", i+1, res.Code, res.Body)
					}
				}
				wantStatus(t, a.signIn("admin"+bad+"@example.com", "password1", from), http.StatusTooManyRequests)
			})
			t.Run("Form"+kind, func(t *testing.T) {
				res := a.visitor().post("/login", url.Values{"email": {"form" + bad + "@example.com"}, "password": {"password1"}})
				wantStatus(t, res, http.StatusUnauthorized)
				wantBody(t, res, "Incorrect email or password")
			})
		}
	})

	noServerErrors(t, a)
	if logs := a.logs.String(); strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("an input that is not text logged an error")
	}
}
