package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// bulkChangeSQL applies a bulk change to the users $1 in one statement,
// as the single-user writes do to one (setUserScheduleSQL, update): it
// locks the rows; writes each user's own schedule (replacing one of the
// same date; none where the same rules are in force then already); moves
// the team and sets is_active; bumps the version once of every user that
// changes; and records the changes in the history. It returns how many
// users changed, and whether it also brought their week-offs and schedule
// state up to date ("fast": rules from today, no team change, which it
// can resolve without schedule_state: their new schedule is in force, and
// the next change is their next own schedule). Otherwise, for changes of
// rules or team, bulkRefreshSQL follows, and sees this statement's writes.
//
// $1 users, $2 rules given, $3 rules, $4 effective date (NULL: today),
// $5 team given, $6 team (0: none), $7 is_active (NULL: as it is),
// $8 actor, $9 via, $10 the history rows' forced (coverage_guard_bulk.go).
const bulkChangeSQL = `
WITH clock AS MATERIALIZED (
    SELECT today, eff, $2::boolean AND eff <= today AND NOT $5::boolean AS fast,
           ARRAY(SELECT r ->> 'day' FROM jsonb_array_elements(COALESCE($3::jsonb, '[]')) WITH ORDINALITY AS e (r, n) ORDER BY n) AS days
      FROM (SELECT org_today() AS today, COALESCE($4::date, org_today()) AS eff) AS d
), target AS MATERIALIZED (
    SELECT u.id, u.team_id, u.is_active, u.weekoffs FROM users u WHERE u.id = ANY($1::bigint[]) ORDER BY u.id FOR UPDATE
), previous AS MATERIALIZED (
    SELECT DISTINCT ON (s.user_id) s.user_id, s.rules, s.inherit, s.effective_from
      FROM schedules s JOIN target t ON s.scope = 'user' AND s.user_id = t.id, clock
     WHERE $2::boolean AND s.effective_from <= clock.eff
     ORDER BY s.user_id, s.effective_from DESC
), saved AS (
    INSERT INTO schedules AS s (scope, user_id, rules, inherit, effective_from, applied, created_by)
    SELECT 'user', t.id, $3::jsonb, false, clock.eff, clock.eff <= clock.today, $8::bigint FROM target t, clock
     WHERE $2::boolean
       -- The same rules as those already in force then: nothing to add.
       AND NOT EXISTS (SELECT 1 FROM previous p WHERE p.user_id = t.id AND p.rules = $3::jsonb AND NOT p.inherit)
    ON CONFLICT (user_id, effective_from) WHERE user_id IS NOT NULL
    DO UPDATE SET rules = EXCLUDED.rules, inherit = EXCLUDED.inherit, applied = EXCLUDED.applied,
                  created_at = now(), created_by = EXCLUDED.created_by
    RETURNING s.user_id
), changed AS (
    UPDATE users u SET team_id = CASE WHEN $5::boolean THEN NULLIF($6::bigint, 0) ELSE u.team_id END,
           is_active = COALESCE($7::boolean, u.is_active),
           weekoffs = CASE WHEN clock.fast AND t.id IN (SELECT user_id FROM saved) THEN clock.days ELSE u.weekoffs END,
           version = u.version + 1, updated_at = now()
      FROM target t, clock
     WHERE u.id = t.id AND (t.id IN (SELECT user_id FROM saved)
        OR ($5::boolean AND t.team_id IS DISTINCT FROM NULLIF($6::bigint, 0))
        OR t.is_active <> COALESCE($7::boolean, t.is_active))
    RETURNING u.id
), states AS (
    INSERT INTO user_schedule_state AS st (user_id, state)
    SELECT saved.user_id, json_build_object('source', 'user', 'rules', $3::jsonb, 'effective_from', clock.today,
               'next_change', (SELECT min(n.effective_from) FROM schedules n
                                WHERE n.scope = 'user' AND n.user_id = saved.user_id AND n.effective_from > clock.today))
      FROM saved, clock WHERE clock.fast
    ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state
), history AS (
    INSERT INTO user_history (user_id, actor_id, via, field, old_value, new_value, forced)
    SELECT saved.user_id, $8::bigint, $9::text, 'schedule',
           CASE WHEN p.user_id IS NULL THEN 'null'::jsonb
                ELSE jsonb_build_object('scope', 'user', 'rules', p.rules, 'inherit', p.inherit, 'effective_from', p.effective_from) END,
           jsonb_build_object('scope', 'user', 'rules', $3::jsonb, 'inherit', false, 'effective_from', clock.eff), $10::boolean
      FROM saved LEFT JOIN previous p ON p.user_id = saved.user_id, clock
    UNION ALL
    SELECT t.id, $8::bigint, $9::text, 'weekoffs', to_jsonb(t.weekoffs), to_jsonb(clock.days), $10::boolean
      FROM target t JOIN saved ON saved.user_id = t.id, clock
     WHERE clock.fast AND t.weekoffs IS DISTINCT FROM clock.days
    UNION ALL
    SELECT t.id, $8::bigint, $9::text, 'is_active', to_jsonb(t.is_active), to_jsonb($7::boolean), $10::boolean
      FROM target t WHERE t.is_active <> COALESCE($7::boolean, t.is_active)
)
SELECT (SELECT count(*) FROM changed), fast FROM clock`

