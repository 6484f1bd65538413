package templates

import (
	"strconv"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// CoverageMonthView is the admins' month calendar of coverage: each day's
// working and off counts for one team or everyone, with the team picker.
type CoverageMonthView struct {
	First            schedule.Date
	Weeks            [][7]CoverageCell // Monday first; days of other months have a zero Date
	PrevURL, NextURL string
	TodayURL         string        // the current month, "" when it is the one shown
	Teams            []models.Team // the picker's teams, by name
	TeamID           int64         // 0: everyone
	TeamName         string
	MinOnDuty        int // the team's minimum; 0 for none or everyone
	ShortDays        int // the days of the month on which a team falls short
	Error            string
}

// CoverageCell is one day of the coverage grid.
type CoverageCell struct {
	Date    schedule.Date
	Working int64
	Off     int64
	HalfOff int64
	// Level shades the cell: "short" (below the minimum), "tight" (at it,
	// or within a tenth of it), "ok", or "" with no minimum.
	Level string
	// ShortTeams names the teams short that day, on everyone's calendar.
	ShortTeams []string
	DayURL     string // who is off that day
	Today      bool
}

// CoverageDayView is who is off on one date, a page at a time.
type CoverageDayView struct {
	Date             schedule.Date
	TeamID           int64
	TeamName         string
	People           []models.OffPerson
	Start            int    // the position of the first listed, from 1
	NextURL, PrevURL string // "" when there is no such page
	MonthURL         string // the month calendar the day belongs to
}

// coverageCounts is a day's counts in words.
func coverageCounts(d CoverageCell) string {
	s := strconv.FormatInt(d.Working, 10) + " working, " + strconv.FormatInt(d.Off, 10) + " off"
	if d.HalfOff > 0 {
		s += ", " + strconv.FormatInt(d.HalfOff, 10) + " half off"
	}
	return s
}

// shortWords says which teams a day is short in, or that it is.
func shortWords(d CoverageCell) string {
	switch len(d.ShortTeams) {
	case 0:
		return "Short"
	case 1:
		return "Short: " + d.ShortTeams[0]
	}
	return "Short: " + strconv.Itoa(len(d.ShortTeams)) + " teams"
}

// teamPicked is the picker's value of a team id.
func teamPicked(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// offWhom names the set of people a page is about.
func offWhom(name string) string {
	if name == "" {
		return "everyone"
	}
	return name
}

// ShortSoonView is the admin start page's note of short days: how many
// team-dates of the next four weeks fall below a team's minimum, the
// first of them, and the month calendar that shows it.
type ShortSoonView struct {
	Count       int
	First       string // "Sun 6 Dec 2026: Support would have 2 working; it needs 3"
	CalendarURL string
}
