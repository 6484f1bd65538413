package schedule

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Part is how much of a day a rule takes off.
type Part string

// The parts of a day.
const (
	Full      Part = "full"
	Morning   Part = "morning"
	Afternoon Part = "afternoon"
)

// Weeks says in which weeks a rule's day is off: every week (the zero
// value), every other week counted from the schedule's effective date
// (Alternate), or the given weeks of each month (Nth: 1 to 5, -1 for the
// last), in ascending order with -1 last.
type Weeks struct {
	Alternate bool
	Nth       []int
}

// Every reports whether the rule applies every week.
func (w Weeks) Every() bool { return !w.Alternate && len(w.Nth) == 0 }

// Rule is one day off: a weekday, the weeks it applies, and how much of it.
type Rule struct {
	Day   time.Weekday
	Weeks Weeks
	Part  Part
}

// Rules is a schedule's set of rules, one per day at most, in week order
// (Monday first). An empty set means no days off.
type Rules []Rule

// weekOrder is the days in the order weekoffs shows them, Monday first.
var weekOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// weekIndex is d's place in weekOrder.
func weekIndex(d time.Weekday) int { return (int(d) + 6) % 7 }

// DayName is d's lowercase English name, as the API writes days.
func DayName(d time.Weekday) string { return strings.ToLower(d.String()) }

// ParseDay reads a day name in any letter case, in full or as its first
// three letters ("Sat").
func ParseDay(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, d := range weekOrder {
		name := DayName(d)
		if s == name || (len(s) == 3 && strings.HasPrefix(name, s)) {
			return d, true
		}
	}
	return 0, false
}

// EveryWeek is the rules of a plain list of days: every week, whole days.
func EveryWeek(days []time.Weekday) Rules {
	rules := make(Rules, 0, len(days))
	for _, d := range days {
		rules = append(rules, Rule{Day: d, Part: Full})
	}
	slices.SortFunc(rules, func(a, b Rule) int { return weekIndex(a.Day) - weekIndex(b.Day) })
	return rules
}

// Days are the rules' days in week order.
func (rs Rules) Days() []time.Weekday {
	days := make([]time.Weekday, len(rs))
	for i, r := range rs {
		days[i] = r.Day
	}
	return days
}

// Plain reports whether every rule is every week and the whole day: the
// rules a bare list of week-off days stands for.
func (rs Rules) Plain() bool {
	for _, r := range rs {
		if !r.Weeks.Every() || r.Part != Full {
			return false
		}
	}
	return true
}

// ruleJSON is a rule as the API writes it: every member spelled out.
type ruleJSON struct {
	Day   string `json:"day"`
	Weeks any    `json:"weeks"`
	Part  Part   `json:"part"`
}

// MarshalJSON writes {"day":"saturday","weeks":"every"|"alternate"|[2,4],"part":"full"}.
func (r Rule) MarshalJSON() ([]byte, error) {
	out := ruleJSON{Day: DayName(r.Day), Weeks: "every", Part: r.Part}
	switch {
	case r.Weeks.Alternate:
		out.Weeks = "alternate"
	case len(r.Weeks.Nth) > 0:
		out.Weeks = r.Weeks.Nth
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a rule that this package wrote (stored rules); client
// input goes through ParseRules, which says what is wrong with it.
func (r *Rule) UnmarshalJSON(b []byte) error {
	rules, problems := ParseRules(json.RawMessage("["+string(b)+"]"), 7)
	if len(problems) > 0 {
		return fmt.Errorf("rule %s: %s", b, problems[0].Msg)
	}
	*r = rules[0]
	return nil
}

// MarshalJSON writes an empty set as [], never null.
func (rs Rules) MarshalJSON() ([]byte, error) {
	if rs == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]Rule(rs))
}

// Problem is one thing wrong with client input, located by Path from the
// rules list: [1, "weeks"] is the weeks of the second rule.
type Problem struct {
	Path []any
	Msg  string
	Type string
}

// maxProblems bounds how many problems one input is told, so that a small
// request cannot make a huge answer.
const maxProblems = 20

// ParseRules validates rules as a client sends them: a list of objects with
// day (required), weeks and part; one rule per day, at most max days.
func ParseRules(raw json.RawMessage, max int) (Rules, []Problem) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, []Problem{{Path: nil, Msg: "Input should be a list of rules", Type: "list_type"}}
	}
	if len(items) > max {
		// Refused before its members are read: a long list says one thing.
		return nil, []Problem{{Path: nil, Msg: fmt.Sprintf("Choose at most %d week-off days, not %d", max, len(items)), Type: "too_long"}}
	}
	var problems []Problem
	rules := make(Rules, 0, len(items))
	seen := map[time.Weekday]bool{}
	for i, item := range items {
		r, ps := parseRule(i, item)
		problems = append(problems, ps...)
		if ps != nil {
			continue
		}
		if seen[r.Day] {
			problems = append(problems, Problem{Path: []any{i, "day"}, Msg: fmt.Sprintf("%s has more than one rule; give one rule per day", title(r.Day)), Type: "value_error"})
			continue
		}
		seen[r.Day] = true
		rules = append(rules, r)
	}
	if len(problems) > 0 {
		return nil, problems[:min(len(problems), maxProblems)]
	}
	slices.SortFunc(rules, func(a, b Rule) int { return weekIndex(a.Day) - weekIndex(b.Day) })
	return rules, nil
}

