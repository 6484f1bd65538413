package web_test

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
)

// axeIntegrity is the Subresource Integrity hash that axe-core 4.14.1
// publishes for its axe.min.js (sri-history.json in the npm package): the
// vendored file must be that file.
const axeIntegrity = "sha256-KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw="

// axeTags are the rule sets the pages are held to: WCAG 2.0, 2.1 and 2.2,
// levels A and AA.
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]`

// axeViolation is one rule that failed on a page, with the nodes that broke
// it, each as its selector and axe's summary of what to fix.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

func (v axeViolation) String() string {
	return fmt.Sprintf("%s (%s): %s\n\t\t%s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t\t"))
}

// axeScript is the vendored axe-core, checked against its published hash.
func axeScript(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("testdata/axe-core/axe.min.js")
	if err != nil {
		t.Fatalf("axe-core: %v", err)
	}
	sum := sha256.Sum256(src)
	if got := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); got != axeIntegrity {
		t.Fatalf("testdata/axe-core/axe.min.js is not axe-core's file: hash %s, want %s", got, axeIntegrity)
	}
	return string(src)
}

// axe evaluates axe-core in the page the browser shows and returns the
// WCAG A and AA rules that the page breaks. DevTools' Runtime.evaluate is
// not subject to the page's Content-Security-Policy, which refuses inline
// scripts: TestBrowserAccessibility checks both.
func (b *browser) axe(script string) []axeViolation {
	b.t.Helper()
	if !run(b, chromedp.Evaluate[bool](script+"\n;typeof window.axe === 'object'")) {
		b.fatal("axe-core did not load into the page")
	}
	return run(b, chromedp.Evaluate[[]axeViolation](`axe.run(document, {
		runOnly: {type: "tag", values: `+axeTags+`},
		resultTypes: ["violations"],
	}).then(r => r.violations.map(v => ({
		ID: v.id, Impact: v.impact || "", Help: v.help,
		Nodes: v.nodes.map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " ")),
	})))`, chromedp.EvalAwaitPromise))
}

// inlineScriptRuns reports whether the page lets a script written into it
// run: the CSP should refuse it.
func (b *browser) inlineScriptRuns() bool {
	b.t.Helper()
	return run(b, chromedp.Evaluate[bool](`(() => {
		const s = document.createElement("script");
		s.textContent = "window.__inlineRan = true";
		document.head.append(s);
		return window.__inlineRan === true;
	})()`))
}

// a11yVisit is one page in one state: who is signed in, and how the page is
// brought up (opened, or a form sent).
type a11yVisit struct {
	name, as string
	show     func(b *browser)
}

// TestBrowserAccessibility opens every page of the site, in each state worth
// checking (refused forms, notices, empty results, error pages), at a
// phone's width and a desktop's, and runs axe-core in it: no WCAG A or AA
// rule may fail with a serious or critical impact. Lesser findings are
// logged. /docs is left out: it is Swagger UI's page, whose own markup axe
// faults (nested-interactive on every operation's summary, upstream
// swagger-api/swagger-ui#9576; contrast of the method badges).
func TestBrowserAccessibility(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	script := axeScript(t)
	if _, err := a.store.Seed(t.Context(), 30, "password1", nil); err != nil {
		t.Fatal(err)
	}
	admin, err := a.store.UserByEmail(t.Context(), models.SeedAdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	emp := a.user("asha@example.com", models.RoleEmployee, "saturday", "sunday")
	gone := inactiveUserWithHistory(t, a)
	// A team with members, a schedule in force and a planned change; an
	// empty one, which can be deleted.
	team, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: new("Support")})
	if err != nil {
		t.Fatal(err)
	}
	setTeamSchedule(t, a, team.ID, `[{"day": "saturday", "weeks": [2, 4]}, {"day": "sunday"}]`, "")
	setTeamSchedule(t, a, team.ID, `[{"day": "friday", "part": "afternoon"}]`, day(utcToday().AddDate(0, 0, 14)))
	joinTeam(t, a, emp.ID, team.ID)
	follower := a.user("follower@example.com", models.RoleEmployee)
	joinTeam(t, a, follower.ID, team.ID)
	empty, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: new("Night shift")})
	if err != nil {
		t.Fatal(err)
	}
	teamPage, emptyPage := "/admin/teams/"+itoa(team.ID), "/admin/teams/"+itoa(empty.ID)
	// The organisation's default schedule, with a change planned.
	setTeamSchedule(t, a, 0, `[{"day": "sunday"}]`, "")
	setTeamSchedule(t, a, 0, `[{"day": "saturday", "weeks": "alternate"}, {"day": "sunday"}]`, day(utcToday().AddDate(0, 0, 21)))
	later := day(utcToday().AddDate(0, 0, 10))
	// refuseSchedule sends the schedule form of the page shown with two
	// problems: a third day off, and chosen weeks with none ticked.
	refuseSchedule := func(b *browser) {
		b.submit(
			chromedp.SetValue(chromedp.ID("schedule-part-monday"), "full"),
			chromedp.SetValue(chromedp.ID("schedule-part-tuesday"), "morning"),
			chromedp.SetValue(chromedp.ID("schedule-weeks-tuesday"), "nth"),
			chromedp.Click(chromedp.CSS(`#schedule-form button[type=submit]`)),
		)
	}

	// The check itself: axe runs in a page under the CSP and reports an
	// image without a text alternative.
	b.open("/login")
	run(b, chromedp.Evaluate[bool](`(document.querySelector("main").appendChild(document.createElement("img")).src = "/static/none.png", true)`))
	if found := b.axe(script); len(found) != 1 || found[0].ID != "image-alt" || found[0].Impact != "critical" {
		t.Fatalf("axe on a page with an image without alt: got %v, want image-alt (critical)", found)
	}

	// renameEmp changes the employee behind an admin's back, so that the
	// page the admin has open is stale.
	renamed := 0
	renameEmp := func() {
		renamed++
		name := fmt.Sprintf("Asha Elsewhere %d", renamed)
		if _, err := a.store.UpdateUser(t.Context(), emp.ID, models.UserInput{FullName: &name}, 0); err != nil {
			t.Fatal(err)
		}
	}
	visits := []a11yVisit{
		{"sign-in", "", func(b *browser) { b.open("/login") }},
		{"sign-in-refused", "", func(b *browser) {
			b.open("/login")
			b.submit(
				chromedp.SendKeys(chromedp.ID("email"), emp.Email),
				chromedp.SendKeys(chromedp.ID("password"), "not-the-password"),
				chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
			)
		}},
		{"sign-in-session-ended", "", func(b *browser) { b.open("/login?next=%2Fme&unsaved=1") }},
		{"sign-in-to-continue", "", func(b *browser) { b.open("/login?next=%2Fme") }},
		{"not-found-signed-out", "", func(b *browser) { b.open("/no-such-page") }},

		{"me", emp.Email, func(b *browser) { b.open("/me") }},
		{"me-refused-weekoffs", emp.Email, func(b *browser) {
			b.open("/me")
			b.submit(
				chromedp.Click(chromedp.ID("weekoffs-monday")),
				chromedp.Click(chromedp.CSS(`#weekoffs-form button[type=submit]`)),
			)
		}},
		{"me-refused-password", emp.Email, func(b *browser) {
			b.open("/me")
			b.submit(
				chromedp.SendKeys(chromedp.ID("current_password"), "not-the-password"),
				chromedp.SendKeys(chromedp.ID("new_password"), "a-new-password"),
				chromedp.Click(chromedp.CSS(`#password-form button[type=submit]`)),
			)
		}},
		{"me-schedule-planned", emp.Email, func(b *browser) {
			b.open("/me")
			b.submit(planInBrowser(day(utcToday().AddDate(0, 0, 10)))...)
		}},
		{"me-schedule-refused", emp.Email, func(b *browser) {
			b.open("/me")
			b.submit(
				chromedp.SetValue(chromedp.ID("schedule-part-monday"), "full"),
				chromedp.SetValue(chromedp.ID("schedule-part-tuesday"), "morning"),
				chromedp.SetValue(chromedp.ID("schedule-weeks-tuesday"), "nth"),
				chromedp.Click(chromedp.CSS(`#schedule-form button[type=submit]`)),
			)
		}},
		{"my-calendar", emp.Email, func(b *browser) { b.open("/me/calendar") }},
		{"my-calendar-next-month", emp.Email, func(b *browser) {
			b.open("/me/calendar")
			b.submit(chromedp.Click(chromedp.CSS(`a[rel="next"]`)))
		}},
		{"my-calendar-refused", emp.Email, func(b *browser) { b.open("/me/calendar?month=2026-13") }},
		{"calendar-address", emp.Email, func(b *browser) {
			b.open("/me")
			b.submit(chromedp.Click(chromedp.CSS(`#feed-form button`)))
		}},
		{"forbidden", emp.Email, func(b *browser) { b.open("/admin/users") }},

		{"users", admin.Email, func(b *browser) { b.open("/admin/users") }},
		{"users-refused-filter", admin.Email, func(b *browser) { b.open("/admin/users?weekoff=funday&limit=7") }},
		{"users-empty", admin.Email, func(b *browser) { b.open("/admin/users?q=nobody+has+this+name") }},
		{"user-with-history", admin.Email, func(b *browser) { b.open("/admin/users/" + itoa(gone.ID)) }},
		{"user-refused", admin.Email, func(b *browser) {
			b.open("/admin/users/" + itoa(emp.ID))
			b.submit(
				chromedp.Click(chromedp.ID("weekoffs-monday")),
				chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)),
			)
		}},
		{"user-stale-save", admin.Email, func(b *browser) {
			b.open("/admin/users/" + itoa(emp.ID))
			renameEmp()
			b.submit(
				chromedp.Click(chromedp.ID("weekoffs-saturday")),
				chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)),
			)
		}},
		{"user-self-demotion", admin.Email, func(b *browser) {
			b.open("/admin/users/" + itoa(admin.ID))
			b.submit(
				chromedp.SetValue(chromedp.ID("role"), "employee"),
				chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)),
			)
		}},
		{"new-user", admin.Email, func(b *browser) { b.open("/admin/users/new") }},
		{"new-user-refused", admin.Email, func(b *browser) {
			b.open("/admin/users/new")
			b.submit(
				chromedp.SendKeys(chromedp.ID("email"), "new@example.com"),
				chromedp.SendKeys(chromedp.ID("full_name"), "   "),
				chromedp.Click(chromedp.ID("weekoffs-monday")),
				chromedp.Click(chromedp.ID("weekoffs-tuesday")),
				chromedp.Click(chromedp.ID("weekoffs-wednesday")),
				chromedp.SendKeys(chromedp.ID("password"), "long-enough-1"),
				chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)),
			)
		}},
		{"user-schedule-planned", admin.Email, func(b *browser) {
			b.open("/admin/users/" + itoa(emp.ID))
			b.submit(alternateSaturdaysInBrowser(later)...)
		}},
		{"user-schedule-refused", admin.Email, func(b *browser) {
			b.open("/admin/users/" + itoa(emp.ID))
			refuseSchedule(b)
		}},
		{"user-schedule-stale", admin.Email, func(b *browser) {
			b.open("/admin/users/" + itoa(emp.ID))
			renameEmp()
			b.submit(alternateSaturdaysInBrowser(later)...)
		}},
		{"users-by-team", admin.Email, func(b *browser) { b.open("/admin/users?team=" + itoa(team.ID)) }},
		{"user-following-team", admin.Email, func(b *browser) { b.open("/admin/users/" + itoa(follower.ID)) }},
		{"teams", admin.Email, func(b *browser) { b.open("/admin/teams") }},
		{"teams-refused", admin.Email, func(b *browser) {
			b.open("/admin/teams")
			b.submit(
				chromedp.SendKeys(chromedp.ID("name"), "support"),
				chromedp.SetValue(chromedp.ID("min_on_duty"), "many"),
				chromedp.Click(chromedp.CSS(`#new-team-form button[type=submit]`)),
			)
		}},
		{"team", admin.Email, func(b *browser) { b.open(teamPage) }},
		{"team-refused", admin.Email, func(b *browser) {
			b.open(teamPage)
			b.submit(
				chromedp.Clear(chromedp.ID("name")),
				chromedp.Click(chromedp.CSS(`#team-form button[type=submit]`)),
			)
		}},
		{"team-schedule-planned", admin.Email, func(b *browser) {
			b.open(teamPage)
			b.submit(alternateSaturdaysInBrowser(later)...)
		}},
		{"team-schedule-refused", admin.Email, func(b *browser) {
			b.open(teamPage)
			refuseSchedule(b)
		}},
		{"team-empty", admin.Email, func(b *browser) { b.open(emptyPage) }},
		{"team-delete-refused", admin.Email, func(b *browser) {
			b.open(emptyPage)
			joinTeam(t, a, gone.ID, empty.ID) // someone joins after the page was drawn
			defer joinTeam(t, a, gone.ID, 0)
			b.submit(chromedp.Click(chromedp.CSS(`#delete-team-form button`)))
		}},
		{"organisation", admin.Email, func(b *browser) { b.open("/admin/organisation") }},
		{"organisation-refused", admin.Email, func(b *browser) {
			b.open("/admin/organisation")
			b.submit(
				chromedp.Clear(chromedp.ID("timezone")),
				chromedp.SendKeys(chromedp.ID("timezone"), "Mars/Olympus"),
				chromedp.Click(chromedp.CSS(`#organisation-form button[type=submit]`)),
			)
		}},
		{"organisation-schedule-planned", admin.Email, func(b *browser) {
			b.open("/admin/organisation")
			b.submit(alternateSaturdaysInBrowser(later)...)
		}},
		{"organisation-schedule-refused", admin.Email, func(b *browser) {
			b.open("/admin/organisation")
			refuseSchedule(b)
		}},
		{"not-found", admin.Email, func(b *browser) { b.open("/admin/users/999999999") }},
	}

	signedIn := ""
	for _, width := range []int64{375, 1280} {
		b.do(chromedp.EmulateViewport(width, 900))
		for _, v := range visits {
			t.Run(fmt.Sprintf("%d/%s", width, v.name), func(t *testing.T) {
				parent := b.t
				b.t = t // the browser's failures are the subtest's
				defer func() { b.t = parent }()
				if v.as != signedIn {
					if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
						t.Fatalf("sign out: %v", err)
					}
					if signedIn = v.as; v.as != "" {
						if status := b.signIn(v.as, "password1"); status != http.StatusOK {
							b.fatal("sign in as %s: status %d", v.as, status)
						}
					}
				}
				v.show(b)
				if b.inlineScriptRuns() {
					t.Errorf("%s: the page ran an inline script: its Content-Security-Policy is not in force", b.path())
				}
				b.screenshot(fmt.Sprintf("a11y-%d-%s", width, v.name))
				for _, f := range b.axe(script) {
					if f.Impact == "serious" || f.Impact == "critical" {
						t.Errorf("%s at %d px: %s", b.path(), width, f)
					} else {
						t.Logf("%s at %d px, not failing the test: %s", b.path(), width, f)
					}
				}
			})
		}
	}
}

// inactiveUserWithHistory is a deactivated employee with a long email, off
// on Monday and Friday after two changes, so that their page has a history.
func inactiveUserWithHistory(t *testing.T, a *app) *models.User {
	t.Helper()
	u := a.user("bartholomew.featherstonehaugh@accounts-payable.example.com", models.RoleEmployee, "saturday", "sunday")
	no, friday, two := false, []string{"friday"}, []string{"monday", "friday"}
	for _, in := range []models.UserInput{{Weekoffs: &friday}, {Weekoffs: &two}, {IsActive: &no}} {
		var err error
		if u, err = a.store.UpdateUser(t.Context(), u.ID, in, 0); err != nil {
			t.Fatal(err)
		}
	}
	return u
}
