package models_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

func TestSessionEpoch(t *testing.T) {
	t.Parallel()
	s, u := storeWithUser(t, "asha@example.com")
	ctx := context.Background()
	epoch := func() int {
		t.Helper()
		n, err := s.SessionEpoch(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	steps := []struct {
		name string
		do   func() error
		ends bool // whether it must end the user's sessions
	}{
		{"Rename", func() error {
			_, err := s.UpdateUser(ctx, u.ID, models.UserInput{FullName: ptr("Asha R")}, 0)
			return err
		}, false},
		{"Weekoffs", func() error { _, err := s.SetWeekoffs(ctx, u.ID, []string{"mon"}, 0); return err }, false},
		{"ChangePassword", func() error { return s.ChangePassword(ctx, u.ID, "correct horse", "battery staple") }, true},
		{"AdminSetsPassword", func() error {
			_, err := s.UpdateUser(ctx, u.ID, models.UserInput{Password: ptr("another one")}, 0)
			return err
		}, true},
		{"Deactivate", func() error { _, err := s.UpdateUser(ctx, u.ID, models.UserInput{IsActive: ptr(false)}, 0); return err }, true},
		{"Reactivate", func() error { _, err := s.UpdateUser(ctx, u.ID, models.UserInput{IsActive: ptr(true)}, 0); return err }, false},
	}
	for _, step := range steps {
		before := epoch()
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if ended := epoch() != before; ended != step.ends {
			t.Errorf("%s: ends sessions = %v, want %v", step.name, ended, step.ends)
		}
	}
	if _, err := s.SessionEpoch(ctx, 999999); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown user: got %v, want ErrNotFound", err)
	}
}

func TestSessionUserAndEndSession(t *testing.T) {
	t.Parallel()
	s, u := storeWithUser(t, "asha@example.com")
	ctx := context.Background()
	su, err := s.SessionUser(ctx, u.ID, "sid-1")
	if err != nil || su.User.Email != u.Email || su.Ended || su.Epoch != 0 {
		t.Fatalf("SessionUser: got %+v, %v", su, err)
	}
	if err := s.EndSession(ctx, "sid-1", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.EndSession(ctx, "sid-1", time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("ending twice: %v", err)
	}
	if su, _ := s.SessionUser(ctx, u.ID, "sid-1"); !su.Ended {
		t.Error("an ended session is not reported ended")
	}
	if su, _ := s.SessionUser(ctx, u.ID, "sid-2"); su.Ended {
		t.Error("another session of the user is reported ended")
	}
	// A record past its expiry no longer counts (the cookie has expired anyway).
	if err := s.EndSession(ctx, "sid-old", time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if su, _ := s.SessionUser(ctx, u.ID, "sid-old"); su.Ended {
		t.Error("an expired record still ends the session")
	}
	if _, err := s.SessionUser(ctx, 999999, "sid-1"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown user: got %v, want ErrNotFound", err)
	}
}

func TestActiveEmployeesOff(t *testing.T) {
	t.Parallel()
	s := modelstest.Store(t)
	ctx := context.Background()
	for i, tc := range []struct {
		role   string
		active bool
		days   []string
	}{
		{"employee", true, []string{"sat", "sun"}},
		{"employee", true, []string{"sun"}},
		{"employee", true, nil},
		{"employee", false, []string{"mon"}}, // inactive: not counted
		{"admin", true, []string{"tue"}},     // admin: not counted
	} {
		in := newUser("u" + string(rune('a'+i)) + "@example.com")
		in.Role, in.IsActive, in.Weekoffs = ptr(tc.role), ptr(tc.active), ptr(tc.days)
		if tc.days == nil {
			in.Weekoffs = ptr([]string{})
		}
		if _, err := s.CreateUser(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ActiveEmployeesOff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := models.DayCounts{0, 0, 0, 0, 0, 1, 2}
	if got != want || got.Max() != 2 || got.Of(models.Sunday) != 2 {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestWeekoffCountsFollowEveryWrite holds the counts that the triggers keep
// (migrations 00015 and 00016: everyone's, and each team's with its head
// count) to a count of the users themselves after each kind of write: the
// store's, bulk SQL, moves between teams, deletes and a truncate.
func TestWeekoffCountsFollowEveryWrite(t *testing.T) {
	t.Parallel()
	s := modelstest.Store(t)
	ctx := context.Background()
	pool := s.Pool()
	counted := func() models.DayCounts {
		var c models.DayCounts
		err := pool.QueryRow(ctx, `SELECT `+
			`count(*) FILTER (WHERE 'monday' = ANY (weekoffs)), count(*) FILTER (WHERE 'tuesday' = ANY (weekoffs)),
			 count(*) FILTER (WHERE 'wednesday' = ANY (weekoffs)), count(*) FILTER (WHERE 'thursday' = ANY (weekoffs)),
			 count(*) FILTER (WHERE 'friday' = ANY (weekoffs)), count(*) FILTER (WHERE 'saturday' = ANY (weekoffs)),
			 count(*) FILTER (WHERE 'sunday' = ANY (weekoffs))
			 FROM users WHERE is_active AND role = 'employee'`).Scan(&c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6])
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// byTeam is each team's (0: none) head count and days off, as the
	// ledger keeps them (migration 00016) or as users count them now.
	byTeam := func(sql string) map[int64]string {
		rows, err := pool.Query(ctx, sql)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]string{}
		for rows.Next() {
			var team int64
			var c [8]int64
			if err := rows.Scan(&team, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7]); err != nil {
				t.Fatal(err)
			}
			if c != [8]int64{} {
				out[team] = fmt.Sprint(c)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	check := func(what string) {
		t.Helper()
		kept, err := s.ActiveEmployeesOff(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := counted(); kept != want {
			t.Fatalf("%s: kept %v, counted %v", what, kept, want)
		}
		keptTeams := byTeam(`SELECT COALESCE(team_id, 0), sum(people), sum(monday), sum(tuesday), sum(wednesday),
			sum(thursday), sum(friday), sum(saturday), sum(sunday) FROM weekoff_counts GROUP BY 1`)
		countedTeams := byTeam(`SELECT COALESCE(team_id, 0), count(*),
			count(*) FILTER (WHERE 'monday' = ANY (weekoffs)), count(*) FILTER (WHERE 'tuesday' = ANY (weekoffs)),
			count(*) FILTER (WHERE 'wednesday' = ANY (weekoffs)), count(*) FILTER (WHERE 'thursday' = ANY (weekoffs)),
			count(*) FILTER (WHERE 'friday' = ANY (weekoffs)), count(*) FILTER (WHERE 'saturday' = ANY (weekoffs)),
			count(*) FILTER (WHERE 'sunday' = ANY (weekoffs))
			FROM users WHERE is_active AND role = 'employee' GROUP BY 1`)
		if fmt.Sprint(keptTeams) != fmt.Sprint(countedTeams) {
			t.Fatalf("%s: kept by team %v, counted %v", what, keptTeams, countedTeams)
		}
	}
	if _, err := s.Seed(ctx, 3000, "password1", nil); err != nil {
		t.Fatal(err)
	}
	check("after seeding")
	exec := func(sql string) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	var someone int64
	if err := pool.QueryRow(ctx, "SELECT id FROM users WHERE role = 'employee' ORDER BY id LIMIT 1").Scan(&someone); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetWeekoffs(ctx, someone, []string{"wed", "thu"}, 0); err != nil {
		t.Fatal(err)
	}
	check("after one user's change")
	exec(`INSERT INTO teams (name) SELECT 'Team ' || i FROM generate_series(1, 5) AS i`)
	exec(`UPDATE users SET team_id = (SELECT min(id) FROM teams) + id % 5 WHERE id % 3 <> 0`)
	check("after people join teams")
	exec(`UPDATE users SET team_id = (SELECT max(id) FROM teams) WHERE id % 2 = 0 AND team_id IS NOT NULL`)
	check("after moves between teams")
	if _, err := s.SetWeekoffs(ctx, someone+1, []string{"sun"}, 0); err != nil {
		t.Fatal(err)
	}
	check("after a team member's change")
	exec(`UPDATE users SET weekoffs = '{friday}' WHERE id % 7 = 0`)
	check("after a bulk change of days")
	exec(`UPDATE users SET is_active = NOT is_active WHERE id % 5 = 0`)
	check("after (de)activations")
	exec(`UPDATE users SET role = CASE role WHEN 'admin' THEN 'employee' ELSE 'admin' END WHERE id % 11 = 0`)
	check("after role changes")
	exec(`UPDATE users SET full_name = full_name || ' Jr' WHERE id % 3 = 0`)
	check("after changes that count nothing")
	exec(`DELETE FROM user_history; DELETE FROM schedules; DELETE FROM user_schedule_state; DELETE FROM calendar_feeds;
		DELETE FROM users WHERE id % 4 = 0`)
	check("after deletes")
	// extra is how many rows the ledger holds beyond one a team.
	extra := func() int {
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) - count(DISTINCT COALESCE(team_id, 0)) FROM weekoff_counts").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for rows := extra(); rows <= 1000; rows++ { // past the fold's threshold, one row each
		exec(fmt.Sprintf(`UPDATE users SET weekoffs = CASE WHEN weekoffs = '{monday}' THEN '{tuesday}'::text[] ELSE '{monday}'::text[] END WHERE id = %d`, someone))
	}
	check("with a long ledger")
	if n := extra(); n != 0 {
		t.Errorf("the ledger holds %d rows beyond one a team after a read past the threshold, want them folded into one a team", n)
	}
	check("after folding")
	exec(`TRUNCATE users CASCADE`)
	check("after a truncate")
}
