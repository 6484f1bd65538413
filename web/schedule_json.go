package web

import (
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// scheduleJSON is a schedule as the contract writes it.
type scheduleJSON struct {
	ID            int64          `json:"id"`
	Scope         schedule.Scope `json:"scope"`
	Rules         schedule.Rules `json:"rules"`
	Inherit       bool           `json:"inherit"`
	EffectiveFrom schedule.Date  `json:"effective_from"`
	CreatedAt     time.Time      `json:"created_at"`
	CreatedBy     *int64         `json:"created_by"`
}

func toScheduleJSON(sc *schedule.Schedule) *scheduleJSON {
	if sc == nil {
		return nil
	}
	return &scheduleJSON{ID: sc.ID, Scope: sc.Scope, Rules: sc.Rules, Inherit: sc.Inherit,
		EffectiveFrom: sc.EffectiveFrom, CreatedAt: sc.CreatedAt.UTC(), CreatedBy: sc.CreatedBy}
}

// scheduleViewJSON is GET …/schedule: the schedule in force and those planned.
type scheduleViewJSON struct {
	InForce  *scheduleJSON  `json:"in_force"`
	Upcoming []scheduleJSON `json:"upcoming"`
}

func toScheduleViewJSON(v models.ScheduleView) scheduleViewJSON {
	out := scheduleViewJSON{InForce: toScheduleJSON(v.InForce), Upcoming: make([]scheduleJSON, len(v.Upcoming))}
	for i := range v.Upcoming {
		out.Upcoming[i] = *toScheduleJSON(&v.Upcoming[i])
	}
	return out
}

// calendarJSON is GET /me/calendar: every date off in the range.
type calendarJSON struct {
	From schedule.Date     `json:"from"`
	To   schedule.Date     `json:"to"`
	Days []calendarDayJSON `json:"days"`
}

type calendarDayJSON struct {
	Date   schedule.Date  `json:"date"`
	Part   schedule.Part  `json:"part"`
	Source schedule.Scope `json:"source"`
}
