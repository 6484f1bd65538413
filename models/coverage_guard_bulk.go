package models

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// BulkGuard is the coverage guard of one bulk change, begun in the
// transaction that fixes its users (GuardBulkChange): the teams it can
// leave short are locked and counted.
type BulkGuard struct {
	g       *scopeGuard
	members string // the target's users, a query of ids
	args    []any
}

// GuardBulkChange begins the coverage guard of ch for the target's users
// in tx: it locks the teams with a minimum on duty that count some of them
// and counts those teams' next twelve weeks. Nil when ch cannot leave a
// team short: it only activates people, or none of them is counted in a
// team with a minimum. Call it before anything locks the users' rows.
func (s *Store) GuardBulkChange(ctx context.Context, tx pgx.Tx, t BulkTarget, ch BulkChange) (*BulkGuard, error) {
	if ch.Rules == nil && ch.TeamID == nil && (ch.IsActive == nil || *ch.IsActive) {
		return nil, nil
	}
	members, args, err := s.targetSQL(ctx, t)
	if err != nil {
		return nil, err
	}
	g, err := guardMembersTeams(ctx, tx, members, args)
	if err != nil || g == nil {
		return nil, err
	}
	return &BulkGuard{g: g, members: members, args: args}, nil
}

// Check counts the locked teams again after the change was applied to
// ids in tx, and refuses with a ShortError what fell newly short, unless
// ch.Force; then the history rows of ids written in tx are marked forced.
// A nil guard checks nothing.
func (b *BulkGuard) Check(ctx context.Context, tx pgx.Tx, ids []int64, ch BulkChange) error {
	if b == nil {
		return nil
	}
	return b.g.checkMarking(ctx, tx, ch.Force, ids)
}

// Try checks a change that is not applied yet, as a queued job's is (its
// batches commit one by one later): in a savepoint of tx it applies ch to
// those of the target's users that the locked teams count (the only ones
// whose change can leave them short), counts them again and rolls back.
// It refuses with a ShortError unless ch.Force, and reports whether the
// change was forced: short somewhere, and applied all the same.
func (b *BulkGuard) Try(ctx context.Context, s *Store, tx pgx.Tx, ch BulkChange) (forced bool, err error) {
	if b == nil {
		return false, nil
	}
	rows, err := tx.Query(ctx, `SELECT u.id FROM users u
		 WHERE u.is_active AND u.role = 'employee' AND u.team_id IN (SELECT id FROM teams WHERE min_on_duty > 0)
		   AND u.id IN (`+b.members+`) ORDER BY u.id`, b.args...)
	if err != nil {
		return false, fmt.Errorf("coverage guard: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return false, fmt.Errorf("coverage guard: %w", err)
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("coverage guard: %w", err)
	}
	defer sp.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // rolled back on every path: nothing of it is kept
	if _, _, err := s.ApplyBulkChange(ctx, sp, ids, ch, false); err != nil {
		return false, err
	}
	short, err := b.g.check(ctx, sp, ch.Force)
	if err != nil {
		return false, err
	}
	return len(short) > 0, sp.Rollback(ctx)
}
