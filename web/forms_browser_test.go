package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// focused is the id of the element that has the keyboard focus.
func (b *browser) focused() string {
	b.t.Helper()
	return run(b, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`))
}

// summaryTargets are the ids the error summary's links lead to; a link to
// an id that is not in the page fails the test.
func (b *browser) summaryTargets() []string {
	b.t.Helper()
	var out struct {
		Targets, Missing []string
	}
	out = run(b, chromedp.Evaluate[struct{ Targets, Missing []string }](`(() => {
		const targets = Array.from(document.querySelectorAll('#error-summary a'), a => a.getAttribute('href').slice(1));
		return {Targets: targets, Missing: targets.filter(id => !document.getElementById(id))};
	})()`))
	if len(out.Missing) > 0 {
		b.fatal("the error summary links to %v, which the page lacks", out.Missing)
	}
	return out.Targets
}

// submitRefused sends a form that the server refuses, and fails the test
// unless the page that loads has the status and the keyboard focus on the
// box with the id.
func (b *browser) submitRefused(status int64, box string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if got := b.submit(steps...); got != status {
		b.t.Errorf("status: got %d, want %d", got, status)
	}
	// autofocus takes effect with the page's first rendering, which a
	// loaded machine may reach after the load event: wait for it.
	var got string
	if !modelstest.Eventually(b.t, 10*time.Second, func() bool { got = b.focused(); return got == box }) {
		b.fatal("focus: got %q, want %q", got, box)
	}
}

// comparison is the rows of the comparison table, each as its cells' text
// (what a screen reader reads) joined by " | ".
func (b *browser) comparison() []string {
	b.t.Helper()
	return run(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("table.compare tbody tr"),
		r => Array.from(r.cells, c => c.textContent.replace(/\s+/g, " ").trim()).join(" | "))`))
}

// TestBrowserErrorSummaryFocus: after each refused form the keyboard focus
// is on the error summary, whose links lead to the fields: following one
// puts the focus in that field.
func TestBrowserErrorSummaryFocus(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	admin := a.user("admin@example.com", models.RoleAdmin)
	emp := a.user("asha@example.com", models.RoleEmployee)
	tooMany := []chromedp.Action[chromedp.Void]{
		chromedp.Click(chromedp.ID("weekoffs-monday")),
		chromedp.Click(chromedp.ID("weekoffs-tuesday")),
		chromedp.Click(chromedp.ID("weekoffs-wednesday")),
	}
	for _, tc := range []struct {
		name, as, path string
		steps          []chromedp.Action[chromedp.Void]
		status         int64
		targets        []string
		nav            string // the navigation link marked current
	}{
		{"SignIn", "", "/login", []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(chromedp.ID("email"), emp.Email),
			chromedp.SendKeys(chromedp.ID("password"), "not-the-password"),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
		}, http.StatusUnauthorized, []string{"email"}, ""},
		{"CreateUser", admin.Email, "/admin/users/new", append(slices.Clone(tooMany),
			chromedp.SendKeys(chromedp.ID("email"), "new@example.com"),
			chromedp.SendKeys(chromedp.ID("full_name"), "   "),
			chromedp.SendKeys(chromedp.ID("password"), "long-enough-1"),
			chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)),
		), http.StatusUnprocessableEntity, []string{"full_name", "weekoffs-monday"}, "New user"},
		{"EditUser", admin.Email, "/admin/users/" + itoa(emp.ID), append(slices.Clone(tooMany),
			chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)),
		), http.StatusUnprocessableEntity, []string{"weekoffs-monday"}, ""},
		{"MyWeekoffs", emp.Email, "/me", append(slices.Clone(tooMany),
			chromedp.Click(chromedp.CSS(`#weekoffs-form button[type=submit]`)),
		), http.StatusOK, []string{"weekoffs-monday"}, "My week-offs"},
		{"MyPassword", emp.Email, "/me", []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(chromedp.ID("current_password"), "not-the-password"),
			chromedp.SendKeys(chromedp.ID("new_password"), "a-new-password"),
			chromedp.Click(chromedp.CSS(`#password-form button[type=submit]`)),
		}, http.StatusOK, []string{"current_password"}, "My week-offs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := b.t
			b.t = t // the browser's failures are the subtest's
			defer func() { b.t = parent }()
			if b.present(".signout button") {
				b.submit(chromedp.Click(chromedp.CSS(".signout button")))
			}
			if tc.as != "" {
				b.signIn(tc.as, "password1")
			}
			b.open(tc.path)
			b.submitRefused(tc.status, "error-summary", tc.steps...)
			if got := b.text("#error-summary h2"); got != "There is a problem" {
				t.Errorf("summary heading: got %q", got)
			}
			targets := b.summaryTargets()
			if !slices.Equal(targets, tc.targets) {
				t.Errorf("summary links to %v, want %v", targets, tc.targets)
			}
			if tc.nav != "" {
				if got := b.texts(`nav a[aria-current="page"]`); !slices.Equal(got, []string{tc.nav}) {
					t.Errorf("navigation marks %v as current, want %s", got, tc.nav)
				}
			}
			b.screenshot("error-summary-" + strings.ToLower(tc.name))
			b.do(chromedp.Click(chromedp.CSS(`#error-summary a`)))
			if got := b.focused(); got != targets[0] {
				t.Errorf("after following the first link: focus on %q, want %q", got, targets[0])
			}
		})
	}
}

