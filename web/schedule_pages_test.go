package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// plannedForm is the schedule form of /me choosing the 2nd and 4th
// Saturday and Friday afternoon from the date.
func plannedForm(from string) url.Values {
	return url.Values{
		"inherit":        {"false"},
		"part-saturday":  {"full"},
		"weeks-saturday": {"nth"},
		"nth-saturday":   {"2", "4"},
		"part-friday":    {"afternoon"},
		"weeks-friday":   {"every"},
		"effective_from": {from},
	}
}

// myUpcoming is the user's planned changes, read from the store.
func myUpcoming(t *testing.T, a *app, id int64) []schedule.Schedule {
	t.Helper()
	v, err := a.store.UserScheduleView(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Upcoming
}

// selected reports whether the select with the id has the option with the
// value selected.
func selected(t *testing.T, body, id, value string) bool {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select[^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</select>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no select %s", id)
	}
	return strings.Contains(m[1], `<option value="`+value+`" selected>`)
}

// TestMySchedulePage: /me says which days are off, whose schedule it is and
// since when; the form plans a change for a later date, which is listed
// with a button that cancels it, or changes the days from today.
func TestMySchedulePage(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u := a.user("asha@example.com", models.RoleEmployee, "saturday", "sunday")
	v := a.signedIn(u)
	later := day(utcToday().AddDate(0, 0, 10))
	laterWords := utcToday().AddDate(0, 0, 10).Format("Mon 2 Jan 2006")

	t.Run("Show", func(t *testing.T) {
		res := v.get("/me")
		wantStatus(t, res, http.StatusOK)
		body := res.Body.String()
		wantBody(t, res, `<dd id="days-in-force">Every Sat, every Sun</dd>`, `<dd id="days-source">You</dd>`,
			"None planned", `id="planned-none"`, `href="/me/calendar"`, "Create calendar address",
			`<form method="post" action="/me/schedule" class="schedule-editor" id="schedule-form">`,
			`name="effective_from" value="`+day(utcToday())+`" min="`+day(utcToday())+`"`)
		if !selected(t, body, "schedule-part-saturday", "full") || !selected(t, body, "schedule-part-monday", "") ||
			!selected(t, body, "schedule-weeks-saturday", "every") {
			t.Error("the form does not show the schedule in force")
		}
		if !strings.Contains(element(t, body, "input", "schedule-inherit-no"), "checked") {
			t.Error("own days are not chosen")
		}
	})

	var planned schedule.Schedule
	t.Run("PlanLater", func(t *testing.T) {
		res := v.post("/me/schedule", with(plannedForm(later), "version", strconv.Itoa(u.Version)))
		wantRedirect(t, res, "/me")
		wantWeekoffs(t, a, u.ID, "saturday", "sunday")
		up := myUpcoming(t, a, u.ID)
		if len(up) != 1 || up[0].EffectiveFrom.String() != later || up[0].Rules.Words() != "every Fri afternoon, 2nd & 4th Sat" {
			t.Fatalf("planned: got %+v", up)
		}
		planned = up[0]
		page := v.get("/me")
		wantBody(t, page, "Planned from "+laterWords+": every Fri afternoon, 2nd &amp; 4th Sat.",
			`<time datetime="`+later+`">`+laterWords+`</time>: Every Fri afternoon, 2nd &amp; 4th Sat`,
			`action="/me/schedule/`+itoa(planned.ID)+`/cancel"`, "Cancel<span class=\"visually-hidden\"> the change from "+laterWords)
		// The next change is today's schedule's end.
		wantBody(t, page, `<dt>Next change</dt><dd><time datetime="`+later+`">`)
	})
	t.Run("CancelOthers", func(t *testing.T) {
		other := a.signedIn(a.user("ben@example.com", models.RoleEmployee))
		res := other.post("/me/schedule/"+itoa(planned.ID)+"/cancel", nil)
		wantStatus(t, res, http.StatusNotFound)
		wantBody(t, res, "There is no such planned change.")
		if len(myUpcoming(t, a, u.ID)) != 1 {
			t.Error("someone else cancelled the change")
		}
	})
	t.Run("Cancel", func(t *testing.T) {
		wantRedirect(t, v.post("/me/schedule/"+itoa(planned.ID)+"/cancel", nil), "/me")
		if up := myUpcoming(t, a, u.ID); len(up) != 0 {
			t.Errorf("still planned: %+v", up)
		}
		wantBody(t, v.get("/me"), "Planned change cancelled.", `id="planned-none"`)
		// Twice: it is gone.
		wantStatus(t, v.post("/me/schedule/"+itoa(planned.ID)+"/cancel", nil), http.StatusNotFound)
	})
	t.Run("CancelInForce", func(t *testing.T) {
		me, err := a.store.UserScheduleView(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		res := v.post("/me/schedule/"+itoa(me.InForce.ID)+"/cancel", nil)
		wantStatus(t, res, http.StatusConflict)
		wantWeekoffs(t, a, u.ID, "saturday", "sunday")
	})
	t.Run("SaveToday", func(t *testing.T) {
		form := url.Values{"part-monday": {"full"}, "weeks-monday": {"alternate"}, "part-sunday": {"morning"}, "weeks-sunday": {"every"},
			// Weeks of a day that is not off, and chosen weeks of a day off every other week, do not count.
			"weeks-tuesday": {"nth"}, "nth-tuesday": {"1"}, "nth-monday": {"3"}}
		wantRedirect(t, v.post("/me/schedule", form), "/me")
		wantWeekoffs(t, a, u.ID, "monday", "sunday")
		wantBody(t, v.get("/me"), "Saved: your days off are now alternate Mon, every Sun morning.",
			`<dd id="days-in-force">Alternate Mon, every Sun morning</dd>`)
	})
}

// TestMyScheduleRefused: a refused schedule form is drawn again (422) with
// what was chosen and each problem beside its field, linked from the
// summary; nothing is saved. One sent over a change made meanwhile says so
// (409) and keeps the choice.
func TestMyScheduleRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u := a.user("asha@example.com", models.RoleEmployee, "sunday")
	v := a.signedIn(u)
	yesterday := day(utcToday().AddDate(0, 0, -1))

	t.Run("Fields", func(t *testing.T) {
		form := url.Values{"part-monday": {"full"}, "weeks-monday": {"nth"}, "part-wednesday": {"evening"},
			"effective_from": {yesterday}, "version": {strconv.Itoa(u.Version)}}
		res := v.post("/me/schedule", form)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		body := res.Body.String()
		var got []string
		for _, m := range summaryLink.FindAllStringSubmatch(body, -1) {
			got = append(got, m[1], m[2])
		}
		want := []string{
			"schedule-weeks-monday", "Monday: tick at least one week of the month, or choose every week or every other week",
			"schedule-part-wednesday", "Wednesday: choose a whole day, the morning or the afternoon",
			"schedule-effective_from", "Choose today (" + day(utcToday()) + ") or a later date",
		}
		if !slices.Equal(got, want) {
			t.Errorf("summary: got %q, want %q", got, want)
		}
		for _, id := range []string{"schedule-weeks-monday", "schedule-part-wednesday", "schedule-effective_from"} {
			if !strings.Contains(element(t, body, "", id), `aria-invalid="true"`) {
				t.Errorf("%s is not marked invalid", id)
			}
		}
		describedBy(t, body, "schedule-weeks-monday", "schedule-weeks-error-monday")
		describedBy(t, body, "schedule-effective_from", "schedule-effective_from-hint", "schedule-effective_from-error")
		// What was typed is shown again.
		if !selected(t, body, "schedule-part-monday", "full") || !selected(t, body, "schedule-weeks-monday", "nth") ||
			selected(t, body, "schedule-part-sunday", "full") {
			t.Error("the form does not show what was sent")
		}
		wantBody(t, res, `value="`+yesterday+`"`, "<title>Error: My week-offs", `<a href="/me" aria-current="page">`)
		if strings.Contains(body, "Input should be") {
			t.Error("the form shows the API's words")
		}
		wantWeekoffs(t, a, u.ID, "sunday")
	})
	t.Run("TooManyDays", func(t *testing.T) {
		form := url.Values{"part-monday": {"full"}, "part-tuesday": {"morning"}, "part-friday": {"afternoon"}, "nth-friday": {"2"}}
		res := v.post("/me/schedule", form)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, `<li><a href="#schedule-part-monday">Choose at most 2 week-off days, not 3</a></li>`,
			`<p class="error" id="schedule-rules-error">`)
		describedBy(t, res.Body.String(), "schedule-rules", "schedule-rules-hint", "schedule-rules-error")
		wantWeekoffs(t, a, u.ID, "sunday")
	})
	t.Run("Stale", func(t *testing.T) {
		res := v.post("/me/schedule", with(plannedForm(day(utcToday().AddDate(0, 0, 3))), "version", "999"))
		wantStatus(t, res, http.StatusConflict)
		body := res.Body.String()
		wantBody(t, res, "changed elsewhere after you opened this page, so nothing was saved")
		if !selected(t, body, "schedule-weeks-saturday", "nth") || !strings.Contains(element(t, body, "input", "schedule-nth-saturday-4"), "checked") {
			t.Error("the stale form lost the choice")
		}
		if up := myUpcoming(t, a, u.ID); len(up) != 0 {
			t.Errorf("saved: %+v", up)
		}
	})
}

