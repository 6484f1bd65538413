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

// ErrScheduleNotFound is ErrNotFound for a schedule.
var ErrScheduleNotFound = fmt.Errorf("schedule: %w", ErrNotFound)

// ErrScheduleInForce means a schedule cannot be cancelled: it is in force
// or past; a new schedule from today replaces it instead.
var ErrScheduleInForce = errors.New("the schedule is in force or past; only upcoming changes can be cancelled")

// ScheduleInput is a change of schedule: rules, or Inherit (a user handing
// themselves back to their team's or organisation's schedule), from
// EffectiveFrom (zero: today, in the organisation's zone).
type ScheduleInput struct {
	Rules         schedule.Rules
	Inherit       bool
	EffectiveFrom schedule.Date
	// Today is the organisation's date when ParseSchedule read the input,
	// for telling a change from today from a planned one.
	Today schedule.Date
	// Force applies the change even where it leaves a team below its
	// minimum on duty (coverage_guard.go); its history rows say so. Only
	// admins may ask: the web layer checks who does.
	Force bool
}

// effectiveFrom is the input's date as a query parameter: nil for today,
// which the query reads from the database's clock.
func (in ScheduleInput) effectiveFrom() any {
	if in.EffectiveFrom.IsZero() {
		return nil
	}
	return in.EffectiveFrom.Time()
}

// setUserScheduleSQL writes a user's own schedule in one statement, so the
// user's row is locked for one round trip: it checks the version, the
// organisation's limit of days and the date; writes the schedule (replacing
// one of the same date); updates the week-offs in force today (a later
// schedule is applied on its date, ApplyDueSchedules); records the change in
// the history; and returns the user. Rules the same as those in force on the
// date add nothing. No row back means nothing was written (whyNotSaved says
// why).
//
// A change of one's own rules from today (what PUT /me/weekoffs makes) holds
// until one's next own change, whatever the team or organisation plan, so
// the statement writes that schedule state itself. Any other change, it
// cannot: its snapshot does not see the schedule it writes, which
// schedule_state would need, so the state is refreshed by a next statement
// (refreshUserSQL) and the user read after it.
//
// %s picks the target user in u (users): by id, $1, or for a bearer token
// by email, $1, and active. $2 version the caller read (0: any), $3 rules,
// $4 inherit, $5 effective date (NULL: today), $6 actor (NULL: the user
// themselves), $7 via, $8 version increment, $9 the limit of days if the
// organisation has none stored yet, $10 true when the coverage guard has
// checked the change (coverage_guard.go): until then a counted member of a
// team with a minimum is refused here, and setUserSchedule takes the
// guarded path.
const setUserScheduleSQL = `
WITH clock AS MATERIALIZED (
    SELECT org_today() AS today, COALESCE($5::date, org_today()) AS eff
), target AS (
    SELECT u.id, u.weekoffs, u.team_id FROM users u, clock
     WHERE %s AND ($2::int = 0 OR u.version = $2::int)
       AND jsonb_array_length($3::jsonb) <= COALESCE((SELECT weekoffs_max FROM organisation WHERE id = 1), $9::int)
       AND clock.eff >= clock.today
       AND ($10::boolean OR u.team_id IS NULL OR NOT (u.is_active AND u.role = 'employee')
            OR NOT EXISTS (SELECT 1 FROM teams t WHERE t.id = u.team_id AND t.min_on_duty > 0))
       FOR UPDATE OF u
), previous AS (
    SELECT s.rules, s.inherit, s.effective_from FROM schedules s, target, clock
     WHERE s.scope = 'user' AND s.user_id = target.id AND s.effective_from <= clock.eff
     ORDER BY s.effective_from DESC LIMIT 1
), saved AS (
    INSERT INTO schedules AS s (scope, user_id, rules, inherit, effective_from, applied, created_by)
    SELECT 'user', target.id, $3::jsonb, $4::boolean, clock.eff, clock.eff <= clock.today, COALESCE($6::bigint, target.id) FROM target, clock
     -- The same rules as those already in force then: nothing to add.
     WHERE NOT EXISTS (SELECT 1 FROM previous WHERE previous.rules = $3::jsonb AND previous.inherit = $4::boolean)
    ON CONFLICT (user_id, effective_from) WHERE user_id IS NOT NULL
    DO UPDATE SET rules = EXCLUDED.rules, inherit = EXCLUDED.inherit, applied = EXCLUDED.applied,
                  created_at = now(), created_by = EXCLUDED.created_by
    RETURNING s.id AS saved_id, s.effective_from AS saved_from, s.created_at AS saved_at
), days AS (
    SELECT CASE WHEN clock.eff > clock.today THEN target.weekoffs
                WHEN $4::boolean THEN state_days(schedule_state(NULL, target.team_id, clock.today))
                ELSE ARRAY(SELECT r ->> 'day' FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e (r, n) ORDER BY n) END AS weekoffs
      FROM target, clock
), changed AS (
    -- Rules already in force change nothing, not even the version: another
    -- client's If-Match stays good.
    UPDATE users u SET weekoffs = days.weekoffs,
           version = u.version + CASE WHEN EXISTS (SELECT 1 FROM saved) THEN $8::int ELSE 0 END,
           updated_at = CASE WHEN EXISTS (SELECT 1 FROM saved) THEN now() ELSE u.updated_at END
      FROM target, days WHERE u.id = target.id
    RETURNING u.*
), state AS (
    -- As schedule_state would write it: one's own rules, from today, until
    -- one's next own change.
    INSERT INTO user_schedule_state AS st (user_id, state)
    SELECT target.id, json_build_object('source', 'user', 'rules', $3::jsonb, 'effective_from', clock.eff,
           'next_change', (SELECT min(s.effective_from) FROM schedules s
                            WHERE s.scope = 'user' AND s.user_id = target.id AND s.effective_from > clock.eff))
      FROM target, clock
     WHERE clock.eff = clock.today AND NOT $4::boolean AND EXISTS (SELECT 1 FROM saved)
    ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state
    RETURNING st.state
), history AS (
    INSERT INTO user_history (user_id, actor_id, via, field, old_value, new_value)
    SELECT target.id, COALESCE($6::bigint, target.id), $7::text, 'schedule',
           COALESCE((SELECT jsonb_build_object('scope', 'user', 'rules', rules, 'inherit', inherit, 'effective_from', effective_from) FROM previous), 'null'),
           jsonb_build_object('scope', 'user', 'rules', $3::jsonb, 'inherit', $4::boolean, 'effective_from', clock.eff)
      FROM target, clock WHERE EXISTS (SELECT 1 FROM saved)
    UNION ALL
    SELECT target.id, COALESCE($6::bigint, target.id), $7::text, 'weekoffs', to_jsonb(target.weekoffs), to_jsonb(days.weekoffs)
      FROM target, days WHERE target.weekoffs IS DISTINCT FROM days.weekoffs
)
SELECT users.id, users.email, users.full_name, users.role, users.is_active, users.password_hash, users.weekoffs,
       users.created_at, users.updated_at, users.version, users.team_id, ` + teamNameColumn + `,
       COALESCE((SELECT state FROM state), (SELECT state FROM user_schedule_state WHERE user_id = users.id), '` + noScheduleState + `')
  FROM changed AS users`

