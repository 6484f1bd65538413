package models_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// guardedTeam is a database with a team "Support" that needs 2 of its 3
// employees working every day, none of whom has a day off yet.
func guardedTeam(t *testing.T) *models.Store {
	t.Helper()
	s := modelstest.Store(t)
	name, two := "Support", 2
	team, err := s.CreateTeam(t.Context(), models.TeamInput{Name: &name, MinOnDuty: &two})
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"a1", "a2", "a3"} {
		email, full, role, pw := who+"@example.com", "Person "+who, "employee", "password1"
		if _, err := s.CreateUser(t.Context(), models.UserInput{Email: &email, FullName: &full, Role: &role, Password: &pw, TeamID: &team.ID}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestImportCoverageGuard: a file that gives two of Support's three people
// Wednesday off would leave one working every Wednesday of the next
// twelve weeks: the dry run lists those dates, the import is refused with
// them and writes nothing, and forced it applies with its history rows
// marked forced. A file that leaves enough working goes through.
func TestImportCoverageGuard(t *testing.T) {
	t.Parallel()
	s := guardedTeam(t)
	ctx := t.Context()
	short := "email,weekoffs\r\na1@example.com,wed\r\na2@example.com,wed\r\n"
	parse := func(text string) *models.ImportFile {
		t.Helper()
		f, err := models.ParseUsersCSV(strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	wantWednesdays := func(days []models.ShortDay) {
		t.Helper()
		if len(days) != 12 {
			t.Fatalf("got %d short days %v, want the 12 Wednesdays of the next 12 weeks", len(days), days)
		}
		for _, d := range days {
			if d.Date.Weekday() != time.Wednesday || d.TeamName != "Support" || d.Working != 1 || d.MinOnDuty != 2 {
				t.Errorf("got short day %+v, want a Wednesday of Support with 1 working of 2", d)
			}
		}
	}

	rep, err := s.ImportUsers(ctx, parse(short), models.ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	wantWednesdays(rep.Short)
	if rep.Update != 2 || len(rep.Errors) != 0 {
		t.Errorf("dry run: got %+v, want 2 updates and no row problems", rep)
	}

	rep, err = s.ImportUsers(ctx, parse(short), models.ImportOptions{})
	se, ok := errors.AsType[*models.ShortError](err)
	if !ok {
		t.Fatalf("got %v, want a ShortError", err)
	}
	wantWednesdays(se.Short)
	if rep == nil || len(rep.Short) != 12 {
		t.Errorf("got report %+v, want it with the short days", rep)
	}
	if n := countRows(t, s, "user_history"); n != 0 {
		t.Errorf("a refused import wrote %d history rows", n)
	}
	if n := countRows(t, s, "schedules"); n != 0 {
		t.Errorf("a refused import wrote %d schedules", n)
	}

	rep, err = s.ImportUsers(ctx, parse(short), models.ImportOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	wantWednesdays(rep.Short)
	var all, forced int64
	if err := s.GormDB().Raw(`SELECT count(*), count(*) FILTER (WHERE forced) FROM user_history WHERE via = 'import'`).Row().Scan(&all, &forced); err != nil {
		t.Fatal(err)
	}
	if all == 0 || forced != all {
		t.Errorf("got %d of %d history rows forced, want all", forced, all)
	}
	u, err := s.UserByEmail(ctx, "a2@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Weekoffs.Strings(); len(got) != 1 || got[0] != "wednesday" {
		t.Errorf("forced: got a2's days %v, want [wednesday]", got)
	}

	// Moving a1's day to Thursday leaves 2 working on each day: applied,
	// and not forced.
	rep, err = s.ImportUsers(ctx, parse("email,weekoffs\r\na1@example.com,thu\r\n"), models.ImportOptions{})
	if err != nil || rep.Update != 1 || len(rep.Short) != 0 {
		t.Errorf("got %+v, %v; want 1 update, nothing short", rep, err)
	}
	var forcedAfter int64
	if err := s.GormDB().Raw(`SELECT count(*) FILTER (WHERE forced) FROM user_history WHERE via = 'import'`).Row().Scan(&forcedAfter); err != nil {
		t.Fatal(err)
	}
	if forcedAfter != forced {
		t.Errorf("an import within the minimum marked %d more history rows forced", forcedAfter-forced)
	}
}
