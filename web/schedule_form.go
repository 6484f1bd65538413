package web

import (
	"cmp"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
	"github.com/weekoffs/weekoffs/templates"
)

// The schedule form (templates.ScheduleForm) names its fields by weekday:
// part-<day> ("", full, morning, afternoon), weeks-<day> (every,
// alternate, nth), nth-<day> (the weeks of the month, repeated), and
// effective_from and inherit ("true") for the whole form.

// weekOrder is the days as forms list them, Monday first.
var weekOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// scheduleChoiceOf is what a schedule form shows for stored rules:
// every day not in them is a working day.
func scheduleChoiceOf(rules schedule.Rules, inherit bool) templates.ScheduleChoice {
	ch := templates.ScheduleChoice{Inherit: inherit}
	for i, d := range weekOrder {
		ch.Days[i] = templates.DayChoice{Day: d, Weeks: "every"}
	}
	for _, r := range rules {
		dc := &ch.Days[(int(r.Day)+6)%7]
		dc.Part = string(r.Part)
		switch {
		case r.Weeks.Alternate:
			dc.Weeks = "alternate"
		case len(r.Weeks.Nth) > 0:
			dc.Weeks, dc.Nth = "nth", slices.Clone(r.Weeks.Nth)
		}
	}
	return ch
}

// scheduleFromForm reads a posted schedule form: the change for the model
// to validate (ParseSchedule), and the form as sent, to show again if the
// change is refused. A day that is not off, and the chosen weeks of a day
// that is not off in chosen weeks, are not sent: the form hides those
// controls where it can, and what they hold does not count. The days'
// values are passed on as typed, for the model to judge; a week that is
// not a number is sent as 0, which it refuses.
func scheduleFromForm(form url.Values, allowInherit bool) (models.ScheduleFields, templates.ScheduleChoice) {
	var f models.ScheduleFields
	ch := templates.ScheduleChoice{EffectiveFrom: strings.TrimSpace(form.Get("effective_from"))}
	if ch.EffectiveFrom != "" {
		f.EffectiveFrom = &ch.EffectiveFrom
	}
	ch.Inherit = allowInherit && form.Get("inherit") == "true"
	if ch.Inherit {
		f.Inherit = &ch.Inherit
	}
	type ruleJSON struct {
		Day   string `json:"day"`
		Weeks any    `json:"weeks"`
		Part  string `json:"part"`
	}
	rules := []ruleJSON{}
	for i, d := range weekOrder {
		name := schedule.DayName(d)
		dc := templates.DayChoice{Day: d, Part: form.Get("part-" + name), Weeks: form.Get("weeks-" + name)}
		if dc.Weeks == "" {
			dc.Weeks = "every"
		}
		for _, raw := range form["nth-"+name] {
			n, err := strconv.Atoi(raw)
			if err != nil {
				n = 0
			}
			dc.Nth = append(dc.Nth, n)
		}
		ch.Days[i] = dc
		if dc.Part == "" {
			continue
		}
		r := ruleJSON{Day: name, Weeks: dc.Weeks, Part: dc.Part}
		if dc.Weeks == "nth" {
			r.Weeks = append([]int{}, dc.Nth...)
		}
		rules = append(rules, r)
	}
	if !ch.Inherit {
		f.Rules, _ = json.Marshal(rules) // plain strings and ints cannot fail
	}
	return f, ch
}

// offDays are the days a form sent as off, in the order of its rules.
func offDays(ch templates.ScheduleChoice) []int {
	var out []int
	for i, d := range ch.Days {
		if d.Part != "" {
			out = append(out, i)
		}
	}
	return out
}

// refuseSchedule puts a model's refusal of a schedule form beside the
// fields of e, in the form's words: a rule's problem at its day's part or
// weeks, the others at the whole days, the date or the inherit choice.
func refuseSchedule(e *templates.ScheduleEditor, errs models.FieldErrors) {
	days := offDays(e.Choice)
	for _, fe := range errs {
		if len(fe.Loc) == 0 {
			e.RulesError = cmp.Or(e.RulesError, fe.Msg)
			continue
		}
		field, _ := fe.Loc[0].(string)
		switch {
		case field == "rules" && len(fe.Loc) >= 3:
			i, _ := fe.Loc[1].(int)
			if i < 0 || i >= len(days) {
				e.RulesError = cmp.Or(e.RulesError, fe.Msg)
				continue
			}
			dc := &e.Choice.Days[days[i]]
			switch fe.Loc[2] {
			case "part":
				dc.PartError = cmp.Or(dc.PartError, dc.Day.String()+": "+msgSchedulePart)
			case "weeks":
				msg := msgScheduleWeeks
				if dc.Weeks == "nth" && len(dc.Nth) == 0 {
					msg = msgScheduleNoWeeks
				}
				dc.WeeksError = cmp.Or(dc.WeeksError, dc.Day.String()+": "+msg)
			default:
				dc.PartError = cmp.Or(dc.PartError, dc.Day.String()+": "+fe.Msg)
			}
		case field == "rules":
			e.RulesError = cmp.Or(e.RulesError, fe.Msg)
		case field == "effective_from":
			e.EffectiveFromError = cmp.Or(e.EffectiveFromError, formWords(fe))
		case field == "inherit":
			e.InheritError = cmp.Or(e.InheritError, fe.Msg)
		default:
			e.RulesError = cmp.Or(e.RulesError, fe.Msg)
		}
	}
}

// formWords is the form's words for a model's field error, or the
// model's own where the form has none.
func formWords(fe models.FieldError) string {
	field, _ := fe.Loc[0].(string)
	if msg, ok := formWording[[2]string{field, fe.Type}]; ok {
		return msg
	}
	return fe.Msg
}
