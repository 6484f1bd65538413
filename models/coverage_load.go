package models

import (
	"context"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// WeekdayLoad is how busy one weekday is in a person's team over a range:
// the most of the others off (a whole or half day) on any of its dates,
// out of how many others there are.
type WeekdayLoad struct {
	Off, Of int64
}

// TeamLoad is, for each weekday (Monday first), how many of the other
// active employees of the user's team are off at most on that weekday's
// dates from..from+days-1: what the rule editor shows so that people can
// pick a quieter day. The user's own days are left out.
func (s *Store) TeamLoad(ctx context.Context, u *User, from schedule.Date, days int) ([7]WeekdayLoad, error) {
	var out [7]WeekdayLoad
	if u.TeamID == nil {
		return out, nil
	}
	team := *u.TeamID
	q := CoverageQuery{From: from, To: from.AddDays(days - 1), TeamID: team}
	counted := u.IsActive && u.Role == RoleEmployee
	var ownOf int64
	if counted {
		ownOf = u.ID
	}
	var own schedule.Timelines
	in, err := readCoverageInputsWith(ctx, s.pool, q, ownOf, &own)
	if err != nil {
		return out, err
	}
	counts := countCoverage(q.From, q.To, in.groups, in.shared.byTeam, in.shared.org)[team]
	if counts == nil {
		return out, nil
	}
	self := make([]bool, days)
	if counted {
		tl := schedule.Timelines{User: own.User, Team: in.shared.byTeam[team], Organisation: in.shared.org}
		for _, d := range schedule.Expand(tl.Periods(q.From, q.To)) {
			self[q.From.DaysUntil(d.Date)] = true
		}
	}
	for i := range days {
		w := (int(from.AddDays(i).Weekday()) + 6) % 7
		off, of := counts.off[i]+counts.half[i], counts.people[i]
		if counted {
			of--
			if self[i] {
				off--
			}
		}
		out[w].Of = max(out[w].Of, of)
		out[w].Off = max(out[w].Off, off)
	}
	return out, nil
}
