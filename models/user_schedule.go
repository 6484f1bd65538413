package models

import (
	"encoding/json"
	"fmt"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// UserSchedule is where a user's days off come from today: the user
// object's "schedule".
type UserSchedule struct {
	Source schedule.Scope `json:"source"`
	Rules  schedule.Rules `json:"rules"`
	// EffectiveFrom is the date the schedule in force took effect; nil for none.
	EffectiveFrom *schedule.Date `json:"effective_from"`
	// NextChange is the first later date on which another schedule takes
	// over; nil if none is planned.
	NextChange *schedule.Date `json:"next_change"`
}

// PatternWords says a user's days off as the users list and the export
// show them: the rules in words (schedule.Rules.Words), with "(team)" or
// "(organisation)" when the schedule is not the user's own.
func PatternWords(words string, source schedule.Scope) string {
	switch source {
	case schedule.ScopeTeam:
		return words + " (team)"
	case schedule.ScopeOrganisation:
		return words + " (organisation)"
	}
	return words
}

// noScheduleState is the state of a user whom no schedule covers.
const noScheduleState = `{"source":"none","rules":[],"effective_from":null,"next_change":null}`

// scheduleStateColumn reads a user's schedule state (migration 00010's
// user_schedule_state: one index probe) as the user object writes it.
const scheduleStateColumn = `COALESCE((SELECT state FROM user_schedule_state WHERE user_id = users.id), '` + noScheduleState + `') AS schedule_state`

// Schedule decodes the user's schedule state, read with the user.
func (u *User) Schedule() (UserSchedule, error) {
	var us UserSchedule
	if err := json.Unmarshal(u.ScheduleState, &us); err != nil {
		return us, fmt.Errorf("user %d: schedule state: %w", u.ID, err)
	}
	return us, nil
}

// refreshStateSQL brings the schedule state and users.weekoffs (the days in
// force today) up to date for the users that its %s picks (a condition on
// u, the users table), writing only what changes. It is how every write
// that can move a user's schedule ends, and how ApplyDueSchedules applies a
// change whose date has come.
const refreshStateSQL = `
WITH clock AS MATERIALIZED (SELECT org_today() AS today),
fresh AS MATERIALIZED (
    SELECT u.id, schedule_state(u.id, u.team_id, clock.today) AS state FROM users u, clock WHERE %s
), states AS (
    INSERT INTO user_schedule_state AS st (user_id, state) SELECT id, state FROM fresh
    ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state WHERE st.state::text IS DISTINCT FROM EXCLUDED.state::text
)
UPDATE users u SET weekoffs = state_days(fresh.state) FROM fresh
 WHERE u.id = fresh.id AND u.weekoffs IS DISTINCT FROM state_days(fresh.state)`

// refreshUserSQL refreshes one user, $1.
var refreshUserSQL = fmt.Sprintf(refreshStateSQL, "u.id = $1")

// dependsOnShared picks the users whom a team's or the organisation's
// schedule can reach: those without a schedule of their own in force, and
// those who have planned to inherit.
const dependsOnShared = `(NOT EXISTS (SELECT 1 FROM user_schedule_state st WHERE st.user_id = u.id AND st.state ->> 'source' = 'user')
    OR EXISTS (SELECT 1 FROM schedules s WHERE s.scope = 'user' AND s.user_id = u.id AND s.inherit))`
