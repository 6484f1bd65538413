package schedule

import (
	"strings"
)

// Words says the rules as a person would: "2nd & 4th Sat, every Sun",
// "alternate Sat", "every Fri afternoon"; "none" for no rules.
func (rs Rules) Words() string {
	if len(rs) == 0 {
		return "none"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Words()
	}
	return strings.Join(parts, ", ")
}

// Words says one rule: which weeks, the day's short name, and the part.
func (r Rule) Words() string {
	var weeks string
	switch {
	case r.Weeks.Alternate:
		weeks = "alternate"
	case len(r.Weeks.Nth) > 0:
		ords := make([]string, len(r.Weeks.Nth))
		for i, n := range r.Weeks.Nth {
			ords[i] = ordinal(n)
		}
		weeks = strings.Join(ords, " & ")
	default:
		weeks = "every"
	}
	s := weeks + " " + r.Day.String()[:3]
	if r.Part != Full {
		s += " " + string(r.Part)
	}
	return s
}

// ordinal names a week of the month: 1st … 5th, or last for -1.
func ordinal(n int) string {
	return map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}[n]
}
