package models

import (
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// AfterFind resolves the schedule of a user that GORM read with
// scheduleColumns; a read without them (Today unset) has none to resolve.
func (u *User) AfterFind(*gorm.DB) error {
	if u.Today.IsZero() {
		return nil
	}
	return u.resolveSchedule()
}

// UserSchedule is where a user's days off come from today: the user
// object's "schedule".
type UserSchedule struct {
	Source schedule.Scope
	Rules  schedule.Rules
	// EffectiveFrom is the date the schedule in force took effect; zero for none.
	EffectiveFrom schedule.Date
	// NextChange is the first later date on which another schedule takes
	// over; zero if none is planned.
	NextChange schedule.Date
}

// scheduleColumns reads, beside a user, what resolving their schedule needs:
// the organisation's date today and, as JSON, the schedules that can apply
// to them from today on (schedules_from, migration 00010). They are read in
// the same query as the user, so that GET /me stays one round trip.
const scheduleColumns = `org_today() AS today,
	(SELECT json_agg(json_build_object('id', s.id, 'scope', s.scope, 'rules', s.rules, 'inherit', s.inherit, 'from', s.effective_from)
	                 ORDER BY s.effective_from)
	   FROM schedules_from(users.id, users.team_id, org_today()) s) AS schedule_rows`

// scheduleRow is one schedule as scheduleColumns writes it.
type scheduleRow struct {
	ID      int64          `json:"id"`
	Scope   schedule.Scope `json:"scope"`
	Rules   schedule.Rules `json:"rules"`
	Inherit bool           `json:"inherit"`
	From    schedule.Date  `json:"from"`
}

// resolveSchedule works out u.Schedule and u.Weekoffs from the schedules
// read with u, and any written in the same statement (which its snapshot
// could not see).
func (u *User) resolveSchedule(written ...schedule.Schedule) error {
	var rows []scheduleRow
	if len(u.ScheduleRows) > 0 {
		if err := json.Unmarshal(u.ScheduleRows, &rows); err != nil {
			return fmt.Errorf("user %d: stored schedules: %w", u.ID, err)
		}
	}
	var tl schedule.Timelines
	for _, r := range rows {
		tl.Add(schedule.Schedule{ID: r.ID, Scope: r.Scope, Rules: r.Rules, Inherit: r.Inherit, EffectiveFrom: r.From})
	}
	for _, s := range written {
		tl.Add(s)
	}
	today := schedule.DateOf(u.Today.Date())
	in, source := tl.InForce(today)
	u.Schedule = UserSchedule{Source: source}
	u.Weekoffs = Weekdays{}
	if in != nil {
		u.Schedule.Rules, u.Schedule.EffectiveFrom = in.Rules, in.EffectiveFrom
		for _, d := range in.Rules.Days() {
			u.Weekoffs = append(u.Weekoffs, Weekday(schedule.DayName(d)))
		}
	}
	if next, ok := tl.NextChange(today); ok {
		u.Schedule.NextChange = next
	}
	return nil
}
