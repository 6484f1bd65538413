package templates

import "github.com/weekoffs/weekoffs/models/schedule"

// daysHint says, above the user form's boxes of days, what the boxes do to
// a schedule they cannot show: a team's or the organisation's, or rules
// other than whole days every week. Days left as shown keep it; changed
// days become the user's own, every week. A new user with no day ticked
// follows their team's or the organisation's schedule.
func daysHint(v UserFormView) string {
	if v.New {
		return "Tick no day to follow the team's schedule, or else the organisation's."
	}
	words := v.Schedule.Rules.Words()
	switch v.Schedule.Source {
	case schedule.ScopeTeam:
		return "These are the days of their team's schedule (" + words + "). Leave them as they are to keep following it; changed days become their own, every week."
	case schedule.ScopeOrganisation:
		return "These are the days of the organisation's schedule (" + words + "). Leave them as they are to keep following it; changed days become their own, every week."
	case schedule.ScopeUser:
		if !v.Schedule.Rules.Plain() {
			return "Their schedule is " + words + ". Leave the days as they are to keep it; changed days replace it with those days every week."
		}
	}
	return ""
}
