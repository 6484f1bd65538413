package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
)

// TestBrowserApprovalQueue drives the queue as people would, with the
// organisation asking for approval: an employee changes their days on /me
// and sees the change pending, not applied; an admin follows the start
// page's count to the queue, is told a rejection needs a reason, and
// approves; the employee then sees the new days. axe-core checks every
// page on the way, at a phone's width.
func TestBrowserApprovalQueue(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	script := axeScript(t)
	admin := a.user("admin@example.com", models.RoleAdmin)
	emp := a.user("asha@example.com", models.RoleEmployee, "saturday", "sunday")
	team, err := a.store.CreateTeam(t.Context(), models.TeamInput{Name: new("Support"), MinOnDuty: new(1)})
	if err != nil {
		t.Fatal(err)
	}
	joinTeam(t, a, emp.ID, team.ID)
	a.setSelfService("approval")
	b.do(chromedp.EmulateViewport(375, 900))
	checkAxe := func(state string) {
		t.Helper()
		for _, f := range b.axe(script) {
			if f.Impact == "serious" || f.Impact == "critical" {
				t.Errorf("%s (%s): %s", b.path(), state, f)
			}
		}
	}
	signInAs := func(email string) {
		t.Helper()
		if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Fatalf("sign out: %v", err)
		}
		if status := b.signIn(email, "password1"); status != http.StatusOK {
			b.fatal("sign in as %s: status %d", email, status)
		}
	}

	// The employee swaps Sunday for Friday.
	signInAs(emp.Email)
	b.open("/me")
	b.submit(
		chromedp.Click(chromedp.ID("weekoffs-sunday")),
		chromedp.Click(chromedp.ID("weekoffs-friday")),
		chromedp.Click(chromedp.CSS(`#weekoffs-form button[type=submit]`)),
	)
	if flash := b.text(".flash"); !strings.HasPrefix(flash, "Your change was sent for approval") {
		b.fatal("flash after sending: %q", flash)
	}
	if got := b.text("#my-requests .request-status"); got != "Pending: waiting for an admin" {
		b.fatal("my request: %q, want pending", got)
	}
	if got := b.text("#days-in-force"); got != "Every Sat, every Sun" {
		t.Errorf("days off while pending: %q, want them unchanged", got)
	}
	checkAxe("a request pending")

	// The admin finds it from the start page.
	signInAs(admin.Email)
	b.open("/")
	b.submit(chromedp.Click(chromedp.CSS(`#pending-requests a`)))
	if p := b.path(); p != "/admin/requests?status=pending" {
		b.fatal("the start page's count leads to %s", p)
	}
	if got := b.text(".request dd.request-status"); !strings.HasPrefix(got, "Pending") {
		b.fatal("queue: %q", got)
	}
	if got := b.text("ul.effects"); !strings.Contains(got, "Friday: 0 of 0 others off; 0 would work (needs 1)") {
		t.Errorf("coverage effect: %q", got)
	}
	checkAxe("the queue")
	if status := b.submit(chromedp.Click(chromedp.CSS(`.request form[action$="/reject"] button`))); status != http.StatusUnprocessableEntity {
		b.fatal("reject without a reason: status %d", status)
	}
	if got := b.text("#error-summary"); !strings.Contains(got, "Say why the request is rejected") {
		b.fatal("reject without a reason: summary %q", got)
	}
	checkAxe("a rejection refused")
	// Approving is subject to the coverage guard: with the minimum of one,
	// Asha's Friday would leave nobody working. The admin lowers it first.
	if _, err := a.store.UpdateTeam(t.Context(), team.ID, models.TeamInput{MinOnDuty: new(0)}); err != nil {
		t.Fatal(err)
	}
	b.submit(chromedp.Click(chromedp.CSS(`.request form[action$="/approve"] button`)))
	if flash := b.text(".flash"); !strings.HasPrefix(flash, "Approved Person asha's request") {
		b.fatal("flash after approving: %q", flash)
	}
	checkAxe("approved")

	// The employee sees the new days.
	signInAs(emp.Email)
	b.open("/me")
	if got := b.text("#days-in-force"); got != "Every Fri, every Sat" {
		b.fatal("days off after approval: %q", got)
	}
	if got := b.text("#my-requests .request-status"); got != "Approved" {
		t.Errorf("my request after approval: %q", got)
	}
}
