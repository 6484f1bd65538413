package templates

import (
	"strconv"
	"strings"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// teamURL is the address of one team's page.
func teamURL(id int64) string { return "/admin/teams/" + strconv.FormatInt(id, 10) }

// itoa64 formats an id for attributes.
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// teamFilter is the users list's query of one team's members.
func teamFilter(id int64) string { return "team=" + strconv.FormatInt(id, 10) }

// teamMembersURL is the users list of one team's members.
func teamMembersURL(id int64) string { return "/admin/users?" + teamFilter(id) }

// membersWords counts a team's members in words: "no members", "1 member", "12 members".
func membersWords(n int64) string {
	switch n {
	case 0:
		return "no members"
	case 1:
		return "1 member"
	}
	return count(n) + " members"
}

// minOnDutyWords says a team's minimum on duty: "none" for 0.
func minOnDutyWords(n int) string {
	if n == 0 {
		return "none"
	}
	return count(int64(n))
}

// patternWords says a user's days off in words as the list shows them,
// naming where they come from when it is not the user's own schedule:
// "2nd & 4th Sat, every Sun (team)"; a dash when no schedule applies.
func patternWords(s models.UserSchedule) string {
	if s.Source == schedule.None || s.Source == "" {
		return "—"
	}
	return models.PatternWords(s.Rules.Words(), s.Source)
}

// scheduleSource says whose schedule a user follows: "Their own",
// "Their team's (Support)", "The organisation's", or "None".
func scheduleSource(s models.UserSchedule, team string) string {
	switch s.Source {
	case schedule.ScopeUser:
		return "Their own"
	case schedule.ScopeTeam:
		return "Their team's (" + team + ")"
	case schedule.ScopeOrganisation:
		return "The organisation's"
	}
	return "None: no schedule applies to them"
}

// dayValues is the hidden value that carries a set of days through a form:
// their names joined by commas, "" for none.
func dayValues(days models.Weekdays) string {
	return strings.Join(days.Strings(), ",")
}

// teamOf names the team of id among teams, for a comparison: "No team"
// for 0, and "Team <id>" for one that is not among them.
func teamOf(id int64, teams []models.Team) string {
	if id == 0 {
		return "No team"
	}
	for _, t := range teams {
		if t.ID == id {
			return t.Name
		}
	}
	return "Team " + strconv.FormatInt(id, 10)
}

// teamListed reports whether the team filter value names one of teams.
func teamListed(filter string, teams []models.Team) bool {
	for _, t := range teams {
		if strconv.FormatInt(t.ID, 10) == filter {
			return true
		}
	}
	return false
}
