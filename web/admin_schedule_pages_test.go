package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// alternateSaturdays is a schedule form choosing every other Saturday
// from the date ("" for today), as an admin fills it in.
func alternateSaturdays(from string) url.Values {
	return url.Values{"part-saturday": {"full"}, "weeks-saturday": {"alternate"}, "effective_from": {from}}
}

// tooMuchFromYesterday is a schedule form that breaks two rules: three
// days off (the limit is two) from yesterday.
func tooMuchFromYesterday() url.Values {
	return url.Values{"part-monday": {"full"}, "part-tuesday": {"morning"}, "part-friday": {"afternoon"},
		"weeks-friday": {"nth"}, "nth-friday": {"2"}, "effective_from": {day(utcToday().AddDate(0, 0, -1))}}
}

// wantRefusedSchedule checks a page drawn again around a refused
// tooMuchFromYesterday form: 422, an error title, the problems in the
// summary and beside their fields, and the form as it was sent.
func wantRefusedSchedule(t *testing.T, res *httptest.ResponseRecorder, title string) {
	t.Helper()
	wantStatus(t, res, http.StatusUnprocessableEntity)
	body := res.Body.String()
	var got []string
	for _, m := range summaryLink.FindAllStringSubmatch(body, -1) {
		got = append(got, m[1], m[2])
	}
	want := []string{"schedule-part-monday", "Choose at most 2 week-off days, not 3",
		"schedule-effective_from", "Choose today (" + day(utcToday()) + ") or a later date"}
	if !slices.Equal(got, want) {
		t.Errorf("summary: got %q, want %q", got, want)
	}
	if !strings.Contains(body, "<title>Error: "+title+" · weekoffs</title>") {
		t.Errorf("title is not Error: %s", title)
	}
	describedBy(t, body, "schedule-rules", "schedule-rules-hint", "schedule-rules-error")
	describedBy(t, body, "schedule-effective_from", "schedule-effective_from-hint", "schedule-effective_from-error")
	if !selected(t, body, "schedule-part-tuesday", "morning") || !selected(t, body, "schedule-weeks-friday", "nth") ||
		!strings.Contains(element(t, body, "input", "schedule-nth-friday-2"), "checked") ||
		!strings.Contains(element(t, body, "input", "schedule-effective_from"), `value="`+day(utcToday().AddDate(0, 0, -1))+`"`) {
		t.Error("the refused form does not show what was sent")
	}
}

// supportTeam is a new team named Support with the rules (JSON) in force
// from today.
func supportTeam(t *testing.T, a *app, rules string) *models.Team {
	t.Helper()
	team, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: new("Support")})
	if err != nil {
		t.Fatal(err)
	}
	setTeamSchedule(t, a, team.ID, rules, "")
	return team
}

