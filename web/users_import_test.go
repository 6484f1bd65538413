package web_test

import (
	"bytes"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models"
)

// importReport is the JSON report of an import.
type importReport struct {
	DryRun    bool `json:"dry_run"`
	Rows      int  `json:"rows"`
	Create    int  `json:"create"`
	Update    int  `json:"update"`
	Unchanged int  `json:"unchanged"`
	Errors    []struct {
		Row   int    `json:"row"`
		Field string `json:"field"`
		Msg   string `json:"msg"`
	} `json:"errors"`
}

// postImport sends a CSV file to the import as a script does.
func (a *app) postImport(token, file string, dryRun bool, want int) importReport {
	a.t.Helper()
	path := "/admin/users/import"
	if dryRun {
		path += "?dry_run=true"
	}
	res := a.do(call{method: http.MethodPost, path: path, token: token, body: file, contentType: "text/csv; charset=utf-8", want: want})
	var rep importReport
	decode(a.t, res, &rep)
	return rep
}

// TestImportExportedFileOverHTTP: the file GET /admin/users/export.csv
// gives, sent back to POST /admin/users/import, changes nobody: the dry run
// says every row is unchanged, and the import writes no history.
func TestImportExportedFileOverHTTP(t *testing.T) {
	t.Parallel()
	f := newExportFixture(t)
	file := f.a.do(call{method: http.MethodGet, path: "/admin/users/export.csv", token: f.token, want: http.StatusOK}).Body.String()
	users := strings.Count(file, "\r\n") - 1
	rep := f.a.postImport(f.token, file, true, http.StatusOK)
	if !rep.DryRun || rep.Rows != users || rep.Unchanged != users || rep.Create+rep.Update != 0 || len(rep.Errors) != 0 {
		t.Fatalf("dry run of the export: got %+v, want %d unchanged", rep, users)
	}
	before := historyCount(t, f.a)
	rep = f.a.postImport(f.token, file, false, http.StatusOK)
	if rep.DryRun || rep.Unchanged != users || rep.Create+rep.Update != 0 {
		t.Fatalf("import of the export: got %+v, want %d unchanged", rep, users)
	}
	if after := historyCount(t, f.a); after != before {
		t.Errorf("history rows: got %d, want %d: the import wrote history", after, before)
	}
}

// historyCount counts every user's history rows.
func historyCount(t *testing.T, a *app) int64 {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), a.cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var n int64
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM user_history").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportRefusedChangesNothing: an import with one bad row among good
// ones is 422 with the report, and not even the good rows are written; an
// employee may not import at all.
func TestImportRefusedChangesNothing(t *testing.T) {
	t.Parallel()
	a, _, token := newAdminApp(t)
	_, empTok := a.userWithToken("asha@example.com", models.RoleEmployee)
	file := "email,full_name,role\r\nnew@example.com,New Person,employee\r\nasha@example.com,,boss\r\n"
	rep := a.postImport(token, file, false, http.StatusUnprocessableEntity)
	if len(rep.Errors) != 1 || rep.Errors[0].Row != 3 || rep.Errors[0].Field != "role" || rep.Errors[0].Msg != "Choose admin or employee" {
		t.Errorf("errors: got %+v, want row 3's role", rep.Errors)
	}
	if _, err := a.store.UserByEmail(t.Context(), "new@example.com"); err == nil {
		t.Error("the good row was imported beside the bad one")
	}
	a.do(call{method: http.MethodPost, path: "/admin/users/import", token: empTok, body: file, contentType: "text/csv", want: http.StatusForbidden})
}

