package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestBrowserBulkChange: an admin filters the users list, chooses "all N
// users matching these filters", ticks Tuesday, reviews the change (the
// page says how many users it changes), confirms, and lands on the job's
// page (the threshold is 2 users here, so the change is a job), which
// shows a progress bar and refreshes itself until it says the job is
// done; back on the list, the users are off on Tuesday. Every page passes
// axe-core's WCAG checks.
func TestBrowserBulkChange(t *testing.T) {
	a := newApp(t, func(c *config.Config) { c.BulkSyncMax = 2; c.BulkBatchSize = 2; c.JobsRescueAfter = 30 * time.Second })
	b := newBrowser(t, a)
	script := axeScript(t)
	admin := a.user("admin@example.com", models.RoleAdmin)
	for _, e := range []string{"asha", "ben", "cara", "dev", "esa"} {
		a.user(e+"@example.com", models.RoleEmployee, "saturday")
	}
	a.user("fay@example.com", models.RoleEmployee, "monday")
	b.signIn(admin.Email, "password1")
	noViolations := func(page string) {
		t.Helper()
		for _, v := range b.axe(script) {
			// A page that reloads itself is what the job's page must be
			// without JavaScript; it links to a still copy (?refresh=off),
			// checked in full below.
			if v.ID == "meta-refresh" && strings.Contains(page, "refreshing") {
				continue
			}
			t.Errorf("%s: %s", page, v)
		}
	}

	b.open("/admin/users?weekoff=saturday")
	noViolations("the users list")
	if got, want := b.text(`label:has(#scope-all)`), "All 5 users matching these filters"; !strings.Contains(got, want) {
		t.Errorf("the choice: got %q, want %q", got, want)
	}
	b.submit(
		chromedp.Click(chromedp.ID("scope-all")),
		chromedp.Click(chromedp.ID("action-weekoffs")),
		chromedp.Click(chromedp.ID("days-tuesday")),
		chromedp.Click(chromedp.CSS(`#bulk button[type=submit]`)),
	)
	noViolations("the confirmation")
	if got, want := b.text("#bulk-summary"), "This will change 5 users: their week-offs become every Tue from today."; got != want {
		t.Errorf("the confirmation: got %q, want %q", got, want)
	}
	b.screenshot("bulk-confirm")
	b.submit(chromedp.Click(chromedp.ID("bulk-confirm")))
	if p := b.path(); !strings.HasPrefix(p, "/admin/jobs/") {
		b.fatal("after confirming: at %s, want a job's page", p)
	}
	jobPage := b.path()
	noViolations("the job's page, refreshing")
	if got := b.text("#job-done"); got != "0 of 5 done (0%)" {
		t.Errorf("before the job ran: got %q", got)
	}
	b.screenshot("bulk-job-queued")
	b.submit(chromedp.Click(chromedp.ID("stop-refresh")))
	noViolations("the job's page, still")
	b.open(jobPage)

	if err := a.server.Jobs().Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.server.Jobs().Stop(context.Background()) })
	// The page reloads itself (meta refresh): no navigation by the test.
	if !modelstest.Eventually(t, 60*time.Second, func() bool { return b.present("#back-to-users") }) {
		b.fatal("the job's page never said the job was done: %q", b.text("#job-done"))
	}
	if got := b.text("#job-state"); got != "Done: every user has been changed." {
		t.Errorf("the job's state: got %q", got)
	}
	if got := b.text("#job-done"); got != "5 of 5 done (100%)" {
		t.Errorf("the job's progress: got %q", got)
	}
	noViolations("the finished job's page")
	b.screenshot("bulk-job-done")

	b.submit(chromedp.Click(chromedp.ID("back-to-users")))
	b.open("/admin/users?weekoff=tuesday")
	if got, want := b.text("#match-count"), "5 users"; !strings.Contains(got, want) {
		t.Errorf("users off on Tuesday: got %q, want %q", got, want)
	}
}
