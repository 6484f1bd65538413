package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
)

// setTeamSchedule gives a team (0: the organisation) the rules, as JSON,
// from the date (YYYY-MM-DD; "" for today), as an admin's PUT would.
func setTeamSchedule(t *testing.T, a *app, teamID int64, rules, from string) {
	t.Helper()
	f := models.ScheduleFields{Rules: json.RawMessage(rules)}
	if from != "" {
		f.EffectiveFrom = &from
	}
	in, err := a.store.ParseSchedule(t.Context(), f, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.SetScopeSchedule(t.Context(), teamID, in); err != nil {
		t.Fatal(err)
	}
}

// joinTeam puts a user in a team (0: none), as the user form does.
func joinTeam(t *testing.T, a *app, userID, teamID int64) {
	t.Helper()
	// Forced: leaving a team with a minimum on duty can leave it short.
	if _, err := a.store.UpdateUser(t.Context(), userID, models.UserInput{TeamID: &teamID, Force: true}, 0); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserTeams: an admin creates a team from the Teams page, renames
// it, moves a user into it from the user's form, sees the team and the
// team's pattern in words on the users list, filters the list by the team,
// cannot delete the team while it has a member (its page says why, and a
// page drawn before the member joined is refused with the reason), and
// deletes it once it is empty. Every page fits a 375-pixel phone.
func TestBrowserTeams(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	admin := a.user("admin@example.com", models.RoleAdmin)
	ben := a.user("ben@example.com", models.RoleEmployee)
	a.user("asha@example.com", models.RoleEmployee, "saturday", "sunday")
	b.signIn(admin.Email, "password1")

	b.submit(chromedp.Click(chromedp.CSS(`header nav a[href="/admin/teams"]`)))
	if got := b.text("#no-teams"); !strings.Contains(got, "no teams yet") {
		t.Errorf("teams page at first: %q", got)
	}
	b.submit(
		chromedp.SendKeys(chromedp.ID("name"), "Support"),
		chromedp.SetValue(chromedp.ID("min_on_duty"), "1"),
		chromedp.Click(chromedp.CSS(`#new-team-form button[type=submit]`)),
	)
	page := b.path()
	if !strings.HasPrefix(page, "/admin/teams/") || b.text(".flash") != "Created team Support." {
		b.fatal("after creating: at %s, flash %q", page, b.text(".flash"))
	}
	teamID := mustID(t, strings.TrimPrefix(page, "/admin/teams/"))

	b.submit(
		chromedp.SetValue(chromedp.ID("name"), "Customer support"),
		chromedp.Click(chromedp.CSS(`#team-form button[type=submit]`)),
	)
	if got := b.text("h1"); got != "Customer support" || b.text(".flash") != "Saved team Customer support." {
		t.Errorf("after renaming: heading %q, flash %q", got, b.text(".flash"))
	}
	setTeamSchedule(t, a, teamID, `[{"day": "saturday", "weeks": [2, 4]}, {"day": "sunday"}]`, "")

	// Ben joins from his form, reached from the users list.
	b.open("/admin/users?sort=email")
	b.submit(chromedp.Click(chromedp.CSS(`#users a[href^="/admin/users/` + itoa(ben.ID) + `"]`)))
	b.submit(
		chromedp.SetValue(chromedp.ID("team_id"), itoa(teamID)),
		chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)),
	)
	if got := b.text(".flash"); got != "Saved changes to Person ben." {
		t.Errorf("after moving Ben: flash %q", got)
	}
	if got, want := b.text("#schedule-source"), "Their team's (Customer support)"; got != want {
		t.Errorf("Ben's schedule is from %q, want %q", got, want)
	}
	b.screenshot("team-user-form")

	b.open("/admin/users?sort=email")
	teams, patterns := b.texts("#users tbody td:nth-child(5)"), b.texts("#users tbody td:nth-child(6)")
	if want := []string{"—", "—", "Customer support"}; !slices.Equal(teams, want) {
		t.Errorf("Team column: got %v, want %v", teams, want)
	}
	if want := []string{"—", "every Sat, every Sun", "2nd & 4th Sat, every Sun (team)"}; !slices.Equal(patterns, want) {
		t.Errorf("Week-offs column: got %v, want %v", patterns, want)
	}
	b.submit(
		chromedp.SetValue(chromedp.ID("team"), itoa(teamID)),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
	)
	if got := b.text("#match-count"); got != "1 user matches" || !strings.Contains(b.path(), "team="+itoa(teamID)) {
		t.Errorf("filtered by the team: %q at %s", got, b.path())
	}
	if got := b.texts("#users tbody td:nth-child(2)"); !slices.Equal(got, []string{ben.Email}) {
		t.Errorf("filtered by the team: rows %v, want Ben", got)
	}
	b.screenshot("team-users-filtered")

	// The team with Ben in it: no Delete button, and why.
	b.open(page)
	if b.present("#delete-team-form") {
		t.Error("the page of a team with a member offers to delete it")
	}
	if got := b.text("#cannot-delete"); !strings.Contains(got, "has 1 member, so it cannot be deleted") {
		t.Errorf("why not: %q", got)
	}
	if got := b.texts("#members li a"); !slices.Equal(got, []string{ben.FullName}) {
		t.Errorf("members: %v", got)
	}

	// A page drawn while the team was empty: Delete is refused with the reason.
	joinTeam(t, a, ben.ID, 0)
	b.open(page)
	joinTeam(t, a, ben.ID, teamID)
	status := b.submit(chromedp.Click(chromedp.CSS(`#delete-team-form button`)))
	if status != http.StatusConflict || !strings.Contains(b.text("#error-summary"), "This team has members, so it was not deleted.") {
		b.fatal("deleting a team with a member: status %d, summary %q", status, b.text("#error-summary"))
	}
	if !run(b, chromedp.Evaluate[bool](`document.activeElement === document.getElementById("error-summary")`)) {
		t.Error("the error summary does not take the focus")
	}
	b.screenshot("team-delete-refused")

	joinTeam(t, a, ben.ID, 0)
	b.open(page)
	b.submit(chromedp.Click(chromedp.CSS(`#delete-team-form button`)))
	if got := b.path(); got != "/admin/teams" || b.text(".flash") != "Deleted team Customer support." || !b.present("#no-teams") {
		t.Errorf("after deleting: at %s, flash %q", got, b.text(".flash"))
	}
}

// TestBrowserTeamsOnPhone: the teams list, a busy team's page and the users
// list with its team filter fit a 375-pixel screen.
func TestBrowserTeamsOnPhone(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	admin := a.user("admin@example.com", models.RoleAdmin)
	team, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: new("Accounts payable and receivable, night shift")})
	if err != nil {
		t.Fatal(err)
	}
	setTeamSchedule(t, a, team.ID, `[{"day": "saturday", "weeks": [2, 4]}, {"day": "friday", "part": "afternoon"}]`, "")
	setTeamSchedule(t, a, team.ID, `[{"day": "sunday"}]`, day(utcToday().AddDate(0, 0, 30)))
	joinTeam(t, a, inactiveUserWithHistory(t, a).ID, team.ID)
	b.do(chromedp.EmulateViewport(375, 800))
	b.signIn(admin.Email, "password1")
	for _, path := range []string{"/admin/teams", "/admin/teams/" + itoa(team.ID), "/admin/users?team=" + itoa(team.ID)} {
		b.open(path)
		pageFits(b, 375)
		b.screenshot("phone" + strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(path))
	}
}
