package templates

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// option is one choice of a select.
type option struct{ value, label string }

// partOptions are the choices of a day's time off; "" is a working day.
var partOptions = []option{
	{"", "None (working)"},
	{string(schedule.Full), "Whole day"},
	{string(schedule.Morning), "Morning"},
	{string(schedule.Afternoon), "Afternoon"},
}

// weeksOptions are the choices of the weeks a day is off.
var weeksOptions = []option{
	{"every", "Every week"},
	{"alternate", "Every other week"},
	{"nth", "Chosen weeks of the month"},
}

// weeksOfMonth are the weeks of the month a rule may choose, -1 the last.
var weeksOfMonth = []int{1, 2, 3, 4, 5, -1}

// dayName is a weekday as forms name it: "saturday".
func dayName(d time.Weekday) string { return schedule.DayName(d) }

// ruleID is the id of one of a day's controls in the form with the id prefix form.
func ruleID(form, control string, d DayChoice) string {
	return form + "-" + control + "-" + dayName(d.Day)
}

// nthID is the id of the box of week n of the month for a day.
func nthID(form string, d DayChoice, n int) string {
	w := strconv.Itoa(n)
	if n == -1 {
		w = "last"
	}
	return ruleID(form, "nth", d) + "-" + w
}

func hasWeek(nth []int, n int) bool { return slices.Contains(nth, n) }

