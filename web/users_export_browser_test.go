package web_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
)

// TestBrowserExportUsers: an admin filters the users list, sees "Export
// these N users" beside the count, clicks it, and Chromium saves the file
// under its dated name, holding the users the filter selects with their
// accented names intact and a formula name neutralised. The link fits a
// 375-pixel phone.
func TestBrowserExportUsers(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	admin := a.user("admin@example.com", models.RoleAdmin)
	renee := a.user("renee@example.com", models.RoleEmployee, "saturday")
	formula := a.user("formula@example.com", models.RoleEmployee, "saturday", "sunday")
	a.user("ben@example.com", models.RoleEmployee, "monday")
	for id, name := range map[int64]string{renee.ID: "Renée Ørsted", formula.ID: "=1+2"} {
		if _, err := a.store.UpdateUser(t.Context(), id, models.UserInput{FullName: &name}, 0); err != nil {
			t.Fatal(err)
		}
	}
	b.signIn(admin.Email, "password1")

	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: new(true),
	}); err != nil {
		t.Fatal(err)
	}
	names := make(chan string, 1)
	done := make(chan cdpbrowser.DownloadProgressState, 1)
	if err := chromedp.ListenBrowser(b.ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdpbrowser.EventDownloadWillBegin:
			names <- ev.SuggestedFilename
		case *cdpbrowser.EventDownloadProgress:
			if ev.State != cdpbrowser.DownloadProgressStateInProgress {
				done <- ev.State
			}
		}
	}); err != nil {
		t.Fatal(err)
	}

	b.open("/admin/users?weekoff=saturday&sort=-email")
	if got, want := b.text("#export"), "Export these 2 users"; got != want {
		t.Errorf("the link: got %q, want %q", got, want)
	}
	b.screenshot("users-export-link")
	b.do(chromedp.EmulateViewport(375, 800))
	pageFits(b, 375)
	b.screenshot("users-export-link-phone")
	b.do(chromedp.EmulateViewport(1280, 900))
	b.do(chromedp.Click(chromedp.ID("export")))

	var name string
	select {
	case name = <-names:
	case <-time.After(stepTimeout):
		b.fatal("no download began")
	}
	select {
	case state := <-done:
		if state != cdpbrowser.DownloadProgressStateCompleted {
			b.fatal("the download ended %s", state)
		}
	case <-time.After(stepTimeout):
		b.fatal("the download did not end")
	}
	org, err := a.store.Organisation(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := "users-" + time.Now().In(org.Location()).Format(time.DateOnly) + ".csv"; name != want {
		t.Errorf("saved as %q, want %q", name, want)
	}
	body, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	e := readExport(t, body)
	if got, want := e.emails(), []string{"renee@example.com", "formula@example.com"}; !slices.Equal(got, want) {
		t.Errorf("the saved file's users: got %v, want %v", got, want)
	}
	if got := e.row(t, "renee@example.com")["full_name"]; got != "Renée Ørsted" {
		t.Errorf("accented name: got %q", got)
	}
	if got := e.row(t, "formula@example.com")["full_name"]; got != "'=1+2" {
		t.Errorf("formula name: got %q, want '=1+2", got)
	}
	if b.path() != "/admin/users?weekoff=saturday&sort=-email" {
		t.Errorf("the download moved the page to %s", b.path())
	}
}
