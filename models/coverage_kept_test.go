package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// TestKeptCoverageFollowsEveryWrite holds everyone's coverage figures kept
// on write (migration 00017), and the guarded teams' short days, to a
// count of every person after each kind of write: a seed, moves into and
// between teams, PUT /me/weekoffs, planned changes of alternate weeks on
// both rhythms, of chosen weeks of the month and half days, a hand-back, a
// cancel, bulk changes (today's, planned, moving teams, deactivating), an
// import (new and existing users), an approved request, team and
// organisation schedules, deactivation, role changes, a deletion, and the
// organisation's date moving on (its zone) so that a planned change
// becomes due and ApplyDueSchedules applies it. Ranges start today and
// far later, past every planned change. After each, the kept ledger must
// also equal what working every key out again gives; and once the zone
// moves today back behind the keys' date, the kept figures must not be
// used (they hold from that date on only) while Coverage stays right.
func TestKeptCoverageFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	s := modelstest.Store(t)
	ctx := context.Background()
	pool := s.Pool()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	today := func() schedule.Date {
		t.Helper()
		var d time.Time
		if err := pool.QueryRow(ctx, "SELECT org_today()").Scan(&d); err != nil {
			t.Fatal(err)
		}
		return schedule.DateOf(d.Date())
	}
	zone := func(tz string) {
		t.Helper()
		if _, err := s.UpdateOrganisation(ctx, models.OrganisationInput{Timezone: &tz}); err != nil {
			t.Fatal(err)
		}
	}
	// The zone furthest behind UTC, so that moving to the one furthest
	// ahead later moves the organisation's date on by a day or two.
	zone("Etc/GMT+12")

	check := func(what string) {
		t.Helper()
		d := today()
		// From today, from the first of this month and of the month before
		// (the calendar's months, where the seeded people's schedules and
		// the writes below begin), and well past every planned change.
		month := d.AddDays(1 - d.Time().Day())
		before := schedule.DateOf(month.Time().AddDate(0, -1, 0).Date())
		for _, r := range [][2]schedule.Date{{d, d.AddDays(91)}, {month, month.AddDays(91)}, {before, before.AddDays(91)}, {d.AddDays(400), d.AddDays(460)}} {
			q := models.CoverageQuery{From: r[0], To: r[1]}
			compareKept(t, s, what, q, true)
			compareKept(t, s, what+" (guarded teams)", models.GuardedOnly(q), true)
		}
		var apartWrong int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT team_id FROM coverage_ledger WHERE team_id IS NOT NULL
			GROUP BY team_id, key HAVING sum(n) <> 0) g
			WHERE team_id NOT IN (SELECT id FROM teams WHERE min_on_duty > 0 UNION SELECT team_id FROM schedules WHERE team_id IS NOT NULL)`).Scan(&apartWrong); err != nil {
			t.Fatal(err)
		}
		if apartWrong != 0 {
			t.Fatalf("%s: %d ledger groups count people apart in teams with no minimum and no schedules", what, apartWrong)
		}
		if kept, rebuilt := keptLedger(t, pool); kept != rebuilt {
			t.Fatalf("%s: the kept ledger\n%s\nwant, working every key out again,\n%s", what, kept, rebuilt)
		}
	}

	if _, err := s.Seed(ctx, 300, "password1", nil); err != nil {
		t.Fatal(err)
	}
	check("after seeding")
	ids := func(sql string, args ...any) []int64 {
		t.Helper()
		rows, err := pool.Query(ctx, sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	employees := ids("SELECT id FROM users WHERE role = 'employee' ORDER BY id")
	team := func(name string, min int) int64 {
		t.Helper()
		tm, err := s.CreateTeam(ctx, models.TeamInput{Name: &name, MinOnDuty: &min})
		if err != nil {
			t.Fatal(err)
		}
		return tm.ID
	}
	support, field := team("Support", 1), team("Field", 0)
	update := func(id int64, in models.UserInput) {
		t.Helper()
		in.Force = true
		if _, err := s.UpdateUser(ctx, id, in, 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range employees[:10] {
		update(id, models.UserInput{TeamID: &support})
	}
	check("after admins' moves into a team")

	bulk := func(what string, ids []int64, ch models.BulkChange) {
		t.Helper()
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, _, err := s.ApplyBulkChange(ctx, tx, ids, ch, true)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		check(what)
	}
	// Field has no minimum and no schedules: its people are counted as of
	// no team, so moving them there changes no head count.
	var ledgerRows, after int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM coverage_ledger").Scan(&ledgerRows); err != nil {
		t.Fatal(err)
	}
	bulk("after a bulk move into a team", employees[10:120], models.BulkChange{TeamID: &field})
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM coverage_ledger").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != ledgerRows {
		t.Errorf("a move into a team with no minimum and no schedules wrote %d ledger rows, want none", after-ledgerRows)
	}
	weekend := schedule.EveryWeek([]time.Weekday{time.Saturday, time.Sunday})
	bulk("after a bulk change of days from today", employees[60:150], models.BulkChange{Rules: &weekend})
	tuesday := schedule.EveryWeek([]time.Weekday{time.Tuesday})
	bulk("after a planned bulk change", employees[100:130], models.BulkChange{Rules: &tuesday, EffectiveFrom: today().AddDays(20)})
	no := false
	bulk("after a bulk deactivation and move", employees[125:135], models.BulkChange{TeamID: &support, IsActive: &no})

	if _, err := s.SetWeekoffs(ctx, employees[0], []string{"wed", "thu"}, 0); err != nil {
		t.Fatal(err)
	}
	check("after PUT /me/weekoffs")

	set := func(what string, id int64, rules string, from schedule.Date, inherit bool) {
		t.Helper()
		var rs schedule.Rules
		if rules != "" {
			var problems []schedule.Problem
			if rs, problems = schedule.ParseRules([]byte(rules), 7); len(problems) > 0 {
				t.Fatalf("%s: %v", rules, problems)
			}
		}
		in := models.ScheduleInput{Rules: rs, Inherit: inherit, EffectiveFrom: from, Today: today(), Force: true}
		if _, err := s.SetUserSchedule(ctx, id, in, 0); err != nil {
			t.Fatal(err)
		}
		check(what)
	}
	const (
		altMonday = `[{"day":"monday","weeks":"alternate","part":"full"},{"day":"thursday","weeks":"alternate","part":"afternoon"}]`
		nthSat    = `[{"day":"saturday","weeks":[2,4],"part":"full"},{"day":"sunday","weeks":"every","part":"morning"}]`
	)
	d := today()
	set("after alternate weeks from today", employees[1], altMonday, d, false)
	set("after alternate weeks a fortnight later (the same rhythm)", employees[2], altMonday, d.AddDays(14), false)
	set("after alternate weeks a week later (the other rhythm)", employees[3], altMonday, d.AddDays(7), false)
	set("after alternate weeks from a Tuesday", employees[4], altMonday, d.AddDays(15), false)
	set("after chosen weeks of the month", employees[11], nthSat, d.AddDays(3), false)
	set("after a hand-back to the team", employees[12], "", d.AddDays(9), true)
	set("after a planned change to cancel", employees[13], nthSat, d.AddDays(30), false)
	planned := ids("SELECT id FROM schedules WHERE user_id = $1 AND effective_from > org_today()", employees[13])
	if err := s.CancelUserSchedule(ctx, employees[13], planned[0], true); err != nil {
		t.Fatal(err)
	}
	check("after a cancel")

	f, err := models.ParseUsersCSV(strings.NewReader("email,full_name,team,weekoffs,effective_from\n" +
		"new1@example.com,New One,Support,mon,\n" +
		"new2@example.com,New Two,Field,fri," + d.AddDays(5).String() + "\n" +
		"new3@example.com,New Three,,,\n" +
		models.SeedEmployeeEmail(20) + ",,Support,sat," + d.AddDays(12).String() + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportUsers(ctx, f, models.ImportOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	check("after an import")

	friday := schedule.EveryWeek([]time.Weekday{time.Friday})
	req, err := s.RequestSchedule(ctx, employees[30], models.ScheduleInput{Rules: friday, EffectiveFrom: d.AddDays(2), Today: d}, 0)
	if err != nil {
		t.Fatal(err)
	}
	check("after a request (nothing changes)")
	if _, err := s.ApproveRequest(ctx, req.ID); err != nil {
		t.Fatal(err)
	}
	check("after an approval")

	if _, err := s.SetScopeSchedule(ctx, support, models.ScheduleInput{Rules: friday, EffectiveFrom: d.AddDays(4), Today: d, Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetScopeSchedule(ctx, 0, models.ScheduleInput{Rules: tuesday, EffectiveFrom: d.AddDays(6), Today: d, Force: true}); err != nil {
		t.Fatal(err)
	}
	check("after team and organisation schedules")

	// A team with no minimum and no schedules is counted as no team
	// (migration 00018): its people move in the ledger when it gains a
	// minimum or its first schedule, and back when it loses the last.
	night := team("Night", 0)
	bulk("after a bulk move into a team with no minimum", employees[150:170], models.BulkChange{TeamID: &night})
	setMinimum := func(what string, min int) {
		t.Helper()
		if _, err := s.UpdateTeam(ctx, night, models.TeamInput{MinOnDuty: &min}); err != nil {
			t.Fatal(err)
		}
		check(what)
	}
	setMinimum("after the team gained a minimum", 2)
	setMinimum("after the team lost its minimum", 0)
	nightly, err := s.SetScopeSchedule(ctx, night, models.ScheduleInput{Rules: weekend, EffectiveFrom: d.AddDays(8), Today: d, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	check("after the team's first schedule")
	setMinimum("after a minimum beside the schedule", 1)
	setMinimum("after no minimum beside the schedule", 0)
	if err := s.CancelScopeSchedule(ctx, night, nightly.ID); err != nil {
		t.Fatal(err)
	}
	check("after the team's last schedule was cancelled")

	inactive, admin, employee := false, "admin", "employee"
	update(employees[5], models.UserInput{IsActive: &inactive})
	check("after a deactivation")
	update(employees[6], models.UserInput{Role: &admin})
	check("after making an employee an admin")
	update(employees[6], models.UserInput{Role: &employee, TeamID: &field})
	check("after making them an employee of another team again")
	exec("DELETE FROM user_history WHERE user_id = $1 OR actor_id = $1", employees[1])
	exec("DELETE FROM schedule_requests WHERE user_id = $1", employees[1])
	exec("DELETE FROM users WHERE id = $1", employees[1])
	check("after a deletion")
	if err := s.FoldCoverageLedger(ctx); err != nil {
		t.Fatal(err)
	}
	var extra int
	if err := pool.QueryRow(ctx, "SELECT count(*) - count(DISTINCT (team_id, key)) FROM coverage_ledger").Scan(&extra); err != nil {
		t.Fatal(err)
	}
	if extra != 0 {
		t.Errorf("after folding, the ledger holds %d rows beyond one a group, want 0", extra)
	}
	check("after folding")

	// A change planned for tomorrow, then the date moves on past it.
	set("after a change planned for tomorrow", employees[7], altMonday, today().AddDays(1), false)
	before := today()
	zone("Etc/GMT-14")
	if !before.Before(today()) {
		t.Fatalf("the organisation's date stayed %s after its zone moved 26 hours ahead", before)
	}
	if n, err := s.ApplyDueSchedules(ctx); err != nil || n == 0 {
		t.Fatalf("ApplyDueSchedules: %d applied, %v; want the planned changes applied", n, err)
	}
	check("after the date moved on and the due changes were applied")

	// The zone moves back: the keys hold from the latest date they were
	// worked out from, and must not be used for a range before it.
	zone("Etc/GMT+12")
	var since time.Time
	if err := pool.QueryRow(ctx, "SELECT max(h) FROM coverage_people WHERE counted").Scan(&since); err != nil {
		t.Fatal(err)
	}
	h := schedule.DateOf(since.Date())
	compareKept(t, s, "after the date moved back, from the keys' date", models.CoverageQuery{From: h, To: h.AddDays(30)}, true)
	compareKept(t, s, "after the date moved back, from the day before", models.CoverageQuery{From: h.AddDays(-1), To: h.AddDays(30)}, false)
}

// TestCoverageAnchorKeepsRhythm: the canonical anchor that kept keys give
// alternate weeks (coverage_anchor, migration 00017) yields the dates the
// schedule's own date yields, from any later date, for schedules starting
// on each of four weeks of dates; and it makes one key of all the dates
// that give the same dates: Mondays and Thursdays every other week have 4
// rhythms a fortnight apart, not 14 start dates.
func TestCoverageAnchorKeepsRhythm(t *testing.T) {
	t.Parallel()
	s := modelstest.Store(t)
	const rules = `[{"day":"monday","weeks":"alternate","part":"full"},{"day":"thursday","weeks":"alternate","part":"afternoon"},` +
		`{"day":"saturday","weeks":"every","part":"full"}]`
	rs, problems := schedule.ParseRules([]byte(rules), 7)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	start := schedule.DateOf(2030, time.March, 1)
	anchors := map[schedule.Date]bool{}
	for i := range 28 {
		d := start.AddDays(i)
		var a time.Time
		if err := s.Pool().QueryRow(t.Context(), "SELECT coverage_anchor($1::jsonb, $2)", rules, d.Time()).Scan(&a); err != nil {
			t.Fatal(err)
		}
		anchor := schedule.DateOf(a.Date())
		if i < 14 {
			anchors[anchor] = true
		}
		for _, from := range []schedule.Date{d, d.AddDays(3), d.AddDays(40)} {
			to := from.AddDays(45)
			expand := func(eff schedule.Date) string {
				sc := schedule.Schedule{Scope: schedule.ScopeUser, Rules: rs, EffectiveFrom: eff}
				return fmt.Sprint(schedule.Expand([]schedule.Period{{From: from.Time(), To: to.Time(), Schedule: &sc}}))
			}
			if got, want := expand(anchor), expand(d); got != want {
				t.Fatalf("from %s, anchored at %s (for %s): %s, want %s", from, anchor, d, got, want)
			}
		}
	}
	if len(anchors) != 4 {
		t.Errorf("14 start dates gave %d anchors, want 4: %v", len(anchors), anchors)
	}
}

// TestCoverageKeysCatchUpWithTheMonth: kept keys carry the own changes
// since the first of the month before today's (migration 00018), dated, so
// the seeded people who began within it are grouped by the day they began.
// When a month has passed, CatchUpCoverageKeys works those keys out again
// as plain schedules in force, once: the groups shrink back, the figures
// from the new month before still equal a count of every person, and the
// ledger what working every key out again gives.
func TestCoverageKeysCatchUpWithTheMonth(t *testing.T) {
	t.Parallel()
	s := modelstest.Store(t)
	ctx := context.Background()
	pool := s.Pool()
	if _, err := s.Seed(ctx, 400, "password1", nil); err != nil {
		t.Fatal(err)
	}
	count := func(sql string) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// People whose key lists a change of their own (the seeded begin on
	// the day they were created, over two years).
	const dated = `SELECT count(*) FROM coverage_people p JOIN coverage_keys k ON k.hash = p.key WHERE k.key NOT LIKE '%,null]'`
	recent := count(`SELECT count(DISTINCT user_id) FROM schedules WHERE user_id IS NOT NULL AND effective_from > coverage_since(org_today())`)
	if recent == 0 {
		t.Fatal("no seeded person began within the kept keys' months; the test needs some")
	}
	if got := count(dated); got != recent {
		t.Fatalf("%d people have keys with dated changes, want the %d who began since the month before", got, recent)
	}
	if n, err := s.CatchUpCoverageKeys(ctx); err != nil || n != 0 {
		t.Fatalf("CatchUpCoverageKeys within the month: %d, %v; want 0 and nothing to do", n, err)
	}

	// Three months on: the database's date is the organisation's clock.
	if _, err := pool.Exec(ctx, `CREATE OR REPLACE FUNCTION org_today() RETURNS date LANGUAGE sql STABLE AS $$
		SELECT (now() AT TIME ZONE COALESCE((SELECT timezone FROM organisation WHERE id = 1), 'UTC'))::date + 92 $$`); err != nil {
		t.Fatal(err)
	}
	// The pool's sessions may have planned coverage_rekey with the old
	// date inlined: new ones for what follows.
	pool.Reset()
	n, err := s.CatchUpCoverageKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != recent {
		t.Errorf("CatchUpCoverageKeys worked out %d keys again, want the %d with dated changes", n, recent)
	}
	if got := count(dated); got != 0 {
		t.Errorf("after catching up, %d people still have keys with dated changes", got)
	}
	if got := count(`SELECT count(*) FROM coverage_people WHERE h < coverage_since(org_today()) AND key <> md5('[null,null,null,null]')::uuid AND user_id IN (SELECT user_id FROM schedules WHERE effective_from > h)`); got != 0 {
		t.Errorf("after catching up, %d people's keys hold from before a change of theirs", got)
	}
	if n, err := s.CatchUpCoverageKeys(ctx); err != nil || n != 0 {
		t.Fatalf("CatchUpCoverageKeys again: %d, %v; want 0", n, err)
	}
	var since time.Time
	if err := pool.QueryRow(ctx, "SELECT coverage_since(org_today())").Scan(&since); err != nil {
		t.Fatal(err)
	}
	from := schedule.DateOf(since.Date())
	compareKept(t, s, "after catching up", models.CoverageQuery{From: from, To: from.AddDays(60)}, true)
	if kept, rebuilt := keptLedger(t, pool); kept != rebuilt {
		t.Errorf("after catching up, the kept ledger\n%s\nwant, working every key out again,\n%s", kept, rebuilt)
	}
}

// TestKeptCoverageRegroupsUnderWrites: a team's minimum set and cleared
// again and again, which moves its people in the kept ledger between no
// team and the team (coverage_regroup, migration 00018), while its members
// change their week-offs and move in and out of it at the same time. Every
// writer reads which teams are apart after taking coverage_apart_share's
// lock, so that after it all the ledger must equal what working every key
// out again gives.
func TestKeptCoverageRegroupsUnderWrites(t *testing.T) {
	t.Parallel()
	s := modelstest.Store(t)
	ctx := context.Background()
	pool := s.Pool()
	if _, err := s.Seed(ctx, 120, "password1", nil); err != nil {
		t.Fatal(err)
	}
	name, zero := "Rota", 0
	tm, err := s.CreateTeam(ctx, models.TeamInput{Name: &name, MinOnDuty: &zero})
	if err != nil {
		t.Fatal(err)
	}
	var members []int64
	rows, err := pool.Query(ctx, "UPDATE users SET team_id = $1 WHERE role = 'employee' RETURNING id", tm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if members, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		t.Fatal(err)
	}
	days := [][]string{{"sat"}, {"sun"}, {"mon", "tue"}, {"fri"}}
	const workers = 4
	done := make(chan error, workers)
	stop := make(chan struct{})
	for w := range workers {
		go func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				id := members[(w*31+i*7)%len(members)]
				var err error
				if i%5 == 4 { // out of the team and back in
					_, err = pool.Exec(ctx, "UPDATE users SET team_id = CASE WHEN team_id IS NULL THEN $2::bigint END WHERE id = $1", id, tm.ID)
				} else {
					_, err = s.SetWeekoffs(ctx, id, days[(w+i)%len(days)], 0)
				}
				if err != nil {
					done <- err
					return
				}
			}
		}()
	}
	for i := range 30 {
		min := (i + 1) % 2
		if _, err := s.UpdateTeam(ctx, tm.ID, models.TeamInput{MinOnDuty: &min}); err != nil {
			close(stop)
			t.Fatal(err)
		}
	}
	close(stop)
	for range workers {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if kept, rebuilt := keptLedger(t, pool); kept != rebuilt {
		t.Errorf("the kept ledger\n%s\nwant, working every key out again,\n%s", kept, rebuilt)
	}
}

// keptLedger is the kept head counts by team and key, as the triggers kept
// them, and as working every key out again gives them (in a transaction
// rolled back).
func keptLedger(t *testing.T, pool *pgxpool.Pool) (kept, rebuilt string) {
	t.Helper()
	ctx := context.Background()
	const sums = `SELECT COALESCE(team_id, 0), k.key, sum(n) FROM coverage_ledger l JOIN coverage_keys k ON k.hash = l.key
		GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2`
	read := func(db interface {
		Query(context.Context, string, ...any) (pgx.Rows, error)
	}) string {
		rows, err := db.Query(ctx, sums)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for rows.Next() {
			var team, n int64
			var key string
			if err := rows.Scan(&team, &key, &n); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "team %d %s: %d\n", team, key, n)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	kept = read(pool)
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read only
	if _, err := tx.Exec(ctx, "SELECT coverage_rebuild()"); err != nil {
		t.Fatal(err)
	}
	return kept, read(tx)
}

// compareKept holds q's figures from the kept groups, and Coverage's, to a
// count of every person; the kept groups must hold for q's range when
// wantKept, and must not otherwise.
func compareKept(t *testing.T, s *models.Store, what string, q models.CoverageQuery, wantKept bool) {
	t.Helper()
	ctx := context.Background()
	counted, err := s.CountedCoverage(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	kept, holds, err := s.KeptCoverage(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if holds != wantKept {
		t.Fatalf("%s, %s..%s: the kept groups hold: %v, want %v", what, q.From, q.To, holds, wantKept)
	}
	if holds && fmt.Sprint(*kept) != fmt.Sprint(*counted) {
		t.Fatalf("%s, %s..%s: kept figures\n%v\nwant counted\n%v", what, q.From, q.To, *kept, *counted)
	}
	got, err := s.Coverage(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(*got) != fmt.Sprint(*counted) {
		t.Fatalf("%s, %s..%s: Coverage\n%v\nwant counted\n%v", what, q.From, q.To, *got, *counted)
	}
}
