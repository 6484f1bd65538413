package web_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// planInBrowser fills /me's schedule form: Saturday off in the 2nd and 4th
// weeks of the month, Friday afternoons, Sunday no longer, from the date.
func planInBrowser(from string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(chromedp.ID("schedule-part-sunday"), ""),
		chromedp.SetValue(chromedp.ID("schedule-part-saturday"), "full"),
		chromedp.SetValue(chromedp.ID("schedule-weeks-saturday"), "nth"),
		chromedp.Click(chromedp.ID("schedule-nth-saturday-2")),
		chromedp.Click(chromedp.ID("schedule-nth-saturday-4")),
		chromedp.SetValue(chromedp.ID("schedule-part-friday"), "afternoon"),
		chromedp.SetValue(chromedp.ID("schedule-effective_from"), from),
		chromedp.Click(chromedp.CSS(`#schedule-form button[type=submit]`)),
	}
}

// shown reports whether the element with the id is drawn.
func (b *browser) shown(id string) bool {
	b.t.Helper()
	return run(b, chromedp.Evaluate[bool](fmt.Sprintf(`document.getElementById(%q).checkVisibility()`, id)))
}

// TestBrowserScheduleEditor drives the schedule form of /me on a phone:
// the weeks of a day show only once the day is off, and the chosen weeks
// only once chosen; a change from a later date is listed as planned, and
// its button cancels it.
func TestBrowserScheduleEditor(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	u := a.user("asha@example.com", models.RoleEmployee, "saturday", "sunday")
	b.do(chromedp.EmulateViewport(375, 800))
	b.signIn(u.Email, "password1")
	b.open("/me")
	pageFits(b, 375)

	if b.shown("schedule-weeks-monday") || !b.shown("schedule-weeks-saturday") || b.shown("schedule-nth-saturday-2") {
		b.fatal("the weeks of a working day show, or those of a day off do not, or the chosen weeks show unchosen")
	}
	b.do(chromedp.SetValue(chromedp.ID("schedule-weeks-saturday"), "nth"))
	if !b.shown("schedule-nth-saturday-2") {
		b.fatal("the weeks of the month do not show once chosen")
	}
	b.do(chromedp.SetValue(chromedp.ID("schedule-weeks-saturday"), "every"))

	from := utcToday().AddDate(0, 0, 10)
	if status := b.submit(planInBrowser(day(from))...); status != http.StatusOK {
		b.fatal("save: status %d", status)
	}
	b.screenshot("schedule-planned-phone")
	if got, want := b.text(".flash"), "Planned from "+from.Format("Mon 2 Jan 2006")+": every Fri afternoon, 2nd & 4th Sat."; got != want {
		t.Errorf("flash: got %q, want %q", got, want)
	}
	if got := b.texts("ul.planned li > span"); len(got) != 1 || !strings.Contains(got[0], "Every Fri afternoon, 2nd & 4th Sat") {
		t.Errorf("planned: got %q", got)
	}
	if got := b.text("#days-in-force"); got != "Every Sat, every Sun" {
		t.Errorf("in force: got %q", got)
	}
	pageFits(b, 375)

	if status := b.submit(chromedp.Click(chromedp.CSS(`ul.planned button`))); status != http.StatusOK {
		b.fatal("cancel: status %d", status)
	}
	if got := b.text(".flash"); got != "Planned change cancelled." {
		t.Errorf("flash: got %q", got)
	}
	if b.present("ul.planned") || !b.present("#planned-none") {
		t.Error("the change is still listed")
	}
}

// TestBrowserMyCalendar: from /me to the month view and on to the next
// month, whose days off are marked in words; on a phone the words are
// short and the grid fits.
func TestBrowserMyCalendar(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	u := a.user("asha@example.com", models.RoleEmployee, "sunday")
	first := time.Date(utcToday().Year(), utcToday().Month()+1, 1, 0, 0, 0, 0, time.UTC)
	rules := schedule.Rules{{Day: time.Saturday, Weeks: schedule.Weeks{Nth: []int{2, 4}}, Part: schedule.Full}, {Day: time.Friday, Part: schedule.Afternoon}}
	slices.SortFunc(rules, func(x, y schedule.Rule) int { return int(x.Day+6)%7 - int(y.Day+6)%7 })
	if _, err := a.store.SetUserSchedule(t.Context(), u.ID, models.ScheduleInput{Rules: rules, EffectiveFrom: schedule.DateOf(first.Date())}, 0); err != nil {
		t.Fatal(err)
	}
	b.signIn(u.Email, "password1")
	b.open("/me")
	b.submit(chromedp.Click(chromedp.CSS(`a[href="/me/calendar"]`)))
	if got := b.text(`td[aria-current="date"] .today-mark`); got != "Today" {
		t.Errorf("today: got %q", got)
	}
	b.submit(chromedp.Click(chromedp.CSS(`a[rel="next"]`)))
	if got, want := b.text("h1"), "My days off: "+first.Format("January 2006"); got != want {
		t.Errorf("heading: got %q, want %q", got, want)
	}
	var want []string
	for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
		switch nth := (d.Day()-1)/7 + 1; {
		case d.Weekday() == time.Saturday && (nth == 2 || nth == 4):
			want = append(want, fmt.Sprintf("%d Off", d.Day()))
		case d.Weekday() == time.Friday:
			want = append(want, fmt.Sprintf("%d Afternoon off", d.Day()))
		}
	}
	cells := `Array.from(document.querySelectorAll("td.off, td.half"), td => td.querySelector("time").textContent + " " + td.querySelector(".mark").innerText.trim())`
	if got := run(b, chromedp.Evaluate[[]string](cells)); !slices.Equal(got, want) {
		t.Errorf("days off: got %q, want %q", got, want)
	}
	b.screenshot("calendar-next-month")

	b.do(chromedp.EmulateViewport(375, 800))
	pageFits(b, 375)
	b.screenshot("calendar-next-month-phone")
	if got := b.text(`td.half .short`); got != "PM off" {
		t.Errorf("a phone's half day: got %q, want PM off", got)
	}
}
