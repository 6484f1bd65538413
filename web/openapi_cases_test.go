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
	tooLarge := tooLargeBody()
	bulky := up.user("bulk@example.com", models.RoleEmployee)
	// An instance that queues any bulk change of more than one user, and
	// any import of more than one row, as a job (not worked here: it stays
	// queued).
	small := newApp(t, func(c *config.Config) { c.BulkSyncMax = 1; c.ImportSyncMax = 1 })
	_, smallTok := small.userWithToken("admin@example.com", models.RoleAdmin)
	small.user("one@example.com", models.RoleEmployee)
	small.user("two@example.com", models.RoleEmployee)
	queued, err := small.server.Jobs().ChangeUsers(t.Context(), models.BulkTarget{Filter: &models.UserFilter{}}, models.BulkChange{IsActive: new(true)})
	if err != nil || queued.Job == nil {
		t.Fatalf("queue a job: %+v, %v", queued, err)
	}
	jobPath := "/admin/jobs/" + itoa(queued.Job.ID)
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

		{up, "GET", "/admin/users/export.csv?role=employee&weekoff=sat&team=none&sort=-created&q=asha", adminTok, "", "", 200},
		{up, "GET", "/admin/users/export.csv", "", "", "", 401},
		{up, "GET", "/admin/users/export.csv", empTok, "", "", 403},
		{up, "GET", "/admin/users/export.csv?sort=age", adminTok, "", "", 422},
		{down, "GET", "/admin/users/export.csv", downTok, "", "", 503},

		{up, "POST", "/admin/users/import?dry_run=true", adminTok, "text/csv", "email,full_name,role\r\nasha@example.com,,\r\nnew@example.com,New,boss\r\n", 200},
		{up, "POST", "/admin/users/import", adminTok, js, `{"rows":[{"email":"imported@example.com","full_name":"Im Ported","weekoffs":["sat"],"team":null}]}`, 200},
		{small, "POST", "/admin/users/import", smallTok, "text/csv", "email,full_name\nnew1@example.com,New One\nnew2@example.com,New Two\n", 202},
		{up, "POST", "/admin/users/import", adminTok, "multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\n1\r\n--B--\r\n", 400},
		{up, "POST", "/admin/users/import", "", "text/csv", "email\n", 401},
		{up, "POST", "/admin/users/import", empTok, "text/csv", "email\n", 403},
		{up, "POST", "/admin/users/import?dry_run=true", adminTok, "text/csv", "email\n" + strings.Repeat("x@example.com\n", models.ImportMaxRows+1), 413},
		{up, "POST", "/admin/users/import", adminTok, "application/xml", "<users/>", 415},
		{up, "POST", "/admin/users/import", adminTok, "text/csv", "email,role\nasha@example.com,boss\n", 422},
		{down, "POST", "/admin/users/import", downTok, "text/csv", "email\nasha@example.com\n", 503},

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

		{up, "POST", "/admin/users/bulk", adminTok, js, `{"ids":[` + itoa(bulky.ID) + `],"set":{"rules":[{"day":"friday"}],"team_id":null}}`, 200},
		{small, "POST", "/admin/users/bulk", smallTok, js, `{"filter":{"role":"employee","team":"none","q":""},"set":{"is_active":false},"force":true}`, 202},
		{up, "POST", "/admin/users/bulk", "", js, `{}`, 401},
		{up, "POST", "/admin/users/bulk", empTok, js, `{}`, 403},
		{up, "POST", "/admin/users/bulk", adminTok, js, `{"filter":{"role":"admin"},"set":{"is_active":false}}`, 409},
		{up, "POST", "/admin/users/bulk", adminTok, js, tooLarge, 413},
		{up, "POST", "/admin/users/bulk", adminTok, js, `{"filter":{"weekoff":"funday"},"ids":[],"set":{"effective_from":"soon"}}`, 422},
		{down, "POST", "/admin/users/bulk", downTok, js, `{"ids":[1],"set":{"is_active":true}}`, 503},
		{small, "GET", jobPath, smallTok, "", "", 200},
		{up, "GET", "/admin/jobs/1", "", "", "", 401},
		{up, "GET", "/admin/jobs/1", empTok, "", "", 403},
		{up, "GET", "/admin/jobs/999", adminTok, "", "", 404},
		{up, "GET", "/admin/jobs/x", adminTok, "", "", 422},
		{down, "GET", "/admin/jobs/1", downTok, "", "", 503},
	}
	// If-Match names a version the user has left behind, or is no strong tag.
	stale := map[string]openAPICase{
		`"1"`:      {up, "PUT", "/me/weekoffs", empTok, js, `{"weekoffs":["sat"]}`, 412},
		`"2"`:      {up, "PATCH", empPath, adminTok, js, `{"full_name":"Late Edit"}`, 412},
		`W/"99"`:   {up, "PATCH", empPath, adminTok, js, `{"full_name":"Weak Tag"}`, 412},
		`"1-gzip"`: {up, "PUT", "/me/schedule", empTok, js, `{"rules":[]}`, 412},
		`W/"2"`:    {up, "PUT", empPath + "/schedule", adminTok, js, `{"rules":[]}`, 412},
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
	// Approvals, on an app of their own.
	reqCases, reqCut := requestCases(t, down, downTok)
	for _, c := range reqCases {
		check(c, c.send(nil))
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
		{up, "POST", "/admin/users/bulk", adminTok, js, `{"ids":[`, 0},
		{up, "PUT", "/me/schedule", empTok, js, `{"rules":[`, 0},
		{up, "PUT", empPath + "/schedule", adminTok, js, `{"rules":[`, 0},
		{up, "PUT", "/admin/teams/1/schedule", adminTok, js, `{"rules":[`, 0},
		{up, "PUT", "/admin/organisation/schedule", adminTok, js, `{"rules":[`, 0},
		{up, "POST", "/admin/users/import", adminTok, "text/csv", "email\nasha@", 0},
	}
	cut = append(cut, reqCut...)
	for _, c := range cut {
		for fault, status := range map[error]int{io.ErrUnexpectedEOF: 400, os.ErrDeadlineExceeded: 408} {
			c.want = status
			check(c, c.a.do(call{method: c.method, path: c.path, token: c.token, body: c.in, contentType: c.ct, bodyErr: fault}))
		}
	}

	// Schedules, once team 1 exists (with emp in it).
	for _, c := range scheduleCases(t, up, down, emp.ID, adminTok, empTok, downTok) {
		check(c, c.send(nil))
	}
	// The coverage guard, last: a team with a minimum would refuse the
	// other cases' changes.
	for _, c := range guardCases(t, up, adminTok) {
		check(c, c.send(nil))
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

// scheduleCases are TestOpenAPIResponses' exchanges about schedules and
// the calendar, for after its other cases: team 1 exists and holds the
// employee. The changes they cancel, or cannot cancel because they are in
// force, are planned here first and their ids read back; so is the admin's
// feed, whose key the employee's new feed would not replace.
func scheduleCases(t *testing.T, up, down *app, empID int64, adminTok, empTok, downTok string) []openAPICase {
	t.Helper()
	const js = "application/json"
	// Dates in days from today: in UTC or in the organisation's zone, these
	// are the past and the future alike.
	date := func(days int) string { return day(utcToday().AddDate(0, 0, days)) }
	plan := func(path, token, body string, out any) {
		t.Helper()
		decode(t, up.do(call{method: "PUT", path: path, token: token, body: body, contentType: js, want: http.StatusOK}), out)
	}
	empPath := "/admin/users/" + itoa(empID)

	// Team 1's minimum would have the coverage guard refuse these changes
	// (guardCases has its refusals).
	up.do(call{method: "PATCH", path: "/admin/teams/1", token: adminTok, body: `{"min_on_duty":0}`, contentType: js, want: http.StatusOK})

	// Before the organisation has one: in_force is null.
	up.do(call{method: "GET", path: "/admin/organisation/schedule", token: adminTok, want: http.StatusOK})

	var ignored meOut
	plan("/me/schedule", empTok, `{"rules":[{"day":"sat"}],"effective_from":"`+date(10)+`"}`, &ignored)
	plan(empPath+"/schedule", adminTok, `{"rules":[{"day":"sun"}],"effective_from":"`+date(20)+`"}`, &ignored)
	v := up.mySchedule(t, empTok)
	if v.InForce == nil || len(v.Upcoming) != 2 {
		t.Fatalf("GET /me/schedule after planning two changes: got %+v", v)
	}
	inForce, mine, theirs := v.InForce.ID, v.Upcoming[0].ID, v.Upcoming[1].ID
	var teamNow, teamSoon, orgNow, orgSoon scheduleOut
	plan("/admin/teams/1/schedule", adminTok, `{"rules":[{"day":"wed"}]}`, &teamNow)
	plan("/admin/teams/1/schedule", adminTok, `{"rules":[{"day":"thu"}],"effective_from":"`+date(10)+`"}`, &teamSoon)
	plan("/admin/organisation/schedule", adminTok, `{"rules":[]}`, &orgNow)
	plan("/admin/organisation/schedule", adminTok, `{"rules":[{"day":"sun"}],"effective_from":"`+date(10)+`"}`, &orgSoon)
	var feed struct{ URL string }
	decode(t, up.do(call{method: "POST", path: "/me/calendar-feed", token: adminTok, want: http.StatusOK}), &feed)
	_, feedPath, _ := strings.Cut(feed.URL, "://")
	feedPath = feedPath[strings.Index(feedPath, "/"):]
	noFeed := "/calendar/" + strings.Repeat("A", 43) + ".ics" // a key's length: the database is asked

	tooLarge := tooLargeBody()
	rules := `{"rules":[{"day":"Sat","weeks":[4,2]},{"day":"friday","part":"afternoon"}],"effective_from":"` + date(30) + `"}`
	return []openAPICase{
		{up, "GET", "/me/schedule", empTok, "", "", 200},
		{up, "GET", "/me/schedule", "", "", "", 401},
		{down, "GET", "/me/schedule", downTok, "", "", 503},
		{up, "PUT", "/me/schedule", empTok, js, rules, 200},
		{up, "PUT", "/me/schedule", "", js, `{"rules":[]}`, 401},
		{up, "PUT", "/me/schedule", empTok, js, tooLarge, 413},
		{up, "PUT", "/me/schedule", empTok, js, `{"rules":[],"effective_from":"` + date(-2) + `"}`, 422},
		{down, "PUT", "/me/schedule", downTok, js, `{"rules":[]}`, 503},
		{up, "DELETE", "/me/schedule/" + itoa(mine) + "?force=true", empTok, "", "", 403},
		{up, "DELETE", "/me/schedule/" + itoa(mine), empTok, "", "", 204},
		{up, "DELETE", "/me/schedule/" + itoa(mine), "", "", "", 401},
		{up, "DELETE", "/me/schedule/" + itoa(mine), empTok, "", "", 404},
		{up, "DELETE", "/me/schedule/" + itoa(inForce), empTok, "", "", 409},
		{up, "DELETE", "/me/schedule/0", empTok, "", "", 422},
		{down, "DELETE", "/me/schedule/1", downTok, "", "", 503},

		{up, "GET", "/me/calendar?from=" + date(0) + "&to=" + date(40), empTok, "", "", 200},
		{up, "GET", "/me/calendar", "", "", "", 401},
		{up, "GET", "/me/calendar?from=2026-01-10&to=2026-01-09", empTok, "", "", 422},
		{down, "GET", "/me/calendar", downTok, "", "", 503},
		{up, "POST", "/me/calendar-feed", empTok, "", "", 200},
		{up, "POST", "/me/calendar-feed", "", "", "", 401},
		{down, "POST", "/me/calendar-feed", downTok, "", "", 503},
		{up, "GET", feedPath, "", "", "", 200},
		{up, "GET", noFeed, "", "", "", 404},
		{down, "GET", noFeed, "", "", "", 503},

		{up, "GET", empPath + "/schedule", adminTok, "", "", 200},
		{up, "GET", empPath + "/schedule", "", "", "", 401},
		{up, "GET", empPath + "/schedule", empTok, "", "", 403},
		{up, "GET", "/admin/users/999999/schedule", adminTok, "", "", 404},
		{up, "GET", "/admin/users/x/schedule", adminTok, "", "", 422},
		{down, "GET", "/admin/users/1/schedule", downTok, "", "", 503},
		{up, "PUT", empPath + "/schedule", adminTok, js, `{"inherit":true,"effective_from":"` + date(40) + `"}`, 200},
		{up, "PUT", empPath + "/schedule", "", js, `{"rules":[]}`, 401},
		{up, "PUT", empPath + "/schedule", empTok, js, `{"rules":[]}`, 403},
		{up, "PUT", "/admin/users/999999/schedule", adminTok, js, `{"rules":[]}`, 404},
		{up, "PUT", empPath + "/schedule", adminTok, js, tooLarge, 413},
		{up, "PUT", empPath + "/schedule", adminTok, js, `{"rules":[{"day":"sun","weeks":[6]}]}`, 422},
		{down, "PUT", "/admin/users/1/schedule", downTok, js, `{"rules":[]}`, 503},
		{up, "DELETE", empPath + "/schedule/" + itoa(theirs), adminTok, "", "", 204},
		{up, "DELETE", empPath + "/schedule/" + itoa(theirs), "", "", "", 401},
		{up, "DELETE", empPath + "/schedule/" + itoa(theirs), empTok, "", "", 403},
		{up, "DELETE", empPath + "/schedule/" + itoa(theirs), adminTok, "", "", 404},
		{up, "DELETE", empPath + "/schedule/" + itoa(inForce), adminTok, "", "", 409},
		{up, "DELETE", empPath + "/schedule/x", adminTok, "", "", 422},
		{down, "DELETE", "/admin/users/1/schedule/1", downTok, "", "", 503},
		{up, "GET", empPath + "/calendar?from=" + date(-40), adminTok, "", "", 200},
		{up, "GET", empPath + "/calendar", "", "", "", 401},
		{up, "GET", empPath + "/calendar", empTok, "", "", 403},
		{up, "GET", "/admin/users/999999/calendar", adminTok, "", "", 404},
		{up, "GET", empPath + "/calendar?from=2026-01-01&to=2027-01-02", adminTok, "", "", 422},
		{down, "GET", "/admin/users/1/calendar", downTok, "", "", 503},

		{up, "GET", "/admin/coverage", adminTok, "", "", 200},
		{up, "GET", "/admin/coverage?team=1&from=" + date(0) + "&to=" + date(91), adminTok, "", "", 200},
		{up, "GET", "/admin/coverage", "", "", "", 401},
		{up, "GET", "/admin/coverage", empTok, "", "", 403},
		{up, "GET", "/admin/coverage?team=999", adminTok, "", "", 404},
		{up, "GET", "/admin/coverage?from=" + date(0) + "&to=" + date(92), adminTok, "", "", 422},
		{down, "GET", "/admin/coverage", downTok, "", "", 503},

		{up, "GET", "/admin/teams/1/schedule", adminTok, "", "", 200},
		{up, "GET", "/admin/teams/1/schedule", "", "", "", 401},
		{up, "GET", "/admin/teams/1/schedule", empTok, "", "", 403},
		{up, "GET", "/admin/teams/999/schedule", adminTok, "", "", 404},
		{up, "GET", "/admin/teams/x/schedule", adminTok, "", "", 422},
		{down, "GET", "/admin/teams/1/schedule", downTok, "", "", 503},
		{up, "PUT", "/admin/teams/1/schedule", adminTok, js, `{"rules":[{"day":"sat","weeks":"alternate"}],"effective_from":"` + date(30) + `"}`, 200},
		{up, "PUT", "/admin/teams/1/schedule", "", js, `{"rules":[]}`, 401},
		{up, "PUT", "/admin/teams/1/schedule", empTok, js, `{"rules":[]}`, 403},
		{up, "PUT", "/admin/teams/999/schedule", adminTok, js, `{"rules":[]}`, 404},
		{up, "PUT", "/admin/teams/1/schedule", adminTok, js, tooLarge, 413},
		{up, "PUT", "/admin/teams/1/schedule", adminTok, js, `{"inherit":true}`, 422},
		{down, "PUT", "/admin/teams/1/schedule", downTok, js, `{"rules":[]}`, 503},
		{up, "DELETE", "/admin/teams/1/schedule/" + itoa(teamSoon.ID), adminTok, "", "", 204},
		{up, "DELETE", "/admin/teams/1/schedule/" + itoa(teamSoon.ID), "", "", "", 401},
		{up, "DELETE", "/admin/teams/1/schedule/" + itoa(teamSoon.ID), empTok, "", "", 403},
		{up, "DELETE", "/admin/teams/1/schedule/" + itoa(teamSoon.ID), adminTok, "", "", 404},
		{up, "DELETE", "/admin/teams/1/schedule/" + itoa(teamNow.ID), adminTok, "", "", 409},
		{up, "DELETE", "/admin/teams/1/schedule/0", adminTok, "", "", 422},
		{down, "DELETE", "/admin/teams/1/schedule/1", downTok, "", "", 503},

		{up, "GET", "/admin/organisation/schedule", adminTok, "", "", 200},
		{up, "GET", "/admin/organisation/schedule", "", "", "", 401},
		{up, "GET", "/admin/organisation/schedule", empTok, "", "", 403},
		{down, "GET", "/admin/organisation/schedule", downTok, "", "", 503},
		{up, "PUT", "/admin/organisation/schedule", adminTok, js, `{"rules":[{"day":"sun","weeks":[-1]}],"effective_from":"` + date(30) + `"}`, 200},
		{up, "PUT", "/admin/organisation/schedule", "", js, `{"rules":[]}`, 401},
		{up, "PUT", "/admin/organisation/schedule", empTok, js, `{"rules":[]}`, 403},
		{up, "PUT", "/admin/organisation/schedule", adminTok, js, tooLarge, 413},
		{up, "PUT", "/admin/organisation/schedule", adminTok, js, `{"rules":[{"day":"mon"},{"day":"tue"},{"day":"wed"}]}`, 422},
		{down, "PUT", "/admin/organisation/schedule", downTok, js, `{"rules":[]}`, 503},
		{up, "DELETE", "/admin/organisation/schedule/" + itoa(orgSoon.ID), adminTok, "", "", 204},
		{up, "DELETE", "/admin/organisation/schedule/" + itoa(orgSoon.ID), "", "", "", 401},
		{up, "DELETE", "/admin/organisation/schedule/" + itoa(orgSoon.ID), empTok, "", "", 403},
		{up, "DELETE", "/admin/organisation/schedule/" + itoa(orgSoon.ID), adminTok, "", "", 404},
		{up, "DELETE", "/admin/organisation/schedule/" + itoa(orgNow.ID), adminTok, "", "", 409},
		{up, "DELETE", "/admin/organisation/schedule/x", adminTok, "", "", 422},
		{down, "DELETE", "/admin/organisation/schedule/1", downTok, "", "", 503},
	}
}

// tooLargeBody is a JSON body just over the 1 MiB limit.
func tooLargeBody() string {
	return `{"weekoffs":["` + strings.Repeat("x", 1<<20) + `"]}`
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

// guardCases are TestOpenAPIResponses' refusals by the coverage guard: a
// new team whose minimum is its one member, who has no schedule of their
// own, so that any day off for them, at any scope, leaves it short.
func guardCases(t *testing.T, up *app, adminTok string) []openAPICase {
	t.Helper()
	const js = "application/json"
	var team struct{ ID int64 }
	decode(t, up.do(call{method: "POST", path: "/admin/teams", token: adminTok, body: map[string]any{"name": "Guarded", "min_on_duty": 1}, want: http.StatusCreated}), &team)
	member, tok := up.userWithToken("guarded@example.com", models.RoleEmployee)
	joinTeam(t, up, member.ID, team.ID)
	monday := `{"rules":[{"day":"mon"}]}`
	return []openAPICase{
		{up, "PUT", "/me/weekoffs", tok, js, `{"weekoffs":["mon"]}`, 409},
		{up, "PUT", "/me/schedule", tok, js, monday, 409},
		{up, "PUT", "/me/schedule", tok, js, `{"rules":[{"day":"mon"}],"force":true}`, 403},
		{up, "PUT", "/admin/users/" + itoa(member.ID) + "/schedule", adminTok, js, monday, 409},
		{up, "PUT", "/admin/teams/" + itoa(team.ID) + "/schedule", adminTok, js, monday, 409},
		{up, "PUT", "/admin/organisation/schedule", adminTok, js, monday, 409},
		{up, "PATCH", "/admin/users/" + itoa(member.ID), adminTok, js, `{"weekoffs":["mon"],"full_name":"Guarded"}`, 409},
		{up, "POST", "/admin/users/bulk", adminTok, js, `{"ids":[` + itoa(member.ID) + `],"set":{"is_active":false}}`, 409},
		{up, "POST", "/admin/users/import", adminTok, "text/csv", "email,weekoffs\nguarded@example.com,mon\n", 409},
	}
}
