package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// TestCoverageEqualsRecount holds Coverage, one team's and everyone's, to a
// recount person by person (each counted person's own calendar, as GET
// /me/calendar shows it), over ranges that cut people's timelines in
// different places: alternate weeks on two rhythms, half days, changes
// that start within the range (in the asked team and in others, which one
// team's figures must not see), people whose first schedule starts within
// the range, a hand back to the team, a team schedule that changes within
// the range, inactive people and admins (not counted), and people with no
// team.
func TestCoverageEqualsRecount(t *testing.T) {
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
	team := func(name string, minimum int) int64 {
		t.Helper()
		var id int64
		if err := db.Raw("INSERT INTO teams (name, min_on_duty) VALUES (?, ?) RETURNING id", name, minimum).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		return id
	}
	support, field, quiet := team("Support", 3), team("Field", 0), team("Quiet", 1)
	n := 0
	// person adds someone with their own schedules, each "date rules inherit".
	person := func(teamID any, active bool, role string, own ...string) {
		t.Helper()
		n++
		var id int64
		if err := db.Raw("INSERT INTO users (email, full_name, password_hash, team_id, is_active, role) VALUES (?, ?, 'x', ?, ?, ?) RETURNING id",
			fmt.Sprintf("r%d@example.com", n), fmt.Sprintf("Person %03d", n), teamID, active, role).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		exec("DELETE FROM schedules WHERE user_id = ?", id)
		for _, o := range own {
			var from, rules string
			var inherit bool
			if _, err := fmt.Sscanf(o, "%s %s %t", &from, &rules, &inherit); err != nil {
				t.Fatalf("%q: %v", o, err)
			}
			exec("INSERT INTO schedules (scope, user_id, rules, inherit, effective_from) VALUES ('user', ?, ?::jsonb, ?, ?)", id, rules, inherit, from)
		}
	}
	const (
		weekend   = `[{"day":"saturday","weeks":"every","part":"full"},{"day":"sunday","weeks":"every","part":"full"}]`
		friday    = `[{"day":"friday","weeks":"every","part":"full"}]`
		altMonday = `[{"day":"monday","weeks":"alternate","part":"full"},{"day":"wednesday","weeks":"every","part":"morning"}]`
		afternoon = `[{"day":"tuesday","weeks":"every","part":"afternoon"}]`
		firstThu  = `[{"day":"thursday","weeks":[1,3],"part":"full"}]`
	)
	for _, tm := range []any{support, field, quiet} {
		for i := range 3 {
			person(tm, true, "employee", fmt.Sprintf("2030-0%d-1%d %s false", i+1, i, weekend))
		}
		person(tm, true, "employee", "2030-01-06 "+altMonday+" false")                                 // one rhythm
		person(tm, true, "employee", "2030-01-13 "+altMonday+" false")                                 // the other
		person(tm, true, "employee", "2030-02-01 "+friday+" false", "2030-12-10 "+afternoon+" false")  // changes within
		person(tm, true, "employee", "2030-12-05 "+firstThu+" false")                                  // first schedule within
		person(tm, true, "employee", "2030-01-01 "+friday+" false", "2030-12-03 [] true")              // hands back within
		person(tm, true, "employee", "2029-06-01 "+weekend+" false", "2031-01-02 "+afternoon+" false") // change after
		person(tm, true, "employee")                                                                   // the team's
		person(tm, false, "employee", "2030-01-01 "+friday+" false")                                   // inactive
		person(tm, true, "admin", "2030-01-01 "+friday+" false")                                       // not counted
	}
	person(nil, true, "employee")
	person(nil, true, "employee", "2030-12-08 "+afternoon+" false")
	exec(`INSERT INTO schedules (scope, team_id, rules, effective_from) VALUES ('team', ?, ?::jsonb, '2029-01-01'), ('team', ?, ?::jsonb, '2030-12-12')`,
		support, `[{"day":"wednesday","weeks":"every","part":"full"}]`, support, `[{"day":"thursday","weeks":"alternate","part":"morning"}]`)
	exec(`INSERT INTO schedules (scope, team_id, rules, effective_from) VALUES ('team', ?, ?::jsonb, '2030-12-20')`, field, friday)
	exec(`INSERT INTO schedules (scope, rules, effective_from) VALUES ('organisation', ?::jsonb, '2029-01-01')`, `[{"day":"sunday","weeks":"every","part":"full"}]`)

	var counted []struct {
		ID     int64
		TeamID *int64
	}
	if err := db.Raw("SELECT id, team_id FROM users WHERE is_active AND role = 'employee' ORDER BY id").Scan(&counted).Error; err != nil {
		t.Fatal(err)
	}
	ranges := [][2]schedule.Date{
		{schedule.DateOf(2030, time.December, 1), schedule.DateOf(2030, time.December, 31)},
		{schedule.DateOf(2030, time.December, 4), schedule.DateOf(2031, time.February, 28)},
		{schedule.DateOf(2030, time.January, 1), schedule.DateOf(2030, time.March, 15)},
	}
	for _, r := range ranges {
		from, to := r[0], r[1]
		days := from.DaysUntil(to) + 1
		// recount[team] is "working off half" per date, from each person's calendar.
		type figures struct{ people, off, half []int64 }
		recount := map[int64]*figures{}
		add := func(tm int64) *figures {
			if recount[tm] == nil {
				recount[tm] = &figures{make([]int64, days), make([]int64, days), make([]int64, days)}
			}
			return recount[tm]
		}
		// offOn[team][date] is who is off, "id part" in id order; -1: everyone.
		offOn := map[int64]map[schedule.Date][]string{-1: {}}
		for _, p := range counted {
			var tm int64
			if p.TeamID != nil {
				tm = *p.TeamID
			}
			cal, err := store.Calendar(ctx, p.ID, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if offOn[tm] == nil {
				offOn[tm] = map[schedule.Date][]string{}
			}
			for _, d := range cal {
				who := fmt.Sprintf("%d %s", p.ID, d.Part)
				offOn[tm][d.Date] = append(offOn[tm][d.Date], who)
				offOn[-1][d.Date] = append(offOn[-1][d.Date], who)
			}
			for _, f := range []*figures{add(tm), add(-1)} { // -1: everyone
				for i := range f.people {
					f.people[i]++
				}
				for _, d := range cal {
					if d.Part == schedule.Full {
						f.off[from.DaysUntil(d.Date)]++
					} else {
						f.half[from.DaysUntil(d.Date)]++
					}
				}
			}
		}
		check := func(name string, got *models.Coverage, want *figures) {
			t.Helper()
			if len(got.Days) != days {
				t.Fatalf("%s %s..%s: %d days, want %d", name, from, to, len(got.Days), days)
			}
			for i, d := range got.Days {
				w := fmt.Sprintf("%d %d %d", want.people[i]-want.off[i]-want.half[i], want.off[i], want.half[i])
				if g := fmt.Sprintf("%d %d %d", d.Working, d.Off, d.HalfOff); g != w || d.Date != from.AddDays(i) {
					t.Errorf("%s on %s: got working, off, half off %s, want %s (recounted)", name, from.AddDays(i), g, w)
				}
			}
		}
		for _, tm := range []int64{support, field, quiet} {
			got, err := store.Coverage(ctx, models.CoverageQuery{From: from, To: to, TeamID: tm})
			if err != nil {
				t.Fatal(err)
			}
			check(fmt.Sprintf("team %d", tm), got, add(tm))
		}
		got, err := store.Coverage(ctx, models.CoverageQuery{From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		check("everyone", got, add(-1))

		// Who is off, on a few dates of the range: the same people as their
		// calendars say, one team's and everyone's (names sort as ids here).
		for _, d := range []schedule.Date{from, from.AddDays(7), from.AddDays(days / 2), to} {
			for _, tm := range []int64{support, field, quiet, -1} {
				q := models.OffQuery{Date: d, TeamID: max(tm, 0), Limit: 1000}
				people, more, err := store.OffOn(ctx, q)
				if err != nil || more {
					t.Fatalf("off on %s, team %d: more %t, %v", d, tm, more, err)
				}
				var got []string
				for _, p := range people {
					got = append(got, fmt.Sprintf("%d %s", p.ID, p.Part))
				}
				if want := offOn[tm][d]; fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("off on %s, team %d: got %v, want %v (their calendars)", d, tm, got, want)
				}
			}
		}
	}
}
