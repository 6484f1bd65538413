package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// TestNoSecretsInLogsOrResponses signs in, fails to sign in, changes and sets
// passwords through every door, makes the database fail a request, and then
// searches every response and the whole log for secrets and internals.
func TestNoSecretsInLogsOrResponses(t *testing.T) {
	t.Parallel()
	a, _, adminTok := newAdminApp(t)
	emp := a.user("emp@example.com", models.RoleEmployee)
	var bodies strings.Builder
	keep := func(code int, body string) { bodies.WriteString(body) }

	res := a.do(call{method: http.MethodPost, path: "/auth/token", body: "username=emp@example.com&password=Wrong-Secret-1", contentType: formType})
	keep(res.Code, res.Body.String())
	for _, r := range []struct{ method, path, body string }{
		{"PUT", "/me/password", `{"current_password":"password1","new_password":"Changed-Secret-2"}`},
		{"POST", "/admin/users", `{"email":"n@example.com","full_name":"N","role":"employee","password":"Created-Secret-3"}`},
		{"PATCH", "/admin/users/" + itoa(emp.ID), `{"password":"Patched-Secret-4"}`},
		{"GET", "/admin/users?q=" + url.QueryEscape("' OR 1=1; DROP TABLE users; --"), ""},
		{"GET", "/admin/users?cursor=" + url.QueryEscape("eyJzIjoibmFtZSIsInYiOiInIE9SIDE9MSAtLSIsImlkIjoxfQ"), ""},
		{"GET", "/health", ""},
	} {
		var body any
		if r.body != "" {
			body = r.body
		}
		res := a.json(r.method, r.path, adminTok, body)
		keep(res.Code, res.Body.String())
	}
	v := a.visitor()
	keep(0, v.post("/login", url.Values{"email": {"emp@example.com"}, "password": {"Form-Wrong-Secret-5"}}).Body.String())
	v.signIn("emp@example.com", "Patched-Secret-4")
	keep(0, v.post("/me/password", url.Values{"current_password": {"Patched-Secret-4"}, "new_password": {"Form-Secret-6"}}).Body.String())

	// A failing database: the history table refuses rows, so the write fails.
	if _, err := a.store.Pool().Exec(t.Context(), "ALTER TABLE user_history ADD CONSTRAINT refuse CHECK (false) NOT VALID"); err != nil {
		t.Fatal(err)
	}
	res = a.json(http.MethodPatch, "/admin/users/"+itoa(emp.ID), adminTok, `{"role":"admin"}`)
	keep(res.Code, res.Body.String())
	if res.Code != http.StatusInternalServerError {
		t.Fatalf("the forced failure answered %d", res.Code)
	}

	stored, _ := a.store.UserByID(t.Context(), emp.ID)
	secrets := []string{"password1", "Wrong-Secret-1", "Changed-Secret-2", "Created-Secret-3", "Patched-Secret-4",
		"Form-Wrong-Secret-5", "Form-Secret-6", adminTok, stored.PasswordHash, "$2a$", "pgtdbpass", a.cfg.SecretKey}
	logs := a.logs.String()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain the secret %.12q…", s)
		}
		if strings.Contains(bodies.String(), s) {
			t.Errorf("a response contains the secret %.12q…", s)
		}
	}
	for _, internal := range []string{"goroutine ", ".go:", "SELECT ", "INSERT ", "UPDATE ", "pq:", "SQLSTATE", "refuse"} {
		if strings.Contains(bodies.String(), internal) {
			t.Errorf("a response shows internals: %q", internal)
		}
	}
	if !strings.Contains(logs, `"level":"ERROR"`) {
		t.Error("the forced failure was not logged")
	}
}
