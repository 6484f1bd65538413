package templates

import "time"

// Clock writes times in the organisation's zone, to the minute: pages show
// when something happened, not to the second.
type Clock struct {
	Location *time.Location // nil is UTC
}

func (c Clock) in(t time.Time) time.Time {
	if c.Location == nil {
		return t.UTC()
	}
	return t.In(c.Location)
}

// DateTime is "2 Jan 2006 15:04 IST".
func (c Clock) DateTime(t time.Time) string { return c.in(t).Format("2 Jan 2006 15:04 MST") }

// Date is "2 Jan 2006", the day in the organisation's zone.
func (c Clock) Date(t time.Time) string { return c.in(t).Format("2 Jan 2006") }

// ISODate is "2006-01-02", for <time datetime>.
func (c Clock) ISODate(t time.Time) string { return c.in(t).Format(time.DateOnly) }

// Time is "15:04 IST".
func (c Clock) Time(t time.Time) string { return c.in(t).Format("15:04 MST") }
