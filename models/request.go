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

// Request is an employee's change of days off waiting for, or decided by,
// an admin: made when the organisation's self_service is "approval".
type Request struct {
	ID      int64
	UserID  int64
	Rules   schedule.Rules
	Inherit bool
	// EffectiveFrom is the date asked for (today, when none was given).
	EffectiveFrom schedule.Date
	Status        RequestStatus
	Reason        string // why it was rejected (or replaced); "" for none
	CreatedAt     time.Time
	DecidedAt     *time.Time
	DecidedBy     *int64
	// AppliedFrom is the date an approved request took effect from:
	// EffectiveFrom, or the day of approval if that had passed.
	AppliedFrom *schedule.Date

	// Who asked, read with the request for the pages.
	UserName, UserEmail string
	TeamID              *int64
	TeamName            string
}

// RequestStatus is where a request stands.
type RequestStatus string

// The states of a request: pending until an admin approves or rejects it,
// or its author withdraws it (or replaces it with a newer one).
const (
	RequestPending   RequestStatus = "pending"
	RequestApproved  RequestStatus = "approved"
	RequestRejected  RequestStatus = "rejected"
	RequestWithdrawn RequestStatus = "withdrawn"
)

// RequestStatuses are the states, in the order the queue's filter offers them.
var RequestStatuses = []RequestStatus{RequestPending, RequestApproved, RequestRejected, RequestWithdrawn}

// ErrRequestNotFound is ErrNotFound for a request (or one that is not the
// caller's).
var ErrRequestNotFound = fmt.Errorf("request: %w", ErrNotFound)

// ErrRequestDecided means a request is no longer pending: approved,
// rejected or withdrawn. A *RequestDecidedError says which.
var ErrRequestDecided = errors.New("the request is no longer pending")

// RequestDecidedError is ErrRequestDecided with the state the request is in.
type RequestDecidedError struct{ Status RequestStatus }

func (e *RequestDecidedError) Error() string {
	return fmt.Sprintf("the request is no longer pending: it was %s", e.Status)
}

// Is makes a RequestDecidedError an ErrRequestDecided.
func (e *RequestDecidedError) Is(target error) bool { return target == ErrRequestDecided }

// ErrRequestOutdated means a request cannot be approved because its
// user's days off (their own schedules or their team) were changed after
// it was made: it was chosen against what no longer holds.
var ErrRequestOutdated = errors.New("the user's days off were changed after the request was made")

// ErrRequestTooManyDays means a request asks for more days than the
// organisation allows now (its limit was lowered since).
var ErrRequestTooManyDays = errors.New("the request asks for more days off than the organisation now allows")

// requestColumns are the columns read into a Request, in the order of scanRequest.
const requestColumns = `r.id, r.user_id, r.rules, r.inherit, r.effective_from, r.status, COALESCE(r.reason, ''),
	r.created_at, r.decided_at, r.decided_by, r.applied_from, u.full_name, u.email, u.team_id,
	COALESCE((SELECT name FROM teams WHERE teams.id = u.team_id), '')`

// requestFrom joins a request to its user for requestColumns.
const requestFrom = " FROM schedule_requests r JOIN users u ON u.id = r.user_id"

func scanRequest(row pgx.Row, r *Request) error {
	var rules json.RawMessage
	var from time.Time
	var applied *time.Time
	if err := row.Scan(&r.ID, &r.UserID, &rules, &r.Inherit, &from, &r.Status, &r.Reason, &r.CreatedAt,
		&r.DecidedAt, &r.DecidedBy, &applied, &r.UserName, &r.UserEmail, &r.TeamID, &r.TeamName); err != nil {
		return err
	}
	if err := json.Unmarshal(rules, &r.Rules); err != nil {
		return fmt.Errorf("request %d: stored rules: %w", r.ID, err)
	}
	r.EffectiveFrom = schedule.DateOf(from.Date())
	if applied != nil {
		d := schedule.DateOf(applied.Date())
		r.AppliedFrom = &d
	}
	return nil
}

// ErrApprovalRequired means a user's own change was not applied because
// the organisation wants approval: it is to be made a request instead.
var ErrApprovalRequired = errors.New("the organisation approves employees' changes")

// appliesDirectly is the condition, on the user u, under which their own
// change applies at once: they are an admin, or the organisation does not
// want approval. setUserScheduleSQL holds a change by token to it, so that
// PUT /me/weekoffs checks the setting in its one statement (a primary-key
// probe inside it, no round trip); a change it refuses for this is
// ErrApprovalRequired (checkAppliesDirectly).
const appliesDirectly = `(u.role = 'admin' OR NOT EXISTS (SELECT 1 FROM organisation WHERE id = 1 AND self_service = 'approval'))`

// checkAppliesDirectly is ErrApprovalRequired when u's own change would
// become a request, for telling why setUserScheduleSQL refused one.
func (s *Store) checkAppliesDirectly(ctx context.Context, u *User) error {
	if u.IsAdmin() {
		return nil
	}
	mode, err := s.SelfService(ctx)
	if err != nil {
		return err
	}
	if mode == SelfServiceApproval {
		return ErrApprovalRequired
	}
	return nil
}

