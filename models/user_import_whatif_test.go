package models_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// guardedWorld is guardedTeam (Support: 3 employees a1..a3, a minimum of 2,
// nobody off) with a team Sales without a minimum: b1, nobody off, and b2,
// off on Wednesdays.
func guardedWorld(t *testing.T) *models.Store {
	t.Helper()
	s := guardedTeam(t)
	ctx := t.Context()
	name := "Sales"
	sales, err := s.CreateTeam(ctx, models.TeamInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"b1", "b2"} {
		email, full, role, pw := who+"@example.com", "Person "+who, "employee", "password1"
		var days *[]string
		if who == "b2" {
			days = &[]string{"wednesday"}
		}
		if _, err := s.CreateUser(ctx, models.UserInput{Email: &email, FullName: &full, Role: &role, Password: &pw, TeamID: &sales.ID, Weekoffs: days}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// databaseState is a digest of every row an import writes, and of the
// users' id sequence (which an insert moves even when rolled back).
func databaseState(t *testing.T, s *models.Store) string {
	t.Helper()
	var digest string
	err := s.GormDB().Raw(`SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
		SELECT u::text FROM users u UNION ALL SELECT s::text FROM schedules s
		UNION ALL SELECT h::text FROM user_history h UNION ALL SELECT st::text FROM user_schedule_state st
		UNION ALL SELECT last_value::text || is_called::text FROM users_id_seq) k(x)`).Row().Scan(&digest)
	if err != nil {
		t.Fatal(err)
	}
	return digest
}

// TestImportDryRunShortAsApply: for files that move people into and out of
// a team with a minimum, deactivate or promote them, add new members, and
// change days from today or a later date, in every week or alternate
// weeks, the dry run lists exactly the short dates that applying the file
// refuses it with (none where the apply goes through), and writes nothing.
func TestImportDryRunShortAsApply(t *testing.T) {
	t.Parallel()
	in := func(days int) string { return time.Now().AddDate(0, 0, days).Format(time.DateOnly) }
	alternate := `"[{""day"": ""wednesday"", ""weeks"": ""alternate""}]"`
	const wednesdays = 12 // of the guard's twelve weeks
	cases := []struct {
		name string
		// plan gives a2 Thursdays off from a week on, before the file.
		plan bool
		file string
		// short is how many dates fall short; -1: some, fewer than 12.
		short int
	}{
		{"DaysChanged", false, "email,weekoffs\na1@example.com,wed\na2@example.com,wed\n", wednesdays},
		{"DaysWithinMinimum", false, "email,weekoffs\na1@example.com,wed\na2@example.com,thu\n", 0},
		{"DaysFromLaterDate", false, "email,weekoffs,effective_from\na1@example.com,wed,\na2@example.com,wed," + in(15) + "\n", -1},
		{"ReplacesPlannedChange", true, "email,weekoffs,effective_from\na1@example.com,wed,\na2@example.com,wed," + in(7) + "\n", -1},
		{"AlternateWeeks", false, "email,rules\na1@example.com," + alternate + "\na2@example.com," + alternate + "\n", wednesdays / 2},
		{"MovedOut", false, "email,team\na1@example.com,Sales\na2@example.com,Sales\n", schedulesGuardDays},
		{"MovedOutToNoTeam", false, "email,team,weekoffs\na1@example.com,,\na2@example.com,Support,wed\n", wednesdays},
		{"MovedOutOneWithinMinimum", false, "email,team\na1@example.com,Sales\n", 0},
		{"Deactivated", false, "email,is_active,weekoffs\na1@example.com,false,\na2@example.com,,wed\n", wednesdays},
		{"MadeAdmin", false, "email,role,weekoffs\na1@example.com,admin,\na2@example.com,,wed\n", wednesdays},
		{"MovedInWorks", false, "email,team,weekoffs\na1@example.com,Support,wed\na2@example.com,Support,wed\nb1@example.com,Support,\n", 0},
		{"MovedInOffWednesdays", false, "email,team,weekoffs\na1@example.com,Support,wed\na2@example.com,Support,wed\nb2@example.com,Support,\n", wednesdays},
		{"MovedInGivenWednesdays", false, "email,team,weekoffs\na1@example.com,Support,wed\na2@example.com,Support,wed\nb1@example.com,Support,wed\n", wednesdays},
		{"NewMemberWorks", false, "email,full_name,team,weekoffs\na1@example.com,,Support,wed\na2@example.com,,Support,wed\nn1@example.com,New,Support,\n", 0},
		{"NewMemberOffWednesdays", false, "email,full_name,team,weekoffs\na1@example.com,,Support,wed\na2@example.com,,Support,wed\nn1@example.com,New,Support,wed\n", wednesdays},
		{"NewMemberInactive", false, "email,full_name,team,is_active,weekoffs\na1@example.com,,Support,,wed\na2@example.com,,Support,,wed\nn1@example.com,New,Support,false,\n", wednesdays},
		{"NewMemberFromLaterDate", false, "email,full_name,team,weekoffs,effective_from\na1@example.com,,Support,wed,\na2@example.com,,Support,wed,\nn1@example.com,New,Support,wed," + in(15) + "\n", -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := guardedWorld(t)
			ctx := t.Context()
			if tc.plan {
				a2, err := s.UserByEmail(ctx, "a2@example.com")
				if err != nil {
					t.Fatal(err)
				}
				org, err := s.Organisation(ctx)
				if err != nil {
					t.Fatal(err)
				}
				today := schedule.Today(time.Now(), org.Location())
				rules, problems := schedule.ParseRules([]byte(`[{"day": "thursday"}]`), 7)
				if problems != nil {
					t.Fatal(problems)
				}
				if _, err := s.SetUserSchedule(ctx, a2.ID, models.ScheduleInput{Rules: rules, EffectiveFrom: today.AddDays(7), Today: today}, 0); err != nil {
					t.Fatal(err)
				}
			}
			f, err := models.ParseUsersCSV(strings.NewReader(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			before := databaseState(t, s)
			dry, err := s.ImportUsers(ctx, f, models.ImportOptions{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(dry.Errors) != 0 {
				t.Fatalf("dry run: got problems %v, want none", dry.Errors)
			}
			if after := databaseState(t, s); after != before {
				t.Errorf("the dry run wrote something: the rows or the id sequence changed")
			}
			rep, err := s.ImportUsers(ctx, f, models.ImportOptions{})
			var applied []models.ShortDay
			if se, ok := errors.AsType[*models.ShortError](err); ok {
				applied = se.Short
			} else if err != nil {
				t.Fatal(err)
			} else {
				applied = rep.Short
			}
			if !slices.Equal(dry.Short, applied) {
				t.Errorf("dry run's short days %v,\n the apply's %v", dry.Short, applied)
			}
			switch n := len(applied); {
			case tc.short == -1 && (n == 0 || n >= wednesdays):
				t.Errorf("got %d short days, want some and fewer than %d", n, wednesdays)
			case tc.short >= 0 && n != tc.short:
				t.Errorf("got %d short days %v, want %d", n, applied, tc.short)
			}
		})
	}
}

// schedulesGuardDays is every date the guard looks at.
const schedulesGuardDays = models.GuardDays

// TestImportDryRunWaitsForNoUser: a dry run of a file that changes people
// of a team with a minimum does not wait for another transaction that
// holds one of those people's rows (an admin's edit in progress): it
// writes none of them.
func TestImportDryRunWaitsForNoUser(t *testing.T) {
	t.Parallel()
	s := guardedWorld(t)
	ctx := t.Context()
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // only held for the lock
	if _, err := tx.Exec(ctx, "SELECT 1 FROM users WHERE email = 'a1@example.com' FOR NO KEY UPDATE"); err != nil {
		t.Fatal(err)
	}
	f, err := models.ParseUsersCSV(strings.NewReader("email,full_name,team,weekoffs\na1@example.com,,Support,wed\na2@example.com,,Support,wed\nn1@example.com,New,Support,\n"))
	if err != nil {
		t.Fatal(err)
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	rep, err := s.ImportUsers(dctx, f, models.ImportOptions{DryRun: true})
	if err != nil {
		t.Fatalf("dry run beside a held user row: %v", err)
	}
	if rep.Update != 2 || rep.Create != 1 || len(rep.Short) != 0 {
		t.Errorf("got %+v, want 2 updates, 1 new and nothing short", rep)
	}
}
