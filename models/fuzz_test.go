package models

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets below run their seeds (f.Add and testdata/fuzz/) in every
// go test; `make fuzz` runs each of them for a while.

// FuzzParseWeekday: never panics; a day it accepts is one of the seven, read
// back from its own name and title, and what was typed is that name or its
// first three letters in some letter case.
func FuzzParseWeekday(f *testing.F) {
	for _, s := range []string{"monday", "Sat", "SUNDAY", " fri ", "thu", "thurs", "", "mo", "sat\x00", "ſat", "SAT\n", "wednesdays"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseWeekday(s)
		if !ok {
			if d != "" {
				t.Fatalf("ParseWeekday(%q) = %q, false; want an empty day with false", s, d)
			}
			return
		}
		if d.index() < 0 {
			t.Fatalf("ParseWeekday(%q) = %q, which is not a weekday", s, d)
		}
		for _, again := range []string{string(d), d.Title(), strings.ToUpper(string(d[:3]))} {
			if back, ok := ParseWeekday(again); !ok || back != d {
				t.Fatalf("ParseWeekday(%q) = %q, %v; want %q", again, back, ok, d)
			}
		}
		typed := strings.ToLower(strings.TrimSpace(s))
		if typed != string(d) && typed != string(d[:3]) {
			t.Fatalf("ParseWeekday(%q) accepted %q as %q", s, typed, d)
		}
	})
}

// FuzzParseWeekdays: never panics; a list it accepts comes back in week
// order without repeats, one day per name and at most max of them; a list it
// refuses is refused with field errors located under the field.
func FuzzParseWeekdays(f *testing.F) {
	f.Add("sat,sun", uint8(2))
	f.Add("Sat,saturday", uint8(2))
	f.Add("fri,mon,wed", uint8(2))
	f.Add("", uint8(0))
	f.Add("funday", uint8(7))
	f.Fuzz(func(t *testing.T, list string, max uint8) {
		var names []string
		if list != "" {
			names = strings.Split(list, ",")
		}
		days, err := ParseWeekdays("weekoffs", names, int(max%8))
		if err != nil {
			var fe FieldErrors
			if !errors.As(err, &fe) || len(fe) == 0 {
				t.Fatalf("error %v is not FieldErrors", err)
			}
			for _, e := range fe {
				if len(e.Loc) == 0 || e.Loc[0] != "weekoffs" || e.Msg == "" {
					t.Fatalf("field error %+v is not located under weekoffs", e)
				}
				if !utf8.ValidString(e.Msg) {
					t.Fatalf("message %q is not valid UTF-8", e.Msg)
				}
			}
			return
		}
		if len(days) != len(names) || len(days) > int(max%8) {
			t.Fatalf("%q with max %d: got %v", names, max%8, days)
		}
		if !slices.IsSortedFunc(days, func(a, b Weekday) int { return a.index() - b.index() }) || len(slices.Compact(slices.Clone(days))) != len(days) {
			t.Fatalf("%q: got %v, want week order without repeats", names, days)
		}
		for _, n := range names {
			if d, ok := ParseWeekday(n); !ok || !days.Has(d) {
				t.Fatalf("%q: %q is missing from %v", names, n, days)
			}
		}
	})
}