// appliesDirectlyByEmail is checkAppliesDirectly for the active user with
// this email; an unknown or inactive one is ErrNotFound.
func (s *Store) appliesDirectlyByEmail(ctx context.Context, email string) error {
	u, err := s.UserByEmail(ctx, email)
	if err == nil && !u.IsActive {
		err = ErrNotFound
	}
	if err != nil {
		return err
	}
	return s.checkAppliesDirectly(ctx, u)
}

// SelfService is the organisation's self_service alone: one primary-key
// probe, cheap enough for the employee's hot path (PUT /me/weekoffs).
// Settings not yet stored are the default, direct.
func (s *Store) SelfService(ctx context.Context) (SelfService, error) {
	var mode SelfService
	err := s.pool.QueryRow(ctx, "SELECT self_service FROM organisation WHERE id = 1").Scan(&mode)
	if errors.Is(err, pgx.ErrNoRows) {
		return SelfServiceDirect, nil
	}
	if err != nil {
		return "", fmt.Errorf("self service: %w", err)
	}
	return mode, nil
}

// RequestWeekoffs is SetWeekoffs made a request: the days every week,
// whole days, from today, waiting for an admin. Nothing else changes.
func (s *Store) RequestWeekoffs(ctx context.Context, userID int64, names []string, ifVersion int) (*Request, error) {
	o, err := s.Organisation(ctx)
	if err != nil {
		return nil, err
	}
	days, errs := ParseWeekdays("weekoffs", names, o.WeekoffsMax)
	if errs != nil {
		return nil, errs
	}
	return s.RequestSchedule(ctx, userID, ScheduleInput{Rules: days.Rules()}, ifVersion)
}

// RequestSchedule is SetUserSchedule made a request (in was checked by
// ParseSchedule): it waits for an admin, and nothing else changes. A
// pending request of the user's is replaced: marked withdrawn, with the
// reason saying so, in the same transaction. ifVersion works as in
// SetUserSchedule.
func (s *Store) RequestSchedule(ctx context.Context, userID int64, in ScheduleInput, ifVersion int) (*Request, error) {
	rules, err := json.Marshal(in.Rules)
	if err != nil {
		return nil, err
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The user's row is locked so that two requests at once queue up:
		// the later replaces the earlier.
		var version int
		if err := tx.QueryRow(ctx, "SELECT version FROM users WHERE id = $1 FOR UPDATE", userID).Scan(&version); errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if ifVersion != 0 && version != ifVersion {
			return ErrStale
		}
		err := tx.QueryRow(ctx, `
			WITH replaced AS (
			    UPDATE schedule_requests SET status = 'withdrawn', decided_at = now(), decided_by = $1,
			           reason = 'Replaced by a newer request.'
			     WHERE user_id = $1 AND status = 'pending' RETURNING id
			)
			SELECT count(*) FROM replaced`, userID).Scan(new(int))
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `
			INSERT INTO schedule_requests (user_id, rules, inherit, effective_from, schedule_stamp)
			VALUES ($1, $2::jsonb, $3, COALESCE($4::date, org_today()), user_schedule_stamp($1))
			RETURNING id`, userID, string(rules), in.Inherit, in.effectiveFrom()).Scan(&id)
	})
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrStale) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("request change: %w", err)
	}
	return s.Request(ctx, id)
}

// Request returns one request.
func (s *Store) Request(ctx context.Context, id int64) (*Request, error) {
	var r Request
	err := scanRequest(s.pool.QueryRow(ctx, "SELECT "+requestColumns+requestFrom+" WHERE r.id = $1", id), &r)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrRequestNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	return &r, nil
}

// RequestFilter narrows the queue; nil members do not.
type RequestFilter struct {
	UserID *int64
	Status *RequestStatus
	Team   *int64 // 0 for users in no team
	Limit  int    // at most this many, newest first; 0 for RequestLimitDefault
}

// The queue's page size: its default and most.
const (
	RequestLimitDefault = 100
	RequestLimitMax     = 200
)

// Requests lists requests, newest first.
func (s *Store) Requests(ctx context.Context, f RequestFilter) ([]Request, error) {
	where, args := "true", []any{}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.UserID != nil {
		where += " AND r.user_id = " + arg(*f.UserID)
	}
	if f.Status != nil {
		where += " AND r.status = " + arg(string(*f.Status))
	}
	switch {
	case f.Team == nil:
	case *f.Team == 0:
		where += " AND u.team_id IS NULL"
	default:
		where += " AND u.team_id = " + arg(*f.Team)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = RequestLimitDefault
	}
	rows, err := s.pool.Query(ctx, "SELECT "+requestColumns+requestFrom+" WHERE "+where+" ORDER BY r.id DESC LIMIT "+arg(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("requests: %w", err)
	}
	defer rows.Close()
	out := []Request{}
	for rows.Next() {
		var r Request
		if err := scanRequest(rows, &r); err != nil {
			return nil, fmt.Errorf("requests: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("requests: %w", err)
	}
	return out, nil
}

// PendingRequests counts the requests waiting for an admin (the partial
// unique index holds exactly those).
func (s *Store) PendingRequests(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM schedule_requests WHERE status = 'pending'").Scan(&n); err != nil {
		return 0, fmt.Errorf("pending requests: %w", err)
	}
	return n, nil
}
