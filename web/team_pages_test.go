package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
)

// teamPathOf is the page of the team that a redirect after creating it names.
func teamPathOf(t *testing.T, location string) string {
	t.Helper()
	if !strings.HasPrefix(location, "/admin/teams/") || strings.Count(location, "/") != 3 {
		t.Fatalf("redirected to %q, want a team's page", location)
	}
	return location
}

// TestTeamPages: an admin creates a team from the teams page (refused
// forms say why beside their fields), renames it, sees it in the list with
// its members linking to the users list of the team, and deletes it only
// once it is empty; its page says why it cannot be deleted before.
func TestTeamPages(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	admin := a.user("admin@example.com", models.RoleAdmin)
	ben := a.user("ben@example.com", models.RoleEmployee)
	v := a.signedIn(admin)

	res := v.get("/admin/teams")
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `id="no-teams"`, `<a href="/admin/teams" aria-current="page">Teams</a>`, `id="new-team-form"`)

	t.Run("Refused", func(t *testing.T) {
		res := v.post("/admin/teams", url.Values{"name": {"  "}, "min_on_duty": {"two"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, `id="error-summary"`, `<title>Error: Teams · weekoffs</title>`,
			`<a href="#name">Name must not be empty</a>`, `<a href="#min_on_duty">Enter a whole number from 0 to 100,000</a>`,
			`value="two"`, `aria-describedby="min_on_duty-hint min_on_duty-error"`)
		if teams, _ := a.store.Teams(t.Context()); len(teams) != 0 {
			t.Errorf("a refused form created %v", teams)
		}
	})

	res = v.post("/admin/teams", url.Values{"name": {" Support "}, "min_on_duty": {"2"}})
	wantStatus(t, res, http.StatusSeeOther)
	page := teamPathOf(t, res.Header().Get("Location"))
	res = v.get(page)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, "Created team Support.", "<h1>Support</h1>", `value="2"`, "no members · minimum on duty: 2",
		`id="delete-team-form"`, "No one is in this team.")

	t.Run("Duplicate", func(t *testing.T) {
		res := v.post("/admin/teams", url.Values{"name": {"SUPPORT"}, "min_on_duty": {""}})
		wantStatus(t, res, http.StatusConflict)
		wantBody(t, res, `<a href="#name">A team with this name already exists</a>`, `value="SUPPORT"`)
	})

	t.Run("Rename", func(t *testing.T) {
		res := v.post(page, url.Values{"name": {""}, "min_on_duty": {"-1"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, "<h1>Support</h1>", `<a href="#name">Name must not be empty</a>`, `value="-1"`)
		wantRedirect(t, v.post(page, url.Values{"name": {"Customer support"}, "min_on_duty": {"3"}}), page)
		wantBody(t, v.get(page), "Saved team Customer support.", "<h1>Customer support</h1>", "minimum on duty: 3")
	})

	// Ben joins from the user form; the team's page lists him and the teams
	// list links his team's members to the users list of the team.
	id := strings.TrimPrefix(page, "/admin/teams/")
	wantRedirect(t, v.post("/admin/users/"+itoa(ben.ID), url.Values{"full_name": {ben.FullName}, "role": {"employee"},
		"is_active": {"true"}, "weekoffs_shown": {""}, "team_id": {id}}), "/admin/users/"+itoa(ben.ID))
	res = v.get("/admin/teams")
	wantBody(t, res, `<a href="/admin/teams/`+id+`">Customer support</a>`,
		`<a href="/admin/users?team=`+id+`">1 member<span class="visually-hidden">of Customer support</span></a>`, "<td>3</td>")
	res = v.get(page)
	wantBody(t, res, "1 member · minimum on duty: 3", `<a href="/admin/users/`+itoa(ben.ID)+`?from=team%3D`+id+`">Person ben</a>`,
		`id="cannot-delete"`, "Customer support has 1 member, so it cannot be deleted.")
	if strings.Contains(res.Body.String(), `id="delete-team-form"`) {
		t.Error("the page of a team with members offers to delete it")
	}

	t.Run("DeleteWithMembers", func(t *testing.T) {
		// A page drawn before someone joined still has the button.
		res := v.post(page+"/delete", nil)
		wantStatus(t, res, http.StatusConflict)
		wantBody(t, res, `id="error-summary"`, "This team has members, so it was not deleted.", "<title>Error: Customer support · weekoffs</title>")
		if _, err := a.store.TeamByID(t.Context(), mustID(t, id)); err != nil {
			t.Errorf("the team with a member was deleted: %v", err)
		}
	})

	t.Run("DeleteEmpty", func(t *testing.T) {
		wantRedirect(t, v.post("/admin/users/"+itoa(ben.ID), url.Values{"full_name": {ben.FullName}, "role": {"employee"},
			"is_active": {"true"}, "weekoffs_shown": {""}, "team_id": {""}, "force": {"true"}}), "/admin/users/"+itoa(ben.ID)) // the team needs 3 working
		v.get("/admin/users/" + itoa(ben.ID)) // as a browser follows the redirect, taking its message
		wantRedirect(t, v.post(page+"/delete", nil), "/admin/teams")
		wantBody(t, v.get("/admin/teams"), "Deleted team Customer support.", `id="no-teams"`)
		wantStatus(t, v.get(page), http.StatusNotFound)
	})
}

// TestTeamPagesForAdminsOnly: employees get the 403 page and change nothing;
// API clients still get JSON from the paths the pages share.
func TestTeamPagesForAdminsOnly(t *testing.T) {
	t.Parallel()
	a, _, token := newAdminApp(t)
	emp := a.signedIn(a.user("asha@example.com", models.RoleEmployee))
	team, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: new("Support")})
	if err != nil {
		t.Fatal(err)
	}
	page := "/admin/teams/" + itoa(team.ID)
	for _, path := range []string{"/admin/teams", page} {
		res := emp.get(path)
		wantStatus(t, res, http.StatusForbidden)
		wantBody(t, res, "Not allowed")
	}
	for _, path := range []string{"/admin/teams", page, page + "/delete"} {
		wantStatus(t, emp.post(path, url.Values{"name": {"Mine"}}), http.StatusForbidden)
	}
	if teams, _ := a.store.Teams(t.Context()); len(teams) != 1 || teams[0].Name != "Support" {
		t.Errorf("an employee changed the teams: %+v", teams)
	}
	res := a.do(call{method: http.MethodGet, path: "/admin/teams", token: token, want: http.StatusOK})
	if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || res.Header().Get("Vary") != "Accept" {
		t.Errorf("JSON list: Content-Type %q, Vary %q", ct, res.Header().Get("Vary"))
	}
}

