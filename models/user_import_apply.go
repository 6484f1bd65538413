package models

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The steps of applying a planned import (import_plan), each over the rows
// $1 < row <= $2 so that a large file moves its progress; $3 is the actor
// (NULL for the command line), $4 the history's via.
const (
	// importCreateSQL adds the new users, without a password, and notes
	// their ids in the plan. Those given days from today have them in force
	// at once (the plan's todays_days, as state_days reads the state
	// importStateSQL writes for them), written with the row: a second write
	// of every row (each one non-HOT, with all the user's indexes) took a
	// third of a 100,000-row apply.
	importCreateSQL = `
WITH created AS (
    INSERT INTO users (email, full_name, role, is_active, team_id, password_hash, weekoffs)
    SELECT email, full_name, COALESCE(role, 'employee'), COALESCE(is_active, true), team_id, NULL,
           COALESCE(todays_days, '{}')
      FROM import_plan WHERE user_id IS NULL AND row > $1 AND row <= $2
     ORDER BY row
    RETURNING id, email
)
UPDATE import_plan p SET user_id = created.id, old_weekoffs = '{}' FROM created WHERE p.email = created.email`

	// importUpdateSQL changes the users whose rows change something, and
	// bumps their versions as any write does; days from today are in force
	// at once, in the same write.
	importUpdateSQL = `
UPDATE users u SET full_name = COALESCE(p.full_name, u.full_name), role = COALESCE(p.role, u.role),
       is_active = COALESCE(p.is_active, u.is_active), team_id = p.team_id,
       weekoffs = COALESCE(p.todays_days, u.weekoffs),
       version = u.version + 1, updated_at = now()
  FROM import_plan p
 WHERE u.id = p.user_id AND p.changes AND p.row > $1 AND p.row <= $2`

	// importHistorySQL records role, active and schedule changes as the
	// single-user writes do; the week-offs follow the refresh.
	importHistorySQL = `
INSERT INTO user_history (user_id, actor_id, via, field, old_value, new_value)
SELECT user_id, $3::bigint, $4::text, 'role', to_jsonb(old_role), to_jsonb(role)
  FROM import_plan WHERE changes AND role IS NOT NULL AND role <> old_role AND row > $1 AND row <= $2
UNION ALL
SELECT user_id, $3::bigint, $4::text, 'is_active', to_jsonb(old_active), to_jsonb(is_active)
  FROM import_plan WHERE changes AND is_active IS NOT NULL AND is_active <> old_active AND row > $1 AND row <= $2
UNION ALL
SELECT p.user_id, $3::bigint, $4::text, 'schedule',
       COALESCE((SELECT jsonb_build_object('scope', 'user', 'rules', s.rules, 'inherit', s.inherit, 'effective_from', s.effective_from)
                   FROM schedules s WHERE s.scope = 'user' AND s.user_id = p.user_id AND s.effective_from <= p.effective_from
                  ORDER BY s.effective_from DESC LIMIT 1), 'null'),
       jsonb_build_object('scope', 'user', 'rules', p.rules, 'inherit', false, 'effective_from', p.effective_from)
  FROM import_plan p WHERE p.changes AND p.schedule_change AND p.row > $1 AND p.row <= $2`

	// importScheduleSQL writes the users' own schedules, replacing one of
	// the same date; one that starts later is applied on its date.
	importScheduleSQL = `
INSERT INTO schedules AS s (scope, user_id, rules, inherit, effective_from, applied, created_by)
SELECT 'user', user_id, rules, false, effective_from, effective_from <= (SELECT org_today()), $3::bigint
  FROM import_plan WHERE schedule_change AND row > $1 AND row <= $2
ON CONFLICT (user_id, effective_from) WHERE user_id IS NOT NULL
DO UPDATE SET rules = EXCLUDED.rules, inherit = false, applied = EXCLUDED.applied,
              created_at = now(), created_by = EXCLUDED.created_by`

	// importWeekoffsHistorySQL records the days in force today that the
	// refresh changed, for users who were there before the import.
	importWeekoffsHistorySQL = `
INSERT INTO user_history (user_id, actor_id, via, field, old_value, new_value)
SELECT p.user_id, $3::bigint, $4::text, 'weekoffs', to_jsonb(p.old_weekoffs), to_jsonb(u.weekoffs)
  FROM import_plan p JOIN users u ON u.id = p.user_id
 WHERE p.changes AND u.weekoffs IS DISTINCT FROM p.old_weekoffs AND p.row > $1 AND p.row <= $2`
)

