package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
)

// TestBrowserKeepingYourPlace: an admin filters the list, picks a page
// size, sorts, pages with the pager above the table, opens a user, saves
// them, and "← All users" brings back the same filters, size and page.
func TestBrowserKeepingYourPlace(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	if _, err := a.store.Seed(context.Background(), 120, "password1", nil); err != nil {
		t.Fatal(err)
	}
	b.signIn(models.SeedAdminEmail, "password1")
	filter := `form.filters button[type=submit]`
	rows := func() []string { return b.texts("#users tbody td:nth-child(2)") }

	b.submit(
		chromedp.SetValue(chromedp.ID("limit"), "25"),
		chromedp.Click(chromedp.CSS(filter)),
	)
	if got, want := b.text("#match-count"), "1–25 of 120 users"; got != want {
		t.Errorf("after choosing 25 a page: got %q, want %q", got, want)
	}
	if got := len(rows()); got != 25 {
		t.Errorf("got %d rows, want 25", got)
	}

	b.submit(chromedp.Click(chromedp.CSS(`#users thead th:nth-child(2) a`))) // sort by email
	b.submit(chromedp.Click(chromedp.ID("next-top")))
	if got, want := b.text("#match-count"), "26–50 of 120 users"; got != want {
		t.Errorf("second page by email: got %q, want %q", got, want)
	}
	second, place := rows(), b.path()
	if len(second) != 25 || !slices.IsSorted(second) {
		t.Errorf("second page: got %d rows (sorted: %v), want 25 in email order", len(second), slices.IsSorted(second))
	}
	if !strings.Contains(place, "limit=25") || !strings.Contains(place, "sort=email") {
		t.Errorf("the page size or order is not in the address: %s", place)
	}
	if got := run(b, chromedp.Evaluate[string](`document.getElementById("limit").value`)); got != "25" {
		t.Errorf("page-size choice shows %q, want 25", got)
	}
	b.screenshot("users-place-second-page")

	backToList := func(step string) {
		t.Helper()
		b.submit(chromedp.Click(chromedp.ID("back-to-list")))
		if got := b.path(); got != place {
			t.Errorf("%s, ← All users: got %s, want %s", step, got, place)
		}
		if got, want := b.text("#match-count"), "26–50 of 120 users"; got != want {
			t.Errorf("%s, back on the list: got %q, want %q", step, got, want)
		}
		if got := rows(); !slices.Equal(got, second) {
			t.Errorf("%s, back on the list: got rows %v…, want %v…", step, got[:1], second[:1])
		}
	}

	b.submit(chromedp.Click(chromedp.CSS(`#users tbody tr:nth-child(3) td:first-child a`)))
	if !strings.HasPrefix(b.path(), "/admin/users/") {
		t.Fatalf("opening a user: at %s", b.path())
	}
	backToList("from a user's page")

	b.submit(chromedp.Click(chromedp.CSS(`#users tbody tr:nth-child(3) td:first-child a`)))
	status := b.submit(chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)))
	if status != http.StatusOK || !strings.Contains(b.text(".flash"), "Saved changes") {
		t.Fatalf("saving the user: status %d, flash %q", status, b.text(".flash"))
	}
	backToList("after saving the user")
}