// TestMyScheduleInherit: a person in a team is told the team's days are
// theirs; choosing the team's days hands back their own.
func TestMyScheduleInherit(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	ctx := t.Context()
	name := "Support"
	team, err := a.store.CreateTeam(ctx, models.TeamInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.SetScopeSchedule(ctx, team.ID, models.ScheduleInput{Rules: schedule.EveryWeek([]time.Weekday{time.Wednesday})}); err != nil {
		t.Fatal(err)
	}
	u := a.user("asha@example.com", models.RoleEmployee, "sunday")
	if _, err := a.store.UpdateUser(ctx, u.ID, models.UserInput{TeamID: &team.ID}, 0); err != nil {
		t.Fatal(err)
	}
	v := a.signedIn(u)
	wantBody(t, v.get("/me"), `<dd id="days-source">You</dd>`, "My team&#39;s days (Support)")

	wantRedirect(t, v.post("/me/schedule", url.Values{"inherit": {"true"}, "part-monday": {"full"}}), "/me")
	wantWeekoffs(t, a, u.ID, "wednesday")
	res := v.get("/me")
	wantBody(t, res, `<dd id="days-source">Your team (Support)</dd>`, `<dd id="days-in-force">Every Wed</dd>`)
	if !strings.Contains(element(t, res.Body.String(), "input", "schedule-inherit-yes"), "checked") {
		t.Error("the team's days are not chosen")
	}
}

// calendarCells reads a month's grid: each date shown, with its words.
func calendarCells(body string) map[string]string {
	cells := map[string]string{}
	re := regexp.MustCompile(`(?s)<td class="([^"]*)"[^>]*><time datetime="([0-9-]+)">[0-9]+</time>(.*?)</td>`)
	tag := regexp.MustCompile(`<span class="short"[^>]*>[^<]*</span>|<[^>]+>`)
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		words := strings.TrimSpace(tag.ReplaceAllString(m[3], " "))
		cells[m[2]] = strings.Join(strings.Fields(words), " ")
	}
	return cells
}