// bulkRefreshSQL is refreshStateSQL for the users $1, recording the
// week-offs that change today in their history as the single-user writes
// do. $2 actor, $3 via, $4 forced.
const bulkRefreshSQL = `
WITH clock AS MATERIALIZED (SELECT org_today() AS today),
fresh AS MATERIALIZED (
    SELECT u.id, u.weekoffs AS old, schedule_state(u.id, u.team_id, clock.today) AS state
      FROM users u, clock WHERE u.id = ANY($1::bigint[])
), states AS (
    INSERT INTO user_schedule_state AS st (user_id, state) SELECT id, state FROM fresh
    ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state WHERE st.state::text IS DISTINCT FROM EXCLUDED.state::text
), days AS (
    UPDATE users u SET weekoffs = state_days(fresh.state) FROM fresh
     WHERE u.id = fresh.id AND u.weekoffs IS DISTINCT FROM state_days(fresh.state)
    RETURNING u.id, fresh.old, u.weekoffs
)
INSERT INTO user_history (user_id, actor_id, via, field, old_value, new_value, forced)
SELECT id, $2::bigint, $3::text, 'weekoffs', to_jsonb(old), to_jsonb(weekoffs), $4::boolean FROM days`

// ApplyBulkChange applies ch to the users ids in tx and returns how many
// changed; forced marks the history rows it writes as such (a queued
// change that was forced past the coverage guard). Deactivating every
// active admin left is refused user by user: the one with the lowest id
// stays active, and is returned as skipped.
func (s *Store) ApplyBulkChange(ctx context.Context, tx pgx.Tx, ids []int64, ch BulkChange, forced bool) (int64, []JobItemError, error) {
	ids, skipped, err := s.spareLastAdmin(ctx, tx, ids, ch)
	if err != nil {
		return 0, nil, err
	}
	var rules any
	if ch.Rules != nil {
		raw, err := json.Marshal(*ch.Rules)
		if err != nil {
			return 0, nil, err
		}
		rules = string(raw)
	}
	var eff any
	if !ch.EffectiveFrom.IsZero() {
		eff = ch.EffectiveFrom.Time()
	}
	var team int64
	if ch.TeamID != nil {
		team = *ch.TeamID
	}
	// Planned for its own 5,000 ids, the statement's estimated cost is far
	// above jit_above_cost, and compiling it took 0.2 s of a 2.2 s batch.
	// Such custom plans are made for the first five executions of the
	// prepared statement on each connection of the pool (later ones use
	// the generic plan, which is not compiled), and for every request that
	// applies a change at once.
	if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
		return 0, nil, fmt.Errorf("bulk change: %w", err)
	}
	actor := actorFrom(ctx)
	var changed int64
	var fast bool
	err = tx.QueryRow(ctx, bulkChangeSQL, ids, ch.Rules != nil, rules, eff, ch.TeamID != nil, team, ch.IsActive, actor.id(), string(actor.Via), forced).
		Scan(&changed, &fast)
	if err == nil && !fast && (ch.Rules != nil || ch.TeamID != nil) {
		_, err = tx.Exec(ctx, bulkRefreshSQL, ids, actor.id(), string(actor.Via), forced)
	}
	if err != nil {
		if isForeignKeyViolation(err) {
			return 0, nil, unknownTeam()
		}
		return 0, nil, fmt.Errorf("bulk change: %w", err)
	}
	return changed, skipped, nil
}

// spareLastAdmin takes out of ids, when ch deactivates, the first active
// admin if ids hold every active admin left. GuardLastAdmin refuses such a
// change before it starts; this catches admins deactivated since.
func (s *Store) spareLastAdmin(ctx context.Context, tx pgx.Tx, ids []int64, ch BulkChange) ([]int64, []JobItemError, error) {
	if ch.IsActive == nil || *ch.IsActive {
		return ids, nil, nil
	}
	rows, err := tx.Query(ctx, "SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE")
	if err != nil {
		return nil, nil, fmt.Errorf("bulk change: %w", err)
	}
	admins, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, nil, fmt.Errorf("bulk change: %w", err)
	}
	for _, a := range admins {
		if !slices.Contains(ids, a) {
			return ids, nil, nil
		}
	}
	if len(admins) == 0 {
		return ids, nil, nil
	}
	kept := slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return id == admins[0] })
	return kept, []JobItemError{{ID: admins[0], Msg: "Left active: the last active admin cannot be deactivated"}}, nil
}