// TestBrowserStaleUserSave: an admin saves a form drawn before someone else
// changed the user; nothing is saved, the page compares the two and one
// click applies the admin's version on top. The typed password is not sent
// back and not saved.
func TestBrowserStaleUserSave(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	admin := a.user("admin@example.com", models.RoleAdmin)
	emp := a.user("asha@example.com", models.RoleEmployee, "sunday")
	b.signIn(admin.Email, "password1")
	b.open("/admin/users/" + itoa(emp.ID))

	elsewhere, days := "Asha Elsewhere", []string{"saturday"}
	if _, err := a.store.UpdateUser(t.Context(), emp.ID, models.UserInput{FullName: &elsewhere, Weekoffs: &days}, 0); err != nil {
		t.Fatal(err)
	}
	b.submitRefused(http.StatusConflict, "error-summary",
		chromedp.Clear(chromedp.ID("full_name")),
		chromedp.SendKeys(chromedp.ID("full_name"), "Asha Mine"),
		chromedp.Click(chromedp.ID("weekoffs-sunday")),
		chromedp.Click(chromedp.ID("weekoffs-monday")),
		chromedp.SendKeys(chromedp.ID("password"), "Typed-Secret-77"),
		chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)),
	)
	rows := b.comparison()
	want := []string{"Full name (differs) | Asha Mine | Asha Elsewhere", "Role | Employee | Employee", "Active | Yes | Yes",
		"Team | No team | No team", "Week-offs (differs) | Monday | Saturday"}
	if !slices.Equal(rows, want) {
		t.Errorf("comparison: got %q, want %q", rows, want)
	}
	if got := b.text("#error-summary"); !strings.Contains(got, "The new password you typed was not kept") {
		t.Errorf("the page does not say the password must be typed again: %q", got)
	}
	if got := run(b, chromedp.Evaluate[string](`document.getElementById("full_name").value`)); got != elsewhere {
		t.Errorf("the form shows %q, want the stored name", got)
	}
	b.screenshot("stale-user-save")

	status := b.submit(chromedp.Click(chromedp.CSS(`#apply-form button`)))
	if status != http.StatusOK || b.path() != "/admin/users/"+itoa(emp.ID) {
		t.Fatalf("after applying: got %d at %s", status, b.path())
	}
	if got := b.text(".flash"); got != "Saved changes to Asha Mine." {
		t.Errorf("flash: got %q", got)
	}
	u, err := a.store.UserByID(t.Context(), emp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.FullName != "Asha Mine" || !slices.Equal(u.Weekoffs.Strings(), []string{"monday"}) {
		t.Errorf("stored: %q %v, want the admin's version", u.FullName, u.Weekoffs)
	}
	if _, err := a.store.Authenticate(t.Context(), emp.Email, "password1"); err != nil {
		t.Errorf("the password changed: %v", err)
	}
}