// TestMyCalendarPage: GET /me/calendar in a browser is a month's grid with
// each day off in words and today marked, and links to the months around;
// API clients still get JSON.
func TestMyCalendarPage(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u := a.user("asha@example.com", models.RoleEmployee, "sunday")
	v := a.signedIn(u)
	from := utcToday().AddDate(0, 0, 1)
	wantRedirect(t, v.post("/me/schedule", plannedForm(day(from))), "/me")

	t.Run("ThisMonth", func(t *testing.T) {
		res := v.get("/me/calendar")
		wantStatus(t, res, http.StatusOK)
		today := utcToday()
		wantBody(t, res, `aria-current="date"><time datetime="`+day(today)+`">`, "Today</span>",
			`rel="prev"`, `rel="next"`, "<h1>My days off: "+today.Format("January 2006")+"</h1>")
		if got := res.Header().Get("Vary"); got != "Accept" {
			t.Errorf("Vary: got %q", got)
		}
		cells := calendarCells(res.Body.String())
		if len(cells) != time.Date(today.Year(), today.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day() {
			t.Errorf("got %d days in the grid", len(cells))
		}
	})
	t.Run("NextMonth", func(t *testing.T) {
		first := time.Date(utcToday().Year(), utcToday().Month()+1, 1, 0, 0, 0, 0, time.UTC)
		res := v.get("/me/calendar?month=" + first.Format("2006-01"))
		wantStatus(t, res, http.StatusOK)
		cells := calendarCells(res.Body.String())
		for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
			want := ""
			switch nth := (d.Day()-1)/7 + 1; {
			case d.Weekday() == time.Saturday && (nth == 2 || nth == 4):
				want = "Off"
			case d.Weekday() == time.Friday:
				want = "Afternoon off"
			}
			if got := cells[day(d)]; got != want {
				t.Errorf("%s (%s): got %q, want %q", day(d), d.Weekday(), got, want)
			}
		}
		wantBody(t, res, `href="/me/calendar">This month</a>`, `href="/me/calendar?month=`+first.AddDate(0, 1, 0).Format("2006-01")+`" rel="next"`)
	})
	t.Run("BadMonth", func(t *testing.T) {
		res := v.get("/me/calendar?month=2026-13")
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, `id="month-error"`, "There is no month 2026-13", "<title>Error: ")
	})
	t.Run("JSON", func(t *testing.T) {
		tok := a.token(u.Email, "password1")
		res := a.do(call{method: http.MethodGet, path: "/me/calendar", token: tok, want: http.StatusOK})
		if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type: got %q", ct)
		}
	})
}

