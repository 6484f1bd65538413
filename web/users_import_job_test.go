package web_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// newPeopleFile is a CSV file of n new people, off on Sunday.
func newPeopleFile(n int) string {
	var b strings.Builder
	b.WriteString("email,full_name,weekoffs\r\n")
	for i := range n {
		fmt.Fprintf(&b, "new%d@example.com,New %d,sun\r\n", i, i)
	}
	return b.String()
}

// jobJSON is GET /admin/jobs/{id}'s answer.
type jobJSON struct {
	ID          int64
	Kind, State string
	Done, Total int64
	Errors      []struct {
		Row   int
		Field string
		Msg   string
	}
}

// TestImportJobAPI: a file above IMPORT_SYNC_MAX rows without problems is
// answered 202 with its job, which applies every row once; polling the
// job shows it completed. A file of that size with problems is still the
// 422 report at once, and no job.
func TestImportJobAPI(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.ImportSyncMax = 3; c.JobsRescueAfter = 30 * time.Second })
	_, tok := a.userWithToken("admin@example.com", models.RoleAdmin)

	bad := newPeopleFile(5) + "bad@example.com,Bad,funday\r\n"
	rep := a.postImport(tok, bad, false, http.StatusUnprocessableEntity)
	if len(rep.Errors) != 1 || rep.Errors[0].Row != 7 {
		t.Errorf("got %+v, want row 7's problem", rep)
	}

	res := a.do(call{method: http.MethodPost, path: "/admin/users/import", token: tok, body: newPeopleFile(5), contentType: "text/csv", want: http.StatusAccepted})
	var queued struct{ Job jobJSON }
	decode(t, res, &queued)
	if queued.Job.Kind != "import_users" || queued.Job.Total != 5 || queued.Job.State != "queued" {
		t.Fatalf("got %+v, want a queued import job of 5", queued.Job)
	}
	if loc := res.Header().Get("Location"); loc != "/admin/jobs/"+itoa(queued.Job.ID) {
		t.Errorf("got Location %q, want the job's", loc)
	}
	if err := a.server.Jobs().Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.server.Jobs().Stop(context.Background()) })
	var job jobJSON
	if !modelstest.Eventually(t, 30*time.Second, func() bool {
		decode(t, a.do(call{method: http.MethodGet, path: "/admin/jobs/" + itoa(queued.Job.ID), token: tok, want: http.StatusOK}), &job)
		return job.State == "completed" || job.State == "failed"
	}) {
		t.Fatalf("the job did not finish: %+v", job)
	}
	if job.State != "completed" || job.Done != 5 || len(job.Errors) != 0 {
		t.Errorf("got %+v, want completed, 5 of 5", job)
	}
	var users, schedules, refused int64
	err := a.store.Pool().QueryRow(t.Context(), `SELECT (SELECT count(*) FROM users WHERE email LIKE 'new%' AND weekoffs = '{sunday}'),
		(SELECT count(*) FROM schedules WHERE scope = 'user'), (SELECT count(*) FROM users WHERE email = 'bad@example.com')`).Scan(&users, &schedules, &refused)
	if err != nil {
		t.Fatal(err)
	}
	if users != 5 || schedules != 5 || refused != 0 {
		t.Errorf("got %d new users off on Sunday, %d schedules, %d of the refused file; want 5, 5, 0", users, schedules, refused)
	}
}

// TestImportJobForm: importing a large file from the page goes to the
// job's progress page, which says when the whole file is imported.
func TestImportJobForm(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.ImportSyncMax = 3; c.JobsRescueAfter = 30 * time.Second })
	v := a.signedIn(a.user("admin@example.com", models.RoleAdmin))
	res := v.upload("/admin/users/import", "people.csv", newPeopleFile(4))
	wantStatus(t, res, http.StatusSeeOther)
	page := res.Header().Get("Location")
	if !strings.HasPrefix(page, "/admin/jobs/") {
		t.Fatalf("redirected to %q, want the job's page", page)
	}
	wantBody(t, v.get(page), "Importing users", "Importing people.csv: 4 new", "0 of 4 done", `http-equiv="refresh"`)
	if err := a.server.Jobs().Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.server.Jobs().Stop(context.Background()) })
	if !modelstest.Eventually(t, 30*time.Second, func() bool {
		return strings.Contains(v.get(page).Body.String(), "Done: the whole file has been imported.")
	}) {
		t.Fatalf("the job did not finish: %s", v.get(page).Body.String())
	}
	wantBody(t, v.get(page), "Done: the whole file has been imported.", `id="back-to-users"`)
}

// guardedApp is an app with a team "Support" that needs 2 of its 3
// employees working every day, and an admin.
func guardedApp(t *testing.T, tweak func(*config.Config)) (a *app, admin *models.User, token string) {
	t.Helper()
	a = newApp(t, tweak)
	admin, token = a.userWithToken("admin@example.com", models.RoleAdmin)
	name, two := "Support", 2
	team, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: &name, MinOnDuty: &two})
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"a1", "a2", "a3"} {
		u := a.user(who+"@example.com", models.RoleEmployee)
		if _, err := a.store.UpdateUser(t.Context(), u.ID, models.UserInput{TeamID: &team.ID}, 0); err != nil {
			t.Fatal(err)
		}
	}
	return a, admin, token
}

// shortFile gives two of Support's three people Wednesday off.
const shortFile = "email,weekoffs\r\na1@example.com,wed\r\na2@example.com,wed\r\n"

