package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// GuardDays is how far the coverage guard looks ahead: today and the 83
// days after it, twelve weeks.
const GuardDays = 84

// ShortError refuses a change that would leave a team below its minimum
// on duty on some date of the next twelve weeks where it was not already
// as short: Short lists those dates, in date and team order, with the
// figures the change would leave.
type ShortError struct {
	Short []ShortDay
}

// Error says the first short date in words, as the API's detail does.
func (e *ShortError) Error() string {
	d := e.Short[0]
	return fmt.Sprintf("Team %s would have %d working on %s; it needs %d", d.TeamName, d.Working, d.Date, d.MinOnDuty)
}

// errRefused is the guarded write's "no row back": one of the statement's
// other conditions refused it, which whyNotSaved tells apart.
var errRefused = errors.New("the change was refused")

// The guard locks team rows FOR NO KEY UPDATE: it serialises guarded
// changes in a team, yet lets a user's move into the team (whose foreign
// key check takes a KEY SHARE lock after locking the user) go ahead, which
// FOR UPDATE would make a deadlock against a guarded change of that user.

// setUserScheduleGuarded is setUserSchedule for a counted member of a team
// with a minimum on duty. In one transaction it locks the team's row (so
// that changes in one team are checked one at a time, and two people cannot
// both take the last free day), counts the team's coverage for the next
// twelve weeks, works out what the change does to this person's days, and
// refuses with a ShortError unless nothing new falls short or in.Force;
// then it writes as the plain path does, marking the history rows forced
// when it overrode the guard.
func (s *Store) setUserScheduleGuarded(ctx context.Context, who userRef, in ScheduleInput, ifVersion, bump int, rules string) (*User, error) {
	actor := actorFrom(ctx)
	pick, key := "u.id = $1::bigint", any(who.id)
	if who.email != "" {
		pick, key = "u.email = $1::text AND u.is_active", who.email
	}
	var u User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id, teamID int64
		var minimum, version int
		var counted bool
		var day time.Time
		err := tx.QueryRow(ctx, `SELECT u.id, t.id, t.min_on_duty, u.is_active AND u.role = 'employee', org_today(), u.version
			  FROM users u JOIN teams t ON t.id = u.team_id WHERE `+pick+` FOR NO KEY UPDATE OF t`, key).Scan(&id, &teamID, &minimum, &counted, &day, &version)
		if errors.Is(err, pgx.ErrNoRows) {
			return errRefused // no team after all (moved meanwhile), or no such user: whyNotSaved tells
		}
		if err != nil {
			return err
		}
		if ifVersion != 0 && version != ifVersion {
			return errRefused // stale: said before any shortfall, as the plain path would
		}
		var short []ShortDay
		if minimum > 0 && counted {
			today := schedule.DateOf(day.Date())
			if short, err = userChangeShort(ctx, tx, id, teamID, today, in); err != nil {
				return err
			}
			if len(short) > 0 && !in.Force {
				return &ShortError{Short: short}
			}
		}
		refresh := !in.EffectiveFrom.IsZero() || in.Inherit
		batch := &pgx.Batch{}
		batch.Queue(setUserScheduleByID, id, ifVersion, rules, in.Inherit, in.effectiveFrom(), actor.id(), string(actor.Via), bump, s.weekoffsMax, true)
		if refresh {
			batch.Queue(refreshUserSQL, id)
			batch.Queue("SELECT "+userColumns+" FROM users WHERE id = $1", id)
		}
		if len(short) > 0 {
			batch.Queue(markForcedSQL, []int64{id})
		}
		results := tx.SendBatch(ctx, batch)
		defer results.Close()
		if err := userScan(results.QueryRow(), &u); errors.Is(err, pgx.ErrNoRows) {
			return errRefused
		} else if err != nil {
			return err
		}
		if refresh {
			if _, err := results.Exec(); err != nil {
				return err
			}
			if err := userScan(results.QueryRow(), &u); err != nil {
				return err
			}
		}
		if len(short) > 0 {
			if _, err := results.Exec(); err != nil {
				return err
			}
		}
		return results.Close()
	})
	if err != nil {
		if _, ok := errors.AsType[*ShortError](err); ok || errors.Is(err, errRefused) {
			return nil, err
		}
		return nil, fmt.Errorf("set schedule: %w", err)
	}
	return &u, nil
}