// ordinalWord names a week of the month: "1st" … "5th", "Last".
func ordinalWord(n int) string {
	switch n {
	case 1:
		return "1st"
	case 2:
		return "2nd"
	case 3:
		return "3rd"
	case -1:
		return "Last"
	}
	return strconv.Itoa(n) + "th"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// errID is id when msg is shown, for describedBy.
func errID(id, msg string) string {
	if msg == "" {
		return ""
	}
	return id
}

// dayDate writes a date as "Tue 1 Dec 2026".
func dayDate(d schedule.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("Mon 2 Jan 2006")
}

// monthName writes a month as "December 2026".
func monthName(d schedule.Date) string { return d.Time().Format("January 2006") }

// Refused reports whether a save of the form was refused: it shows what
// was sent, with its problems or the note that the person had changed.
func (e ScheduleEditor) Refused() bool { return e.Stale || len(scheduleProblems(e)) > 0 }

// scheduleProblems lists a refused schedule form's problems in the order
// of its fields, each linking to its control.
func scheduleProblems(e ScheduleEditor) []Problem {
	var out []Problem
	add := func(target, msg string) {
		if msg != "" {
			out = append(out, Problem{Target: target, Message: msg})
		}
	}
	add(e.ID+"-inherit-no", e.InheritError)
	add(ruleID(e.ID, "part", e.Choice.Days[0]), e.RulesError)
	for _, d := range e.Choice.Days {
		add(ruleID(e.ID, "part", d), d.PartError)
		add(ruleID(e.ID, "weeks", d), d.WeeksError)
	}
	add(e.ID+"-effective_from", e.EffectiveFromError)
	return out
}

// rulesWords says rules for a person: "2nd & 4th Sat, every Sun", or "No
// days off".
func rulesWords(rs schedule.Rules) string {
	if len(rs) == 0 {
		return "No days off"
	}
	w := rs.Words()
	return strings.ToUpper(w[:1]) + w[1:]
}

// sourceWords says whose schedule gives the signed-in user their days.
func sourceWords(source schedule.Scope, team string) string {
	switch source {
	case schedule.ScopeUser:
		return "You"
	case schedule.ScopeTeam:
		if team != "" {
			return "Your team (" + team + ")"
		}
		return "Your team"
	case schedule.ScopeOrganisation:
		return "The organisation"
	}
	return "Nobody yet"
}

// plannedWords says what a planned change does for a person in the team
// named team ("" for none), in the words of whoever reads it: "your" for
// the person themselves, "their" for an admin.
func plannedWords(sc schedule.Schedule, team, whose string) string {
	switch {
	case sc.Scope == schedule.ScopeUser && sc.Inherit && team != "":
		return "back to " + whose + " team's days"
	case sc.Scope == schedule.ScopeUser && sc.Inherit:
		return "back to the organisation's days"
	case sc.Scope == schedule.ScopeTeam:
		return whose + " team's days become: " + sc.Rules.Words()
	case sc.Scope == schedule.ScopeOrganisation:
		return "the organisation's days become: " + sc.Rules.Words()
	}
	return rulesWords(sc.Rules)
}

// personPlanned is plannedWords for plannedChanges.
func personPlanned(team, whose string) func(schedule.Schedule) string {
	return func(sc schedule.Schedule) string { return plannedWords(sc, team, whose) }
}

// sharedPlanned says a team's or the organisation's planned change: its rules.
func sharedPlanned(sc schedule.Schedule) string { return rulesWords(sc.Rules) }

// cancelOwn gives where the form that cancels a person's own planned change
// posts, under their page's path (/me, /admin/users/7), keeping the list's
// place (from). Their team's and the organisation's changes are not theirs
// to cancel: "".
func cancelOwn(page, from string) func(schedule.Schedule) string {
	return func(sc schedule.Schedule) string {
		if sc.Scope != schedule.ScopeUser {
			return ""
		}
		return WithFrom(cancelURL(page, sc.ID), from)
	}
}

// cancelShared gives where the form that cancels one of a team's or the
// organisation's planned changes posts, under its page's path.
func cancelShared(page string) func(schedule.Schedule) string {
	return func(sc schedule.Schedule) string { return cancelURL(page, sc.ID) }
}

// cancelURL is where the form that cancels the planned change sid posts,
// under the path of the page that lists it.
func cancelURL(page string, sid int64) string {
	return page + "/schedule/" + strconv.FormatInt(sid, 10) + "/cancel"
}

// partWords says a day of the calendar in words: "Off", "Morning off".
func partWords(p schedule.Part) string {
	switch p {
	case schedule.Full:
		return "Off"
	case schedule.Morning:
		return "Morning off"
	case schedule.Afternoon:
		return "Afternoon off"
	}
	return ""
}

// partShort is partWords for a phone's narrow cell; the cell's long
// words are still read out.
func partShort(p schedule.Part) string {
	switch p {
	case schedule.Morning:
		return "AM off"
	case schedule.Afternoon:
		return "PM off"
	}
	return partWords(p)
}

// weekdayHead is a column heading of a month's grid.
type weekdayHead struct{ short, long string }

var weekdayHeads = []weekdayHead{
	{"Mon", "Monday"}, {"Tue", "Tuesday"}, {"Wed", "Wednesday"}, {"Thu", "Thursday"},
	{"Fri", "Friday"}, {"Sat", "Saturday"}, {"Sun", "Sunday"},
}

// monthSummary counts a month's days off in words.
func monthSummary(v MonthView) string {
	if v.Off == 0 && v.HalfOff == 0 {
		return "No days off in " + monthName(v.First) + "."
	}
	var parts []string
	if v.Off > 0 {
		parts = append(parts, strconv.Itoa(v.Off)+" "+plural(v.Off, "day", "days")+" off")
	}
	if v.HalfOff > 0 {
		parts = append(parts, strconv.Itoa(v.HalfOff)+" half "+plural(v.HalfOff, "day", "days")+" off")
	}
	return monthName(v.First) + ": " + strings.Join(parts, " and ") + "."
}

// shortSummary says why a schedule form was refused by the coverage guard.
func shortSummary(e ScheduleEditor) string {
	if e.CanForce {
		return "This change would leave a team with fewer people working than it needs, so it was not saved yet:"
	}
	return "This change would leave your team with fewer people working than it needs, so it was not saved. Choose other days, or ask an admin:"
}
