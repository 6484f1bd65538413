package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
)

// TestBrowserAdminUsers: an admin signs in, searches, filters by weekday and
// pages forwards and back through the list.
func TestBrowserAdminUsers(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	const users = 120 // the admin and 119 employees: three pages of 50
	if _, err := a.store.Seed(context.Background(), users, "password1", nil); err != nil {
		t.Fatal(err)
	}

	if status := b.signIn(models.SeedAdminEmail, "password1"); status != http.StatusOK {
		t.Fatalf("sign in: got status %d, want 200", status)
	}
	if got := b.path(); got != "/admin/users" {
		t.Fatalf("after sign-in: got %s, want /admin/users", got)
	}
	if got, want := b.text("#match-count"), "1–50 of 120 users"; got != want {
		t.Errorf("match count: got %q, want %q", got, want)
	}
	if got := len(b.texts("#users tbody tr")); got != 50 {
		t.Errorf("first page: got %d rows, want 50", got)
	}
	chart := b.texts("figure.chart g.bar text.n")
	if len(chart) != 7 {
		t.Errorf("chart: got %d bars, want 7", len(chart))
	}
	b.screenshot("admin-users")

	t.Run("Search", func(t *testing.T) {
		b.submit(
			chromedp.SendKeys(chromedp.ID("q"), "user11"),
			chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		)
		// user11 and user110 … user119.
		if got, want := b.text("#match-count"), "11 users match"; got != want {
			t.Errorf("match count: got %q, want %q", got, want)
		}
		for _, email := range b.texts("#users tbody td:nth-child(2)") {
			if !strings.Contains(email, "user11") {
				t.Errorf("row %q does not match the search", email)
			}
		}
		b.screenshot("admin-users-search")
	})

	t.Run("FilterByWeekday", func(t *testing.T) {
		b.open("/admin/users")
		b.submit(
			chromedp.SetValue(chromedp.ID("weekoff"), "friday"),
			chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		)
		want := countOff(t, a, models.Friday)
		if got := b.text("#match-count"); got != fmt.Sprintf("%d users match", want) {
			t.Errorf("match count: got %q, want %d users", got, want)
		}
		rows := b.texts("#users tbody td:nth-child(6)") // Week-offs, in words
		if len(rows) == 0 || len(rows) != min(want, 50) {
			t.Errorf("got %d rows, want %d", len(rows), min(want, 50))
		}
		for _, days := range rows {
			if !strings.Contains(days, "Fri") {
				t.Errorf("row with week-offs %q is not off on Friday", days)
			}
		}
		if !strings.Contains(b.path(), "weekoff=friday") {
			t.Errorf("the filter is not in the address: %s", b.path())
		}
		b.screenshot("admin-users-friday")
	})

	t.Run("Paging", func(t *testing.T) {
		b.open("/admin/users?sort=email")
		first := b.texts("#users tbody td:nth-child(2)")
		if b.present("#prev") {
			t.Error("the first page links to a previous page")
		}
		b.submit(chromedp.Click(chromedp.ID("next")))
		second := b.texts("#users tbody td:nth-child(2)")
		b.submit(chromedp.Click(chromedp.ID("next")))
		third := b.texts("#users tbody td:nth-child(2)")
		if len(first) != 50 || len(second) != 50 || len(third) != 20 {
			t.Fatalf("page sizes: got %d, %d, %d, want 50, 50, 20", len(first), len(second), len(third))
		}
		if b.present("#next") {
			t.Error("the last page links to a next page")
		}
		all := slices.Concat(first, second, third)
		if !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != users {
			t.Errorf("the pages do not list every user once in email order")
		}
		b.submit(chromedp.Click(chromedp.ID("prev")))
		if back := b.texts("#users tbody td:nth-child(2)"); !slices.Equal(back, second) {
			t.Errorf("previous from the third page: got %v…, want %v…", back[:1], second[:1])
		}
		b.screenshot("admin-users-paging")
	})
}

// TestBrowserEmployeeWeekoffs: an employee changes week-offs, sees the
// flash, reloads and sees them kept, and the database holds them; choosing
// too many days shows the error and changes nothing.
func TestBrowserEmployeeWeekoffs(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	u := a.user("asha@example.com", models.RoleEmployee, "saturday", "sunday")

	b.signIn(u.Email, "password1")
	if got := b.path(); got != "/me" {
		t.Fatalf("after sign-in: got %s, want /me", got)
	}
	if got := b.checked("weekoffs"); !slices.Equal(got, []string{"saturday", "sunday"}) {
		t.Fatalf("checked at first: got %v, want saturday, sunday", got)
	}

	t.Run("Save", func(t *testing.T) {
		status := b.submit(
			chromedp.Click(chromedp.CSS(`input[name=weekoffs][value=sunday]`)),
			chromedp.Click(chromedp.CSS(`input[name=weekoffs][value=friday]`)),
			chromedp.Click(chromedp.CSS(`#weekoffs-form button[type=submit]`)),
		)
		if status != http.StatusOK || b.path() != "/me" {
			t.Fatalf("after saving: got %d at %s, want 200 at /me", status, b.path())
		}
		if got, want := b.text(".flash"), "Week-offs saved: Friday, Saturday."; got != want {
			t.Errorf("flash: got %q, want %q", got, want)
		}
		b.screenshot("employee-saved")
		b.do(chromedp.Reload())
		if b.present(".flash") {
			t.Error("the flash shows again after a reload")
		}
		if got := b.checked("weekoffs"); !slices.Equal(got, []string{"friday", "saturday"}) {
			t.Errorf("checked after reload: got %v, want friday, saturday", got)
		}
		wantStored(t, a, u.ID, "friday", "saturday")
	})

	t.Run("TooManyDays", func(t *testing.T) {
		status := b.submit(
			chromedp.Click(chromedp.CSS(`input[name=weekoffs][value=monday]`)),
			chromedp.Click(chromedp.CSS(`#weekoffs-form button[type=submit]`)),
		)
		// The refusal is shown by a redirect back to /me (Post/Redirect/Get).
		if status != http.StatusOK || b.path() != "/me" {
			t.Errorf("after the refused save: got %d at %s, want 200 at /me", status, b.path())
		}
		if got, want := b.text("#weekoffs-error"), "Choose at most 2 week-off days, not 3"; got != want {
			t.Errorf("error beside the days: got %q, want %q", got, want)
		}
		if got := b.checked("weekoffs"); !slices.Equal(got, []string{"monday", "friday", "saturday"}) {
			t.Errorf("the form should keep the choice: got %v", got)
		}
		b.screenshot("employee-too-many")
		wantStored(t, a, u.ID, "friday", "saturday")
	})
}

