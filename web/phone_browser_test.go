package web_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// userCard is one user's card on the list as a phone shows it: each field
// by its label, the fields that are not wholly on the screen, and the lines
// the email is drawn on.
type userCard struct {
	Name, Href  string
	Fields      map[string]string
	Hidden      []string
	EmailLines  []string
	NameVisible bool
}

// userCards reads the cards of the users list. A field is hidden when it is
// not rendered, lies past the screen's edge or is cut by its box.
const userCards = `(() => {
	const vw = document.documentElement.clientWidth;
	const shown = e => e.checkVisibility() && e.getBoundingClientRect().width > 0 &&
		e.getBoundingClientRect().left >= 0 && e.getBoundingClientRect().right <= vw && e.scrollWidth <= e.clientWidth;
	const lines = e => {
		const out = [];
		let top = null;
		const walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
		for (let n; (n = walk.nextNode());) for (let i = 0; i < n.length; i++) {
			const r = document.createRange();
			r.setStart(n, i); r.setEnd(n, i + 1);
			const y = r.getBoundingClientRect().top;
			if (top === null || y > top + 1) out.push("");
			top = y;
			out[out.length - 1] += n.data[i];
		}
		return out;
	};
	return Array.from(document.querySelectorAll(".user-card"), card => {
		const name = card.querySelector("a.name"), c = {Name: name.innerText.trim(), Href: name.getAttribute("href"),
			NameVisible: shown(name), Fields: {}, Hidden: [], EmailLines: lines(card.querySelector(".email"))};
		for (const div of card.querySelectorAll("dl > div")) {
			const dt = div.querySelector("dt"), dd = div.querySelector("dd"), label = dt.innerText.trim();
			c.Fields[label] = dd.innerText.trim();
			if (!shown(dt) || !shown(dd)) c.Hidden.push(label);
		}
		return c;
	});
})()`

// TestBrowserUserCards: on a 375-pixel phone the users list is a card per
// user that shows every field in words (an inactive user says "No"), emails
// whole or broken only after the "@" or before a dot, and nothing wider than
// the screen; a user's history scrolls inside a region the keyboard can
// focus and scroll. On a desktop the list is the table.
func TestBrowserUserCards(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	if _, err := a.store.Seed(t.Context(), 12, "password1", nil); err != nil {
		t.Fatal(err)
	}
	gone := inactiveUserWithHistory(t, a)
	b.do(chromedp.EmulateViewport(375, 800))
	b.signIn(models.SeedAdminEmail, "password1")
	b.open("/admin/users")
	b.screenshot("phone-user-cards")
	pageFits(b, 375)

	cards := run(b, chromedp.Evaluate[[]userCard](userCards))
	if len(cards) != 13 {
		b.fatal("got %d cards, want one for each of the 13 users", len(cards))
	}
	if run(b, chromedp.Evaluate[bool](`document.getElementById("users").checkVisibility()`)) {
		t.Error("the phone shows the table as well as the cards")
	}
	labels := []string{"Email", "Role", "Active", "Team", "Week-offs", "Joined"}
	for _, c := range cards {
		if !c.NameVisible || len(c.Hidden) > 0 {
			t.Errorf("card of %s: the name (shown: %v) or the fields %v are not wholly on the screen", c.Name, c.NameVisible, c.Hidden)
		}
		for _, l := range labels {
			if c.Fields[l] == "" {
				t.Errorf("card of %s: no %s", c.Name, l)
			}
		}
		if act := c.Fields["Active"]; act != "Yes" && act != "No" {
			t.Errorf("card of %s: Active is %q, want Yes or No", c.Name, act)
		}
		if got := strings.Join(c.EmailLines, ""); got != c.Fields["Email"] {
			t.Errorf("card of %s: the email's lines %q are not the address %q", c.Name, c.EmailLines, c.Fields["Email"])
		}
		for i := 1; i < len(c.EmailLines); i++ {
			if !strings.HasSuffix(c.EmailLines[i-1], "@") && !strings.HasPrefix(c.EmailLines[i], ".") {
				t.Errorf("card of %s: the email breaks mid-word: %q", c.Name, c.EmailLines)
			}
		}
	}

	i := slices.IndexFunc(cards, func(c userCard) bool { return c.Name == gone.FullName })
	if i < 0 {
		b.fatal("no card for %s", gone.FullName)
	}
	want := map[string]string{"Email": gone.Email, "Role": "Employee", "Active": "No", "Team": "—", "Week-offs": "every Mon, every Fri",
		"Joined": gone.CreatedAt.UTC().Format("2 Jan 2006")}
	if got := cards[i].Fields; !maps.Equal(got, want) {
		t.Errorf("card of the inactive user: got %v, want %v", got, want)
	}
	if len(cards[i].EmailLines) < 2 {
		t.Errorf("the long email is on one line, %q: the test of where it breaks proves nothing", cards[i].EmailLines)
	}

	b.submit(chromedp.Click(chromedp.CSS(`.user-card a[href^="/admin/users/` + itoa(gone.ID) + `"]`)))
	pageFits(b, 375)
	historyScrolls(b)
	b.screenshot("phone-user-history")

	b.do(chromedp.EmulateViewport(1280, 900))
	b.open("/admin/users")
	if got := len(b.texts("#users tbody tr")); got != 13 {
		t.Errorf("on a desktop: got %d table rows, want 13", got)
	}
	if run(b, chromedp.Evaluate[bool](`document.querySelector(".user-cards").checkVisibility()`)) {
		t.Error("the desktop shows the cards as well as the table")
	}
}

// pageFits fails the test if the page is wider than the screen.
func pageFits(b *browser, width int) {
	b.t.Helper()
	if w := run(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > width {
		b.t.Errorf("%s: the page is %d pixels wide on a %d-pixel screen", b.path(), w, width)
	}
}

// historyScrolls checks the history table on a user's page: wider than the
// screen, it scrolls inside a region named by its heading, which the Tab
// key reaches and the arrow keys scroll.
func historyScrolls(b *browser) {
	b.t.Helper()
	region := `#history [role="region"]`
	if got := run(b, chromedp.Evaluate[string](`document.querySelector('`+region+`')?.getAttribute("aria-labelledby") ?? ""`)); got != "history-heading" {
		b.fatal("the history's region: aria-labelledby %q, want history-heading", got)
	}
	if !run(b, chromedp.Evaluate[bool](`(e => e.scrollWidth > e.clientWidth)(document.querySelector('`+region+`'))`)) {
		b.t.Error("the history does not scroll on a phone")
	}
	// The whole page is tabbed through: the user form and the schedule
	// form (seven days of controls) come before the history.
	for range 150 {
		if run(b, chromedp.Evaluate[bool](`document.activeElement === document.querySelector('`+region+`')`)) {
			break
		}
		b.do(chromedp.KeyEvent(kb.Tab))
	}
	if !run(b, chromedp.Evaluate[bool](`document.activeElement === document.querySelector('`+region+`')`)) {
		b.fatal("the Tab key does not reach the history")
	}
	b.do(chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight))
	scrolled := func() bool {
		return run(b, chromedp.Evaluate[bool](`document.querySelector('`+region+`').scrollLeft > 0`))
	}
	if !modelstest.Eventually(b.t, 5*time.Second, scrolled) {
		b.t.Error("the arrow keys do not scroll the focused history")
	}
}