// TestTeamScheduleOnPages: the team's schedule in force and its planned
// change show on its page in words; the change can be cancelled from the
// page, and the one in force cannot. Its members follow it: the users list
// says their pattern with "(team)", filters by team, and a user's page says
// whose schedule they follow and when it next changes.
func TestTeamScheduleOnPages(t *testing.T) {
	t.Parallel()
	a, _, token := newAdminApp(t)
	admin, err := a.store.UserByEmail(t.Context(), "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	v := a.signedIn(admin)
	asha := a.user("asha@example.com", models.RoleEmployee, "saturday", "sunday")
	ben := a.user("ben@example.com", models.RoleEmployee)
	team, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: new("Support")})
	if err != nil {
		t.Fatal(err)
	}
	page, id := "/admin/teams/"+itoa(team.ID), itoa(team.ID)
	a.do(call{method: http.MethodPut, path: page + "/schedule", token: token, want: http.StatusOK,
		body: map[string]any{"rules": []map[string]any{{"day": "saturday", "weeks": []int{2, 4}}, {"day": "sunday"}}}})
	later := day(utcToday().AddDate(0, 0, 10))
	var planned scheduleOut
	decode(t, a.do(call{method: http.MethodPut, path: page + "/schedule", token: token, want: http.StatusOK,
		body: map[string]any{"rules": []map[string]any{{"day": "friday"}}, "effective_from": later}}), &planned)

	// Both join from their forms, leaving the boxes as drawn: Ben, who had
	// no schedule of his own, follows the team's; Asha keeps her own.
	for _, u := range []*models.User{ben, asha} {
		form := v.get("/admin/users/" + itoa(u.ID))
		wantBody(t, form, `<select id="team_id" name="team_id">`, `<option value="`+id+`">Support</option>`)
		shown := matches(form, `name="weekoffs_shown" value="([^"]*)"`)
		if len(shown) != 1 {
			t.Fatalf("form of %s: weekoffs_shown %v, want one", u.Email, shown)
		}
		wantRedirect(t, v.post("/admin/users/"+itoa(u.ID), url.Values{"full_name": {u.FullName}, "role": {"employee"}, "is_active": {"true"},
			"weekoffs": u.Weekoffs.Strings(), "weekoffs_shown": shown, "team_id": {id}}), "/admin/users/"+itoa(u.ID))
	}
	res := v.get("/admin/users/" + itoa(ben.ID))
	wantBody(t, res, `<option value="`+id+`" selected>Support</option>`,
		`<dd id="schedule-words">2nd &amp; 4th Sat, every Sun</dd>`, `<dd id="schedule-source">Their team&#39;s (Support)</dd>`,
		`<dd id="schedule-next">`+dateWordsOf(t, later)+`</dd>`, "These are the days of their team")
	wantBody(t, v.get("/admin/users/"+itoa(asha.ID)), `<dd id="schedule-words">Every Sat, every Sun</dd>`,
		`<dd id="schedule-source">Their own</dd>`)

	t.Run("List", func(t *testing.T) {
		res := v.get("/admin/users?sort=email")
		wantBody(t, res, `<th scope="col">Team</th>`, `<label for="team">Team</label>`,
			`<td>2nd &amp; 4th Sat, every Sun (team)</td>`, `<td>every Sat, every Sun</td>`,
			`<dt>Team</dt><dd><a href="`+page+`">Support</a></dd>`)
		res = v.get("/admin/users?team=" + id)
		if got := emails(res); !slices.Equal(got, []string{"asha@example.com", "ben@example.com"}) {
			t.Errorf("team=%s lists %v, want asha and ben", id, got)
		}
		wantBody(t, res, `<option value="`+id+`" selected>Support</option>`, `<a href="/admin/users">Clear</a>`)
		if got := emails(v.get("/admin/users?team=none")); !slices.Equal(got, []string{"admin@example.com"}) {
			t.Errorf("team=none lists %v, want the admin", got)
		}
		res = v.get("/admin/users?team=x")
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, `id="team-error"`)
	})

	t.Run("TeamPage", func(t *testing.T) {
		res := v.get(page)
		wantBody(t, res, `<h2 id="schedule-heading">Schedule</h2>`, "<strong>2nd &amp; 4th Sat, every Sun</strong>",
			"From "+dateWordsOf(t, later)+": Every Fri",
			`action="`+page+`/schedule/`+itoa(planned.ID)+`/cancel"`, "2 members")
	})

	t.Run("Cancel", func(t *testing.T) {
		cancel := page + "/schedule/" + itoa(planned.ID) + "/cancel"
		wantRedirect(t, v.post(cancel, nil), page)
		res := v.get(page)
		wantBody(t, res, "Cancelled the planned change.")
		if strings.Contains(res.Body.String(), "every Fri") {
			t.Error("the cancelled change is still listed")
		}
		wantRedirect(t, v.post(cancel, nil), page)
		wantBody(t, v.get(page), "That planned change had already been cancelled.")

		var view scheduleViewOut
		decode(t, a.do(call{method: http.MethodGet, path: page + "/schedule", token: token, want: http.StatusOK}), &view)
		res = v.post(page+"/schedule/"+itoa(view.InForce.ID)+"/cancel", nil)
		wantStatus(t, res, http.StatusConflict)
		wantBody(t, res, `id="error-summary"`, "That change has taken effect, so it can no longer be cancelled.")
	})
}

