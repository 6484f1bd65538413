package models_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// importCSV parses text and imports it.
func importCSV(t *testing.T, s *models.Store, text string, dryRun bool) *models.ImportReport {
	t.Helper()
	f, err := models.ParseUsersCSV(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.ImportUsers(t.Context(), f, models.ImportOptions{DryRun: dryRun})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// countRows counts a table's rows.
func countRows(t *testing.T, s *models.Store, table string) int64 {
	t.Helper()
	var n int64
	if err := s.GormDB().Raw("SELECT count(*) FROM " + table).Row().Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// wantStatesResolved fails unless every user's stored schedule state is
// what resolving it afresh gives: the import writes some states without
// schedule_state, and they must be the same.
func wantStatesResolved(t *testing.T, s *models.Store) {
	t.Helper()
	var stale int64
	err := s.GormDB().Raw(`SELECT count(*) FROM users u LEFT JOIN user_schedule_state st ON st.user_id = u.id
		WHERE st.state::jsonb IS DISTINCT FROM schedule_state(u.id, u.team_id, org_today())::jsonb
		   OR u.weekoffs IS DISTINCT FROM state_days(schedule_state(u.id, u.team_id, org_today()))`).Row().Scan(&stale)
	if err != nil {
		t.Fatal(err)
	}
	if stale != 0 {
		t.Errorf("%d users' stored schedule states differ from their resolution", stale)
	}
}

// importWorld is a database with users who keep their days in each way: the
// seeded users (their own schedules), a team with its schedule and a member
// who follows it, the organisation's schedule and a user who follows it,
// alternate Saturdays, and a deactivated user.
func importWorld(t *testing.T) *models.Store {
	t.Helper()
	s := modelstest.Store(t)
	ctx := t.Context()
	if _, err := s.Seed(ctx, 20, "password1", nil); err != nil {
		t.Fatal(err)
	}
	support := "Support"
	team, err := s.CreateTeam(ctx, models.TeamInput{Name: &support})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetScopeSchedule(ctx, team.ID, models.ScheduleInput{Rules: schedule.EveryWeek([]time.Weekday{time.Saturday, time.Sunday})}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetScopeSchedule(ctx, 0, models.ScheduleInput{Rules: schedule.EveryWeek([]time.Weekday{time.Sunday})}); err != nil {
		t.Fatal(err)
	}
	mk := func(email, name string, team int64) *models.User {
		t.Helper()
		role, pw := "employee", "password1"
		in := models.UserInput{Email: &email, FullName: &name, Role: &role, Password: &pw}
		if team != 0 {
			in.TeamID = &team
		}
		u, err := s.CreateUser(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	mk("member@example.com", "=Team Member", team.ID) // follows the team, with a name a spreadsheet would run
	mk("org@example.com", "Org, Follower", 0)         // follows the organisation
	alt := mk("alt@example.com", `Ana "Alt" Lima`, 0)
	rules, _ := schedule.ParseRules([]byte(`[{"day":"saturday","weeks":"alternate"},{"day":"friday","part":"afternoon"}]`), 7)
	if _, err := s.SetUserSchedule(ctx, alt.ID, models.ScheduleInput{Rules: rules}, 0); err != nil {
		t.Fatal(err)
	}
	gone := mk("gone@example.com", "José Müller", team.ID)
	no := false
	if _, err := s.UpdateUser(ctx, gone.ID, models.UserInput{IsActive: &no}, 0); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestImportExportedFileChangesNothing: a file exported and imported again
// as it is changes nobody: the dry run counts every row unchanged, and
// applying it writes no history, no schedule, and no new version; those
// who follow their team's or the organisation's days still do.
func TestImportExportedFileChangesNothing(t *testing.T) {
	t.Parallel()
	s := importWorld(t)
	var file bytes.Buffer
	n, err := s.ExportUsersCSV(t.Context(), models.UserFilter{Sort: "email"}, &file, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := importCSV(t, s, file.String(), true)
	want := models.ImportReport{DryRun: true, Rows: int(n), Unchanged: int(n), Errors: []models.ImportError{}}
	if fmt.Sprint(*rep) != fmt.Sprint(want) {
		t.Fatalf("dry run of the export: got %+v, want %+v", *rep, want)
	}
	history, schedules := countRows(t, s, "user_history"), countRows(t, s, "schedules")
	var versions int64
	s.GormDB().Raw("SELECT sum(version) FROM users").Row().Scan(&versions)
	rep = importCSV(t, s, file.String(), false)
	if rep.Unchanged != int(n) || rep.Create != 0 || rep.Update != 0 || len(rep.Errors) != 0 {
		t.Fatalf("import of the export: got %+v, want %d unchanged", *rep, n)
	}
	var after int64
	s.GormDB().Raw("SELECT sum(version) FROM users").Row().Scan(&after)
	if got := countRows(t, s, "user_history"); got != history {
		t.Errorf("history rows: got %d, want %d (none written)", got, history)
	}
	if got := countRows(t, s, "schedules"); got != schedules {
		t.Errorf("schedules: got %d, want %d (none written)", got, schedules)
	}
	if after != versions {
		t.Errorf("sum of versions: got %d, want %d", after, versions)
	}
	u, err := s.UserByEmail(t.Context(), "member@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if sch, _ := u.Schedule(); sch.Source != schedule.ScopeTeam {
		t.Errorf("the team's member follows %q after the import, want the team", sch.Source)
	}
}

// TestImportSpreadsheetFile: a file as a spreadsheet program saves it (a
// byte-order mark, CRLF line ends, quoted cells with commas, quotes and a
// line break, accented names, columns in another order, days in any case)
// creates and updates users, with history rows via import; the new users
// have no password and cannot sign in.
func TestImportSpreadsheetFile(t *testing.T) {
	t.Parallel()
	s := importWorld(t)
	file := "\uFEFFFull_Name,Email,Team,Weekoffs,Role,is_active\r\n" +
		"\"Müller, José\",Jose.Muller@Example.com,support,,employee,yes\r\n" +
		"\"Zoë \"\"Zo\"\" O'Brien\",zoe@example.com,,Fri sat,admin,\r\n" +
		"'=Team Member,member@example.com,,monday,,FALSE\r\n"
	rep := importCSV(t, s, file, false)
	if rep.Create != 2 || rep.Update != 1 || rep.Unchanged != 0 || len(rep.Errors) != 0 {
		t.Fatalf("got %+v, want 2 created, 1 updated", *rep)
	}
	jose, err := s.UserByEmail(t.Context(), "jose.muller@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if jose.FullName != "Müller, José" || jose.TeamName != "Support" || !jose.IsActive || fmt.Sprint(jose.Weekoffs) != "[saturday sunday]" {
		t.Errorf("José: got %q team %q active %v days %v", jose.FullName, jose.TeamName, jose.IsActive, jose.Weekoffs)
	}
	zoe, err := s.UserByEmail(t.Context(), "zoe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if zoe.FullName != `Zoë "Zo" O'Brien` || zoe.Role != models.RoleAdmin || fmt.Sprint(zoe.Weekoffs) != "[friday saturday]" {
		t.Errorf("Zoë: got %q %s %v", zoe.FullName, zoe.Role, zoe.Weekoffs)
	}
	for _, email := range []string{"jose.muller@example.com", "zoe@example.com"} {
		if _, err := s.Authenticate(t.Context(), email, ""); !errors.Is(err, models.ErrPassword) {
			t.Errorf("%s signing in without a password: got %v, want ErrPassword", email, err)
		}
		if _, err := s.Authenticate(t.Context(), email, "password1"); !errors.Is(err, models.ErrPassword) {
			t.Errorf("%s signing in with the seed's password: got %v, want ErrPassword", email, err)
		}
	}
	wantStatesResolved(t, s)
	member, err := s.UserByEmail(t.Context(), "member@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if member.FullName != "=Team Member" || member.TeamID != nil || member.IsActive || fmt.Sprint(member.Weekoffs) != "[monday]" {
		t.Errorf("member: got %q team %v active %v days %v", member.FullName, member.TeamID, member.IsActive, member.Weekoffs)
	}
	history, err := s.History(t.Context(), member.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]models.Via{}
	for _, h := range history {
		fields[h.Field] = h.Via
	}
	for _, f := range []string{"is_active", "schedule", "weekoffs"} {
		if fields[f] != models.ViaImport {
			t.Errorf("history of %s: got via %q, want import (all: %v)", f, fields[f], fields)
		}
	}
}

// TestImportRowErrors: each kind of bad file gets a problem at its row and
// field, in words, and nothing is written, not even the good rows.
func TestImportRowErrors(t *testing.T) {
	t.Parallel()
	s := importWorld(t)
	good := "new@example.com,New Person,employee\n"
	cases := []struct {
		name, file string
		row        int
		field      string
	}{
		{"BadRole", "email,full_name,role\n" + good + "x@example.com,X,boss\n", 3, "role"},
		{"UnknownTeam", "email,full_name,team\nnew@example.com,New,Support\nx@example.com,X,Sales\n", 3, "team"},
		{"BadDay", "email,full_name,weekoffs\n" + "new@example.com,New,sat\nx@example.com,X,sat funday\n", 3, "weekoffs"},
		{"DuplicateEmail", "email,full_name,role\n" + good + "NEW@example.com,Again,employee\n", 3, "email"},
		{"PastDate", "email,full_name,weekoffs,effective_from\n" + "new@example.com,New,sat,\nx@example.com,X,sun,2020-01-01\n", 3, "effective_from"},
		{"MissingEmailColumn", "full_name,role\nNew,employee\n", 1, "email"},
		{"RaggedRow", "email,full_name,role\n" + good + "x@example.com,X\n", 3, ""},
		{"NewUserWithoutName", "email,role\nnew@example.com,employee\n", 2, "full_name"},
		{"BadRules", "email,full_name,rules\n" + "new@example.com,New,[]\nx@example.com,X,\"[{\"\"day\"\":\"\"sat\"\",\"\"weeks\"\":[9]}]\"\n", 3, "rules"},
		{"TooManyDays", "email,full_name,weekoffs\n" + "new@example.com,New,sat\nx@example.com,X,fri sat sun\n", 3, "rules"},
		{"DaysDisagree", "email,full_name,weekoffs,rules\n" + "new@example.com,New,,\nx@example.com,X,sun,\"[{\"\"day\"\":\"\"saturday\"\"}]\"\n", 3, "weekoffs"},
		{"LastAdmin", "email,role\n" + models.SeedAdminEmail + ",employee\n", 2, "role"},
		{"BadEmail", "email,full_name\n" + "new@example.com,New\nnot-an-email,X\n", 3, "email"},
	}
	users := countRows(t, s, "users")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, dry := range []bool{true, false} {
				rep := importCSV(t, s, c.file, dry)
				found := false
				for _, e := range rep.Errors {
					if e.Row == c.row && e.Field == c.field && e.Msg != "" {
						found = true
					}
				}
				if !found {
					t.Errorf("dry run %v: got errors %+v, want one at row %d, field %q", dry, rep.Errors, c.row, c.field)
				}
				if len(rep.Errors) != 1 {
					t.Errorf("dry run %v: got %d errors %+v, want only the bad row's", dry, len(rep.Errors), rep.Errors)
				}
			}
			if got := countRows(t, s, "users"); got != users {
				t.Errorf("users: got %d, want %d: something was written", got, users)
			}
		})
	}
}

// TestImportSchedules: rules from a later date become a planned change;
// the same days as the team's leave a new member following the team.
func TestImportSchedules(t *testing.T) {
	t.Parallel()
	s := importWorld(t)
	org, err := s.Organisation(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	later := schedule.Today(time.Now(), org.Location()).AddDays(14)
	file := "email,full_name,team,weekoffs,effective_from\n" +
		"user1@example.com,,,wed," + later.String() + "\n" +
		"follower@example.com,Follower,Support,saturday sunday,\n"
	before, err := s.UserByEmail(t.Context(), "user1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	rep := importCSV(t, s, file, false)
	if rep.Create != 1 || rep.Update != 1 || len(rep.Errors) != 0 {
		t.Fatalf("got %+v, want 1 created, 1 updated", *rep)
	}
	wantStatesResolved(t, s)
	u, err := s.UserByEmail(t.Context(), "user1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	sch, _ := u.Schedule()
	if fmt.Sprint(u.Weekoffs) != fmt.Sprint(before.Weekoffs) || sch.NextChange == nil || *sch.NextChange != later {
		t.Errorf("user1: days %v (were %v), next change %v, want the same days until %s", u.Weekoffs, before.Weekoffs, sch.NextChange, later)
	}
	f, err := s.UserByEmail(t.Context(), "follower@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if sch, _ := f.Schedule(); sch.Source != schedule.ScopeTeam {
		t.Errorf("a new member given the team's days: follows %q, want the team", sch.Source)
	}
}

// TestImportNewUserLaterDays: a new user given days from a later date has,
// until then, the days of their team, as resolving their schedule says,
// and those of the file from that date.
func TestImportNewUserLaterDays(t *testing.T) {
	t.Parallel()
	s := importWorld(t)
	later := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
	rep := importCSV(t, s, "email,full_name,team,weekoffs,effective_from\r\nlater@example.com,Later,Support,wed,"+later+"\r\n", false)
	if rep.Create != 1 || len(rep.Errors) != 0 {
		t.Fatalf("got %+v, want 1 created", rep)
	}
	wantStatesResolved(t, s)
	u, err := s.UserByEmail(t.Context(), "later@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Weekoffs.Strings(); len(got) != 2 || got[0] != "saturday" || got[1] != "sunday" {
		t.Errorf("got %v, want the team's [saturday sunday] until %s", got, later)
	}
}
