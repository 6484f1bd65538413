package models

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// The writes that change several things of a person at once (PATCH of a
// user, bulk changes) are guarded by counting again after the write:
// guardMembersTeams locks and counts the teams the people are counted in
// before it, scopeGuard.check counts them after it, in the same
// transaction, and refuses what falls newly short. Moving into a team,
// activating someone or making them an employee only adds people working,
// so only the teams they are in before the change are looked at.

// guardDB is what such a guard reads and locks through: a pgx
// transaction, or the pgx connection of a GORM transaction (onPgx).
type guardDB interface {
	batcher
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// guardMembersTeams locks, in id order, the teams with a minimum on duty
// that count some of the users members picks (a query of one column of
// user ids, with args), and counts their coverage for the next twelve
// weeks; nil when there are none. Team rows are locked before the users'
// rows, as every guarded write does, so that guarded writes wait for one
// another rather than deadlock.
func guardMembersTeams(ctx context.Context, db guardDB, members string, args []any) (*scopeGuard, error) {
	rows, err := db.Query(ctx, `SELECT t.id, org_today() FROM teams t
		 WHERE t.min_on_duty > 0 AND t.id IN (SELECT u.team_id FROM users u
		        WHERE u.is_active AND u.role = 'employee' AND u.id IN (`+members+`))
		 ORDER BY t.id FOR NO KEY UPDATE OF t`, args...)
	if err != nil {
		return nil, fmt.Errorf("coverage guard: %w", err)
	}
	var ids []int64
	var day time.Time
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &day); err != nil {
			rows.Close()
			return nil, fmt.Errorf("coverage guard: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, err
	}
	today := schedule.DateOf(day.Date())
	q := CoverageQuery{From: today, To: today.AddDays(GuardDays - 1)}
	if len(ids) == 1 {
		q.TeamID = ids[0] // one team: its members only
	} else {
		q.guardedOnly = true
	}
	g := &scopeGuard{q: q, only: ids}
	if g.before, _, err = coverageOf(ctx, db, nil, q); err != nil {
		return nil, err
	}
	return g, nil
}

// lockedTeams are the teams the guard locked; none for a nil guard.
func (g *scopeGuard) lockedTeams() []int64 {
	if g == nil {
		return []int64{}
	}
	return g.only
}

// guards reports whether the guard locked team (0: none).
func (g *scopeGuard) guards(team int64) bool {
	return g != nil && slices.Contains(g.only, team)
}

// markForcedSQL marks forced the history rows that this transaction wrote
// (their changed_at is its now()) for the users $1.
const markForcedSQL = "UPDATE user_history SET forced = true WHERE user_id = ANY($1::bigint[]) AND changed_at = now()"

// checkMarking is check for a write already made in db to the users ids:
// a ShortError unless force; forced past a shortfall, the history rows
// the write gave ids say so. A nil guard checks nothing.
func (g *scopeGuard) checkMarking(ctx context.Context, db guardDB, force bool, ids []int64) error {
	short, err := g.check(ctx, db, force)
	if err != nil || len(short) == 0 {
		return err
	}
	if _, err := db.Exec(ctx, markForcedSQL, ids); err != nil {
		return fmt.Errorf("coverage guard: %w", err)
	}
	return nil
}

// onPgx runs f on the pgx connection under conn, a database/sql
// connection of the pool, inside whatever transaction conn has open: the
// guard's batched reads need pgx, the user's other writes are GORM's.
func onPgx(conn *sql.Conn, f func(*pgx.Conn) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("coverage guard: a database/sql connection of %T, not pgx's", dc)
		}
		return f(c.Conn())
	})
}
