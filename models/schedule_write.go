package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// members picks the users a team's (teamID) or the organisation's (0)
// schedule can reach, for refreshStateSQL.
func members(teamID int64) (string, []any) {
	if teamID == 0 {
		return dependsOnShared, nil
	}
	return "u.team_id = $1 AND " + dependsOnShared, []any{teamID}
}

// SetScopeSchedule gives a team (teamID) or the organisation (teamID 0) a
// schedule from in.EffectiveFrom, replacing one of the same date. It is
// written with its history row and, when it takes effect today, the
// members' days in force, in one transaction; a later one is applied on its
// date (ApplyDueSchedules).
func (s *Store) SetScopeSchedule(ctx context.Context, teamID int64, in ScheduleInput) (*schedule.Schedule, error) {
	rules, err := json.Marshal(in.Rules)
	if err != nil {
		return nil, err
	}
	scope, team := schedule.ScopeOrganisation, any(nil)
	if teamID != 0 {
		scope, team = schedule.ScopeTeam, teamID
	}
	actor := actorFrom(ctx)
	saved := schedule.Schedule{Scope: scope, Rules: in.Rules, CreatedBy: actor.id()}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if teamID != 0 {
			// The team's row is locked so that it cannot be deleted meanwhile.
			var found bool
			if err := tx.QueryRow(ctx, "SELECT true FROM teams WHERE id = $1 FOR UPDATE", teamID).Scan(&found); errors.Is(err, pgx.ErrNoRows) {
				return ErrTeamNotFound
			} else if err != nil {
				return err
			}
		}
		// The teams it can leave short, locked and counted before (coverage_guard.go).
		guard, err := beginScopeGuard(ctx, tx, teamID)
		if err != nil {
			return err
		}
		var from time.Time
		err = tx.QueryRow(ctx, `
			WITH clock AS MATERIALIZED (SELECT org_today() AS today, COALESCE($4::date, org_today()) AS eff),
			previous AS (
			    SELECT rules, effective_from FROM schedules, clock
			     WHERE scope = $1 AND team_id IS NOT DISTINCT FROM $2::bigint AND effective_from <= clock.eff
			     ORDER BY effective_from DESC LIMIT 1
			), saved AS (
			    INSERT INTO schedules AS s (scope, team_id, rules, effective_from, applied, created_by)
			    SELECT $1, $2::bigint, $3::jsonb, clock.eff, clock.eff <= clock.today, $5::bigint FROM clock
			    ON CONFLICT DO NOTHING
			    RETURNING id, effective_from, created_at
			), replaced AS (
			    UPDATE schedules s SET rules = $3::jsonb, created_at = now(), created_by = $5::bigint
			      FROM clock
			     WHERE NOT EXISTS (SELECT 1 FROM saved) AND s.scope = $1
			       AND s.team_id IS NOT DISTINCT FROM $2::bigint AND s.effective_from = clock.eff
			    RETURNING s.id, s.effective_from, s.created_at
			), written AS (SELECT * FROM saved UNION ALL SELECT * FROM replaced),
			history AS (
			    INSERT INTO user_history (user_id, team_id, actor_id, via, field, old_value, new_value)
			    SELECT NULL, $2::bigint, $5::bigint, $6, 'schedule',
			           COALESCE((SELECT jsonb_build_object('scope', $1::text, 'rules', rules, 'inherit', false, 'effective_from', effective_from) FROM previous), 'null'),
			           jsonb_build_object('scope', $1::text, 'rules', $3::jsonb, 'inherit', false, 'effective_from', clock.eff)
			      FROM clock WHERE EXISTS (SELECT 1 FROM written)
			)
			SELECT id, effective_from, created_at FROM written`,
			string(scope), team, string(rules), in.effectiveFrom(), actor.id(), string(actor.Via)).Scan(&saved.ID, &from, &saved.CreatedAt)
		if err != nil {
			return err
		}
		saved.EffectiveFrom = schedule.DateOf(from.Date())
		// Today's days change now; a later change moves the members' next change.
		where, args := members(teamID)
		if _, err = tx.Exec(ctx, fmt.Sprintf(refreshStateSQL, where), args...); err != nil {
			return err
		}
		short, err := guard.check(ctx, tx, in.Force)
		if err == nil && len(short) > 0 {
			_, err = tx.Exec(ctx, "UPDATE user_history SET forced = true WHERE user_id IS NULL AND team_id IS NOT DISTINCT FROM $1::bigint AND changed_at = now()", team)
		}
		return err
	})
	if _, short := errors.AsType[*ShortError](err); short || errors.Is(err, ErrTeamNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("set %s schedule: %w", scope, err)
	}
	return &saved, nil
}