// TestImportCoverageGuardAPI: the dry run of a file that leaves Support
// short lists the dates in short; the import is a 409 with them and writes
// nothing; with force=true it is applied and its history says forced.
func TestImportCoverageGuardAPI(t *testing.T) {
	t.Parallel()
	a, _, tok := guardedApp(t, nil)
	res := a.do(call{method: http.MethodPost, path: "/admin/users/import?dry_run=true", token: tok, body: shortFile, contentType: "text/csv", want: http.StatusOK})
	var rep struct {
		Update int
		Short  []struct {
			Date      string
			TeamID    int64 `json:"team_id"`
			Working   int
			MinOnDuty int `json:"min_on_duty"`
		}
	}
	decode(t, res, &rep)
	if rep.Update != 2 || len(rep.Short) != 12 || rep.Short[0].Working != 1 || rep.Short[0].MinOnDuty != 2 {
		t.Errorf("dry run: got %+v, want 2 updates and 12 short Wednesdays", rep)
	}
	before := historyCount(t, a)
	res = a.do(call{method: http.MethodPost, path: "/admin/users/import", token: tok, body: shortFile, contentType: "text/csv", want: http.StatusConflict})
	wantBody(t, res, `"detail":"Team Support would have 1 working on `, `"short":[{"date":"`)
	if n := historyCount(t, a); n != before {
		t.Errorf("a refused import wrote %d history rows", n-before)
	}
	a.do(call{method: http.MethodPost, path: "/admin/users/import?force=true", token: tok, body: shortFile, contentType: "text/csv", want: http.StatusOK})
	var forced int64
	if err := a.store.Pool().QueryRow(t.Context(), "SELECT count(*) FROM user_history WHERE via = 'import' AND forced").Scan(&forced); err != nil || forced == 0 {
		t.Errorf("got %d forced history rows, %v; want the import's", forced, err)
	}
}

// TestImportCoverageGuardForm: the page's import of a file that leaves a
// team short is shown again (409) with the short days and a box to import
// it anyway; ticked, the import goes through.
func TestImportCoverageGuardForm(t *testing.T) {
	t.Parallel()
	a, admin, _ := guardedApp(t, nil)
	v := a.signedIn(admin)
	res := v.upload("/admin/users/import?dry_run=true", "wed.csv", shortFile)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `id="import-short"`, "<td>Support</td>", `name="force"`)
	res = v.upload("/admin/users/import", "wed.csv", shortFile)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, "wed.csv was not imported", `id="import-short"`, `name="force"`, "Choose wed.csv again")
	res = v.uploadForced("/admin/users/import", "wed.csv", shortFile)
	wantRedirect(t, res, "/admin/users")
	wantBody(t, v.get("/admin/users"), "Imported wed.csv: 0 new, 2 changed, 0 unchanged.")
}

// uploadForced posts a file from the import page with its force box ticked.
func (v *visitor) uploadForced(path, name, content string) *httptest.ResponseRecorder {
	v.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("force", "true")
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		v.t.Fatal(err)
	}
	part.Write([]byte(content))
	w.Close()
	header := http.Header{"Accept": {browserAccept}, "Origin": {"http://example.com"}, "Sec-Fetch-Site": {"same-origin"}}
	maps.Copy(header, v.header)
	rec := v.a.do(call{method: http.MethodPost, path: path, body: buf.Bytes(), contentType: w.FormDataContentType(), header: header, cookies: slices.Collect(maps.Values(v.cookies))})
	for _, c := range rec.Result().Cookies() {
		v.cookies[c.Name] = c
	}
	return rec
}

// TestImportJobNoLongerApplies: a queued import whose team is deleted
// before the job runs fails: its page says that nothing was imported and
// why, row by row, and its JSON lists the rows' problems.
func TestImportJobNoLongerApplies(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.ImportSyncMax = 3; c.JobsRescueAfter = 30 * time.Second })
	admin, tok := a.userWithToken("admin@example.com", models.RoleAdmin)
	name := "Night"
	team, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	file := "email,full_name,team\r\nn1@example.com,N 1,Night\r\nn2@example.com,N 2,Night\r\nn3@example.com,N 3,\r\nn4@example.com,N 4,Night\r\n"
	v := a.signedIn(admin)
	res := v.upload("/admin/users/import", "night.csv", file)
	wantStatus(t, res, http.StatusSeeOther)
	page := res.Header().Get("Location")
	if err := a.store.DeleteTeam(t.Context(), team.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.server.Jobs().Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.server.Jobs().Stop(context.Background()) })
	if !modelstest.Eventually(t, 30*time.Second, func() bool { return strings.Contains(v.get(page).Body.String(), "The import failed") }) {
		t.Fatalf("the job did not fail: %s", v.get(page).Body.String())
	}
	wantBody(t, v.get(page), "nothing of it was imported", "Why nothing was imported", "Row 2, team: There is no team named Night", "Row 5, team:")
	var job jobJSON
	decode(t, a.do(call{method: http.MethodGet, path: page, token: tok, want: http.StatusOK}), &job)
	if job.State != "failed" || job.Done != 0 || len(job.Errors) != 3 || job.Errors[0].Row != 2 || job.Errors[0].Field != "team" {
		t.Errorf("got %+v, want failed, nothing done, rows 2, 3 and 5's team", job)
	}
	var n int64
	if err := a.store.Pool().QueryRow(t.Context(), "SELECT count(*) FROM users WHERE email LIKE 'n_@example.com'").Scan(&n); err != nil || n != 0 {
		t.Errorf("got %d users of the failed file, %v; want none", n, err)
	}
}
