package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
	"github.com/weekoffs/weekoffs/templates"
)

// offPageSize is how many people the page of a day lists at once.
const offPageSize = 50

// calendarURL is the month calendar of first's month for team (0: everyone).
func calendarURL(first schedule.Date, team int64) string {
	q := url.Values{"month": {first.Time().Format("2006-01")}}
	if team != 0 {
		q.Set("team", strconv.FormatInt(team, 10))
	}
	return "/admin/calendar?" + q.Encode()
}

// dayURL is the page of who is off on d, of team (0: everyone), from offset.
func dayURL(d schedule.Date, team int64, offset int) string {
	q := url.Values{"date": {d.String()}}
	if team != 0 {
		q.Set("team", strconv.FormatInt(team, 10))
	}
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	return "/admin/calendar/day?" + q.Encode()
}

// coverageMonthPage is the admins' month calendar of coverage, GET
// /admin/calendar?month=2026-12&team=3: this month and everyone by default.
// A month it cannot read shows this month with the reason (422).
func (s *Server) coverageMonthPage(c *gin.Context) error {
	p, org, err := s.orgPage(c, "")
	if err != nil {
		return err
	}
	team, err := teamQuery(c)
	if err != nil {
		return err
	}
	today := schedule.Today(time.Now(), org.Location())
	first, ok := monthParam(c.Query("month"), today)
	next := nextMonth(first)
	cov, err := s.coverage(c, models.CoverageQuery{From: first, To: next.AddDays(-1), TeamID: team})
	if err != nil {
		return err
	}
	// The picker needs names only: Teams would count every team's members.
	teams, err := s.store.TeamNames(c.Request.Context())
	if err != nil {
		return err
	}
	v := coverageMonthView(first, team, cov, today)
	v.Teams = teams
	for _, t := range teams {
		if t.ID == team {
			v.TeamName = t.Name
		}
	}
	if team != 0 && len(cov.Days) > 0 {
		v.MinOnDuty = cov.Days[0].MinOnDuty
	}
	p.Title = "Coverage: " + first.Time().Format("January 2006")
	if v.TeamName != "" {
		p.Title += ", " + v.TeamName
	}
	status := http.StatusOK
	if !ok {
		v.Error = "There is no month " + truncateText(c.Query("month"), 20) + ": choose one as year and month, such as " + today.Time().Format("2006-01") + ". This is the current month."
		p.Title, status = "Error: "+p.Title, http.StatusUnprocessableEntity
	}
	s.render(c, status, templates.CoverageMonth(p, v))
	return nil
}

// coverageMonthView lays a month's coverage out as a grid of weeks, Monday first.
func coverageMonthView(first schedule.Date, team int64, cov *models.Coverage, today schedule.Date) templates.CoverageMonthView {
	next := nextMonth(first)
	v := templates.CoverageMonthView{First: first, TeamID: team,
		PrevURL: calendarURL(first.AddDays(-1), team), NextURL: calendarURL(next, team)}
	if today.Before(first) || !today.Before(next) {
		v.TodayURL = calendarURL(today, team)
	}
	short := map[schedule.Date][]string{}
	for _, sd := range cov.Short {
		short[sd.Date] = append(short[sd.Date], sd.TeamName)
	}
	var week [7]templates.CoverageCell
	col := (int(first.Weekday()) + 6) % 7
	for _, d := range cov.Days {
		cell := templates.CoverageCell{Date: d.Date, Working: d.Working, Off: d.Off, HalfOff: d.HalfOff,
			Level: coverageLevel(d), DayURL: dayURL(d.Date, team, 0), Today: d.Date == today}
		if team == 0 {
			cell.ShortTeams = short[d.Date]
		}
		if cell.Level == "short" || len(cell.ShortTeams) > 0 {
			v.ShortDays++
		}
		week[col] = cell
		if col++; col == 7 {
			v.Weeks, week, col = append(v.Weeks, week), [7]templates.CoverageCell{}, 0
		}
	}
	if col > 0 {
		v.Weeks = append(v.Weeks, week)
	}
	return v
}

// coverageLevel shades a day by how close it is to the minimum: short
// below it, tight at it or within a tenth of it (at least one person).
func coverageLevel(d models.CoverageDay) string {
	switch {
	case d.MinOnDuty == 0:
		return ""
	case d.Short:
		return "short"
	case d.Working <= int64(d.MinOnDuty+max(1, d.MinOnDuty/10)):
		return "tight"
	}
	return "ok"
}

// coverageDayPage lists who is off on one date, GET
// /admin/calendar/day?date=2026-12-05&team=3&offset=50.
func (s *Server) coverageDayPage(c *gin.Context) error {
	d, err := schedule.ParseDate(strings.TrimSpace(c.Query("date")))
	if err != nil {
		return errInvalid("query", models.FieldErrors{{Loc: []any{"date"}, Msg: "Input should be a date as YYYY-MM-DD", Type: "date_from_datetime_parsing"}})
	}
	team, err := teamQuery(c)
	if err != nil {
		return err
	}
	offset, err := strconv.Atoi(c.DefaultQuery("offset", "0"))
	if err != nil || offset < 0 || offset > 1_000_000_000 {
		return errInvalid("query", models.FieldErrors{{Loc: []any{"offset"}, Msg: "Input should be a whole number, 0 or more", Type: "int_parsing"}})
	}
	people, more, err := s.store.OffOn(c.Request.Context(), models.OffQuery{Date: d, TeamID: team, Offset: offset, Limit: offPageSize})
	if err != nil {
		return err
	}
	y, m, _ := d.Time().Date()
	v := templates.CoverageDayView{Date: d, TeamID: team, People: people, Start: offset + 1,
		MonthURL: calendarURL(schedule.DateOf(y, m, 1), team)}
	if team != 0 {
		t, err := s.store.TeamByID(c.Request.Context(), team)
		if err != nil {
			return err
		}
		v.TeamName = t.Name
	}
	if more {
		v.NextURL = dayURL(d, team, offset+offPageSize)
	}
	if offset > 0 {
		v.PrevURL = dayURL(d, team, max(0, offset-offPageSize))
	}
	s.render(c, http.StatusOK, templates.CoverageDay(s.newPage(c, "Off on "+d.String()), v))
	return nil
}

// shortSoonView is the start page's note of short days in the next four
// weeks (shortDaysSoon), linking to the calendar of the first one's month
// and team.
func (s *Server) shortSoonView(c *gin.Context) (templates.ShortSoonView, error) {
	short, _, err := s.shortDaysSoon(c.Request.Context())
	if err != nil || len(short) == 0 {
		return templates.ShortSoonView{}, err
	}
	d := short[0]
	y, m, _ := d.Date.Time().Date()
	return templates.ShortSoonView{Count: len(short), CalendarURL: calendarURL(schedule.DateOf(y, m, 1), d.TeamID),
		First: fmt.Sprintf("%s, %s would have %d working; it needs %d", d.Date.Time().Format(dateLayout), d.TeamName, d.Working, d.MinOnDuty)}, nil
}
