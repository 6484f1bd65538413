package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
)

// alternateSaturdaysInBrowser fills the schedule form of the page shown:
// every other Saturday off, from the date, and sends it.
func alternateSaturdaysInBrowser(from string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(chromedp.ID("schedule-part-saturday"), "full"),
		chromedp.SetValue(chromedp.ID("schedule-weeks-saturday"), "alternate"),
		chromedp.SetValue(chromedp.ID("schedule-effective_from"), from),
		chromedp.Click(chromedp.CSS(`#schedule-form button[type=submit]`)),
	}
}

// planAndCancel drives the schedule form of the page shown, drawn with
// Sundays off: alternate Saturdays as well, from ten days on, is listed as
// planned, with the flash that says so, while inForce (the element saying
// the days in force now) still says only Sundays (now); its Cancel button
// withdraws it. Screenshots are named for the page.
func planAndCancel(b *browser, name, inForce, now string) {
	b.t.Helper()
	from := utcToday().AddDate(0, 0, 10)
	if status := b.submit(alternateSaturdaysInBrowser(day(from))...); status != http.StatusOK {
		b.fatal("save: status %d", status)
	}
	b.screenshot(name + "-planned")
	if got, want := b.text(".flash"), "Planned from "+from.Format("Mon 2 Jan 2006")+": alternate Sat, every Sun."; got != want {
		b.t.Errorf("flash: got %q, want %q", got, want)
	}
	if got := b.texts("ul.planned li > span"); len(got) != 1 || got[0] != "From "+from.Format("Mon 2 Jan 2006")+": Alternate Sat, every Sun" {
		b.t.Errorf("planned: got %q", got)
	}
	// Not "Sat" alone: the date the days are in force since may be a Saturday.
	if got := b.text(inForce); !strings.Contains(got, now) || strings.Contains(strings.ToLower(got), "alternate sat") {
		b.t.Errorf("in force: got %q, want it to say %q, not the planned alternate Saturdays", got, now)
	}
	if status := b.submit(chromedp.Click(chromedp.CSS(`ul.planned button`))); status != http.StatusOK {
		b.fatal("cancel: status %d", status)
	}
	if got := b.text(".flash"); got != "Cancelled the planned change." {
		b.t.Errorf("flash after cancelling: got %q", got)
	}
	if b.present("ul.planned") || !b.present("#planned-none") {
		b.t.Error("the change is still listed")
	}
}

// TestBrowserTeamScheduleEditor: on a team's page an admin plans alternate
// Saturdays from a later date, sees the change listed beside the schedule
// still in force, and cancels it.
func TestBrowserTeamScheduleEditor(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	admin := a.user("admin@example.com", models.RoleAdmin)
	team := supportTeam(t, a, `[{"day": "sunday"}]`)
	b.signIn(admin.Email, "password1")
	b.open("/admin/teams/" + itoa(team.ID))
	if b.present("#schedule-inherit-yes") || !b.shown("schedule-weeks-sunday") || b.shown("schedule-weeks-saturday") {
		b.fatal("the team's form offers to inherit, or does not show the days in force")
	}
	planAndCancel(b, "team-schedule", "#schedule-in-force", "every Sun")
}

// TestBrowserUserScheduleEditor: on a user's page, on a phone, choosing
// their team's days hides the days of their own; an admin plans alternate
// Saturdays for them from a later date, sees it listed, and cancels it.
// The page fits the phone throughout.
func TestBrowserUserScheduleEditor(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	admin := a.user("admin@example.com", models.RoleAdmin)
	team := supportTeam(t, a, `[]`)
	asha := a.user("asha@example.com", models.RoleEmployee, "sunday")
	joinTeam(t, a, asha.ID, team.ID)
	b.do(chromedp.EmulateViewport(375, 800))
	b.signIn(admin.Email, "password1")
	b.open("/admin/users/" + itoa(asha.ID))
	pageFits(b, 375)

	if got := b.text(`label:has(#schedule-inherit-yes)`); got != "Their team's days (Support)" {
		t.Errorf("inherit choice: got %q", got)
	}
	b.do(chromedp.Click(chromedp.ID("schedule-inherit-yes")))
	if b.shown("schedule-part-monday") {
		t.Error("the days of their own show while their team's are chosen")
	}
	b.do(chromedp.Click(chromedp.ID("schedule-inherit-no")))
	planAndCancel(b, "user-schedule-phone", "#schedule-words", "Every Sun")
	pageFits(b, 375)
}