// The statement's two ways of picking the user.
var (
	setUserScheduleByID    = fmt.Sprintf(setUserScheduleSQL, "u.id = $1::bigint")
	setUserScheduleByToken = fmt.Sprintf(setUserScheduleSQL, "u.email = $1::text AND u.is_active AND "+appliesDirectly)
)

// SetUserSchedule gives a user their own schedule from in.EffectiveFrom
// (today or later), replacing one of the same date, and returns the user.
// ifVersion, when not 0, is the version the caller read: if the user has
// changed since, nothing is written and the error is ErrStale. Days beyond
// the organisation's limit and past dates are FieldErrors.
func (s *Store) SetUserSchedule(ctx context.Context, id int64, in ScheduleInput, ifVersion int) (*User, error) {
	return s.setUserSchedule(ctx, userRef{id: id}, in, ifVersion, 1, "rules")
}

// SetWeekoffs replaces a user's week-offs: their own schedule of every-week,
// whole-day rules, from today. ifVersion works as in SetUserSchedule.
func (s *Store) SetWeekoffs(ctx context.Context, id int64, names []string, ifVersion int) (*User, error) {
	return s.setWeekoffs(ctx, userRef{id: id}, names, ifVersion)
}

// SetMyWeekoffs is SetWeekoffs for the active user whose bearer token names
// email, signing them in and writing in the one statement: a user unknown or
// inactive is ErrNotFound, and nothing is written. The change is recorded as
// the user's own.
func (s *Store) SetMyWeekoffs(ctx context.Context, email string, names []string, ifVersion int) (*User, error) {
	if !IsText(email) {
		return nil, ErrNotFound
	}
	return s.setWeekoffs(ctx, userRef{email: lowerTrim(email)}, names, ifVersion)
}

func (s *Store) setWeekoffs(ctx context.Context, who userRef, names []string, ifVersion int) (*User, error) {
	// The organisation's limit is checked by the statement, which saves a
	// round trip; here the names. More than seven names cannot be right,
	// and are refused with the organisation's limit in the message.
	limit := 7
	if len(names) > limit {
		o, err := s.Organisation(ctx)
		if err != nil {
			return nil, err
		}
		limit = o.WeekoffsMax
	}
	days, errs := ParseWeekdays("weekoffs", names, limit)
	if errs != nil {
		return nil, errs
	}
	return s.setUserSchedule(ctx, who, ScheduleInput{Rules: days.Rules()}, ifVersion, 1, "weekoffs")
}

