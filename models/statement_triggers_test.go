package models_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestStatementTriggersStayLinearAfterOneRowWrites runs the writes of a bulk
// change and an import over every user on a connection whose statement
// triggers have served one-row writes first, as a pooled connection's have.
// PL/pgSQL keeps the plan it made for a trigger's statement at its first
// call, for the transition tables it had then: one row. A join of two
// transition tables planned so is a nested loop, which compares every old
// row with every new one (migration 00019's rename trigger did, until
// 00020). PostgreSQL's own plans of the statements inside the triggers
// (auto_explain, sent back as notices) must remove fewer rows by their
// filters than a few per user; a comparison of every pair removes users².
func TestStatementTriggersStayLinearAfterOneRowWrites(t *testing.T) {
	t.Parallel()
	cfg := modelstest.Config(t)
	s := modelstest.Open(t, cfg, nil)
	ctx := context.Background()
	const users = 400
	if _, err := s.Seed(ctx, users, "trigger-password", nil); err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, `INSERT INTO teams (name) VALUES ('Linear')`)

	var mu sync.Mutex
	var notices []string
	conn := superuserConn(t, cfg.DatabaseURL, func(n *pgconn.Notice) {
		mu.Lock()
		defer mu.Unlock()
		notices = append(notices, n.Message)
	})
	for _, stmt := range []string{
		"LOAD 'auto_explain'",
		"SET auto_explain.log_min_duration = 0",
		"SET auto_explain.log_analyze = on",
		"SET auto_explain.log_nested_statements = on",
		"SET auto_explain.log_level = notice",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	writes := []struct{ what, one, all string }{
		{"a rename and a move into a team",
			"UPDATE users SET full_name = full_name || ' A', team_id = (SELECT id FROM teams WHERE name = 'Linear') WHERE id = (SELECT min(id) FROM users)",
			"UPDATE users SET full_name = full_name || ' B', team_id = (SELECT id FROM teams WHERE name = 'Linear')"},
		{"new days and a new version",
			"UPDATE users SET weekoffs = '{monday}', version = version + 1 WHERE id = (SELECT min(id) FROM users)",
			"UPDATE users SET weekoffs = '{tuesday}', version = version + 1"},
		{"an own schedule from tomorrow",
			`INSERT INTO schedules (scope, user_id, rules, effective_from) SELECT 'user', min(id), '[{"day": "friday", "part": "full", "weeks": "every"}]', org_today() + 1 FROM users`,
			`INSERT INTO schedules (scope, user_id, rules, effective_from) SELECT 'user', id, '[{"day": "monday", "part": "full", "weeks": "every"}]', org_today() + 2 FROM users`},
		{"new users",
			"INSERT INTO users (email, full_name) VALUES ('one@linear.test', 'One Linear')",
			"INSERT INTO users (email, full_name) SELECT 'many' || i || '@linear.test', 'Many ' || i FROM generate_series(1, 400) AS i"},
	}
	// Every one-row write first, so that each trigger's plans are made for one row.
	for _, w := range writes {
		if _, err := conn.Exec(ctx, w.one); err != nil {
			t.Fatalf("%s, one row: %v", w.what, err)
		}
	}
	removed := regexp.MustCompile(`Rows Removed by (?:Join )?Filter: (\d+)`)
	for _, w := range writes {
		mu.Lock()
		notices = nil
		mu.Unlock()
		if _, err := conn.Exec(ctx, w.all); err != nil {
			t.Fatalf("%s, every user: %v", w.what, err)
		}
		mu.Lock()
		plans := strings.Join(notices, "\n")
		mu.Unlock()
		if !strings.Contains(plans, "Named Tuplestore Scan") {
			t.Fatalf("%s: no plan of a trigger's statement came back; auto_explain sent:\n%s", w.what, plans)
		}
		total := 0
		for _, m := range removed.FindAllStringSubmatch(plans, -1) {
			n, _ := strconv.Atoi(m[1])
			total += n
		}
		t.Logf("%s: %d rows removed by the triggers' filters", w.what, total)
		if total > 20*users {
			t.Errorf("%s: the triggers' plans removed %d rows by their filters for %d users, quadratic work:\n%s", w.what, total, users, plans)
		}
	}
}

// superuserConn connects to the test's database as the server's superuser
// (ServerURL's user), which LOAD 'auto_explain' needs; onNotice receives
// what the server sends back.
func superuserConn(t *testing.T, databaseURL string, onNotice func(*pgconn.Notice)) *pgx.Conn {
	t.Helper()
	db, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	server, err := url.Parse(modelstest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	db.User = server.User
	cfg, err := pgx.ParseConfig(db.String())
	if err != nil {
		t.Fatal(err)
	}
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { onNotice(n) }
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
