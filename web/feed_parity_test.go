package web_test

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
)

// debianPython runs Debian's python3-icalendar and python3-dateutil, which
// .ci/run installs.
const debianPython = "/usr/bin/python3"

// TestFeedMatchesCalendar: a client that never saw the code subscribes to
// the feed; Python's icalendar and dateutil (parsers weekoffs did not
// write) expand it to exactly the dates GET /me/calendar lists, over a
// year that crosses a schedule change, in a zone with daylight saving.
func TestFeedMatchesCalendar(t *testing.T) {
	t.Parallel()
	if err := exec.Command(debianPython, "-c", "import icalendar, dateutil").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but Python's icalendar is missing: .ci/run installs python3-icalendar: %v", err)
		}
		t.Skipf("Python's icalendar is missing (apt-get install python3-icalendar python3-dateutil): %v", err)
	}
	a, _, adminTok := newAdminApp(t)
	a.do(call{method: "PATCH", path: "/admin/organisation", token: adminTok,
		body: map[string]any{"timezone": "Europe/Berlin", "weekoffs_max": 3}, want: http.StatusOK})
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(berlin)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	_, tok := a.userWithToken("asha@example.com", models.RoleEmployee)
	a.do(call{method: "PUT", path: "/me/schedule", token: tok, want: http.StatusOK, body: map[string]any{"rules": []any{
		map[string]any{"day": "friday", "part": "afternoon"},
		map[string]any{"day": "saturday", "weeks": []int{2, -1}},
	}}})
	a.do(call{method: "PUT", path: "/me/schedule", token: tok, want: http.StatusOK, body: map[string]any{
		"effective_from": day(today.AddDate(0, 0, 45)),
		"rules": []any{
			map[string]any{"day": "monday", "part": "morning"},
			map[string]any{"day": "wednesday", "weeks": "alternate"},
			map[string]any{"day": "sunday"},
		}}})

	from, to := day(today), day(today.AddDate(0, 0, 365))
	var cal struct {
		Days []struct{ Date, Part string }
	}
	decode(t, a.do(call{method: "GET", path: "/me/calendar?from=" + from + "&to=" + to, token: tok, want: http.StatusOK}), &cal)
	var want []string
	for _, d := range cal.Days {
		want = append(want, d.Date+" "+d.Part)
	}
	if len(want) < 100 {
		t.Fatalf("the calendar lists only %d days off in a year: %v", len(want), want)
	}

	var feed struct{ URL string }
	decode(t, a.do(call{method: "POST", path: "/me/calendar-feed", token: tok, want: http.StatusOK}), &feed)
	ics := a.do(call{method: "GET", path: feed.URL[strings.Index(feed.URL, "/calendar/"):], want: http.StatusOK}).Body.String()
	cmd := exec.Command(debianPython, "../models/schedule/testdata/expand_ics.py", from, to)
	cmd.Stdin = strings.NewReader(ics)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s\nfeed:\n%s", err, out, ics)
	}
	if got := strings.TrimSpace(string(out)); got != strings.Join(want, "\n") {
		t.Errorf("python expanded the feed to\n%s\nGET /me/calendar lists\n%s\nfeed:\n%s", got, strings.Join(want, "\n"), ics)
	}
}