// userChangeShort is the team-dates of the next twelve weeks that a change
// of one member's schedule would leave short where they were not, or were
// less so: the team's coverage as it stands, read in tx, with this
// person's days off before and after the change swapped. It first works
// out the dates the change takes this person off, and counts the team
// only when a bound read from the members' rows (guardBound) cannot show
// that enough of them work on each of those dates: a team well above its
// minimum, most of them, is never counted member by member.
func userChangeShort(ctx context.Context, tx pgx.Tx, userID, teamID int64, today schedule.Date, in ScheduleInput) ([]ShortDay, error) {
	q := CoverageQuery{From: today, To: today.AddDays(GuardDays - 1), TeamID: teamID}
	pre, err := readGuardBound(ctx, tx, q, userID)
	if err != nil {
		return nil, err
	}
	before := schedule.Timelines{User: pre.own.User, Team: pre.shared.byTeam[teamID], Organisation: pre.shared.org}
	after := before
	after.User = append([]schedule.Schedule(nil), before.User...)
	eff := in.EffectiveFrom
	if eff.IsZero() {
		eff = today
	}
	after.Add(schedule.Schedule{Scope: schedule.ScopeUser, Rules: in.Rules, Inherit: in.Inherit, EffectiveFrom: eff})

	n := GuardDays
	offBefore := make([]bool, n)
	for _, d := range schedule.Expand(before.Periods(q.From, q.To)) {
		offBefore[q.From.DaysUntil(d.Date)] = true
	}
	var newlyOff []int // one more person off: the only dates that can fall short
	for _, d := range schedule.Expand(after.Periods(q.From, q.To)) {
		if i := q.From.DaysUntil(d.Date); !offBefore[i] && (len(newlyOff) == 0 || newlyOff[len(newlyOff)-1] != i) {
			newlyOff = append(newlyOff, i)
		}
	}
	if len(newlyOff) == 0 || pre.bound.enough(q.From, newlyOff, pre.minimum) {
		return nil, nil
	}

	cov, err := readCoverageInputs(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	counts := countCoverage(q.From, q.To, cov.groups, cov.shared.byTeam, cov.shared.org)[teamID]
	if counts == nil {
		counts = sumCounts(n, nil)
	}
	minimum := cov.minimum[teamID]
	var short []ShortDay
	for _, i := range newlyOff {
		working := counts.people[i] - counts.off[i] - counts.half[i]
		if working-1 < int64(minimum) {
			short = append(short, ShortDay{Date: q.From.AddDays(i), TeamID: teamID, TeamName: cov.names[teamID], Working: working - 1, MinOnDuty: minimum})
		}
	}
	return short, nil
}

// newlyShort is the team-dates of after that are short where before was
// not, or where fewer work than before.
func newlyShort(before, after []ShortDay) []ShortDay {
	type key struct {
		date schedule.Date
		team int64
	}
	was := map[key]int64{}
	for _, d := range before {
		was[key{d.Date, d.TeamID}] = d.Working
	}
	var out []ShortDay
	for _, d := range after {
		if w, ok := was[key{d.Date, d.TeamID}]; !ok || d.Working < w {
			out = append(out, d)
		}
	}
	return out
}

// scopeGuard checks a team's (teamID) or the organisation's (0) change of
// schedule inside its transaction: lock the teams it can leave short, count
// their coverage before the write, and after it (check) refuse with a
// ShortError what falls newly short, unless forced.
type scopeGuard struct {
	q      CoverageQuery
	before *Coverage
	// only, when not nil, are the teams the guard locked: what falls short
	// in other teams (counted alongside them) is not this change's doing.
	only []int64
}

// beginScopeGuard locks the teams with a minimum that the change reaches
// and counts their coverage; nil when there are none.
func beginScopeGuard(ctx context.Context, tx pgx.Tx, teamID int64) (*scopeGuard, error) {
	var ids []int64
	var day time.Time
	rows, err := tx.Query(ctx, `SELECT id, org_today() FROM teams
		 WHERE min_on_duty > 0 AND ($1::bigint = 0 OR id = $1) ORDER BY id FOR NO KEY UPDATE`, teamID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &day); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, err
	}
	today := schedule.DateOf(day.Date())
	g := &scopeGuard{q: CoverageQuery{From: today, To: today.AddDays(GuardDays - 1), TeamID: teamID, guardedOnly: true}}
	if g.before, _, err = coverageOf(ctx, tx, nil, g.q); err != nil {
		return nil, err
	}
	return g, nil
}

// check counts again after the write and returns what fell newly short:
// a ShortError unless force, else the list, for the history to say forced.
func (g *scopeGuard) check(ctx context.Context, tx batcher, force bool) ([]ShortDay, error) {
	if g == nil {
		return nil, nil
	}
	after, _, err := coverageOf(ctx, tx, nil, g.q)
	if err != nil {
		return nil, err
	}
	short := newlyShort(g.before.Short, after.Short)
	if g.only != nil {
		short = slices.DeleteFunc(short, func(d ShortDay) bool { return !slices.Contains(g.only, d.TeamID) })
	}
	if len(short) > 0 && !force {
		return nil, &ShortError{Short: short}
	}
	return short, nil
}
