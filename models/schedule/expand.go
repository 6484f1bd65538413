package schedule

import (
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// Day is one date off: the whole day or half of it, and whose schedule says so.
type Day struct {
	Date   Date
	Part   Part
	Source Scope
}

// Occurrences are the dates from..to (inclusive) on which the rule's day is
// off, for a schedule in force from anchor (alternate weeks count from the
// first occurrence on or after it).
func (r Rule) Occurrences(anchor, from, to Date) []Date {
	if to.Before(from) {
		return nil
	}
	first := r.firstOnOrAfter(anchor, from)
	rr, err := rrule.NewRRule(r.option(first))
	if err != nil {
		return nil // the options are built from a validated rule
	}
	times := rr.Between(first.Time(), to.Time(), true)
	out := make([]Date, len(times))
	for i, t := range times {
		out[i] = Date{t}
	}
	return out
}

// firstOnOrAfter is the date a recurrence over from.. starts at. For
// alternate weeks it keeps the fortnightly rhythm set by anchor; for the
// others any date works, as the recurrence finds its own first match.
func (r Rule) firstOnOrAfter(anchor, from Date) Date {
	if !r.Weeks.Alternate {
		return from
	}
	first := anchor.AddDays((int(r.Day) - int(anchor.Weekday()) + 7) % 7)
	if first.Before(from) {
		// Step whole fortnights forward to the first on or after from.
		first = first.AddDays((first.DaysUntil(from) + 13) / 14 * 14)
	}
	return first
}

// option is the rrule-go form of the rule, starting at dtstart.
func (r Rule) option(dtstart Date) rrule.ROption {
	day := rruleDay(r.Day)
	opt := rrule.ROption{Freq: rrule.WEEKLY, Wkst: rrule.MO, Dtstart: dtstart.Time(), Byweekday: []rrule.Weekday{day}}
	switch {
	case r.Weeks.Alternate:
		opt.Interval = 2
	case len(r.Weeks.Nth) > 0:
		opt.Freq = rrule.MONTHLY
		opt.Byweekday = nil
		for _, n := range r.Weeks.Nth {
			opt.Byweekday = append(opt.Byweekday, day.Nth(n))
		}
	}
	return opt
}

// rruleDay is rrule-go's name of d.
func rruleDay(d time.Weekday) rrule.Weekday {
	return [7]rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}[d]
}

// Expand lists every date off within the periods, in date order.
func Expand(periods []Period) []Day {
	var days []Day
	for _, p := range periods {
		if p.Schedule == nil {
			continue
		}
		from, to := p.Span()
		for _, r := range p.Schedule.Rules {
			for _, d := range r.Occurrences(p.Schedule.EffectiveFrom, from, to) {
				days = append(days, Day{Date: d, Part: r.Part, Source: p.Source})
			}
		}
	}
	slices.SortFunc(days, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return days
}
