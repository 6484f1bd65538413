package schedule

import (
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"
)

// Half days are timed events, in the organisation's zone. weekoffs does not
// keep working hours; these are the usual halves of an office day.
const (
	morningStart, morningEnd     = 9, 13
	afternoonStart, afternoonEnd = 13, 17
)

// FeedOptions say whose feed it is and how to write it.
type FeedOptions struct {
	Name     string         // the calendar's name, shown by calendar apps
	UID      string         // a prefix that makes UIDs unique to the person ("u17")
	Location *time.Location // the organisation's zone: half days are local times
	// OpenEnd is the last date the periods were computed to: a period that
	// reaches it recurs without end instead of until that date.
	OpenEnd Date
}

// Feed writes the periods as an iCalendar feed: for each rule of each
// period's schedule, one VEVENT with an RRULE, until the period's last day
// (the day before the next change). Whole days are all-day events; half
// days are timed in the organisation's zone, with its VTIMEZONE. UIDs and
// DTSTAMPs come from the schedule, so they are the same on every fetch.
func Feed(periods []Period, opt FeedOptions) string {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//weekoffs//week-offs feed//EN")
	cal.SetName(opt.Name)
	cal.SetXWRCalName(opt.Name)
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	zone := opt.Location.String()
	if halfDays(periods) {
		// Before the events, where every calendar app looks for it.
		addTimezone(cal, opt.Location, periods)
	}
	for _, p := range periods {
		if p.Schedule == nil {
			continue
		}
		from, to := p.Span()
		for _, r := range p.Schedule.Rules {
			first := r.Occurrences(p.Schedule.EffectiveFrom, from, to)
			if len(first) == 0 {
				continue
			}
			start := first[0]
			ev := cal.AddEvent(fmt.Sprintf("%s-s%d-%s-%s@weekoffs", opt.UID, p.Schedule.ID, icalDay(r.Day), from.t.Format("20060102")))
			ev.SetDtStampTime(p.Schedule.CreatedAt)
			ev.SetSummary(summary(r.Part))
			ev.SetProperty(ics.ComponentPropertyTransp, "OPAQUE")
			rrule := r.RRule()
			if r.Part == Full {
				ev.SetAllDayStartAt(start.Time())
				ev.SetAllDayEndAt(start.AddDays(1).Time())
				if to != opt.OpenEnd {
					// UNTIL takes DTSTART's type: a date here.
					rrule += ";UNTIL=" + to.t.Format("20060102")
				}
			} else {
				startHour, endHour := morningStart, morningEnd
				if r.Part == Afternoon {
					startHour, endHour = afternoonStart, afternoonEnd
				}
				local := func(d Date, hour int) string {
					return d.t.Add(time.Duration(hour) * time.Hour).Format("20060102T150405")
				}
				ev.SetProperty(ics.ComponentPropertyDtStart, local(start, startHour), ics.WithTZID(zone))
				ev.SetProperty(ics.ComponentPropertyDtEnd, local(start, endHour), ics.WithTZID(zone))
				if to != opt.OpenEnd {
					// With a zoned DTSTART, UNTIL is a UTC date-time: the end of
					// the last day, in the zone.
					rrule += ";UNTIL=" + to.AddDays(1).In(opt.Location).Add(-time.Second).UTC().Format("20060102T150405Z")
				}
			}
			ev.AddRrule(rrule)
		}
	}
	return cal.Serialize()
}

// halfDays reports whether any period's rules take half a day.
func halfDays(periods []Period) bool {
	for _, p := range periods {
		if p.Schedule == nil {
			continue
		}
		for _, r := range p.Schedule.Rules {
			if r.Part != Full {
				return true
			}
		}
	}
	return false
}

func summary(p Part) string {
	if p == Full {
		return "Week-off"
	}
	return "Week-off (" + string(p) + ")"
}

// addTimezone writes the VTIMEZONE of loc that calendar apps need to place
// a zoned event: each of its offset changes from the first period's year
// to ten years on, from Go's time zone database.
func addTimezone(cal *ics.Calendar, loc *time.Location, periods []Period) {
	tz := cal.AddTimezone(loc.String())
	start := time.Date(periods[0].From.Year(), 1, 1, 0, 0, 0, 0, loc)
	end := start.AddDate(11, 0, 0)
	observance := func(at time.Time, before int) {
		name, offset := at.Zone()
		var c *ics.ComponentBase
		if at.IsDST() {
			d := &ics.Daylight{}
			tz.Components, c = append(tz.Components, d), &d.ComponentBase
		} else {
			s := tz.AddStandard()
			c = &s.ComponentBase
		}
		// DTSTART is the local time of the change, in the offset before it.
		c.SetProperty(ics.ComponentPropertyDtStart, at.In(time.FixedZone("", before)).Format("20060102T150405"))
		c.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(before))
		c.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(offset))
		c.SetProperty(ics.ComponentProperty(ics.PropertyTzname), name)
	}
	_, offset := start.Zone()
	observance(start, offset)
	for t := start; ; {
		_, next := t.ZoneBounds()
		if next.IsZero() || next.After(end) {
			break
		}
		observance(next, offset)
		_, offset = next.Zone()
		t = next
	}
}

// utcOffset writes seconds east of UTC as iCalendar does: +0530, -0500.
func utcOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	return fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds%3600/60)
}