// CancelScopeSchedule withdraws one of a team's (teamID) or the
// organisation's (0) upcoming changes, with its history row. One that is
// not theirs is ErrScheduleNotFound; one in force or past ErrScheduleInForce.
func (s *Store) CancelScopeSchedule(ctx context.Context, teamID, scheduleID int64) error {
	scope, team := schedule.ScopeOrganisation, any(nil)
	if teamID != 0 {
		scope, team = schedule.ScopeTeam, teamID
	}
	actor := actorFrom(ctx)
	tag, err := s.pool.Exec(ctx, `
		WITH gone AS (
		    DELETE FROM schedules WHERE id = $1 AND scope = $2 AND team_id IS NOT DISTINCT FROM $3::bigint AND effective_from > org_today()
		    RETURNING rules, effective_from
		)
		INSERT INTO user_history (user_id, team_id, actor_id, via, field, old_value, new_value)
		SELECT NULL, $3::bigint, $4::bigint, $5, 'schedule',
		       jsonb_build_object('scope', $2::text, 'rules', rules, 'inherit', false, 'effective_from', effective_from), 'null'
		  FROM gone`, scheduleID, string(scope), team, actor.id(), string(actor.Via))
	if err != nil {
		return fmt.Errorf("cancel schedule: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var theirs, owner bool
	err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schedules WHERE id = $1 AND scope = $2 AND team_id IS NOT DISTINCT FROM $3::bigint),
		$3::bigint IS NULL OR EXISTS (SELECT 1 FROM teams WHERE id = $3)`,
		scheduleID, string(scope), team).Scan(&theirs, &owner)
	switch {
	case err != nil:
		return fmt.Errorf("cancel schedule: %w", err)
	case theirs:
		return ErrScheduleInForce
	case !owner:
		return ErrTeamNotFound
	}
	return ErrScheduleNotFound
}

// ApplyDueSchedules applies to users.weekoffs the schedules whose date has
// come since they were written, and reports how many it applied. Every
// instance runs it every minute (KeepSchedulesCurrent); the rows it takes
// are locked, so instances never apply one twice, and a schedule is marked
// applied in the same transaction as the days it changes.
func (s *Store) ApplyDueSchedules(ctx context.Context) (int, error) {
	applied := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			UPDATE schedules SET applied = true
			 WHERE id IN (SELECT id FROM schedules WHERE NOT applied AND effective_from <= org_today() FOR UPDATE SKIP LOCKED)
			RETURNING scope, user_id, team_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		var users, teams []int64
		everyone := false
		for rows.Next() {
			var scope schedule.Scope
			var userID, teamID *int64
			if err := rows.Scan(&scope, &userID, &teamID); err != nil {
				return err
			}
			applied++
			switch {
			case userID != nil:
				users = append(users, *userID)
			case teamID != nil:
				teams = append(teams, *teamID)
			default:
				everyone = true
			}
		}
		if err := rows.Err(); err != nil || applied == 0 {
			return err
		}
		where, args := "u.id = ANY($1) OR (u.team_id = ANY($2) AND "+dependsOnShared+")", []any{users, teams}
		if everyone {
			where, args = "u.id = ANY($1) OR "+dependsOnShared, []any{users}
		}
		_, err = tx.Exec(ctx, fmt.Sprintf(refreshStateSQL, where), args...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("apply due schedules: %w", err)
	}
	return applied, nil
}

// KeepSchedulesCurrent runs ApplyDueSchedules every interval until ctx
// ends, so that the list's weekday filter and the chart follow the date
// within that interval of midnight in the organisation's zone; it also
// keeps the chart's counts folded. Failures are
// logged and tried again next time.
func (s *Store) KeepSchedulesCurrent(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.ApplyDueSchedules(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("schedules: applying the day's changes failed; trying again", "error", err, "retry_in", interval)
		} else if n > 0 {
			s.log.Info("schedules: applied the day's changes", "schedules", n)
		}
		// The week-off counts' ledger grows by a row a change; reading it
		// folds it, but nobody may read it for days.
		if _, err := s.ActiveEmployeesOff(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("week-off counts: folding failed; trying again", "error", err, "retry_in", interval)
		}
		if err := s.FoldCoverageLedger(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("coverage ledger: folding failed; trying again", "error", err, "retry_in", interval)
		}
		if n, err := s.CatchUpCoverageKeys(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("coverage keys: catching up with the month failed; trying again", "error", err, "retry_in", interval)
		} else if n > 0 {
			s.log.Info("coverage keys: caught up with the month", "users", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
