package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

func TestPagesWithoutSession(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	v := a.visitor()
	for path, want := range map[string]string{
		"/":                           "/login",
		"/me":                         "/login?next=%2Fme",
		"/admin/users?q=a&role=admin": "/login?next=%2Fadmin%2Fusers%3Fq%3Da%26role%3Dadmin",
		"/admin/users/7":              "/login?next=%2Fadmin%2Fusers%2F7",
		"/admin/users/new":            "/login?next=%2Fadmin%2Fusers%2Fnew",
	} {
		wantRedirect(t, v.get(path), want)
	}
	// A form posted without a session goes to sign in, to come back to its
	// page with a note, and writes nothing.
	wantRedirect(t, v.post("/me/weekoffs", url.Values{"weekoffs": {"monday"}}), "/login?next=%2Fme&unsaved=1")
}

func TestContentNegotiation(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	for _, tc := range []struct {
		accept string
		html   bool
	}{
		{browserAccept, true},
		{"text/html", true},
		{"application/json;q=0.5, text/html", true},
		{"text/*", true},
		{"application/json", false},
		{"*/*", false},
		{"", false},
		{"text/html, application/json", false}, // a tie goes to JSON
		{"text/html;q=0.5, application/json", false},
		{"text/html;q=0.9, */*;q=1", false},
		{"application/xml", false},
	} {
		var accept http.Header
		if tc.accept != "" {
			accept = http.Header{"Accept": {tc.accept}}
		}
		res := a.do(call{method: http.MethodGet, path: "/me", header: accept})
		if got := res.Header().Get("Vary"); !strings.Contains(got, "Accept") {
			t.Errorf("Accept %q: Vary is %q, want Accept", tc.accept, got)
		}
		switch {
		case tc.html && res.Code != http.StatusSeeOther:
			t.Errorf("Accept %q: got %d, want the page's 303 to sign in", tc.accept, res.Code)
		case !tc.html && (res.Code != http.StatusUnauthorized || res.Header().Get("Content-Type") != "application/json; charset=utf-8"):
			t.Errorf("Accept %q: got %d %s, want the API's 401 JSON", tc.accept, res.Code, res.Header().Get("Content-Type"))
		}
	}
}

func TestMePage(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u := a.user("asha@example.com", models.RoleEmployee, "saturday", "sunday")
	v := a.signedIn(u)

	t.Run("Show", func(t *testing.T) {
		res := v.get("/me")
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type: got %q", ct)
		}
		if cc := res.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control: got %q, want no-store", cc)
		}
		wantBody(t, res, `value="saturday" checked`, `value="sunday" checked`, `action="/logout"`, "Person asha")
		if strings.Contains(res.Body.String(), `value="monday" checked`) {
			t.Error("Monday is checked")
		}
	})
	t.Run("Save", func(t *testing.T) {
		wantRedirect(t, v.post("/me/weekoffs", url.Values{"weekoffs": {"fri", "Saturday"}}), "/me")
		wantWeekoffs(t, a, u.ID, "friday", "saturday")
		wantBody(t, v.get("/me"), "Week-offs saved: Friday, Saturday.")
		if strings.Contains(v.get("/me").Body.String(), "Week-offs saved") {
			t.Error("the flash shows twice")
		}
	})
	t.Run("None", func(t *testing.T) {
		wantRedirect(t, v.post("/me/weekoffs", url.Values{}), "/me")
		wantWeekoffs(t, a, u.ID)
	})
	t.Run("TooManyDays", func(t *testing.T) {
		wantRedirect(t, v.post("/me/weekoffs", url.Values{"weekoffs": {"sunday"}}), "/me")
		res := v.refused("/me/weekoffs", url.Values{"weekoffs": {"monday", "tuesday", "wednesday"}})
		wantBody(t, res, `id="weekoffs-error"`, "Choose at most 2 week-off days, not 3", `value="tuesday" checked`)
		wantWeekoffs(t, a, u.ID, "sunday")
	})
	t.Run("UnknownDay", func(t *testing.T) {
		res := v.refused("/me/weekoffs", url.Values{"weekoffs": {"funday"}})
		wantBody(t, res, `id="weekoffs-error"`, "Choose days from the list")
		wantWeekoffs(t, a, u.ID, "sunday")
	})
	t.Run("StaleForm", func(t *testing.T) {
		res := v.refused("/me/weekoffs", url.Values{"weekoffs": {"monday"}, "version": {"1"}})
		wantBody(t, res, "changed elsewhere")
		wantWeekoffs(t, a, u.ID, "sunday")
	})
	t.Run("MalformedVersion", func(t *testing.T) {
		// A version no user can have is as stale as an old one, never a skipped check.
		for _, version := range []string{"abc", "0", "-3"} {
			res := v.refused("/me/weekoffs", url.Values{"weekoffs": {"monday"}, "version": {version}})
			wantBody(t, res, "changed elsewhere")
			wantWeekoffs(t, a, u.ID, "sunday")
		}
	})
	t.Run("PasswordErrors", func(t *testing.T) {
		res := v.refused("/me/password", url.Values{"current_password": {"wrong-one"}, "new_password": {"whatever-9"}})
		wantBody(t, res, `id="current_password-error"`, "Your current password is incorrect")
		res = v.refused("/me/password", url.Values{"current_password": {"password1"}, "new_password": {"short"}})
		wantBody(t, res, `id="new_password-error"`, "Password must be at least 8 characters")
		if _, err := a.store.Authenticate(t.Context(), u.Email, "password1"); err != nil {
			t.Errorf("the password changed: %v", err)
		}
	})
}