// TestBrowserSignOut: signing out ends access to the pages.
func TestBrowserSignOut(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	u := a.user("omar@example.com", models.RoleEmployee)
	b.signIn(u.Email, "password1")
	if got := b.text(".signout .who"); got != u.FullName {
		t.Fatalf("signed in as: got %q, want %q", got, u.FullName)
	}
	b.submit(chromedp.Click(chromedp.CSS(`.signout button`)))
	if got := b.path(); got != "/login" {
		t.Errorf("after sign-out: got %s, want /login", got)
	}
	if got := b.text(".flash"); got != "You have signed out." {
		t.Errorf("flash: got %q", got)
	}
	b.open("/me")
	if got := b.path(); got != "/login?next=%2Fme" {
		t.Errorf("/me after sign-out: got %s, want the sign-in page", got)
	}
	if b.present(".signout") {
		t.Error("the page still shows a signed-in user")
	}
	b.screenshot("signed-out")
}

// TestBrowserCrossOriginPost: a form on another origin of the same site
// (another port of 127.0.0.1, so the SameSite=Lax cookie goes along) posts to
// the app; CrossOriginProtection refuses it and nothing is written.
func TestBrowserCrossOriginPost(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	u := a.user("mei@example.com", models.RoleEmployee, "sunday")
	b.signIn(u.Email, "password1")

	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Win a prize</title>
<form method="post" action="%s/me/weekoffs">
<input type="hidden" name="weekoffs" value="monday">
<button id="go" type="submit">Claim</button></form>`, b.base)
	}))
	t.Cleanup(evil.Close)

	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(evil.URL)); err != nil {
		t.Fatal(err)
	}
	status := b.submit(chromedp.Click(chromedp.ID("go")))
	if status != http.StatusForbidden {
		t.Errorf("status: got %d, want 403", status)
	}
	if got := b.text("h1"); got != "Request refused" {
		t.Errorf("heading: got %q, want Request refused", got)
	}
	b.screenshot("cross-origin-refused")
	wantStored(t, a, u.ID, "sunday")

	// The same post from the app's own page goes through: the refusal was
	// about the origin, not the session.
	b.open("/me")
	b.submit(
		chromedp.Click(chromedp.CSS(`input[name=weekoffs][value=monday]`)),
		chromedp.Click(chromedp.CSS(`#weekoffs-form button[type=submit]`)),
	)
	wantStored(t, a, u.ID, "monday", "sunday")
}

// wantStored fails the test unless the database holds these week-offs for the user.
func wantStored(t *testing.T, a *app, id int64, days ...string) {
	t.Helper()
	u, err := a.store.UserByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Weekoffs.Strings(); !slices.Equal(got, days) {
		t.Errorf("stored week-offs: got %v, want %v", got, days)
	}
}

// countOff counts the users off on day, through the JSON list's model query.
func countOff(t *testing.T, a *app, day models.Weekday) int {
	t.Helper()
	page, err := a.store.ListUsers(context.Background(), models.UserFilter{Limit: 1, Sort: "name", Weekoff: day})
	if err != nil {
		t.Fatal(err)
	}
	return int(page.Total)
}

// TestBrowserPhone: the pages fit a 375-pixel-wide phone: nothing is wider
// than the screen (the users are cards there: TestBrowserUserCards).
func TestBrowserPhone(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	if _, err := a.store.Seed(context.Background(), 30, "password1", nil); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.EmulateViewport(375, 800))
	b.signIn(models.SeedAdminEmail, "password1")
	for _, path := range []string{"/admin/users", "/me", "/admin/users/new"} {
		b.open(path)
		if w := run(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 375 {
			t.Errorf("%s: the page is %d pixels wide on a 375-pixel screen", path, w)
		}
		b.screenshot("phone" + strings.ReplaceAll(path, "/", "-"))
	}
}

// TestBrowserREADMEScreenshot takes docs/admin-users.png for the README, on
// 1,000 demo users. It runs only when asked:
//
//	WEEKOFFS_README_SCREENSHOT=$PWD/docs/admin-users.png go test ./web -run TestBrowserREADMEScreenshot
func TestBrowserREADMEScreenshot(t *testing.T) {
	out := os.Getenv("WEEKOFFS_README_SCREENSHOT")
	if out == "" {
		t.Skip("set WEEKOFFS_README_SCREENSHOT to the PNG to write")
	}
	a := newApp(t, nil)
	b := newBrowser(t, a)
	if _, err := a.store.Seed(context.Background(), 1000, "password1", nil); err != nil {
		t.Fatal(err)
	}
	b.signIn(models.SeedAdminEmail, "password1")
	b.open("/admin/users?weekoff=friday&limit=8")
	b.do(chromedp.EmulateViewport(1100, 900))
	png := run(b, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Clean(out), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("README screenshot: %s", out)
}
