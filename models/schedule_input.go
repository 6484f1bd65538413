package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// ScheduleFields is a change of schedule as a client sends it; nil members
// were not given.
type ScheduleFields struct {
	Rules         json.RawMessage
	EffectiveFrom *string
	Inherit       *bool
}

// ParseSchedule validates a change of schedule against the organisation's
// settings: rules (or, where allowInherit, "inherit": true instead), at most
// weekoffs_max days, from today or a later date. Every problem is a
// FieldError located at its member ("rules", 1, "weeks").
func (s *Store) ParseSchedule(ctx context.Context, f ScheduleFields, allowInherit bool) (ScheduleInput, error) {
	o, err := s.Organisation(ctx)
	if err != nil {
		return ScheduleInput{}, err
	}
	var in ScheduleInput
	var errs FieldErrors
	in.Inherit = f.Inherit != nil && *f.Inherit
	switch {
	case in.Inherit && !allowInherit:
		errs = append(errs, invalid("inherit", "Only a person's own schedule can inherit; give rules", "value_error")...)
	case in.Inherit && f.Rules != nil:
		errs = append(errs, invalid("rules", "Give either rules or \"inherit\": true, not both", "value_error")...)
	case !in.Inherit && f.Rules == nil:
		errs = append(errs, FieldError{Loc: []any{"rules"}, Msg: "Field required", Type: "missing"})
	case !in.Inherit:
		rules, problems := schedule.ParseRules(f.Rules, o.WeekoffsMax)
		for _, p := range problems {
			errs = append(errs, FieldError{Loc: append([]any{"rules"}, p.Path...), Msg: p.Msg, Type: p.Type})
		}
		in.Rules = rules
	}
	today := schedule.Today(time.Now(), o.Location())
	if f.EffectiveFrom != nil {
		d, err := schedule.ParseDate(strings.TrimSpace(*f.EffectiveFrom))
		if err != nil {
			errs = append(errs, invalid("effective_from", "Input should be a date as YYYY-MM-DD, such as "+today.String(), "date_from_datetime_parsing")...)
		} else {
			in.EffectiveFrom = d
		}
	}
	if !in.EffectiveFrom.IsZero() && in.EffectiveFrom.Before(today) {
		errs = append(errs, invalid("effective_from", fmt.Sprintf("Choose today (%s) or a later date", today), "value_error")...)
	}
	if in.EffectiveFrom.After(today.AddDays(maxScheduleAhead)) {
		errs = append(errs, invalid("effective_from", fmt.Sprintf("Choose a date within %d days of today", maxScheduleAhead), "value_error")...)
	}
	if errs != nil {
		return ScheduleInput{}, errs
	}
	in.Today = today
	return in, nil
}

// maxScheduleAhead bounds how far ahead a change may be planned, in days: a
// typo of a year (2062 for 2026) is caught rather than kept.
const maxScheduleAhead = 2 * 366