func TestAdminPages(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	admin := a.user("admin@example.com", models.RoleAdmin)
	emp := a.user("asha@example.com", models.RoleEmployee, "friday")
	a.user("omar@example.com", models.RoleEmployee, "friday", "saturday")
	v := a.signedIn(admin)

	t.Run("Forbidden", func(t *testing.T) {
		e := a.signedIn(emp)
		for _, path := range []string{"/admin/users", "/admin/users/new", "/admin/users/" + strconv.FormatInt(emp.ID, 10)} {
			res := e.get(path)
			wantStatus(t, res, http.StatusForbidden)
			wantBody(t, res, "Not allowed", "<!doctype html>")
		}
		res := e.post("/admin/users/"+strconv.FormatInt(emp.ID, 10), url.Values{"full_name": {"X"}, "role": {"admin"}, "is_active": {"true"}})
		wantStatus(t, res, http.StatusForbidden)
		if u, _ := a.store.UserByID(t.Context(), emp.ID); u.Role != models.RoleEmployee {
			t.Error("an employee made themselves admin")
		}
	})
	t.Run("List", func(t *testing.T) {
		res := v.get("/admin/users?weekoff=fri&sort=-email")
		wantStatus(t, res, http.StatusOK)
		wantBody(t, res, "2 users match", `aria-sort="descending"`)
		if got, want := emails(res), []string{"omar@example.com", "asha@example.com"}; !slices.Equal(got, want) {
			t.Errorf("emails listed: got %v, want %v (by email, descending)", got, want)
		}
		// The chart counts active employees: two off on Friday, one on Saturday.
		counts := chartCounts(res.Body.String())
		if counts["friday"] != "2" || counts["saturday"] != "1" || counts["monday"] != "0" || len(counts) != 7 {
			t.Errorf("chart: got %v, want friday 2, saturday 1, the rest 0", counts)
		}
	})
	t.Run("ChartFollowsWrites", func(t *testing.T) {
		before := chartCounts(v.get("/admin/users").Body.String())
		res := a.json(http.MethodPut, "/me/weekoffs", a.token(emp.Email, "password1"), map[string][]string{"weekoffs": {"monday"}})
		wantStatus(t, res, http.StatusOK)
		after := chartCounts(v.get("/admin/users").Body.String())
		if after["monday"] != "1" || after["friday"] != "1" || before["friday"] != "2" {
			t.Errorf("chart after a JSON write: got %v (before %v), want monday 1, friday 1", after, before)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		res := v.get("/admin/users?q=nobody-at-all")
		wantStatus(t, res, http.StatusOK)
		wantBody(t, res, "0 users match", `id="empty-state"`)
	})
	t.Run("BadFilter", func(t *testing.T) {
		res := v.get("/admin/users?weekoff=funday")
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, `id="weekoff-error"`, "Input should be a weekday")
	})
	t.Run("NotFound", func(t *testing.T) {
		for _, path := range []string{"/admin/users/999999", "/admin/users/abc", "/no/such/page"} {
			res := v.get(path)
			wantStatus(t, res, http.StatusNotFound)
			wantBody(t, res, "<!doctype html>")
		}
		res := a.json(http.MethodGet, "/no/such/page", "", nil)
		wantStatus(t, res, http.StatusNotFound)
		if detailOf(t, res) != "Not Found" {
			t.Errorf("JSON 404: got %s", res.Body)
		}
	})
	t.Run("Create", func(t *testing.T) {
		form := url.Values{"email": {"new@example.com"}, "full_name": {"New Person"}, "role": {"employee"},
			"is_active": {"true"}, "weekoffs": {"monday"}, "password": {"long-enough-1"}}
		res := v.post("/admin/users", form)
		if res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Header().Get("Location"), "/admin/users/") {
			t.Fatalf("create: got %d to %q", res.Code, res.Header().Get("Location"))
		}
		wantBody(t, v.get(res.Header().Get("Location")), "Created New Person.")
		res = v.post("/admin/users", form)
		wantStatus(t, res, http.StatusConflict)
		wantBody(t, res, `id="email-error"`, "already exists")
		res = v.post("/admin/users", url.Values{"email": {"bad"}, "full_name": {""}, "role": {"employee"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, `id="email-error"`, `id="full_name-error"`, `id="password-error"`)
	})
	t.Run("Edit", func(t *testing.T) {
		path := "/admin/users/" + strconv.FormatInt(emp.ID, 10)
		res := v.get(path)
		wantStatus(t, res, http.StatusOK)
		wantBody(t, res, `value="Person asha"`, `value="monday" checked`)
		res = v.post(path, url.Values{"full_name": {"Asha Rao"}, "role": {"employee"}, "is_active": {"true"}, "weekoffs": {"tue"}})
		wantRedirect(t, res, path)
		u, _ := a.store.UserByID(t.Context(), emp.ID)
		if u.FullName != "Asha Rao" || u.Weekoffs.Strings()[0] != "tuesday" || !u.IsActive {
			t.Errorf("stored: %+v", u)
		}
		// A form drawn from an older version is refused and shows the user as stored.
		res = v.post(path, url.Values{"full_name": {"Stale"}, "role": {"employee"}, "is_active": {"true"},
			"version": {strconv.Itoa(u.Version - 1)}})
		wantStatus(t, res, http.StatusConflict)
		wantBody(t, res, `id="error-summary"`, `value="Asha Rao"`)
		if again, _ := a.store.UserByID(t.Context(), emp.ID); again.FullName != "Asha Rao" {
			t.Errorf("a stale form was saved: %q", again.FullName)
		}
	})
	t.Run("LastAdmin", func(t *testing.T) {
		path := "/admin/users/" + strconv.FormatInt(admin.ID, 10)
		res := v.post(path, url.Values{"full_name": {"Admin"}, "role": {"employee"}, "is_active": {"true"}, "confirm_self_demotion": {"yes"}})
		wantStatus(t, res, http.StatusConflict)
		wantBody(t, res, `id="error-summary"`, "last active admin")
		if u, _ := a.store.UserByID(t.Context(), admin.ID); u.Role != models.RoleAdmin || u.FullName == "Admin" {
			t.Errorf("the last admin changed: %+v", u)
		}
	})
}

// chartCounts reads the numbers the chart writes beside its bars, by day.
func chartCounts(body string) map[string]string {
	out := map[string]string{}
	for _, m := range chartNumber.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

var chartNumber = regexp.MustCompile(`data-day="(\w+)".*?<text class="n"[^>]*>([\d,]+)</text>`)

func TestEscaping(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	const evil = `<script>alert(1)</script>`
	admin := a.user("admin@example.com", models.RoleAdmin)
	name, role, pw, email := evil, "employee", "password1", "evil@example.com"
	u, err := a.store.CreateUser(t.Context(), models.UserInput{Email: &email, FullName: &name, Role: &role, Password: &pw})
	if err != nil {
		t.Fatal(err)
	}
	escaped := `&lt;script&gt;alert(1)&lt;/script&gt;`

	v := a.signedIn(admin)
	e := a.signedIn(u)
	for _, res := range []struct {
		name string
		body string
	}{
		{"list", v.get("/admin/users").Body.String()},
		{"search", v.get("/admin/users?q=" + url.QueryEscape(`"><script>alert(1)</script>`)).Body.String()},
		{"edit", v.get("/admin/users/" + strconv.FormatInt(u.ID, 10)).Body.String()},
		{"me", e.get("/me").Body.String()},
	} {
		if strings.Contains(res.body, "<script>") {
			t.Errorf("%s page: holds a live <script>", res.name)
		}
		if !strings.Contains(res.body, escaped) {
			t.Errorf("%s page: lacks the escaped name", res.name)
		}
	}
}

func TestFailurePage(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	const secret = "postgres://weekoffs:hunter2@db.internal/weekoffs"
	a.server.AddFailingPage("/boom", secret)
	u := a.user("asha@example.com", models.RoleEmployee)
	v := a.signedIn(u)
	res := v.get("/boom")
	wantStatus(t, res, http.StatusInternalServerError)
	wantBody(t, res, "Something went wrong", "<!doctype html>")
	if strings.Contains(res.Body.String(), "hunter2") || strings.Contains(res.Body.String(), "postgres://") {
		t.Error("the 500 page shows the error")
	}
}