var feedURL = regexp.MustCompile(`<textarea id="feed-url"[^>]*>(http://example\.com/calendar/([A-Za-z0-9_-]+)\.ics)</textarea>`)

// newFeed asks for a calendar address from /me's form and returns the
// page and the address's key.
func newFeed(t *testing.T, v *visitor) (*httptest.ResponseRecorder, string) {
	t.Helper()
	res := v.post("/me/calendar-feed", nil)
	wantStatus(t, res, http.StatusOK)
	m := feedURL.FindStringSubmatch(res.Body.String())
	if m == nil {
		t.Fatalf("no address on the page: %s", res.Body)
	}
	return res, m[2]
}

// TestCalendarFeedPage: the form makes an address and shows it once, on a
// page no cache keeps, with how to subscribe; a new one replaces it. The
// key reaches no log.
func TestCalendarFeedPage(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u := a.user("asha@example.com", models.RoleEmployee, "sunday")
	v := a.signedIn(u)

	res, key := newFeed(t, v)
	if cc := res.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", cc)
	}
	if rp := res.Header().Get("Referrer-Policy"); rp != "no-referrer" {
		t.Errorf("Referrer-Policy: got %q", rp)
	}
	wantBody(t, res, "Google Calendar", "Outlook", "Apple Calendar", "only time it is shown")
	me := v.get("/me")
	wantBody(t, me, "Replace the address")
	if strings.Contains(me.Body.String(), key) {
		t.Error("/me shows the key again")
	}
	_, second := newFeed(t, v)
	if second == key {
		t.Fatal("the same key twice")
	}
	// Neither the form nor its page logs the key; this is checked before
	// any GET of the feed, whose request line is its path, the key.
	for _, k := range []string{key, second} {
		if strings.Contains(a.logs.String(), k) {
			t.Error("a key is in the logs")
		}
	}
	a.do(call{method: http.MethodGet, path: "/calendar/" + key + ".ics", want: http.StatusNotFound})
	feed := a.do(call{method: http.MethodGet, path: "/calendar/" + second + ".ics", want: http.StatusOK})
	wantBody(t, feed, "BEGIN:VCALENDAR", "RRULE:FREQ=WEEKLY;WKST=MO;BYDAY=SU")

	t.Run("JSON", func(t *testing.T) {
		tok := a.token(u.Email, "password1")
		res := a.do(call{method: http.MethodPost, path: "/me/calendar-feed", token: tok, want: http.StatusOK})
		wantBody(t, res, `{"url":"http://example.com/calendar/`)
	})
	t.Run("CrossOrigin", func(t *testing.T) {
		w := v.clone()
		w.header.Set("Sec-Fetch-Site", "cross-site")
		w.header.Set("Origin", "https://evil.example")
		if res := w.post("/me/calendar-feed", nil); res.Code != http.StatusForbidden || feedURL.MatchString(res.Body.String()) {
			t.Errorf("a cross-site post: got %d", res.Code)
		}
	})
}

// TestSchedulePagesWithoutSession: the month view sends a visitor without a
// session to sign in and back; the schedule's forms, sent after the
// session ended, go back to /me with the note that nothing was saved.
func TestSchedulePagesWithoutSession(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	v := a.visitor()
	wantRedirect(t, v.get("/me/calendar?month=2026-12"), "/login?next=%2Fme%2Fcalendar%3Fmonth%3D2026-12")
	for _, path := range []string{"/me/schedule", "/me/schedule/3/cancel", "/me/calendar-feed"} {
		wantRedirect(t, v.post(path, plannedForm(day(utcToday()))), "/login?next=%2Fme&unsaved=1")
	}
}
