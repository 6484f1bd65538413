package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// coverageTeamSize is the size of the teams the coverage runs put everyone
// in; the first team, of that size, has a minimum on duty of 1, so that its
// members' week-off changes take the coverage guard's path and pass it.
const coverageTeamSize = 1000

// coverageFixture is what the coverage runs need: the guarded team and
// its members' tokens.
type coverageFixture struct {
	teamID       int64
	memberTokens []string
}

// coverageFixtures puts every seeded user into teams of coverageTeamSize
// (user by user id), gives one team in ten a schedule of its own (which its
// members without one of their own follow), and the first team a minimum
// of 1. It writes with SQL, as an import would, and is skipped when the
// teams exist (a reused database).
func coverageFixtures(ctx context.Context, dbURL string, now time.Time) (*coverageFixture, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	var users, teams int64
	if err := conn.QueryRow(ctx, "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM teams WHERE name LIKE 'Bench team %')").Scan(&users, &teams); err != nil {
		return nil, err
	}
	if teams == 0 {
		n := max(1, users/coverageTeamSize)
		if _, err := conn.Exec(ctx, `INSERT INTO teams (id, name) SELECT i, 'Bench team ' || i FROM generate_series(1, $1::bigint) AS i
			    ON CONFLICT DO NOTHING`, n); err != nil {
			return nil, fmt.Errorf("coverage teams: %w", err)
		}
		if _, err := conn.Exec(ctx, "SELECT setval(pg_get_serial_sequence('teams', 'id'), (SELECT max(id) FROM teams))"); err != nil {
			return nil, fmt.Errorf("coverage teams: %w", err)
		}
		if _, err := conn.Exec(ctx, "UPDATE users SET team_id = 1 + (id - 1) % $1::bigint", n); err != nil {
			return nil, fmt.Errorf("coverage teams: %w", err)
		}
		if _, err := conn.Exec(ctx, `INSERT INTO schedules (scope, team_id, rules, effective_from)
			SELECT 'team', id, '[{"day":"sunday","weeks":"every","part":"full"}]', $1::date FROM teams WHERE id % 10 = 1
			ON CONFLICT DO NOTHING`, now.AddDate(0, 0, -1)); err != nil {
			return nil, fmt.Errorf("coverage team schedules: %w", err)
		}
		for _, sql := range []string{"UPDATE teams SET min_on_duty = 1 WHERE id = 1", "ANALYZE users", "ANALYZE schedules", "ANALYZE teams"} {
			if _, err := conn.Exec(ctx, sql); err != nil {
				return nil, fmt.Errorf("coverage minimum: %w", err)
			}
		}
	}
	fx := &coverageFixture{teamID: 1}
	rows, err := conn.Query(ctx, "SELECT email FROM users WHERE team_id = 1 AND role = 'employee' AND is_active ORDER BY id LIMIT 200")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var email string
		if err := rows.Scan(&email); err != nil {
			return nil, err
		}
		tok, err := mintToken(email, now)
		if err != nil {
			return nil, err
		}
		fx.memberTokens = append(fx.memberTokens, tok)
	}
	return fx, rows.Err()
}

// coverageEndpoints are the coverage runs, all named with "coverage" so
// that -only coverage picks them: everyone's 31 days (kept by the server,
// so mostly answered from memory) and the same with a new range each time
// (always counted), one team's 31 days, the month calendar page, and
// week-off changes in the guarded team beside the same in no team's.
func coverageEndpoints(o options, srv *server, fx *fixtures) []endpoint {
	cf := fx.coverage
	if cf == nil || o.latencyConns == 0 { // -latency-c 0 skips the runs at few connections
		return nil
	}
	pid := srv.cmd.Process.Pid
	admin := bearer(fx.adminToken)
	today := time.Now().UTC()
	month := func(from time.Time) string {
		return fmt.Sprintf("from=%s&to=%s", from.Format(time.DateOnly), from.AddDate(0, 0, 30).Format(time.DateOnly))
	}
	everyone := "/admin/coverage?" + month(today)
	team := everyone + "&team=" + strconv.FormatInt(cf.teamID, 10)
	html := http.Header{"Accept": {"text/html"}, "Cookie": {fx.session}, "Accept-Encoding": {gzip}}
	static := func(path string, h http.Header) vegeta.Targeter {
		return vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: srv.base + path, Header: h})
	}
	// A new range each request: a day later each time, over a year, so the
	// server's cache (32 ranges) never holds the one asked for.
	var shift atomic.Uint64
	uncached := func(t *vegeta.Target) error {
		from := today.AddDate(0, 0, int(shift.Add(1)%365))
		t.Method, t.URL, t.Header, t.Body = http.MethodGet, srv.base+"/admin/coverage?"+month(from), admin, nil
		return nil
	}
	// The same for ranges that start before today: on a day of this month
	// or the last (the calendar's current and previous months), 31 to 33
	// days long so that the cycle is longer than the cache even on the
	// 1st, when the window is one month.
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	window := uint64(today.Sub(first).Hours()/24) + 1
	var back atomic.Uint64
	past := func(t *vegeta.Target) error {
		k := back.Add(1)
		from := first.AddDate(0, 0, int(k%window))
		to := from.AddDate(0, 0, 30+int(k/window%3))
		t.Method, t.Header, t.Body = http.MethodGet, admin, nil
		t.URL = fmt.Sprintf("%s/admin/coverage?from=%s&to=%s", srv.base, from.Format(time.DateOnly), to.Format(time.DateOnly))
		return nil
	}
	var eps []endpoint
	for _, c := range []int{o.latencyConns} {
		eps = append(eps,
			endpoint{"GET /admin/coverage 31 days, everyone (kept)", c, pid, static(everyone, admin)},
			endpoint{"GET /admin/coverage 31 days, everyone (counted each time)", c, pid, uncached},
			endpoint{"GET /admin/coverage 31 days from this month or the last, everyone (counted each time)", c, pid, past},
			endpoint{"GET /admin/coverage 31 days, team of 1000", c, pid, static(team, admin)},
			endpoint{"PUT /me/weekoffs coverage guard (team of 1000, minimum 1)", c, pid, rotating(http.MethodPut, srv.base+"/me/weekoffs", cf.memberTokens, weekoffBodies, gzip)},
			endpoint{"PUT /me/weekoffs coverage baseline (team without minimum)", c, pid, rotating(http.MethodPut, srv.base+"/me/weekoffs", fx.userTokens[len(fx.userTokens)/2:], weekoffBodies, gzip)},
		)
		if fx.session != "" {
			eps = append(eps,
				endpoint{"GET /admin/calendar coverage month page, everyone", c, pid, static("/admin/calendar", html)},
				endpoint{"GET /admin/calendar coverage month page, team of 1000", c, pid, static("/admin/calendar?team="+strconv.FormatInt(cf.teamID, 10), html)})
		}
	}
	return eps
}