// scopeView is a team's (0: the organisation's) schedules, read from the store.
func scopeView(t *testing.T, a *app, teamID int64) models.ScheduleView {
	t.Helper()
	v, err := a.store.ScopeScheduleView(t.Context(), teamID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// wordsOf says the rules of schedules, for comparing.
func wordsOf(scs []schedule.Schedule) []string {
	var out []string
	for _, sc := range scs {
		out = append(out, sc.EffectiveFrom.String()+" "+sc.Rules.Words())
	}
	return out
}

// TestTeamScheduleForm: a team's page holds the schedule editor, drawn
// from the schedule in force, with no choice of inheriting. A save from
// today changes the members' days at once; one from a later date is
// listed as planned, and cancelled from the list. A refused form is drawn
// again with what was typed and each problem at its field, and writes
// nothing.
func TestTeamScheduleForm(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	admin := a.user("admin@example.com", models.RoleAdmin)
	v := a.signedIn(admin)
	team := supportTeam(t, a, `[{"day": "sunday"}]`)
	member := a.user("ben@example.com", models.RoleEmployee)
	joinTeam(t, a, member.ID, team.ID)
	page := "/admin/teams/" + itoa(team.ID)
	later := utcToday().AddDate(0, 0, 10)

	t.Run("Show", func(t *testing.T) {
		res := v.get(page)
		wantStatus(t, res, http.StatusOK)
		body := res.Body.String()
		wantBody(t, res, `<form method="post" action="`+page+`/schedule" class="schedule-editor" id="schedule-form">`,
			`name="effective_from" value="`+day(utcToday())+`" min="`+day(utcToday())+`"`, `id="planned-none"`)
		if !selected(t, body, "schedule-part-sunday", "full") || !selected(t, body, "schedule-part-saturday", "") {
			t.Error("the form does not show the schedule in force")
		}
		if strings.Contains(body, `name="inherit"`) || strings.Contains(body, `name="version"`) {
			t.Error("a team's form offers to inherit, or carries a version")
		}
	})
	t.Run("SaveToday", func(t *testing.T) {
		res := v.post(page+"/schedule", url.Values{"part-sunday": {"full"}, "part-wednesday": {"afternoon"}})
		wantRedirect(t, res, page)
		wantBody(t, v.get(page), "Saved: the team&#39;s days off are now every Wed afternoon, every Sun.",
			"<strong>every Wed afternoon, every Sun</strong>")
		wantWeekoffs(t, a, member.ID, "wednesday", "sunday")
	})
	var planned schedule.Schedule
	t.Run("PlanLater", func(t *testing.T) {
		wantRedirect(t, v.post(page+"/schedule", alternateSaturdays(day(later))), page)
		up := scopeView(t, a, team.ID).Upcoming
		if got := wordsOf(up); !slices.Equal(got, []string{day(later) + " alternate Sat"}) {
			t.Fatalf("planned: got %q", got)
		}
		planned = up[0]
		wantBody(t, v.get(page), "Planned from "+later.Format("Mon 2 Jan 2006")+": alternate Sat.",
			"From "+dateWordsOf(t, day(later))+": Alternate Sat",
			`action="`+page+`/schedule/`+itoa(planned.ID)+`/cancel"`)
		wantWeekoffs(t, a, member.ID, "wednesday", "sunday")
	})
	t.Run("Refused", func(t *testing.T) {
		res := v.post(page+"/schedule", tooMuchFromYesterday())
		wantRefusedSchedule(t, res, "Support")
		if got := wordsOf(scopeView(t, a, team.ID).Upcoming); len(got) != 1 {
			t.Errorf("a refused form wrote: planned %q", got)
		}
		if in := scopeView(t, a, team.ID).InForce; in.Rules.Words() != "every Wed afternoon, every Sun" {
			t.Errorf("a refused form wrote: in force %q", in.Rules.Words())
		}
		// A team's form offers no inheriting; one sent anyway is no rule.
		res = v.post(page+"/schedule", url.Values{"inherit": {"true"}, "effective_from": {day(later)}})
		wantRedirect(t, res, page)
		wantBody(t, v.get(page), "Planned from "+later.Format("Mon 2 Jan 2006")+": no days off.")
		wantRedirect(t, v.post(page+"/schedule", alternateSaturdays(day(later))), page)
		v.get(page) // as a browser follows the redirect, taking its message
	})
	t.Run("Cancel", func(t *testing.T) {
		wantRedirect(t, v.post(page+"/schedule/"+itoa(planned.ID)+"/cancel", nil), page)
		wantBody(t, v.get(page), "Cancelled the planned change.", `id="planned-none"`)
		if up := scopeView(t, a, team.ID).Upcoming; len(up) != 0 {
			t.Errorf("still planned: %q", wordsOf(up))
		}
	})
}

// TestUserScheduleForm: a user's page holds the schedule editor with the
// choice of their team's days, their planned changes (their own with
// Cancel, their team's without) and the version the page was drawn from.
// Saves go back to the page, keeping the list's place; a refused or stale
// save is drawn again with the choice kept and writes nothing.
func TestUserScheduleForm(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	admin := a.user("admin@example.com", models.RoleAdmin)
	v := a.signedIn(admin)
	team := supportTeam(t, a, `[{"day": "wednesday"}]`)
	teamLater := utcToday().AddDate(0, 0, 20)
	setTeamSchedule(t, a, team.ID, `[{"day": "thursday"}]`, day(teamLater))
	asha := a.user("asha@example.com", models.RoleEmployee, "sunday")
	joinTeam(t, a, asha.ID, team.ID)
	page := "/admin/users/" + itoa(asha.ID)
	from := "?from=" + url.QueryEscape("q=asha")
	later := utcToday().AddDate(0, 0, 10)

	t.Run("Show", func(t *testing.T) {
		res := v.get(page + from)
		wantStatus(t, res, http.StatusOK)
		body := res.Body.String()
		wantBody(t, res, `action="`+page+`/schedule?from=q%3Dasha" class="schedule-editor" id="schedule-form">`,
			"Their own days, as set below", "Their team&#39;s days (Support)", `id="planned-none"`)
		if !strings.Contains(element(t, body, "input", "schedule-inherit-no"), "checked") || !selected(t, body, "schedule-part-sunday", "full") {
			t.Error("the form does not show the user's own days")
		}
		form := body[strings.Index(body, `id="schedule-form"`):]
		if want := `<input type="hidden" name="version" value="` + strconv.Itoa(storedUser(t, a, asha.ID).Version) + `">`; !strings.HasPrefix(form, `id="schedule-form">`+want) {
			t.Errorf("the form does not carry the user's version: %.200s", form)
		}
	})
	version := func() string { return strconv.Itoa(storedUser(t, a, asha.ID).Version) }
	var planned schedule.Schedule
	t.Run("PlanLater", func(t *testing.T) {
		res := v.post(page+"/schedule"+from, with(alternateSaturdays(day(later)), "version", version()))
		wantRedirect(t, res, page+"?from=q%3Dasha")
		up := myUpcoming(t, a, asha.ID)
		if len(up) != 1 || up[0].Rules.Words() != "alternate Sat" {
			t.Fatalf("planned: got %q", wordsOf(up))
		}
		planned = up[0]
		cancel := page + "/schedule/" + itoa(planned.ID) + "/cancel"
		wantBody(t, v.get(page+from), "Planned from "+later.Format("Mon 2 Jan 2006")+": alternate Sat.",
			"From "+dateWordsOf(t, day(later))+": Alternate Sat", `action="`+cancel+`?from=q%3Dasha"`)
		wantWeekoffs(t, a, asha.ID, "sunday")
	})
	t.Run("Refused", func(t *testing.T) {
		before := storedUser(t, a, asha.ID)
		res := v.post(page+"/schedule", with(tooMuchFromYesterday(), "version", version()))
		wantRefusedSchedule(t, res, asha.FullName)
		if after := storedUser(t, a, asha.ID); after.Version != before.Version || len(myUpcoming(t, a, asha.ID)) != 1 {
			t.Error("a refused form wrote")
		}
	})
	t.Run("CancelInForce", func(t *testing.T) {
		in, err := a.store.UserScheduleView(t.Context(), asha.ID)
		if err != nil {
			t.Fatal(err)
		}
		if in.InForce.Scope != schedule.ScopeUser {
			t.Fatalf("in force: %+v, want her own", in.InForce)
		}
		res := v.post(page+"/schedule/"+itoa(in.InForce.ID)+"/cancel", nil)
		wantStatus(t, res, http.StatusConflict)
		wantBody(t, res, `id="error-summary"`, "That change has taken effect, so it can no longer be cancelled.",
			"<title>Error: "+asha.FullName)
		wantWeekoffs(t, a, asha.ID, "sunday")
	})
	t.Run("Stale", func(t *testing.T) {
		drawn := version()
		name := "Asha Elsewhere"
		if _, err := a.store.UpdateUser(t.Context(), asha.ID, models.UserInput{FullName: &name}, 0); err != nil {
			t.Fatal(err)
		}
		res := v.post(page+"/schedule", with(url.Values{"part-monday": {"morning"}}, "version", drawn))
		wantStatus(t, res, http.StatusConflict)
		body := res.Body.String()
		wantBody(t, res, `id="error-summary"`, "Someone else changed this user after you opened the page, so their days off were not saved.",
			"<title>Error: Asha Elsewhere · weekoffs</title>", `name="version" value="`+version()+`"`)
		if !selected(t, body, "schedule-part-monday", "morning") || selected(t, body, "schedule-part-sunday", "full") {
			t.Error("the stale form lost the choice")
		}
		wantWeekoffs(t, a, asha.ID, "sunday")
	})
	t.Run("InheritToday", func(t *testing.T) {
		res := v.post(page+"/schedule", url.Values{"inherit": {"true"}, "part-monday": {"full"}, "version": {version()}})
		wantRedirect(t, res, page)
		wantWeekoffs(t, a, asha.ID, "wednesday")
		res = v.get(page)
		wantBody(t, res, "Saved: Asha Elsewhere&#39;s days off are now every Wed.", `<dd id="schedule-source">Their team&#39;s (Support)</dd>`)
		body := res.Body.String()
		if !strings.Contains(element(t, body, "input", "schedule-inherit-yes"), "checked") {
			t.Error("the team's days are not chosen")
		}
		if got := matches(res, `action="(/admin/users/[^"]*/cancel)"`); !slices.Equal(got, []string{page + "/schedule/" + itoa(planned.ID) + "/cancel"}) {
			t.Errorf("cancel buttons: got %q, want her own change's only", got)
		}
	})
	t.Run("Cancel", func(t *testing.T) {
		cancel := page + "/schedule/" + itoa(planned.ID) + "/cancel"
		wantRedirect(t, v.post(cancel+from, nil), page+"?from=q%3Dasha")
		// Following the team, she is told its planned change, which is
		// not hers to cancel.
		res := v.get(page)
		wantBody(t, res, "Cancelled the planned change.", "From "+dateWordsOf(t, day(teamLater))+": their team&#39;s days become: every Thu")
		if strings.Contains(res.Body.String(), "/cancel") {
			t.Error("the team's change can be cancelled from the user's page")
		}
		if up := myUpcoming(t, a, asha.ID); len(up) != 1 || up[0].Scope != schedule.ScopeTeam {
			t.Errorf("after cancelling: planned %q", wordsOf(up))
		}
		wantRedirect(t, v.post(cancel, nil), page)
		wantBody(t, v.get(page), "That planned change had already been cancelled.")
	})
	t.Run("NoTeam", func(t *testing.T) {
		ben := a.user("ben@example.com", models.RoleEmployee)
		res := v.get("/admin/users/" + itoa(ben.ID))
		wantBody(t, res, "The organisation&#39;s days")
		res = v.post("/admin/users/"+itoa(ben.ID)+"/schedule", url.Values{"version": {strconv.Itoa(ben.Version)}})
		wantRedirect(t, res, "/admin/users/"+itoa(ben.ID))
		wantBody(t, v.get("/admin/users/"+itoa(ben.ID)), "Saved: Person ben has no days off.")
	})
}

// TestOrganisationSchedule: the organisation's page says its default
// schedule in force and its planned changes in words, each with Cancel,
// and holds the editor; a refused form keeps what was typed and writes
// nothing.
func TestOrganisationSchedule(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	admin := a.user("admin@example.com", models.RoleAdmin)
	v := a.signedIn(admin)
	follower := a.user("ben@example.com", models.RoleEmployee)
	const page = "/admin/organisation"
	later := utcToday().AddDate(0, 0, 10)

	res := v.get(page)
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, `<h2 id="schedule-heading">Default schedule</h2>`, "The organisation has no schedule in force",
		`id="planned-none"`, `action="/admin/organisation/schedule" class="schedule-editor"`)

	wantRedirect(t, v.post(page+"/schedule", url.Values{"part-saturday": {"full"}, "part-sunday": {"full"}}), page)
	wantBody(t, v.get(page), "Saved: the organisation&#39;s days off are now every Sat, every Sun.",
		"<strong>every Sat, every Sun</strong>", "Everyone without a schedule of their own or their team&#39;s follows it.")
	wantWeekoffs(t, a, follower.ID, "saturday", "sunday")

	wantRedirect(t, v.post(page+"/schedule", alternateSaturdays(day(later))), page)
	up := scopeView(t, a, 0).Upcoming
	if got := wordsOf(up); !slices.Equal(got, []string{day(later) + " alternate Sat"}) {
		t.Fatalf("planned: got %q", got)
	}
	res = v.get(page)
	wantBody(t, res, "Planned from "+later.Format("Mon 2 Jan 2006")+": alternate Sat.",
		"From "+dateWordsOf(t, day(later))+": Alternate Sat", `action="/admin/organisation/schedule/`+itoa(up[0].ID)+`/cancel"`)

	res = v.post(page+"/schedule", tooMuchFromYesterday())
	wantRefusedSchedule(t, res, "Organisation")
	body := res.Body.String()
	if !strings.Contains(body, `value="`+time.UTC.String()+`"`) {
		t.Error("the settings form is not drawn as stored")
	}
	if got := wordsOf(scopeView(t, a, 0).Upcoming); len(got) != 1 || scopeView(t, a, 0).InForce.Rules.Words() != "every Sat, every Sun" {
		t.Errorf("a refused form wrote: planned %q", got)
	}

	wantRedirect(t, v.post(page+"/schedule/"+itoa(up[0].ID)+"/cancel", nil), page)
	wantBody(t, v.get(page), "Cancelled the planned change.", `id="planned-none"`)
	res = v.post(page+"/schedule/"+itoa(scopeView(t, a, 0).InForce.ID)+"/cancel", nil)
	wantStatus(t, res, http.StatusConflict)
	wantBody(t, res, `id="error-summary"`, "That change has taken effect, so it can no longer be cancelled.", "<title>Error: Organisation")
}

// TestScheduleFormsForAdminsOnly: an employee's posts to the admins'
// schedule forms are refused with the 403 page and write nothing; sent
// after the session ended, they go to sign in and back to their page.
func TestScheduleFormsForAdminsOnly(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	emp := a.user("asha@example.com", models.RoleEmployee, "sunday")
	team := supportTeam(t, a, `[]`)
	setTeamSchedule(t, a, team.ID, `[{"day": "sunday"}]`, day(utcToday().AddDate(0, 0, 5)))
	setTeamSchedule(t, a, 0, `[{"day": "sunday"}]`, day(utcToday().AddDate(0, 0, 5)))
	user, teamPage := "/admin/users/"+itoa(emp.ID), "/admin/teams/"+itoa(team.ID)
	posts := map[string]string{
		user + "/schedule":          user,
		user + "/schedule/1/cancel": user,
		teamPage + "/schedule":      teamPage,
		teamPage + "/schedule/" + itoa(scopeView(t, a, team.ID).Upcoming[0].ID) + "/cancel": teamPage,
		"/admin/organisation/schedule": "/admin/organisation",
		"/admin/organisation/schedule/" + itoa(scopeView(t, a, 0).Upcoming[0].ID) + "/cancel": "/admin/organisation",
	}
	v := a.signedIn(emp)
	gone := a.visitor()
	for path, page := range posts {
		res := v.post(path, alternateSaturdays(""))
		wantStatus(t, res, http.StatusForbidden)
		wantBody(t, res, "Not allowed")
		wantRedirect(t, gone.post(path, alternateSaturdays("")), "/login?next="+url.QueryEscape(page)+"&unsaved=1")
	}
	wantWeekoffs(t, a, emp.ID, "sunday")
	if len(scopeView(t, a, team.ID).Upcoming) != 1 || len(scopeView(t, a, 0).Upcoming) != 1 || scopeView(t, a, 0).InForce != nil {
		t.Error("an employee changed a schedule")
	}
}
