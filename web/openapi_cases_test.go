package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

// TestOpenAPIResponses sends, through the harness, a request for every
// response that docs/openapi.yaml lists, so that each documented status is
// held against its schema and headers (conform checks every exchange) even
// where no other test reaches it. It fails too when the document gains a
// response that no case here produces.
func TestOpenAPIResponses(t *testing.T) {
	t.Parallel()
	up := newApp(t, nil)
	admin, adminTok := up.userWithToken("admin@example.com", models.RoleAdmin)
	emp, empTok := up.userWithToken("asha@example.com", models.RoleEmployee, "sat", "sun")
	_, patTok := up.userWithToken("pat@example.com", models.RoleEmployee)
	gone := up.user("gone@example.com", models.RoleEmployee)
	if _, err := up.store.UpdateUser(t.Context(), gone.ID, models.UserInput{IsActive: new(false)}, 0); err != nil {
		t.Fatal(err)
	}

	down := newApp(t, func(c *config.Config) { c.DatabaseURL = unreachableDatabase(t) })
	downTok, err := down.server.MintToken("asha@example.com")
	if err != nil {
		t.Fatal(err)
	}

	const form, js = "application/x-www-form-urlencoded", "application/json"
	tooLarge := `{"weekoffs":["` + strings.Repeat("x", 1<<20) + `"]}`
	empPath, adminPath := "/admin/users/"+itoa(emp.ID), "/admin/users/"+itoa(admin.ID)
	wrongPassword := openAPICase{up, "POST", "/auth/token", "", form, "username=asha@example.com&password=wrong-one", 401}
	cases := []openAPICase{
		{up, "GET", "/health", "", "", "", 200},
		{down, "GET", "/health", "", "", "", 503},

		{up, "POST", "/auth/token", "", form, "username=Asha@Example.com&password=password1&grant_type=password", 200},
		wrongPassword,
		{up, "POST", "/auth/token", "", form, "username=gone@example.com&password=password1", 403},
		{up, "POST", "/auth/token", "", form, "username=" + strings.Repeat("a", 1<<20), 413},
		{up, "POST", "/auth/token", "", form, "username=asha@example.com", 422},
		{down, "POST", "/auth/token", "", form, "username=asha@example.com&password=password1", 503},

		{up, "GET", "/me", empTok, "", "", 200},
		{up, "GET", "/me/", "not-a-token", "", "", 401},
		{down, "GET", "/me", downTok, "", "", 503},

		{up, "PUT", "/me/weekoffs", empTok, js, `{"weekoffs":["Fri","sunday"]}`, 200},
		{up, "PUT", "/me/weekoffs", "", js, `{"weekoffs":[]}`, 401},
		{up, "PUT", "/me/weekoffs", empTok, js, tooLarge, 413},
		{up, "PUT", "/me/weekoffs", empTok, js, `{"weekoffs":["funday"],"extra":1}`, 422},
		{down, "PUT", "/me/weekoffs", downTok, js, `{"weekoffs":[]}`, 503},

		{up, "PUT", "/me/password", patTok, js, `{"current_password":"wrong-one","new_password":"new-password"}`, 400},
		{up, "PUT", "/me/password", "", js, `{"current_password":"password1","new_password":"new-password"}`, 401},
		{up, "PUT", "/me/password", patTok, js, tooLarge, 413},
		{up, "PUT", "/me/password", patTok, js, `{"current_password":"password1","new_password":"short"}`, 422},
		{down, "PUT", "/me/password", downTok, js, `{"current_password":"password1","new_password":"new-password"}`, 503},
		{up, "PUT", "/me/password", patTok, js, `{"current_password":"password1","new_password":"new-password"}`, 204},

		{up, "GET", "/admin/users?limit=1&sort=-created&role=employee&weekoff=SAT&q=asha", adminTok, "", "", 200},
		{up, "GET", "/admin/users/", "", "", "", 401},
		{up, "GET", "/admin/users", empTok, "", "", 403},
		{up, "GET", "/admin/users?limit=0&sort=age", adminTok, "", "", 422},
		{down, "GET", "/admin/users", downTok, "", "", 503},

		{up, "POST", "/admin/users/", adminTok, js, `{"email":"New@Example.com","full_name":"New Person","role":"employee","password":"at-least-8-chars","weekoffs":["fri"]}`, 201},
		{up, "POST", "/admin/users", "", js, `{}`, 401},
		{up, "POST", "/admin/users", empTok, js, `{}`, 403},
		{up, "POST", "/admin/users", adminTok, js, `{"email":"NEW@example.com","full_name":"Again","role":"employee","password":"password1"}`, 409},
		{up, "POST", "/admin/users", adminTok, js, tooLarge, 413},
		{up, "POST", "/admin/users", adminTok, js, `{"email":"x@example.com"}`, 422},
		{down, "POST", "/admin/users", downTok, js, `{}`, 503},

		{up, "GET", empPath, adminTok, "", "", 200},
		{up, "GET", empPath, "", "", "", 401},
		{up, "GET", empPath, empTok, "", "", 403},
		{up, "GET", "/admin/users/999999", adminTok, "", "", 404},
		{up, "GET", "/admin/users/abc", adminTok, "", "", 422},
		{down, "GET", "/admin/users/1", downTok, "", "", 503},

		{up, "PATCH", empPath, adminTok, js, `{"full_name":"Asha R.","weekoffs":["mon"],"is_active":true}`, 200},
		{up, "PATCH", empPath, "", js, `{}`, 401},
		{up, "PATCH", empPath, empTok, js, `{}`, 403},
		{up, "PATCH", "/admin/users/999999", adminTok, js, `{"full_name":"Nobody"}`, 404},
		{up, "PATCH", adminPath, adminTok, js, `{"role":"employee"}`, 409},
		{up, "PATCH", empPath, adminTok, js, tooLarge, 413},
		{up, "PATCH", empPath, adminTok, js, `{"email":"other@example.com"}`, 422},
		{down, "PATCH", "/admin/users/1", downTok, js, `{}`, 503},

		{up, "GET", empPath + "/history", adminTok, "", "", 200},
		{up, "GET", empPath + "/history", "", "", "", 401},
		{up, "GET", empPath + "/history", empTok, "", "", 403},
		{up, "GET", "/admin/users/999999/history", adminTok, "", "", 404},
		{up, "GET", "/admin/users/0/history", adminTok, "", "", 422},
		{down, "GET", "/admin/users/1/history", downTok, "", "", 503},

		{up, "POST", "/admin/teams", adminTok, js, `{"name":"Support","min_on_duty":2}`, 201},
		{up, "POST", "/admin/teams", adminTok, js, `{"name":"Empty"}`, 201},
		{up, "POST", "/admin/teams", "", js, `{}`, 401},
		{up, "POST", "/admin/teams", empTok, js, `{}`, 403},
		{up, "POST", "/admin/teams", adminTok, js, `{"name":"SUPPORT"}`, 409},
		{up, "POST", "/admin/teams", adminTok, js, tooLarge, 413},
		{up, "POST", "/admin/teams", adminTok, js, `{"min_on_duty":-1}`, 422},
		{down, "POST", "/admin/teams", downTok, js, `{}`, 503},
		{up, "GET", "/admin/teams", adminTok, "", "", 200},
		{up, "GET", "/admin/teams", "", "", "", 401},
		{up, "GET", "/admin/teams", empTok, "", "", 403},
		{down, "GET", "/admin/teams", downTok, "", "", 503},
		{up, "GET", "/admin/teams/1", adminTok, "", "", 200},
		{up, "GET", "/admin/teams/1", "", "", "", 401},
		{up, "GET", "/admin/teams/1", empTok, "", "", 403},
		{up, "GET", "/admin/teams/999", adminTok, "", "", 404},
		{up, "GET", "/admin/teams/x", adminTok, "", "", 422},
		{down, "GET", "/admin/teams/1", downTok, "", "", 503},
		{up, "PATCH", "/admin/teams/1", adminTok, js, `{"name":"Customer support","min_on_duty":3}`, 200},
		{up, "PATCH", "/admin/teams/1", "", js, `{}`, 401},
		{up, "PATCH", "/admin/teams/1", empTok, js, `{}`, 403},
		{up, "PATCH", "/admin/teams/999", adminTok, js, `{"name":"Nobody"}`, 404},
		{up, "PATCH", "/admin/teams/1", adminTok, js, `{"name":"empty"}`, 409},
		{up, "PATCH", "/admin/teams/1", adminTok, js, tooLarge, 413},
		{up, "PATCH", "/admin/teams/1", adminTok, js, `{"name":""}`, 422},
		{down, "PATCH", "/admin/teams/1", downTok, js, `{}`, 503},
		{up, "PATCH", empPath, adminTok, js, `{"team_id":1}`, 200},
		{up, "DELETE", "/admin/teams/1", adminTok, "", "", 409},
		{up, "GET", "/admin/users?team=1", adminTok, "", "", 200},
		{up, "DELETE", "/admin/teams/2", adminTok, "", "", 204},
		{up, "DELETE", "/admin/teams/2", "", "", "", 401},
		{up, "DELETE", "/admin/teams/2", empTok, "", "", 403},
		{up, "DELETE", "/admin/teams/2", adminTok, "", "", 404},
		{up, "DELETE", "/admin/teams/0", adminTok, "", "", 422},
		{down, "DELETE", "/admin/teams/1", downTok, "", "", 503},

		{up, "GET", "/admin/organisation", adminTok, "", "", 200},
		{up, "GET", "/admin/organisation", "", "", "", 401},
		{up, "GET", "/admin/organisation", empTok, "", "", 403},
		{down, "GET", "/admin/organisation", downTok, "", "", 503},
		{up, "PATCH", "/admin/organisation", adminTok, js, `{"name":"Acme","timezone":"Asia/Kolkata","self_service":"direct","weekoffs_max":2}`, 200},
		{up, "PATCH", "/admin/organisation", "", js, `{}`, 401},
		{up, "PATCH", "/admin/organisation", empTok, js, `{}`, 403},
		{up, "PATCH", "/admin/organisation", adminTok, js, tooLarge, 413},
		{up, "PATCH", "/admin/organisation", adminTok, js, `{"timezone":"Mars/Olympus","weekoffs_max":9}`, 422},
		{down, "PATCH", "/admin/organisation", downTok, js, `{}`, 503},
	}
	// If-Match names a version the user has left behind, or is no strong tag.
	stale := map[string]openAPICase{
		`"1"`:    {up, "PUT", "/me/weekoffs", empTok, js, `{"weekoffs":["sat"]}`, 412},
		`"2"`:    {up, "PATCH", empPath, adminTok, js, `{"full_name":"Late Edit"}`, 412},
		`W/"99"`: {up, "PATCH", empPath, adminTok, js, `{"full_name":"Weak Tag"}`, 412},
	}

	// Last, as they lock the account out of signing in: failures up to the
	// throttle's burst, then one too many.
	for range 4 {
		cases = append(cases, wrongPassword)
	}
	cases = append(cases, openAPICase{up, "POST", "/auth/token", "", form, "username=asha@example.com&password=password1", 429})

	spec := mustOpenAPI(t)
	covered := map[string]bool{}
	check := func(c openAPICase, res *httptest.ResponseRecorder) {
		t.Helper()
		if res.Code != c.want {
			t.Errorf("%s %s: got %d, want %d; body %s", c.method, c.path, res.Code, c.want, truncate(res.Body.String(), 300))
		}
		req := httptest.NewRequest(c.method, strings.TrimSuffix(strings.SplitN(c.path, "?", 2)[0], "/"), nil)
		route, _, err := spec.router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s is not in the document: %v", c.method, c.path, err)
		}
		covered[fmt.Sprintf("%s %s %d", route.Method, route.Path, c.want)] = true
	}
	for _, c := range cases {
		check(c, c.send(nil))
	}
	for tag, c := range stale {
		check(c, c.send(http.Header{"If-Match": {tag}}))
	}
	// Bodies that stop short (400) or arrive too slowly (408), as a real
	// connection reports them (TestClientFaultsAreNotDatabaseOutages).
	cut := []openAPICase{
		{up, "POST", "/auth/token", "", form, "username=asha@", 0},
		{up, "PUT", "/me/weekoffs", empTok, js, `{"weekoffs":[`, 0},
		{up, "PUT", "/me/password", patTok, js, `{"current_pass`, 0},
		{up, "POST", "/admin/users", adminTok, js, `{"email":`, 0},
		{up, "PATCH", empPath, adminTok, js, `{"full_name":"Asha`, 0},
		{up, "POST", "/admin/teams", adminTok, js, `{"name":`, 0},
		{up, "PATCH", "/admin/teams/1", adminTok, js, `{"name":`, 0},
		{up, "PATCH", "/admin/organisation", adminTok, js, `{"name":`, 0},
	}
	for _, c := range cut {
		for fault, status := range map[error]int{io.ErrUnexpectedEOF: 400, os.ErrDeadlineExceeded: 408} {
			c.want = status
			check(c, c.a.do(call{method: c.method, path: c.path, token: c.token, body: c.in, contentType: c.ct, bodyErr: fault}))
		}
	}

	for path, item := range spec.doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status := range op.Responses.Map() {
				if key := method + " " + path + " " + status; !covered[key] {
					t.Errorf("no case produces the documented response %s", key)
				}
			}
		}
	}
}

// openAPICase is one exchange: a request to an app and the status it must get.
type openAPICase struct {
	a                           *app
	method, path, token, ct, in string
	want                        int
}

// send makes the request, with header added.
func (c openAPICase) send(header http.Header) *httptest.ResponseRecorder {
	return c.a.do(call{method: c.method, path: c.path, token: c.token, body: c.in, contentType: c.ct, header: header})
}

// unreachableDatabase returns a database URL on a port where nothing listens.
func unreachableDatabase(t *testing.T) string {
	return fmt.Sprintf("postgres://weekoffs:secret@127.0.0.1:%d/weekoffs?sslmode=disable&connect_timeout=1", freePort(t))
}
