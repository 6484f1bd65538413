package models_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

func TestParseWeekday(t *testing.T) {
	tests := []struct {
		in   string
		want models.Weekday
		ok   bool
	}{
		{"monday", models.Monday, true},
		{"Saturday", models.Saturday, true},
		{"SUNDAY", models.Sunday, true},
		{"Sat", models.Saturday, true},
		{"thu", models.Thursday, true},
		{" fri ", models.Friday, true},
		{"tues", "", false},
		{"s", "", false},
		{"", "", false},
		{"funday", "", false},
		{"sabado", "", false},
	}
	for _, tt := range tests {
		got, ok := models.ParseWeekday(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseWeekday(%q): got %q %v, want %q %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseWeekdays(t *testing.T) {
	t.Run("OrdersAndNormalises", func(t *testing.T) {
		got, err := models.ParseWeekdays("weekoffs", []string{"Sun", "saturday"}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if want := (models.Weekdays{models.Saturday, models.Sunday}); !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("NoneIsEmptyNotNil", func(t *testing.T) {
		got, err := models.ParseWeekdays("weekoffs", nil, 2)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("got %#v, %v; want an empty set", got, err)
		}
	})
	bad := []struct {
		name string
		in   []string
		max  int
		loc  []any
		typ  string
	}{
		{"UnknownDay", []string{"saturday", "caturday"}, 2, []any{"weekoffs", 1}, "enum"},
		{"RepeatedDay", []string{"sat", "Saturday"}, 2, []any{"weekoffs", 1}, "value_error"},
		{"TooMany", []string{"mon", "tue", "wed"}, 2, []any{"weekoffs"}, "too_long"},
		// An over-long list is refused as a whole, before its members are
		// read: one error, however many bad members it holds.
		{"TooManyBad", slices.Repeat([]string{""}, 100_000), 2, []any{"weekoffs"}, "too_long"},
		{"TooManyRepeated", []string{"mon", "mon", "mon"}, 2, []any{"weekoffs"}, "too_long"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := models.ParseWeekdays("weekoffs", tt.in, tt.max)
			var fe models.FieldErrors
			if !errors.As(err, &fe) || len(fe) != 1 {
				t.Fatalf("got %d field errors (%.200v), want one", len(fe), err)
			}
			if !slices.Equal(fe[0].Loc, tt.loc) || fe[0].Type != tt.typ {
				t.Errorf("got %+v, want loc %v type %s", fe[0], tt.loc, tt.typ)
			}
		})
	}
}

func TestWeekdaysScan(t *testing.T) {
	var w models.Weekdays
	if err := w.Scan("{saturday,sunday}"); err != nil || !slices.Equal(w, models.Weekdays{models.Saturday, models.Sunday}) {
		t.Errorf("got %v, %v", w, err)
	}
	if err := w.Scan([]byte("{}")); err != nil || len(w) != 0 {
		t.Errorf("empty: got %v, %v", w, err)
	}
	if err := w.Scan("{holiday}"); err == nil {
		t.Error("a stored non-weekday was accepted")
	}
}