// TestNewUserFollowsTeam: a user created from the form with a team and no
// day ticked follows the team's schedule; with days ticked they are their own.
func TestNewUserFollowsTeam(t *testing.T) {
	t.Parallel()
	a, _, token := newAdminApp(t)
	admin, _ := a.store.UserByEmail(t.Context(), "admin@example.com")
	v := a.signedIn(admin)
	team, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: new("Support")})
	if err != nil {
		t.Fatal(err)
	}
	a.do(call{method: http.MethodPut, path: "/admin/teams/" + itoa(team.ID) + "/schedule", token: token, want: http.StatusOK,
		body: map[string]any{"rules": []map[string]any{{"day": "sunday"}}}})
	wantBody(t, v.get("/admin/users/new"), "Tick no day to follow the team", `<option value="`+itoa(team.ID)+`">Support</option>`)
	for _, tc := range []struct {
		email  string
		days   []string
		source string
	}{{"follows@example.com", nil, "team"}, {"own@example.com", []string{"monday"}, "user"}} {
		form := url.Values{"email": {tc.email}, "full_name": {"New Person"}, "role": {"employee"}, "is_active": {"true"},
			"password": {"long-enough-1"}, "team_id": {itoa(team.ID)}, "weekoffs": tc.days}
		wantStatus(t, v.post("/admin/users", form), http.StatusSeeOther)
		u, err := a.store.UserByEmail(t.Context(), tc.email)
		if err != nil {
			t.Fatal(err)
		}
		if sched := scheduleOf(t, u); u.TeamID == nil || *u.TeamID != team.ID || string(sched.Source) != tc.source {
			t.Errorf("%s: team %v, schedule from %q, want team %d and %q", tc.email, u.TeamID, sched.Source, team.ID, tc.source)
		}
	}
	res := v.post("/admin/users", url.Values{"email": {"x@example.com"}, "full_name": {"X"}, "role": {"employee"},
		"password": {"long-enough-1"}, "team_id": {"999999"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, `<a href="#team_id">Choose a team from the list</a>`, `aria-describedby="team_id-error"`)
}

// TestUserFormKeepsTheSchedule: saving a user's form with the boxes as
// drawn leaves a schedule the boxes cannot show as it was (alternate
// Saturdays stay alternate); changing a box replaces it.
func TestUserFormKeepsTheSchedule(t *testing.T) {
	t.Parallel()
	a, _, token := newAdminApp(t)
	admin, _ := a.store.UserByEmail(t.Context(), "admin@example.com")
	v := a.signedIn(admin)
	asha := a.user("asha@example.com", models.RoleEmployee)
	path := "/admin/users/" + itoa(asha.ID)
	a.do(call{method: http.MethodPut, path: path + "/schedule", token: token, want: http.StatusOK,
		body: map[string]any{"rules": []map[string]any{{"day": "saturday", "weeks": "alternate"}}}})
	form := v.get(path)
	wantBody(t, form, `name="weekoffs_shown" value="saturday"`, "Their schedule is alternate Sat.")
	post := url.Values{"full_name": {"Asha Rao"}, "role": {"employee"}, "is_active": {"true"}, "weekoffs": {"saturday"},
		"weekoffs_shown": {"saturday"}, "team_id": {""}}
	wantRedirect(t, v.post(path, post), path)
	if u := storedUser(t, a, asha.ID); u.FullName != "Asha Rao" || scheduleOf(t, u).Rules.Words() != "alternate Sat" {
		t.Errorf("after a save with the days as drawn: %q, %q, want Asha Rao, alternate Sat", u.FullName, scheduleOf(t, u).Rules.Words())
	}
	wantRedirect(t, v.post(path, with(post, "weekoffs", "sunday")), path)
	if words := scheduleOf(t, storedUser(t, a, asha.ID)).Rules.Words(); words != "every Sun" {
		t.Errorf("after changing the days: %q, want every Sun", words)
	}
}

// storedUser reads a user from the store.
func storedUser(t *testing.T, a *app, id int64) *models.User {
	t.Helper()
	u, err := a.store.UserByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// scheduleOf is a stored user's schedule in force.
func scheduleOf(t *testing.T, u *models.User) models.UserSchedule {
	t.Helper()
	sched, err := u.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	return sched
}

// TestStaleUserFormWithTeam: an admin moves a user to a team, leaving the
// days as drawn, on a form drawn before someone else changed the days. The
// comparison shows the team as the change and the days as they are now;
// applying it moves the user and keeps the days changed meanwhile.
func TestStaleUserFormWithTeam(t *testing.T) {
	t.Parallel()
	a, v, emp, _ := renamedMeanwhile(t)
	team, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: new("Support")})
	if err != nil {
		t.Fatal(err)
	}
	path := "/admin/users/" + itoa(emp.ID)
	drawn := v.get(path) // drawn now: Sunday
	version := matches(drawn, `name="version" value="(\d+)"`)[0]
	monday := []string{"monday"}
	if _, err := a.store.UpdateUser(t.Context(), emp.ID, models.UserInput{Weekoffs: &monday}, 0); err != nil {
		t.Fatal(err)
	}
	res := v.post(path, url.Values{"full_name": {"Asha Elsewhere"}, "role": {"employee"}, "is_active": {"true"},
		"weekoffs": {"sunday"}, "weekoffs_shown": {"sunday"}, "team_id": {itoa(team.ID)}, "version": {version}})
	wantStatus(t, res, http.StatusConflict)
	body := res.Body.String()
	for _, row := range []string{`<tr class="differs"><th scope="row">Team <span class="visually-hidden">(differs)</span></th><td>Support</td><td>No team</td>`,
		`<tr class=""><th scope="row">Week-offs </th><td>Monday</td><td>Monday</td>`} {
		if !strings.Contains(body, row) {
			t.Errorf("comparison lacks %s", row)
		}
	}
	apply := body[strings.Index(body, `id="apply-form"`):]
	apply = apply[:strings.Index(apply, "</form>")]
	applied := url.Values{}
	for _, m := range regexp.MustCompile(`name="(\w+)" value="([^"]*)"`).FindAllStringSubmatch(apply, -1) {
		applied.Add(m[1], m[2])
	}
	wantRedirect(t, v.post(path, applied), path)
	u, _ := a.store.UserByID(t.Context(), emp.ID)
	if u.TeamID == nil || *u.TeamID != team.ID || !slices.Equal(u.Weekoffs.Strings(), monday) {
		t.Errorf("after applying: team %v, days %v, want Support and the days changed meanwhile (Monday)", u.TeamID, u.Weekoffs)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// dateWordsOf is a YYYY-MM-DD date as the pages mark it up:
// <time datetime="2026-12-01">Tue 1 Dec 2026</time>.
func dateWordsOf(t *testing.T, iso string) string {
	t.Helper()
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		t.Fatal(err)
	}
	return `<time datetime="` + iso + `">` + d.Format("Mon 2 Jan 2006") + `</time>`
}