// importStateSQL writes the schedule state of the users whose state the
// import knows without resolving it user by user (schedule_state, a
// plpgsql call each, was 1 ms a user on a loaded machine): users given
// their own days from today have those in force, until their next own
// change (a team's or the organisation's cannot reach them meanwhile); new
// users without days of their own have their team's state, worked out once
// a team. The first have their users.weekoffs already (todays_days);
// it writes the others' as refreshStateSQL does.
const importStateSQL = `
WITH clock AS MATERIALIZED (SELECT org_today() AS today),
teams AS MATERIALIZED (
    SELECT k.team_id, schedule_state(NULL, k.team_id, clock.today) AS state
      FROM (SELECT DISTINCT team_id FROM import_plan
             WHERE old_name IS NULL AND NOT schedule_change AND row > $1 AND row <= $2) k, clock
), own AS MATERIALIZED (
    SELECT p.user_id AS id, json_build_object('source', 'user', 'rules', p.rules, 'effective_from', p.effective_from,
           'next_change', (SELECT min(s.effective_from) FROM schedules s
                            WHERE s.scope = 'user' AND s.user_id = p.user_id AND s.effective_from > p.effective_from)) AS state
      FROM import_plan p, clock
     WHERE p.schedule_change AND p.effective_from = clock.today AND p.row > $1 AND p.row <= $2
), followers AS MATERIALIZED (
    SELECT p.user_id AS id, t.state FROM import_plan p JOIN teams t ON t.team_id IS NOT DISTINCT FROM p.team_id
     WHERE p.old_name IS NULL AND NOT p.schedule_change AND p.row > $1 AND p.row <= $2
), states AS (
    INSERT INTO user_schedule_state AS st (user_id, state)
    SELECT id, state FROM own UNION ALL SELECT id, state FROM followers
    ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state WHERE st.state::text IS DISTINCT FROM EXCLUDED.state::text
)
UPDATE users u SET weekoffs = state_days(followers.state) FROM followers
 WHERE u.id = followers.id AND u.weekoffs IS DISTINCT FROM state_days(followers.state)`

// importRefreshSQL refreshes, user by user, the schedule state of the
// others whose rows could move it: a new team, or days from a later date
// (a new user's too: their team's days until then, and the date of the
// change). The ids are gathered once (an array), then looked up by the
// primary key: as IN (subquery), the planner was seen to pair each of
// 150,000 users with a scan of the plan.
var importRefreshSQL = fmt.Sprintf(refreshStateSQL, `u.id = ANY (ARRAY(SELECT user_id FROM import_plan
    WHERE (changes AND (schedule_change OR team_id IS DISTINCT FROM old_team) OR old_name IS NULL AND schedule_change)
      AND todays_days IS NULL AND row > $1 AND row <= $2))`)

// applyImport runs the steps over the plan, a chunk of rows at a time, in
// the caller's transaction.
func applyImport(ctx context.Context, tx pgx.Tx, actor Actor, total int, opts ImportOptions) error {
	var last int
	if err := tx.QueryRow(ctx, "SELECT COALESCE(max(row), 0) FROM import_plan").Scan(&last); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "CREATE INDEX ON import_plan (row)"); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "ANALYZE import_plan"); err != nil {
		return err
	}
	via := string(ViaImport)
	done := 0
	for lo := 1; lo < last; lo += importChunk {
		hi := min(lo+importChunk, last)
		batch := &pgx.Batch{}
		batch.Queue(importCreateSQL, lo, hi)
		batch.Queue(importUpdateSQL, lo, hi)
		batch.Queue(importHistorySQL, lo, hi, actor.id(), via)
		batch.Queue(importScheduleSQL, lo, hi, actor.id())
		batch.Queue(importStateSQL, lo, hi)
		batch.Queue(importRefreshSQL, lo, hi)
		batch.Queue(importWeekoffsHistorySQL, lo, hi, actor.id(), via)
		batch.Queue("SELECT count(*) FROM import_plan WHERE row > $1 AND row <= $2", lo, hi)
		results := tx.SendBatch(ctx, batch)
		var err error
		for range 7 {
			if _, err = results.Exec(); err != nil {
				break
			}
		}
		var n int
		if err == nil {
			err = results.QueryRow().Scan(&n)
		}
		if closeErr := results.Close(); err == nil {
			err = closeErr
		}
		if err != nil {
			return err
		}
		done += n
		progress(opts, done, total)
	}
	return nil
}
