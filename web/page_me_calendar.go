package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models/schedule"
	"github.com/weekoffs/weekoffs/templates"
)

// myCalendarPage shows a month of the signed-in user's days off, the page
// of GET /me/calendar: ?month=2026-12, this month by default. A month that
// cannot be read shows this month with the reason (422).
func (s *Server) myCalendarPage(c *gin.Context) error {
	p, org, err := s.orgPage(c, "")
	if err != nil {
		return err
	}
	today := schedule.Today(time.Now(), org.Location())
	first, ok := monthParam(c.Query("month"), today)
	days, err := s.store.Calendar(c.Request.Context(), currentUser(c).ID, first, nextMonth(first).AddDays(-1))
	if err != nil {
		return err
	}
	v := monthView(first, days, today)
	p.Title = "My days off: " + first.Time().Format("January 2006")
	status := http.StatusOK
	if !ok {
		v.Error = "There is no month " + truncateText(c.Query("month"), 20) + ": choose one as year and month, such as " + today.Time().Format("2006-01") + ". This is the current month."
		p.Title, status = "Error: "+p.Title, http.StatusUnprocessableEntity
	}
	s.render(c, status, templates.MyCalendar(p, v))
	return nil
}

// monthParam reads a month as YYYY-MM, giving its first day; without one,
// or with one it cannot read (false), the month of today.
func monthParam(raw string, today schedule.Date) (schedule.Date, bool) {
	y, m, _ := today.Time().Date()
	thisMonth := schedule.DateOf(y, m, 1)
	if raw == "" {
		return thisMonth, true
	}
	t, err := time.Parse("2006-01", raw)
	// Year 9999's December would have no next month to link to.
	if err != nil || t.Year() < 1 || t.Year() > 9998 {
		return thisMonth, false
	}
	return schedule.DateOf(t.Year(), t.Month(), 1), true
}

// nextMonth is the first day of the month after the one that starts on first.
func nextMonth(first schedule.Date) schedule.Date {
	y, m, _ := first.Time().Date()
	return schedule.DateOf(y, m+1, 1)
}

// monthView lays a month's days off out as a grid of weeks, Monday first.
func monthView(first schedule.Date, days []schedule.Day, today schedule.Date) templates.MonthView {
	off := map[schedule.Date]schedule.Part{}
	for _, d := range days {
		off[d.Date] = d.Part
	}
	const monthLink = "/me/calendar?month="
	next := nextMonth(first)
	v := templates.MonthView{First: first,
		PrevURL: monthLink + first.AddDays(-1).Time().Format("2006-01"),
		NextURL: monthLink + next.Time().Format("2006-01")}
	if today.Before(first) || !today.Before(next) {
		v.TodayURL = "/me/calendar"
	}
	var week [7]templates.CalendarDay
	col := (int(first.Weekday()) + 6) % 7
	for d := first; d.Before(next); d = d.AddDays(1) {
		week[col] = templates.CalendarDay{Date: d, Part: off[d], Today: d == today}
		switch off[d] {
		case schedule.Full:
			v.Off++
		case schedule.Morning, schedule.Afternoon:
			v.HalfOff++
		}
		if col++; col == 7 {
			v.Weeks, week, col = append(v.Weeks, week), [7]templates.CalendarDay{}, 0
		}
	}
	if col > 0 {
		v.Weeks = append(v.Weeks, week)
	}
	return v
}

// truncateText keeps an echoed input short.
func truncateText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// newCalendarFeedPage makes a new secret calendar address for the
// signed-in user and shows it, this once, with how to subscribe: the
// browser's POST /me/calendar-feed. The address is in this answer alone,
// which no cache keeps (render's no-store) and no log records.
func (s *Server) newCalendarFeedPage(c *gin.Context) error {
	key, err := s.store.RotateCalendarFeed(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	c.Header("Referrer-Policy", "no-referrer")
	s.render(c, http.StatusOK, templates.CalendarFeedCreated(s.newPage(c, "Your calendar address"), templates.FeedView{URL: s.feedURL(c, key)}))
	return nil
}
