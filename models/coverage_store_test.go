package models_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// TestCoverageFromTheDatabase reads the figures of 1–14 December 2030 from
// stored people and schedules (the hand-worked case of TestCountCoverage,
// in rows): people whose every-week rules began on different days, a
// planned change inside the range, a person inheriting the team's
// schedule, an inactive person and an admin (not counted), and people
// without a team on the organisation's schedule.
func TestCoverageFromTheDatabase(t *testing.T) {
	t.Parallel()
	store := modelstest.Store(t)
	db := store.GormDB()
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	var team, other int64
	if err := db.Raw("INSERT INTO teams (name, min_on_duty) VALUES ('Support', 5) RETURNING id").Scan(&team).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Raw("INSERT INTO teams (name, min_on_duty) VALUES ('Quiet', 0) RETURNING id").Scan(&other).Error; err != nil {
		t.Fatal(err)
	}
	n := 0
	person := func(teamID any, active bool, role string, own ...string) {
		t.Helper()
		n++
		var id int64
		if err := db.Raw("INSERT INTO users (email, full_name, password_hash, team_id, is_active, role) VALUES (?, 'P', 'x', ?, ?, ?) RETURNING id",
			fmt.Sprintf("p%d@example.com", n), teamID, active, role).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		exec("DELETE FROM schedules WHERE user_id = ?", id) // a new user has none; be sure
		for _, o := range own {
			var from, rules string
			var inherit bool
			fmt.Sscanf(o, "%s %s %t", &from, &rules, &inherit)
			exec("INSERT INTO schedules (scope, user_id, rules, inherit, effective_from) VALUES ('user', ?, ?::jsonb, ?, ?)", id, rules, inherit, from)
		}
	}
	weekend := `[{"day":"saturday","weeks":"every","part":"full"},{"day":"sunday","weeks":"every","part":"full"}]`
	for i := range 3 {
		person(team, true, "employee", fmt.Sprintf("2030-0%d-0%d %s false", i+1, i+1, weekend))
	}
	for range 2 {
		person(team, true, "employee", `2030-01-07 [{"day":"friday","weeks":"every","part":"full"}] false`,
			`2030-12-08 [{"day":"monday","weeks":"every","part":"afternoon"}] false`)
	}
	person(team, true, "employee", `2029-01-01 [] true`)
	person(team, false, "employee")                        // inactive
	person(team, true, "admin", "2030-01-01 [] false")     // admins are not counted
	person(other, true, "employee", "2030-01-01 [] false") // another team, no days off
	for range 4 {
		person(nil, true, "employee")
	}
	exec(`INSERT INTO schedules (scope, team_id, rules, effective_from) VALUES ('team', ?, '[{"day":"wednesday","weeks":"every","part":"full"}]', '2029-01-01')`, team)
	exec(`INSERT INTO schedules (scope, rules, effective_from) VALUES ('organisation', '[{"day":"sunday","weeks":"every","part":"full"}]', '2029-01-01')`)

	from, to := schedule.DateOf(2030, time.December, 1), schedule.DateOf(2030, time.December, 14)
	got, err := store.Coverage(ctx, models.CoverageQuery{From: from, To: to, TeamID: team})
	if err != nil {
		t.Fatal(err)
	}
	// 1 December 2030 is a Sunday: the hand-worked week shifted by one day.
	want := map[int]string{1: "3 3 0 true", 2: "6 0 0 false", 4: "5 1 0 false", 6: "4 2 0 true", 7: "3 3 0 true",
		8: "3 3 0 true", 9: "4 0 2 true", 10: "6 0 0 false", 13: "6 0 0 false", 14: "3 3 0 true"}
	if len(got.Days) != 14 {
		t.Fatalf("got %d days, want 14", len(got.Days))
	}
	for day, w := range want {
		c := got.Days[day-1]
		if s := fmt.Sprintf("%d %d %d %t", c.Working, c.Off, c.HalfOff, c.Short); s != w || c.MinOnDuty != 5 {
			t.Errorf("Support on the %dth: got %s (minimum %d), want %s (minimum 5)", day, s, c.MinOnDuty, w)
		}
	}
	if len(got.Short) != 6 {
		t.Errorf("got %d short days, want 6: %+v", len(got.Short), got.Short)
	}

	all, err := store.Coverage(ctx, models.CoverageQuery{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	// Everyone: Support's 6, Quiet's 1, four on the organisation's Sundays.
	if c := all.Days[0]; c.Working != 4 || c.Off != 7 || c.MinOnDuty != 0 || c.Short {
		t.Errorf("everyone on Sunday 1st: got %+v, want 4 working, 7 off, no minimum", c)
	}
	if c := all.Days[1]; c.Working != 11 || c.Off != 0 {
		t.Errorf("everyone on Monday 2nd: got %+v, want 11 working", c)
	}
	if len(all.Short) != 6 || all.Short[0].TeamName != "Support" {
		t.Errorf("got short days %+v, want Support's six", all.Short)
	}

	// Who is off: on Sunday 1st, everyone's first page of 5 of 7, then the rest;
	// on Monday 9th, Support's two with the afternoon off.
	people, more, err := store.OffOn(ctx, models.OffQuery{Date: from, Limit: 5})
	if err != nil || len(people) != 5 || !more {
		t.Errorf("everyone off on the 1st, first page: got %d people, more %t, %v; want 5 and more", len(people), more, err)
	}
	people, more, err = store.OffOn(ctx, models.OffQuery{Date: from, Offset: 5, Limit: 5})
	if err != nil || len(people) != 2 || more {
		t.Errorf("everyone off on the 1st, second page: got %d people, more %t, %v; want 2 and no more", len(people), more, err)
	}
	people, _, err = store.OffOn(ctx, models.OffQuery{Date: from.AddDays(8), TeamID: team, Limit: 10})
	if err != nil || len(people) != 2 || people[0].Part != schedule.Afternoon || people[0].TeamName != "Support" {
		t.Errorf("Support off on the 9th: got %+v, %v; want two with the afternoon off", people, err)
	}

	if _, err := store.Coverage(ctx, models.CoverageQuery{From: from, To: to, TeamID: 999999}); !errors.Is(err, models.ErrTeamNotFound) {
		t.Errorf("unknown team: got %v, want ErrTeamNotFound", err)
	}
}
