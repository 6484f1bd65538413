package models_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// TestScheduleStateMatchesResolution holds the database's schedule_state,
// which the user object and users.weekoffs (the list's filter) come from,
// to the resolution in Go that the calendar and the feed use: random
// timelines of user, team and organisation schedules, some inheriting,
// compared day by day: the source, the days, the date, the next change.
func TestScheduleStateMatchesResolution(t *testing.T) {
	t.Parallel()
	store := modelstest.Store(t)
	db := store.GormDB()
	rng := rand.New(rand.NewPCG(7, 11))
	base := schedule.DateOf(2026, time.March, 1)
	randomRules := func() schedule.Rules {
		var picked []time.Weekday
		for _, i := range rng.Perm(7)[:rng.IntN(3)] {
			picked = append(picked, time.Weekday((i+1)%7))
		}
		return schedule.EveryWeek(picked)
	}
	for trial := range 30 {
		var teamID int64
		if err := db.Raw("INSERT INTO teams (name) VALUES (?) RETURNING id", fmt.Sprintf("Team %d", trial)).Scan(&teamID).Error; err != nil {
			t.Fatal(err)
		}
		email := fmt.Sprintf("u%d@example.com", trial)
		var userID int64
		if err := db.Raw("INSERT INTO users (email, full_name, password_hash, team_id) VALUES (?, 'U', 'x', ?) RETURNING id", email, teamID).Scan(&userID).Error; err != nil {
			t.Fatal(err)
		}
		var tl schedule.Timelines
		add := func(scope schedule.Scope, inherit bool) {
			sc := schedule.Schedule{Scope: scope, EffectiveFrom: base.AddDays(rng.IntN(60)), Inherit: inherit}
			if !inherit {
				sc.Rules = randomRules()
			}
			rules, _ := json.Marshal(sc.Rules)
			var uid, tid any
			switch scope {
			case schedule.ScopeUser:
				uid = userID
			case schedule.ScopeTeam:
				tid = teamID
			default:
				// The organisation's schedules are shared by every trial: each
				// trial clears them first, so only its own are compared.
			}
			err := db.Exec(`INSERT INTO schedules (scope, user_id, team_id, rules, inherit, effective_from) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, string(scope), uid, tid, rules, inherit, sc.EffectiveFrom.Time()).Error
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Exec("DELETE FROM schedules WHERE scope = 'organisation'").Error; err != nil {
			t.Fatal(err)
		}
		for range rng.IntN(3) {
			add(schedule.ScopeUser, rng.IntN(3) == 0)
		}
		for range rng.IntN(3) {
			add(schedule.ScopeTeam, false)
		}
		for range rng.IntN(3) {
			add(schedule.ScopeOrganisation, false)
		}
		// Read them back as stored (a date drawn twice is kept once).
		rows, err := db.Raw(`SELECT scope, rules, inherit, effective_from FROM schedules
			WHERE user_id = ? OR team_id = ? OR scope = 'organisation' ORDER BY effective_from`, userID, teamID).Rows()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var sc schedule.Schedule
			var rules []byte
			var from time.Time
			if err := rows.Scan(&sc.Scope, &rules, &sc.Inherit, &from); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(rules, &sc.Rules); err != nil {
				t.Fatal(err)
			}
			sc.EffectiveFrom = schedule.DateOf(from.Date())
			tl.Add(sc)
		}
		rows.Close()
		for d := base.AddDays(-1); d.Before(base.AddDays(62)); d = d.AddDays(1) {
			var raw []byte
			if err := db.Raw("SELECT schedule_state(?, ?, ?)", userID, teamID, d.Time()).Row().Scan(&raw); err != nil {
				t.Fatal(err)
			}
			u := models.User{ScheduleState: raw}
			got, err := u.Schedule()
			if err != nil {
				t.Fatal(err)
			}
			in, source := tl.InForce(d)
			want := models.UserSchedule{Source: source, Rules: schedule.Rules{}}
			if in != nil {
				want.Rules, want.EffectiveFrom = in.Rules, &in.EffectiveFrom
			}
			if next, ok := tl.NextChange(d); ok {
				want.NextChange = &next
			}
			if fmt.Sprint(got.Source, got.Rules.Words(), got.EffectiveFrom, got.NextChange) != fmt.Sprint(want.Source, want.Rules.Words(), want.EffectiveFrom, want.NextChange) {
				t.Fatalf("trial %d, %s: schedule_state %s, Go's resolution %+v (timelines %+v)", trial, d, raw, want, tl)
			}
		}
	}
}

// TestApplyDueSchedules: a change planned for a later date leaves today's
// days (and the list's filter) alone until its date comes; then one run
// applies it, once.
func TestApplyDueSchedules(t *testing.T) {
	t.Parallel()
	store := modelstest.Store(t)
	db := store.GormDB()
	ctx := context.Background()
	in := newUser("asha@example.com")
	in.Weekoffs = ptr([]string{"sat", "sun"})
	u, err := store.CreateUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	tomorrow := schedule.Today(time.Now(), time.UTC).AddDays(1)
	if _, err := store.SetUserSchedule(ctx, u.ID, models.ScheduleInput{Rules: schedule.EveryWeek([]time.Weekday{time.Monday}), EffectiveFrom: tomorrow}, 0); err != nil {
		t.Fatal(err)
	}
	stored := func() []string {
		var w models.Weekdays
		if err := db.Raw("SELECT weekoffs FROM users WHERE id = ?", u.ID).Row().Scan(&w); err != nil {
			t.Fatal(err)
		}
		return w.Strings()
	}
	if n, err := store.ApplyDueSchedules(ctx); err != nil || n != 0 {
		t.Fatalf("ApplyDueSchedules before the date: %d, %v; want 0", n, err)
	}
	if got := stored(); !slices.Equal(got, []string{"saturday", "sunday"}) {
		t.Fatalf("before the date: stored %v", got)
	}
	// A day passes: every date of the user's schedules moves one day back, as time would.
	// (The one in force first, so that the dates never meet.)
	for _, which := range []string{"applied", "NOT applied"} {
		if err := db.Exec("UPDATE schedules SET effective_from = effective_from - 1 WHERE user_id = ? AND "+which, u.ID).Error; err != nil {
			t.Fatal(err)
		}
	}
	if n, err := store.ApplyDueSchedules(ctx); err != nil || n != 1 {
		t.Fatalf("ApplyDueSchedules on the date: %d, %v; want 1", n, err)
	}
	if got := stored(); !slices.Equal(got, []string{"monday"}) {
		t.Errorf("after the date: stored %v, want [monday]", got)
	}
	if n, err := store.ApplyDueSchedules(ctx); err != nil || n != 0 {
		t.Errorf("a second run: %d, %v; want 0", n, err)
	}
	got, _ := store.UserByID(ctx, u.ID)
	if sch, _ := got.Schedule(); !slices.Equal(got.Weekoffs.Strings(), []string{"monday"}) || sch.Source != schedule.ScopeUser || sch.NextChange != nil {
		t.Errorf("the user object: %+v, %s", got, got.ScheduleState)
	}
}

// TestMigrationToSchedules: migration 00010 gives every user their
// week-offs as their own schedule from the day they were created, so the
// days and their order are what old clients read before.
func TestMigrationToSchedules(t *testing.T) {
	t.Parallel()
	url := modelstest.EmptyDatabaseURL(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, models.Migrations(), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.UpTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, time.March, 9, 23, 30, 0, 0, time.UTC)
	for i, days := range [][]string{{"saturday", "sunday"}, {}, {"friday"}} {
		if _, err := db.Exec(`INSERT INTO users (email, full_name, password_hash, weekoffs, created_at) VALUES ($1, 'U', 'x', $2, $3)`,
			fmt.Sprintf("u%d@example.com", i), "{"+strings.Join(days, ",")+"}", created); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := provider.Up(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := modelstest.Config(t)
	cfg.DatabaseURL = url
	store := modelstest.Open(t, cfg, nil)
	for i, want := range [][]string{{"saturday", "sunday"}, {}, {"friday"}} {
		u, err := store.UserByEmail(ctx, fmt.Sprintf("u%d@example.com", i))
		if err != nil {
			t.Fatal(err)
		}
		sch, err := u.Schedule()
		if err != nil || !slices.Equal(u.Weekoffs.Strings(), want) || sch.Source != schedule.ScopeUser || sch.EffectiveFrom == nil ||
			*sch.EffectiveFrom != schedule.DateOf(2025, time.March, 9) || !sch.Rules.Plain() || len(sch.Rules) != len(want) {
			t.Errorf("user %d after the migration: weekoffs %v, schedule %s; want %v, their own from 2025-03-09", i, u.Weekoffs, u.ScheduleState, want)
		}
	}
}

// TestWeekoffsWriteItsOwnState: a change of one's own days from today
// writes the user's schedule state in the statement itself, without
// resolving it; it must still be what schedule_state resolves, next change
// included, whether the team, the organisation or the user plan a change.
func TestWeekoffsWriteItsOwnState(t *testing.T) {
	t.Parallel()
	store := modelstest.Store(t)
	ctx := context.Background()
	db := store.GormDB()
	var teamID int64
	if err := db.Raw("INSERT INTO teams (name) VALUES ('Support') RETURNING id").Scan(&teamID).Error; err != nil {
		t.Fatal(err)
	}
	var today time.Time
	if err := db.Raw("SELECT org_today()").Scan(&today).Error; err != nil {
		t.Fatal(err)
	}
	from := func(days int) schedule.Date { return schedule.DateOf(today.Date()).AddDays(days) }
	if _, err := store.SetScopeSchedule(ctx, teamID, models.ScheduleInput{Rules: schedule.EveryWeek([]time.Weekday{time.Monday}), EffectiveFrom: from(3)}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetScopeSchedule(ctx, 0, models.ScheduleInput{Rules: schedule.EveryWeek([]time.Weekday{time.Tuesday}), EffectiveFrom: from(4)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name       string
		planned    int // days ahead of the user's own planned change; 0 for none
		byToken    bool
		wantChange string
	}{
		{name: "NothingOfTheirsPlanned"},
		{name: "TheirOwnChangePlanned", planned: 9, wantChange: from(9).String()},
		{name: "ByToken", planned: 12, byToken: true, wantChange: from(12).String()},
	} {
		t.Run(c.name, func(t *testing.T) {
			email := strings.ToLower(c.name) + "@example.com"
			var id int64
			if err := db.Raw("INSERT INTO users (email, full_name, password_hash, team_id) VALUES (?, 'U', 'x', ?) RETURNING id", email, teamID).Scan(&id).Error; err != nil {
				t.Fatal(err)
			}
			if c.planned > 0 {
				in := models.ScheduleInput{Rules: schedule.EveryWeek([]time.Weekday{time.Wednesday}), EffectiveFrom: from(c.planned)}
				if _, err := store.SetUserSchedule(ctx, id, in, 0); err != nil {
					t.Fatal(err)
				}
			}
			var u *models.User
			var err error
			if c.byToken {
				u, err = store.SetMyWeekoffs(ctx, strings.ToUpper(email), []string{"sat", "sun"}, 0)
			} else {
				u, err = store.SetWeekoffs(ctx, id, []string{"sat", "sun"}, 0)
			}
			if err != nil {
				t.Fatal(err)
			}
			var resolved, stored string
			if err := db.Raw("SELECT schedule_state(id, team_id, org_today())::text, (SELECT state::text FROM user_schedule_state WHERE user_id = users.id) FROM users WHERE id = ?", id).Row().Scan(&resolved, &stored); err != nil {
				t.Fatal(err)
			}
			if string(u.ScheduleState) != resolved || stored != resolved {
				t.Errorf("state answered %s, stored %s; schedule_state resolves %s", u.ScheduleState, stored, resolved)
			}
			got, err := u.Schedule()
			if err != nil {
				t.Fatal(err)
			}
			next := ""
			if got.NextChange != nil {
				next = got.NextChange.String()
			}
			if next != c.wantChange || got.Source != "user" || strings.Join(u.Weekoffs.Strings(), ",") != "saturday,sunday" {
				t.Errorf("got source %s, days %s, next change %q; want user, saturday,sunday, %q", got.Source, u.Weekoffs, next, c.wantChange)
			}
		})
	}
	t.Run("ByTokenOfAnInactiveUser", func(t *testing.T) {
		if err := db.Exec("INSERT INTO users (email, full_name, password_hash, is_active, weekoffs) VALUES ('gone@example.com', 'G', 'x', false, '{monday}')").Error; err != nil {
			t.Fatal(err)
		}
		if _, err := store.SetMyWeekoffs(ctx, "gone@example.com", []string{"friday"}, 0); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
		var days string
		var schedules int
		if err := db.Raw("SELECT array_to_string(weekoffs, ','), (SELECT count(*) FROM schedules WHERE user_id = users.id) FROM users WHERE email = 'gone@example.com'").Row().Scan(&days, &schedules); err != nil {
			t.Fatal(err)
		}
		if days != "monday" || schedules != 0 {
			t.Errorf("an inactive user's token changed their days to %q (%d schedules)", days, schedules)
		}
	})
}