// TestBrowserStaleWeekoffs: an employee saves week-offs on a page drawn
// before they changed elsewhere; the page shows the chosen days beside the
// saved ones, and "Use my choice" saves the chosen ones.
func TestBrowserStaleWeekoffs(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	u := a.user("asha@example.com", models.RoleEmployee, "saturday", "sunday")
	b.signIn(u.Email, "password1")
	if _, err := a.store.SetWeekoffs(t.Context(), u.ID, []string{"friday"}, 0); err != nil {
		t.Fatal(err)
	}
	b.submitRefused(http.StatusOK, "error-summary",
		chromedp.Click(chromedp.ID("weekoffs-sunday")),
		chromedp.Click(chromedp.ID("weekoffs-monday")),
		chromedp.Click(chromedp.CSS(`#weekoffs-form button[type=submit]`)),
	)
	if b.path() != "/me" {
		t.Fatalf("after the stale save: at %s, want /me", b.path())
	}
	if got, want := b.comparison(), []string{"Week-offs (differs) | Monday, Saturday | Friday"}; !slices.Equal(got, want) {
		t.Errorf("comparison: got %q, want %q", got, want)
	}
	if got := b.checked("weekoffs"); !slices.Equal(got, []string{"friday"}) {
		t.Errorf("the form shows %v, want the saved friday", got)
	}
	wantStored(t, a, u.ID, "friday")
	b.screenshot("stale-weekoffs")

	b.submit(chromedp.Click(chromedp.CSS(`#use-choice-form button`)))
	if got := b.text(".flash"); got != "Week-offs saved: Monday, Saturday." {
		t.Errorf("flash: got %q", got)
	}
	wantStored(t, a, u.ID, "monday", "saturday")
}

// TestBrowserSelfDemotion: an admin making themselves an employee is asked
// to confirm; confirming saves it and lands on their own page with a clear
// message instead of a 403.
func TestBrowserSelfDemotion(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	admin := a.user("admin@example.com", models.RoleAdmin)
	a.user("second@example.com", models.RoleAdmin)
	b.signIn(admin.Email, "password1")
	b.open("/admin/users/" + itoa(admin.ID))

	b.submitRefused(http.StatusOK, "confirm-self-demotion",
		chromedp.SetValue(chromedp.ID("role"), "employee"),
		chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)),
	)
	want := "You are removing your own admin rights; you will no longer be able to manage users. Confirm?"
	if got := b.text("#confirm-self-demotion p"); got != want {
		t.Errorf("question: got %q, want %q", got, want)
	}
	if u, _ := a.store.UserByID(t.Context(), admin.ID); u.Role != models.RoleAdmin {
		t.Fatal("demoted before confirming")
	}
	b.screenshot("self-demotion-confirm")

	status := b.submit(chromedp.Click(chromedp.CSS(`#confirm-self-demotion button`)))
	if status != http.StatusOK || b.path() != "/me" {
		t.Fatalf("after confirming: got %d at %s, want 200 at /me", status, b.path())
	}
	if got := b.text(".flash"); got != "You are no longer an admin." {
		t.Errorf("flash: got %q", got)
	}
	if b.present(`nav a[href="/admin/users"]`) {
		t.Error("the navigation still offers the user pages")
	}
	if u, _ := a.store.UserByID(t.Context(), admin.ID); u.Role != models.RoleEmployee {
		t.Errorf("stored role: got %s, want employee", u.Role)
	}
	b.screenshot("self-demotion-done")
}