// TestImportedUserHasNoPassword: a user created by an import cannot sign in
// (token or form) with any password until an admin sets one through the
// user's edit; then they can.
func TestImportedUserHasNoPassword(t *testing.T) {
	t.Parallel()
	a, _, token := newAdminApp(t)
	res := a.do(call{method: http.MethodPost, path: "/admin/users/import", token: token, want: http.StatusOK,
		body: `{"rows":[{"email":"Imported@Example.com","full_name":"Im Ported","weekoffs":["fri"]}]}`})
	var rep importReport
	decode(t, res, &rep)
	if rep.Create != 1 {
		t.Fatalf("got %+v, want 1 created", rep)
	}
	for _, pw := range []string{"password1", "at-least-8-chars"} {
		if res := a.signIn("imported@example.com", pw, ""); res.Code != http.StatusUnauthorized {
			t.Errorf("token with password %q: got %d, want 401", pw, res.Code)
		}
	}
	form := a.visitor().post("/login", url.Values{"email": {"imported@example.com"}, "password": {"password1"}})
	if form.Code == http.StatusSeeOther {
		t.Errorf("the sign-in form let the imported user in: %d to %s", form.Code, form.Header().Get("Location"))
	}
	u, err := a.store.UserByEmail(t.Context(), "imported@example.com")
	if err != nil {
		t.Fatal(err)
	}
	a.do(call{method: http.MethodPatch, path: "/admin/users/" + itoa(u.ID), token: token, body: `{"password":"a-new-password"}`, want: http.StatusOK})
	a.token("imported@example.com", "a-new-password")
}

// uploadForm is a multipart form with the file field, as a browser sends
// the import page's forms.
func uploadForm(t testing.TB, name, content string) (body []byte, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	part.Write([]byte(content))
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// upload posts a file from the import page as its browser does.
func (v *visitor) upload(path, name, content string) *httptest.ResponseRecorder {
	v.t.Helper()
	body, ct := uploadForm(v.t, name, content)
	header := http.Header{"Accept": {browserAccept}, "Origin": {"http://example.com"}, "Sec-Fetch-Site": {"same-origin"}}
	maps.Copy(header, v.header)
	rec := v.a.do(call{method: http.MethodPost, path: path, body: body, contentType: ct, header: header, cookies: slices.Collect(maps.Values(v.cookies))})
	for _, c := range rec.Result().Cookies() {
		v.cookies[c.Name] = c // the flash that the users list shows
	}
	return rec
}

// TestImportPage: the users list links to the import page; a checked file
// with problems shows them by row and column and offers no import; a good
// one shows what it would do and a button to import it, which goes back to
// the list saying what was done.
func TestImportPage(t *testing.T) {
	t.Parallel()
	a, admin, _ := newAdminApp(t)
	v := a.signedIn(admin)
	wantBody(t, v.get("/admin/users"), `href="/admin/users/import"`)
	page := v.get("/admin/users/import")
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, `enctype="multipart/form-data"`, `action="/admin/users/import?dry_run=true"`, "Check file")

	bad := "email,full_name,role\r\nnew@example.com,New Person,boss\r\n"
	res := v.upload("/admin/users/import?dry_run=true", "people.csv", bad)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "There is a problem", `id="import-errors"`, "<td>2</td>", "<td>role</td>", "Choose admin or employee")
	if strings.Contains(res.Body.String(), `id="apply"`) {
		t.Error("a file with problems is offered for import")
	}

	good := "email,full_name,role\r\nnew@example.com,New Person,employee\r\n"
	res = v.upload("/admin/users/import?dry_run=true", "people.csv", good)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `id="count-create">1<`, "Import 1 row", "Choose people.csv again")
	if _, err := a.store.UserByEmail(t.Context(), "new@example.com"); err == nil {
		t.Fatal("the check imported the file")
	}
	res = v.upload("/admin/users/import", "people.csv", good)
	wantRedirect(t, res, "/admin/users")
	wantBody(t, v.get("/admin/users"), "Imported people.csv: 1 new, 0 changed, 0 unchanged.")
	if _, err := a.store.UserByEmail(t.Context(), "new@example.com"); err != nil {
		t.Errorf("after the import: %v", err)
	}
	res = v.upload("/admin/users/import?dry_run=true", "", "")
	wantStatus(t, res, http.StatusBadRequest)
	wantBody(t, res, "Choose a CSV file to check.")
}
