package schedule_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// debianPython is the interpreter of Debian's python3-icalendar and
// python3-dateutil, which .ci/run installs.
const debianPython = "/usr/bin/python3"

// TestFeedParsedElsewhere: a feed expanded by parsers weekoffs did not
// write (Python's icalendar and dateutil) gives exactly the days Expand
// lists, over a year that crosses a schedule change and a DST change in a
// non-UTC zone, with whole days, half days, nth and alternate weeks.
func TestFeedParsedElsewhere(t *testing.T) {
	if err := exec.Command(debianPython, "-c", "import icalendar, dateutil").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but Python's icalendar is missing: .ci/run installs python3-icalendar: %v", err)
		}
		t.Skipf("Python's icalendar is missing (apt-get install python3-icalendar python3-dateutil): %v", err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	tl := schedule.Timelines{
		Organisation: []schedule.Schedule{{ID: 1, Scope: schedule.ScopeOrganisation, EffectiveFrom: d("2026-01-01"), CreatedAt: created,
			Rules: schedule.Rules{{Day: time.Sunday, Part: schedule.Full}}}},
		User: []schedule.Schedule{
			{ID: 2, Scope: schedule.ScopeUser, EffectiveFrom: d("2026-11-01"), CreatedAt: created, Rules: schedule.Rules{
				{Day: time.Friday, Part: schedule.Afternoon},
				{Day: time.Saturday, Weeks: schedule.Weeks{Nth: []int{2, -1}}, Part: schedule.Full},
			}},
			{ID: 3, Scope: schedule.ScopeUser, EffectiveFrom: d("2027-03-10"), CreatedAt: created, Inherit: true},
			{ID: 4, Scope: schedule.ScopeUser, EffectiveFrom: d("2027-06-02"), CreatedAt: created, Rules: schedule.Rules{
				{Day: time.Monday, Part: schedule.Morning},
				{Day: time.Saturday, Weeks: schedule.Weeks{Alternate: true}, Part: schedule.Full},
			}},
		},
	}
	feedFrom, openEnd := d("2026-11-01"), d("2029-01-01")
	feed := schedule.Feed(tl.Periods(feedFrom, openEnd), schedule.FeedOptions{Name: "Asha's week-offs", UID: "u7", Location: ny, OpenEnd: openEnd})
	if again := schedule.Feed(tl.Periods(feedFrom, openEnd), schedule.FeedOptions{Name: "Asha's week-offs", UID: "u7", Location: ny, OpenEnd: openEnd}); again != feed {
		t.Error("two fetches of the same schedules differ: UIDs and DTSTAMPs must stay the same")
	}
	for _, want := range []string{"BEGIN:VTIMEZONE", "TZID:America/New_York", "DTSTART;VALUE=DATE:", "DTSTART;TZID=America/New_York:", "DTSTAMP:20261120T080000Z"} {
		if !strings.Contains(feed, want) {
			t.Errorf("feed lacks %q:\n%s", want, feed)
		}
	}

	from, to := d("2026-12-01"), d("2027-11-30")
	cmd := exec.Command(debianPython, "testdata/expand_ics.py", from.String(), to.String())
	cmd.Stdin = strings.NewReader(feed)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s\nfeed:\n%s", err, out, feed)
	}
	var want []string
	for _, day := range schedule.Expand(tl.Periods(from, to)) {
		want = append(want, day.Date.String()+" "+string(day.Part))
	}
	if got := strings.TrimSpace(string(out)); got != strings.Join(want, "\n") {
		t.Errorf("python expanded the feed to\n%s\nwant\n%s\nfeed:\n%s", got, strings.Join(want, "\n"), feed)
	}
}