// userRef names the user a change is for: by id, or by the email of a
// bearer token (then only an active user).
type userRef struct {
	id    int64
	email string
}

// setUserSchedule runs setUserScheduleSQL; bump is how much the version
// grows (0 inside a change that bumps it already), field names the input
// of the days in an error.
func (s *Store) setUserSchedule(ctx context.Context, who userRef, in ScheduleInput, ifVersion, bump int, field string) (*User, error) {
	rules, err := json.Marshal(in.Rules)
	if err != nil {
		return nil, err
	}
	query, key := setUserScheduleByID, any(who.id)
	if who.email != "" {
		query, key = setUserScheduleByToken, who.email
	}
	// The statement writes the state itself only for one's own rules from
	// today; anything else is refreshed, and the user read, after it.
	refresh := !in.EffectiveFrom.IsZero() || in.Inherit
	if refresh && who.email != "" {
		return nil, errors.New("set schedule: a change by token is of rules from today")
	}
	actor := actorFrom(ctx)
	conn, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if conn != nil {
			conn.Release()
		}
	}()
	// One round trip: the batch's statements run in one implicit
	// transaction, so the row is locked for that round trip only.
	batch := &pgx.Batch{}
	batch.Queue(query, key, ifVersion, string(rules), in.Inherit, in.effectiveFrom(), actor.id(), string(actor.Via), bump, s.weekoffsMax, false)
	if refresh {
		batch.Queue(refreshUserSQL, who.id)
		batch.Queue("SELECT "+userColumns+" FROM users WHERE id = $1", who.id)
	}
	results := conn.SendBatch(ctx, batch)
	var u User
	err = userScan(results.QueryRow(), &u)
	refused := errors.Is(err, pgx.ErrNoRows)
	if refused {
		err = nil
	}
	if err == nil && !refused && refresh {
		if _, err = results.Exec(); err == nil {
			err = userScan(results.QueryRow(), &u)
		}
	}
	if closeErr := results.Close(); err == nil {
		err = closeErr
	}
	if refused && err == nil {
		// whyNotSaved needs connections of its own: a pool full of
		// refused writers holding theirs would wait for none.
		conn.Release()
		conn = nil
		// One's own change that needs an admin's approval is a request,
		// whatever the team's coverage (checked when it is approved): the
		// guarded path below writes by id and would not ask.
		if who.email != "" {
			if err := s.appliesDirectlyByEmail(ctx, who.email); err != nil {
				return nil, err
			}
		}
		// A member of a team with a minimum: the guarded path, which
		// checks the team's coverage in the transaction of the write.
		if u, err := s.setUserScheduleGuarded(ctx, who, in, ifVersion, bump, string(rules)); !errors.Is(err, errRefused) {
			return u, err
		}
		return nil, s.whyNotSaved(ctx, who, in, ifVersion, field)
	}
	if err != nil {
		return nil, fmt.Errorf("set schedule: %w", err)
	}
	return &u, nil
}

// whyNotSaved finds which of setUserScheduleSQL's conditions refused a change.
func (s *Store) whyNotSaved(ctx context.Context, who userRef, in ScheduleInput, ifVersion int, field string) error {
	var u *User
	var err error
	if who.email != "" {
		if u, err = s.UserByEmail(ctx, who.email); err == nil && !u.IsActive {
			err = ErrNotFound
		}
		if err == nil {
			err = s.checkAppliesDirectly(ctx, u)
		}
	} else {
		u, err = s.UserByID(ctx, who.id)
	}
	if err != nil {
		return err
	}
	if ifVersion != 0 && u.Version != ifVersion {
		return ErrStale
	}
	o, err := s.Organisation(ctx)
	if err != nil {
		return err
	}
	if errs := checkScheduleInput(in, o, time.Now().In(o.Location()), field); errs != nil {
		return errs
	}
	// The user changed between the statement and this look: as stale.
	return ErrStale
}

// checkScheduleInput checks what the store alone can: the number of days
// against the organisation's limit and that the date is not past.
func checkScheduleInput(in ScheduleInput, o *Organisation, today time.Time, field string) FieldErrors {
	var errs FieldErrors
	if len(in.Rules) > o.WeekoffsMax {
		errs = append(errs, FieldError{Loc: []any{field}, Msg: fmt.Sprintf("Choose at most %d week-off days, not %d", o.WeekoffsMax, len(in.Rules)), Type: "too_long"})
	}
	if !in.EffectiveFrom.IsZero() && in.EffectiveFrom.Before(schedule.DateOf(today.Date())) {
		errs = append(errs, FieldError{Loc: []any{"effective_from"}, Msg: fmt.Sprintf("Choose today (%s) or a later date", today.Format(time.DateOnly)), Type: "value_error"})
	}
	return errs
}
