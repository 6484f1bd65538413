package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
)

// TestBrowserImportUsers: an admin follows "Import users" from the users
// list, checks a file with problems and sees them by row and column (and
// no button to import it), checks the corrected file, imports it with a
// second choice of the same file, and lands on the users list that says
// what was done. axe-core finds nothing to fix on the page with problems
// or on the report.
func TestBrowserImportUsers(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	admin := a.user("admin@example.com", models.RoleAdmin)
	b.signIn(admin.Email, "password1")
	script := axeScript(t)
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := file("people.csv", "\uFEFFemail,full_name,role,weekoffs\r\njose@example.com,\"Müller, José\",employee,sat sun\r\nana@example.com,Ana,boss,funday\r\n")
	good := file("people-fixed.csv", "\uFEFFemail,full_name,role,weekoffs\r\njose@example.com,\"Müller, José\",employee,sat sun\r\nana@example.com,Ana,employee,fri\r\n")

	b.open("/admin/users")
	b.submit(chromedp.Click(chromedp.ID("import-link")))
	if b.path() != "/admin/users/import" {
		t.Fatalf("the link led to %s", b.path())
	}
	b.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{bad}))
	if status := b.submit(chromedp.Click(chromedp.ID("check"))); status != 200 {
		t.Fatalf("check: status %d", status)
	}
	rows := b.texts("#import-errors tbody tr")
	if len(rows) != 2 || !strings.Contains(rows[0], "3\trole\tChoose admin or employee") || !strings.Contains(rows[1], "3\tweekoffs") {
		t.Errorf("the problems: got %q, want row 3's role and weekoffs", rows)
	}
	if b.present("#apply") {
		t.Error("a file with problems is offered for import")
	}
	if v := b.axe(script); len(v) > 0 {
		t.Errorf("axe on the problems: %v", v)
	}
	b.screenshot("import-problems")

	b.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{good}))
	b.submit(chromedp.Click(chromedp.ID("check")))
	if got := b.text("#count-create"); got != "2" {
		t.Errorf("new users: got %q, want 2", got)
	}
	if got := b.text("#apply"); got != "Import 2 rows" {
		t.Errorf("the button: got %q", got)
	}
	if v := b.axe(script); len(v) > 0 {
		t.Errorf("axe on the report: %v", v)
	}
	b.screenshot("import-report")
	if _, err := a.store.UserByEmail(t.Context(), "jose@example.com"); err == nil {
		t.Fatal("the check imported the file")
	}

	b.do(chromedp.SetUploadFiles(chromedp.ID("apply-file"), []string{good}))
	b.submit(chromedp.Click(chromedp.ID("apply")))
	if b.path() != "/admin/users" {
		t.Errorf("after the import: at %s, want the users list", b.path())
	}
	if got := b.text("body"); !strings.Contains(got, "Imported people-fixed.csv: 2 new, 0 changed, 0 unchanged.") {
		t.Errorf("the list does not say what was imported:\n%s", got)
	}
	jose, err := a.store.UserByEmail(t.Context(), "jose@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if jose.FullName != "Müller, José" {
		t.Errorf("name: got %q", jose.FullName)
	}
}
