package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
)

// TestBrowserFormAfterSessionEnded: in Chromium, the week-off form sent
// after the browser dropped its session cookie (its lifetime passed while
// the page was open) lands on the sign-in page, which says the session
// ended; signing in returns to the page with a note that the change was not
// saved, and nothing was.
func TestBrowserFormAfterSessionEnded(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	u := a.user("asha@example.com", models.RoleEmployee, "sunday")

	b.signIn(u.Email, "password1")
	if got := b.path(); got != "/me" {
		t.Fatalf("after sign-in: got %s, want /me", got)
	}
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatalf("clear cookies: %v", err)
	}
	b.submit(
		chromedp.Click(chromedp.CSS(`input[name=weekoffs][value=monday]`)),
		chromedp.Click(chromedp.CSS(`#weekoffs-form button[type=submit]`)),
	)
	if got := b.path(); !strings.HasPrefix(got, "/login?") || !strings.Contains(b.text("main"), msgSessionEnded) {
		t.Fatalf("after the form: at %s showing %q, want the sign-in page saying %q", got, b.text("main"), msgSessionEnded)
	}
	b.screenshot("session-ended-sign-in")

	status := b.submit(
		chromedp.SendKeys(chromedp.ID("email"), u.Email),
		chromedp.SendKeys(chromedp.ID("password"), "password1"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	if status != http.StatusOK || b.path() != "/me" {
		t.Fatalf("after signing in again: got %d at %s, want 200 at /me", status, b.path())
	}
	if got := b.text(".flash"); got != msgNotSaved {
		t.Errorf("note: got %q, want %q", got, msgNotSaved)
	}
	if got := b.checked("weekoffs"); !slices.Equal(got, []string{"sunday"}) {
		t.Errorf("checked: got %v, want the saved sunday", got)
	}
	wantWeekoffs(t, a, u.ID, "sunday")
	b.screenshot("session-ended-back")
}
