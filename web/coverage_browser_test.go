package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
)

// TestBrowserCoverageCalendar: an admin follows Coverage in the navigation,
// picks a team, sees a short day marked in words, opens the day and follows
// a person off that day to their page. The month passes axe-core, and it
// and the day's list fit a 375-pixel phone.
func TestBrowserCoverageCalendar(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	script := axeScript(t)
	admin := a.user("admin@example.com", models.RoleAdmin)
	team, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: new("Support"), MinOnDuty: new(2)})
	if err != nil {
		t.Fatal(err)
	}
	asha := a.user("asha@example.com", models.RoleEmployee, "sunday")
	for _, u := range []*models.User{asha, a.user("ben@example.com", models.RoleEmployee, "sunday"), a.user("chen@example.com", models.RoleEmployee)} {
		joinTeam(t, a, u.ID, team.ID)
	}
	b.signIn(admin.Email, "password1")

	b.submit(chromedp.Click(chromedp.CSS(`header nav a[href="/admin/calendar"]`)))
	b.open("/admin/calendar?month=2030-06") // a month whose Sundays are known
	b.submit(
		chromedp.SetValue(chromedp.ID("team"), itoa(team.ID)),
		chromedp.Click(chromedp.CSS(`form.month-pick button[type=submit]`)),
	)
	if got := b.text("h1"); got != "Coverage: June 2030" || !strings.Contains(b.path(), "team="+itoa(team.ID)) {
		b.fatal("after picking the team: heading %q at %s", got, b.path())
	}
	sunday := `#coverage td:has(time[datetime="2030-06-02"])`
	if got := b.text(sunday); !strings.Contains(got, "1 working, 2 off") || !strings.Contains(got, "Short") {
		t.Errorf("Sunday 2 June: %q, want 1 working, 2 off, marked Short", got)
	}
	if got := b.text(`#coverage td:has(time[datetime="2030-06-03"])`); strings.Contains(got, "Short") {
		t.Errorf("Monday 3 June is marked short: %q", got)
	}
	for _, v := range b.axe(script) {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe: %s", v)
		}
	}
	b.screenshot("coverage-month")

	b.submit(chromedp.Click(chromedp.CSS(sunday + " a")))
	if got := b.text("h1"); got != "Off on Sunday 2 June 2030: Support" {
		b.fatal("the day's page: heading %q", got)
	}
	b.submit(chromedp.Click(chromedp.CSS(`#off-people a[href="/admin/users/` + itoa(asha.ID) + `"]`)))
	if got := b.path(); got != "/admin/users/"+itoa(asha.ID) {
		t.Errorf("following Asha: at %s", got)
	}

	// The team's schedule form: Sundays off for Chen too (the one who
	// follows the team) would leave nobody working; the page lists the
	// dates, and Save anyway applies it.
	b.open("/admin/teams/" + itoa(team.ID))
	status := b.submit(
		chromedp.SetValue(chromedp.ID("schedule-part-sunday"), "full"),
		chromedp.Click(chromedp.CSS(`#schedule-form button[type=submit]`)),
	)
	if status != http.StatusConflict || !strings.Contains(b.text("#schedule-short"), "Support would have 0 working; it needs 2") || !b.present("#schedule-force") {
		b.fatal("the short team schedule: status %d, dates %q", status, b.text("#schedule-short"))
	}
	for _, v := range b.axe(script) {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe on the refused form: %s", v)
		}
	}
	b.screenshot("coverage-save-anyway")
	b.submit(chromedp.Click(chromedp.ID("schedule-force")))
	if got := b.text(".flash"); !strings.Contains(got, "Sun") {
		t.Errorf("after Save anyway: flash %q", got)
	}

	b.do(chromedp.EmulateViewport(375, 800))
	for i, path := range []string{"/admin/calendar?month=2030-06&team=" + itoa(team.ID), "/admin/calendar/day?date=2030-06-02"} {
		b.open(path)
		pageFits(b, 375)
		b.screenshot([]string{"phone-coverage-month", "phone-coverage-day"}[i])
		for _, v := range b.axe(script) {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("axe on a phone, %s: %s", path, v)
			}
		}
	}
}