// parseRule reads the i-th rule of a list.
func parseRule(i int, raw json.RawMessage) (Rule, []Problem) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		return Rule{}, []Problem{{Path: []any{i}, Msg: "Input should be a rule such as {\"day\": \"saturday\"}", Type: "model_attributes_type"}}
	}
	r := Rule{Part: Full}
	var problems []Problem
	bad := func(field, msg, typ string) {
		problems = append(problems, Problem{Path: []any{i, field}, Msg: msg, Type: typ})
	}
	for name := range members {
		if name != "day" && name != "weeks" && name != "part" {
			bad(name, "Extra inputs are not permitted", "extra_forbidden")
		}
	}
	var day string
	switch rawDay, ok := members["day"]; {
	case !ok:
		bad("day", "Field required", "missing")
	case json.Unmarshal(rawDay, &day) != nil:
		bad("day", "Input should be a weekday such as 'saturday'", "string_type")
	default:
		d, ok := ParseDay(day)
		if !ok {
			bad("day", fmt.Sprintf("Input should be a weekday such as 'monday' or 'mon', not %q", truncate(day)), "enum")
		}
		r.Day = d
	}
	if rawWeeks, ok := members["weeks"]; ok {
		w, msg := parseWeeks(rawWeeks)
		if msg != "" {
			bad("weeks", msg, "value_error")
		}
		r.Weeks = w
	}
	if rawPart, ok := members["part"]; ok {
		var part string
		if json.Unmarshal(rawPart, &part) != nil || (Part(part) != Full && Part(part) != Morning && Part(part) != Afternoon) {
			bad("part", "Input should be 'full', 'morning' or 'afternoon'", "enum")
		}
		r.Part = Part(part)
	}
	return r, problems
}

// parseWeeks reads "every", "alternate", or a list of weeks of the month.
func parseWeeks(raw json.RawMessage) (Weeks, string) {
	const msg = "Input should be \"every\", \"alternate\" or a list of weeks of the month (1 to 5, -1 for the last)"
	var word string
	if json.Unmarshal(raw, &word) == nil {
		switch word {
		case "every":
			return Weeks{}, ""
		case "alternate":
			return Weeks{Alternate: true}, ""
		}
		return Weeks{}, msg
	}
	var nth []int
	if json.Unmarshal(raw, &nth) != nil || len(nth) == 0 || len(nth) > 6 {
		return Weeks{}, msg
	}
	for _, n := range nth {
		if n < -1 || n > 5 || n == 0 {
			return Weeks{}, msg
		}
	}
	slices.SortFunc(nth, func(a, b int) int { return weekRank(a) - weekRank(b) })
	if len(slices.Compact(slices.Clone(nth))) != len(nth) {
		return Weeks{}, "Each week of the month may be listed once"
	}
	return Weeks{Nth: nth}, ""
}

// weekRank orders weeks of the month with the last (-1) after the 5th.
func weekRank(n int) int {
	if n == -1 {
		return 6
	}
	return n
}

func title(d time.Weekday) string { return d.String() }

// truncate keeps an echoed input short.
func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// icalDay is the RFC 5545 two-letter name of d.
func icalDay(d time.Weekday) string { return strings.ToUpper(d.String()[:2]) }

// RRule is the rule as an RFC 5545 recurrence rule, without DTSTART:
// FREQ=WEEKLY;BYDAY=SA, FREQ=MONTHLY;BYDAY=2SA,4SA or
// FREQ=WEEKLY;INTERVAL=2;BYDAY=SA (every other week from the first
// occurrence, which the event's DTSTART must be).
func (r Rule) RRule() string {
	day := icalDay(r.Day)
	switch {
	case r.Weeks.Alternate:
		return "FREQ=WEEKLY;INTERVAL=2;WKST=MO;BYDAY=" + day
	case len(r.Weeks.Nth) > 0:
		parts := make([]string, len(r.Weeks.Nth))
		for i, n := range r.Weeks.Nth {
			parts[i] = strconv.Itoa(n) + day
		}
		return "FREQ=MONTHLY;BYDAY=" + strings.Join(parts, ",")
	}
	return "FREQ=WEEKLY;WKST=MO;BYDAY=" + day
}
