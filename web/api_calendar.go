package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// maxCalendarDays bounds a calendar's range, both ends included.
const maxCalendarDays = 366

// calendarRange reads ?from=&to= (dates, both included); without them, the
// current month in the organisation's zone; with one, the rest of its month.
func (s *Server) calendarRange(c *gin.Context) (schedule.Date, schedule.Date, error) {
	return s.dateRange(c, maxCalendarDays)
}

// dateRange is calendarRange of at most maxDays days.
func (s *Server) dateRange(c *gin.Context, maxDays int) (schedule.Date, schedule.Date, error) {
	o, err := s.store.Organisation(c.Request.Context())
	if err != nil {
		return schedule.Date{}, schedule.Date{}, err
	}
	today := schedule.Today(time.Now(), o.Location())
	y, m, _ := today.Time().Date()
	from, to := schedule.DateOf(y, m, 1), schedule.DateOf(y, m+1, 0)
	var errs models.FieldErrors
	for _, p := range []struct {
		name string
		dst  *schedule.Date
	}{{"from", &from}, {"to", &to}} {
		raw, ok := c.GetQuery(p.name)
		if !ok {
			continue
		}
		d, err := schedule.ParseDate(strings.TrimSpace(raw))
		if err != nil {
			errs = append(errs, models.FieldError{Loc: []any{p.name}, Msg: "Input should be a date as YYYY-MM-DD, such as " + today.String(), Type: "date_from_datetime_parsing"})
			continue
		}
		*p.dst = d
	}
	// One end alone: the rest of its month.
	_, hasFrom := c.GetQuery("from")
	_, hasTo := c.GetQuery("to")
	if errs == nil && hasFrom != hasTo {
		if hasFrom {
			y, m, _ := from.Time().Date()
			to = schedule.DateOf(y, m+1, 0)
		} else {
			y, m, _ := to.Time().Date()
			from = schedule.DateOf(y, m, 1)
		}
	}
	switch {
	case errs != nil:
	case to.Before(from):
		errs = models.FieldErrors{{Loc: []any{"to"}, Msg: "The range ends before it starts: choose a 'to' on or after 'from'", Type: "value_error"}}
	case from.DaysUntil(to)+1 > maxDays:
		errs = models.FieldErrors{{Loc: []any{"to"}, Msg: fmt.Sprintf("Choose a range of at most %d days, not %d", maxDays, from.DaysUntil(to)+1), Type: "value_error"}}
	}
	if errs != nil {
		return from, to, errInvalid("query", errs)
	}
	return from, to, nil
}

// getCalendar answers GET /me/calendar and /admin/users/:id/calendar: every
// date off in the range, whole or half, and whose schedule says so.
func (s *Server) getCalendar(whose func(*gin.Context) (int64, error)) func(*gin.Context) error {
	return func(c *gin.Context) error {
		id, err := whose(c)
		if err != nil {
			return err
		}
		from, to, err := s.calendarRange(c)
		if err != nil {
			return err
		}
		days, err := s.store.Calendar(c.Request.Context(), id, from, to)
		if err != nil {
			return err
		}
		out := calendarJSON{From: from, To: to, Days: make([]calendarDayJSON, len(days))}
		for i, d := range days {
			out.Days[i] = calendarDayJSON{Date: d.Date, Part: d.Part, Source: d.Source}
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}

// newCalendarFeed answers POST /me/calendar-feed: a new secret address for
// the signed-in user's feed; the old one stops working.
func (s *Server) newCalendarFeed(c *gin.Context) error {
	key, err := s.store.RotateCalendarFeed(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"url": s.feedURL(c, key)})
	return nil
}

// feedURL is the address of the feed with this key, as calendar apps
// outside the browser must reach it: under PUBLIC_URL when set.
func (s *Server) feedURL(c *gin.Context, key string) string {
	base := s.cfg.PublicURL
	if base == "" {
		scheme := "http"
		if c.Request.TLS != nil || s.cfg.CookieSecure {
			scheme = "https"
		}
		base = scheme + "://" + c.Request.Host
	}
	return base + "/calendar/" + key + ".ics"
}

// calendarFeed answers GET /calendar/:file, where the file is <key>.ics:
// the person's days off as iCalendar, for calendar apps to subscribe to.
func (s *Server) calendarFeed(c *gin.Context) error {
	notFound := errStatus(http.StatusNotFound, "Calendar not found")
	key, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok {
		return notFound
	}
	feed, err := s.store.CalendarFeed(c.Request.Context(), key)
	if errors.Is(err, models.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return err
	}
	// The address is the secret: keep it out of shared caches and referrers.
	c.Header("Cache-Control", "private, max-age=300")
	c.Header("Referrer-Policy", "no-referrer")
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", []byte(feed))
	return nil
}
