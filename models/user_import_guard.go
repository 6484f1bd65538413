package models

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// importGuardedSQL says whether a planned import changes anyone in a team
// with a minimum on duty (before or after the row): only such a change
// can leave a team short. A new user only adds a person, never takes one
// away from those working.
const importGuardedSQL = `
SELECT EXISTS (SELECT 1 FROM import_plan p JOIN teams t ON t.id IN (p.team_id, p.old_team)
                WHERE p.changes AND t.min_on_duty > 0)`

// lockImportTeams locks, in id order, the teams with a minimum when the
// planned import changes someone in one, before importProblems locks the
// active admins: teams before admins, the order of every write of users
// (user_update_locks.go), or an import and a bulk deactivation could each
// hold what the other waits for. applyGuarded's guard locks them again.
func lockImportTeams(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT t.id FROM teams t WHERE t.min_on_duty > 0 AND (`+importGuardedSQL+`)
		ORDER BY t.id FOR NO KEY UPDATE OF t`)
	return err
}

// importForcedSQL marks forced the history rows this transaction wrote
// (changed_at is its now()) for people of the teams left short ($1).
const importForcedSQL = `
UPDATE user_history h SET forced = true FROM import_plan p
 WHERE h.user_id = p.user_id AND h.via = 'import' AND h.changed_at = now()
   AND (p.team_id = ANY ($1::bigint[]) OR p.old_team = ANY ($1::bigint[]))`

// applyGuarded applies the planned import in tx under the coverage guard:
// when it changes someone of a team with a minimum, it counts those teams'
// coverage of the next twelve weeks before and after writing (the teams
// locked as the guard locks them), and what falls newly short goes into
// rep.Short: a *ShortError unless opts.Force, else the history rows of
// those teams' people say forced. A dry run writes nothing: it counts the
// coverage after from the plan (importAfterPeopleSQL), and not at all when
// nobody of a guarded team changes.
func (s *Store) applyGuarded(ctx context.Context, tx pgx.Tx, rep *ImportReport, total int, opts ImportOptions) error {
	var guarded bool
	if err := tx.QueryRow(ctx, importGuardedSQL).Scan(&guarded); err != nil {
		return fmt.Errorf("import users: %w", err)
	}
	if opts.DryRun && !guarded {
		progress(opts, total, total)
		return nil
	}
	var g *scopeGuard
	if guarded {
		var err error
		if g, err = beginScopeGuard(ctx, tx, 0); err != nil {
			return fmt.Errorf("import users: guard: %w", err)
		}
	}
	if opts.DryRun {
		if g != nil {
			g.q.afterImport = true
		}
	} else if err := applyImport(ctx, tx, actorFrom(ctx), total, opts); err != nil {
		return fmt.Errorf("import users: %w", err)
	}
	short, err := g.check(ctx, tx, true)
	if err != nil {
		return fmt.Errorf("import users: guard: %w", err)
	}
	rep.Short = short
	switch {
	case opts.DryRun:
		progress(opts, total, total)
		return nil
	case len(short) == 0:
		return nil
	case !opts.Force:
		return &ShortError{Short: short}
	}
	var teams []int64
	for _, d := range short {
		teams = append(teams, d.TeamID)
	}
	if _, err := tx.Exec(ctx, importForcedSQL, teams); err != nil {
		return fmt.Errorf("import users: %w", err)
	}
	return nil
}
