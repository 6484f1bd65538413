package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// MaxCoverageDays bounds a coverage range, both ends included.
const MaxCoverageDays = 92

// CoverageQuery asks for the figures of a range of dates (both ends
// included) for one team (TeamID) or everyone (0).
type CoverageQuery struct {
	From, To schedule.Date
	TeamID   int64
	// guardedOnly counts, of everyone, only the teams with a minimum: what
	// the guard of an organisation's change needs.
	guardedOnly bool
	// afterImport counts them (with guardedOnly) as the planned import of
	// the transaction would leave them, without it written: what a dry
	// run of the import needs (importAfterPeopleSQL).
	afterImport bool
}

// Coverage is the answer to a CoverageQuery: the figures of each date (the
// team's with its minimum, or everyone's with none) and every team-date
// below its team's minimum in the range (only the asked team's when one is
// asked), in date and then team order.
type Coverage struct {
	Days  []CoverageDay
	Short []ShortDay
}

// coverageKeySQL reads, for each active employee (of one team, or all),
// what tells their timelines apart over the range $1..$2: their team,
// their own schedule in force on $1 (its rules and inherit; its date as
// anchor only for alternate weeks, whose rhythm the date sets, so that
// people whose every-week rules started on different days share a group),
// and their own changes that start within the range. %[1]s joins the
// schedule in force on $1 as b and the changes as l (coverageScope), %[2]s
// narrows the users; %[3]s is what is selected from people.
const coverageKeySQL = `
WITH people AS (
    SELECT u.id, u.full_name, u.team_id, b.rules, b.inherit,
           CASE WHEN b.rules @> '[{"weeks": "alternate"}]' THEN b.effective_from END AS anchor, l.changes
      FROM users u %[1]s
     WHERE u.is_active AND u.role = 'employee' %[2]s
)
%[3]s`

// coverageKeyText is a group's key, [rules, inherit, anchor, changes], as
// JSON text that readGroups decodes.
const coverageKeyText = `'[' || COALESCE(rules::text, 'null') || ',' || COALESCE(inherit::text, 'null') || ','
    || COALESCE(to_json(anchor)::text, 'null') || ',' || COALESCE(changes::text, 'null') || ']'`

// coverageGroupsSelect counts coverageKeySQL's people by group. Everyone's
// group by the key as text so that PostgreSQL hashes: sorting 100,000 rows
// by jsonb spilled to disk and took 1.2 s of 2. One team's group by the
// values and make the text once a group: making it for each of a
// thousand members took 6 ms of 14 at 1,000,000 users.
func coverageGroupsSelect(team bool) string {
	if team {
		return `SELECT COALESCE(team_id, 0), ` + coverageKeyText + `, n
		  FROM (SELECT team_id, rules, inherit, anchor, changes, count(*) AS n FROM people GROUP BY 1, 2, 3, 4, 5) g`
	}
	return `SELECT COALESCE(team_id, 0), ` + coverageKeyText + `, count(*) FROM people GROUP BY 1, 2`
}

// changesAgg is a person's own changes, oldest first, as the key holds them.
const changesAgg = `jsonb_agg(jsonb_build_array(s.effective_from, s.rules, s.inherit) ORDER BY s.effective_from)`

// coverageScope is coverageKeySQL's %[1]s and %[2]s. Everyone's read the
// schedule in force in one pass (newest first per user, from the index): a
// probe per person took 30 µs each, 3 s over 100,000; and every change
// within the range in another (by date, from schedules_user_from_idx). One
// team's probe each member's, both of them: reading every user's changes
// within a month took 30 ms of a team's 46 at 100,000 (the seeded people
// were created, and their schedules begin, on every day of two years), and
// grows with everyone, where the probes grow with the team. The changes'
// bounds are written as rows of (user_id, effective_from) so that only
// schedules_user_key can serve them: with plain dates the planner, finding
// the two indexes alike, read every change within the range once per member
// through schedules_user_from_idx (7,000 pages for a team at 1,000,000).
func coverageScope(team bool) (base, users string) {
	if !team {
		return `LEFT JOIN (SELECT DISTINCT ON (s.user_id) s.user_id, s.effective_from, s.rules, s.inherit
		      FROM schedules s WHERE s.user_id IS NOT NULL AND s.effective_from <= $1::date
		     ORDER BY s.user_id DESC, s.effective_from DESC) b ON b.user_id = u.id
		  LEFT JOIN (SELECT s.user_id, ` + changesAgg + ` AS changes
		      FROM schedules s WHERE s.user_id IS NOT NULL AND s.effective_from > $1::date AND s.effective_from <= $2::date
		     GROUP BY s.user_id) l ON l.user_id = u.id`, ""
	}
	return `LEFT JOIN LATERAL (SELECT s.effective_from, s.rules, s.inherit FROM schedules s
		     WHERE s.user_id = u.id AND s.effective_from <= $1::date ORDER BY s.effective_from DESC LIMIT 1) b ON true
		  LEFT JOIN LATERAL (SELECT ` + changesAgg + ` AS changes FROM schedules s
		     WHERE s.user_id = u.id AND (s.user_id, s.effective_from) > (u.id, $1::date) AND (s.user_id, s.effective_from) <= (u.id, $2::date)) l ON true`,
		"AND u.team_id = $3"
}

// batcher is a pool, a connection or a transaction: what coverage reads through.
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Coverage counts who works and who is off on each date of q's range. It
// groups people by the schedule timeline they share and expands each
// distinct timeline once, so its cost grows with the number of distinct
// timelines and dates, not with the number of people (PostgreSQL still
// reads each person's row once to group them). An unknown team is
// ErrTeamNotFound.
func (s *Store) Coverage(ctx context.Context, q CoverageQuery) (*Coverage, error) {
	cov, extra, err := coverageOf(ctx, s.pool, &s.coverageKeys, q)
	if err != nil {
		return nil, err
	}
	return cov, s.foldCoverageLedger(ctx, extra)
}

// coverageOf is Coverage read through db: the pool, or the transaction of
// a change that the guard checks. Everyone's figures (and the guarded
// teams') come from the groups kept on write (migration 00017) when they
// hold for the range, else are counted; one team's are counted, from its
// members' rows. extra is how many rows the kept ledger holds beyond one a
// group (0 when not read), for the caller to fold. keys decodes the kept
// keys (nil: afresh each time).
func coverageOf(ctx context.Context, db batcher, keys *timelineKeys, q CoverageQuery) (_ *Coverage, extra int64, err error) {
	var in coverageInput
	kept := false
	if q.TeamID == 0 && !q.afterImport { // the kept groups are the people as they are
		var k keptInputs
		if k, err = readKeptCoverageInputs(ctx, db, keys, q); err != nil {
			return nil, 0, err
		}
		in, kept, extra = k.coverageInput, k.holds, k.extra
	}
	if !kept {
		if in, err = readCoverageInputs(ctx, db, q); err != nil {
			return nil, 0, err
		}
	}
	return coverageFrom(q, in), extra, nil
}

// coverageFrom counts q's figures from its inputs.
func coverageFrom(q CoverageQuery, in coverageInput) *Coverage {
	counts := countCoverage(q.From, q.To, in.groups, in.shared.byTeam, in.shared.org)
	n := q.From.DaysUntil(q.To) + 1
	out := &Coverage{}
	if q.TeamID != 0 {
		tc := counts[q.TeamID]
		if tc == nil {
			tc = sumCounts(n, nil)
		}
		out.Days = tc.days(q.From, in.minimum[q.TeamID])
	} else {
		out.Days = sumCounts(n, counts).days(q.From, 0)
	}
	out.Short = shortDays(q.From, n, counts, in.minimum, in.names)
	return out
}

// coverageInput is what coverage is counted from: the timeline groups,
// the shared schedules, and the minimum and name of the teams that matter
// (those with a minimum, or the one asked for).
type coverageInput struct {
	groups  []timelineGroup
	shared  sharedTimelines
	minimum map[int64]int
	names   map[int64]string
}

// readCoverageInputs reads q's coverageInput in one round trip.
func readCoverageInputs(ctx context.Context, db batcher, q CoverageQuery) (in coverageInput, err error) {
	return readCoverageInputsWith(ctx, db, q, 0, nil)
}

// readCoverageInputsWith is readCoverageInputs that also reads, in the same
// round trip, the own schedules of user ownOf (0: none) into own: what the
// guard weighs a change of that person's against.
func readCoverageInputsWith(ctx context.Context, db batcher, q CoverageQuery, ownOf int64, own *schedule.Timelines) (in coverageInput, err error) {
	teams := "WHERE min_on_duty > 0"
	shared := sharedSelect + everyonesShared
	base, narrowUsers := coverageScope(q.TeamID != 0)
	var args []any
	if q.TeamID != 0 {
		teams = "WHERE id = $1"
		shared = sharedSelect + " WHERE scope = 'organisation' OR (scope = 'team' AND team_id = $1) ORDER BY effective_from"
		args = []any{q.TeamID}
	} else if q.guardedOnly {
		narrowUsers = "AND u.team_id IN (SELECT id FROM teams WHERE min_on_duty > 0)"
	}
	batch := &pgx.Batch{}
	// The batch is one implicit transaction: JIT stays off for it. Its
	// compilation took 0.9 s of a 3 s count over 100,000 people, for
	// queries that run in milliseconds without it.
	batch.Queue("SELECT set_config('jit', 'off', true)")
	batch.Queue("SELECT id, name, min_on_duty FROM teams "+teams+" ORDER BY id", args...)
	batch.Queue(shared, args...)
	people := fmt.Sprintf(coverageKeySQL, base, narrowUsers, coverageGroupsSelect(q.TeamID != 0))
	if q.afterImport {
		people = importAfterPeopleSQL + coverageGroupsSelect(false)
	}
	batch.Queue(people, append([]any{q.From.Time(), q.To.Time()}, args...)...)
	if ownOf != 0 {
		batch.Queue(scheduleSelect+" WHERE scope = 'user' AND user_id = $1 ORDER BY effective_from", ownOf)
	}
	results := db.SendBatch(ctx, batch)
	defer func() {
		if closeErr := results.Close(); err == nil && closeErr != nil {
			err = fmt.Errorf("coverage: %w", closeErr)
		}
	}()
	if _, err = results.Exec(); err != nil {
		return in, fmt.Errorf("coverage: %w", err)
	}
	if in.minimum, in.names, err = readTeams(results); err != nil {
		return in, fmt.Errorf("coverage: %w", err)
	}
	if q.TeamID != 0 && in.names[q.TeamID] == "" {
		return in, ErrTeamNotFound
	}
	rows, err := results.Query()
	if err != nil {
		return in, fmt.Errorf("coverage: %w", err)
	}
	if in.shared, err = scanShared(rows); err != nil {
		return in, fmt.Errorf("coverage: %w", err)
	}
	if in.groups, err = readGroups(results, q.From); err != nil {
		return in, fmt.Errorf("coverage: %w", err)
	}
	if ownOf != 0 {
		if rows, err = results.Query(); err == nil {
			*own, err = scanSchedules(rows)
		}
		if err != nil {
			return in, fmt.Errorf("coverage: %w", err)
		}
	}
	return in, nil
}

// shortDays lists the team-dates below their team's minimum, in date and
// then team order. A team with a minimum and no active employees is short
// on every date.
func shortDays(from schedule.Date, n int, counts map[int64]*teamCounts, minimum map[int64]int, names map[int64]string) []ShortDay {
	var out []ShortDay
	ids := make([]int64, 0, len(minimum))
	for id := range minimum {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for i := range n {
		for _, id := range ids {
			if minimum[id] == 0 {
				continue
			}
			var working int64
			if tc := counts[id]; tc != nil {
				working = tc.people[i] - tc.off[i] - tc.half[i]
			}
			if working < int64(minimum[id]) {
				out = append(out, ShortDay{Date: from.AddDays(i), TeamID: id, TeamName: names[id], Working: working, MinOnDuty: minimum[id]})
			}
		}
	}
	return out
}

// readTeams reads the first result of coverageOf's batch.
func readTeams(results pgx.BatchResults) (map[int64]int, map[int64]string, error) {
	rows, err := results.Query()
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	minimum, names := map[int64]int{}, map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		var min int
		if err := rows.Scan(&id, &name, &min); err != nil {
			return nil, nil, err
		}
		minimum[id], names[id] = min, name
	}
	return minimum, names, rows.Err()
}

// sharedTimelines are the teams' and the organisation's schedules.
type sharedTimelines struct {
	byTeam map[int64][]schedule.Schedule
	org    []schedule.Schedule
}

// sharedSelect reads team and organisation schedules with their team, as
// scanShared scans them.
const sharedSelect = "SELECT id, scope, COALESCE(team_id, 0), rules, effective_from FROM schedules"

// everyonesShared narrows sharedSelect to every team's and the
// organisation's schedules, in date order. Written as the two partial
// indexes' predicates so that PostgreSQL reads those: "scope <> 'user'"
// read every schedule (200 ms at a million users, where the kept groups
// answer in a few).
const everyonesShared = " WHERE team_id IS NOT NULL OR scope = 'organisation' ORDER BY effective_from"

// scanShared reads rows of sharedSelect, in date order, into timelines by team.
func scanShared(rows pgx.Rows) (sharedTimelines, error) {
	defer rows.Close()
	out := sharedTimelines{byTeam: map[int64][]schedule.Schedule{}}
	for rows.Next() {
		var sc schedule.Schedule
		var team int64
		var rules json.RawMessage
		var from time.Time
		if err := rows.Scan(&sc.ID, &sc.Scope, &team, &rules, &from); err != nil {
			return out, err
		}
		if err := json.Unmarshal(rules, &sc.Rules); err != nil {
			return out, fmt.Errorf("schedule %d: stored rules: %w", sc.ID, err)
		}
		sc.EffectiveFrom = schedule.DateOf(from.Date())
		if sc.Scope == schedule.ScopeOrganisation {
			out.org = append(out.org, sc)
		} else {
			out.byTeam[team] = append(out.byTeam[team], sc)
		}
	}
	return out, rows.Err()
}

// readGroups reads the groups of coverageGroupsSelect: each key is
// [rules, inherit, anchor, changes] of the people's own schedules (rules
// null: none in force on from; anchor null: from will do; changes: null or
// [[date, rules, inherit], ...]).
func readGroups(results pgx.BatchResults, from schedule.Date) ([]timelineGroup, error) {
	rows, err := results.Query()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var groups []timelineGroup
	for rows.Next() {
		var g timelineGroup
		if err := rows.Scan(&g.TeamID, &g.Key, &g.Count); err != nil {
			return nil, err
		}
		if g.Own, err = ownFromKey(g.Key, from); err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	return groups, rows.Err()
}

// ownFromKey is the own schedules a group's key stands for.
func ownFromKey(key string, from schedule.Date) ([]schedule.Schedule, error) {
	var k struct {
		rules   *schedule.Rules
		inherit *bool
		anchor  *schedule.Date
		changes [][3]json.RawMessage
	}
	if err := json.Unmarshal([]byte(key), &[]any{&k.rules, &k.inherit, &k.anchor, &k.changes}); err != nil {
		return nil, fmt.Errorf("timeline key %s: %w", key, err)
	}
	var own []schedule.Schedule
	if k.inherit != nil {
		sc := schedule.Schedule{Scope: schedule.ScopeUser, EffectiveFrom: from, Inherit: *k.inherit}
		if k.rules != nil {
			sc.Rules = *k.rules
		}
		if k.anchor != nil {
			sc.EffectiveFrom = *k.anchor
		}
		own = append(own, sc)
	}
	for _, c := range k.changes {
		sc := schedule.Schedule{Scope: schedule.ScopeUser}
		if err := json.Unmarshal(c[0], &sc.EffectiveFrom); err != nil {
			return nil, fmt.Errorf("timeline key %s: %w", key, err)
		}
		if err := json.Unmarshal(c[1], &sc.Rules); err != nil {
			return nil, fmt.Errorf("timeline key %s: %w", key, err)
		}
		if err := json.Unmarshal(c[2], &sc.Inherit); err != nil {
			return nil, fmt.Errorf("timeline key %s: %w", key, err)
		}
		own = append(own, sc)
	}
	return own, nil
}

// ShortDays lists every team-date from..to below its team's minimum,
// counting only the members of teams that have one: what the start page
// and /metrics show, at a cost that grows with those teams, not everyone.
func (s *Store) ShortDays(ctx context.Context, from, to schedule.Date) ([]ShortDay, error) {
	cov, extra, err := coverageOf(ctx, s.pool, &s.coverageKeys, CoverageQuery{From: from, To: to, guardedOnly: true})
	if err != nil {
		return nil, err
	}
	return cov.Short, s.foldCoverageLedger(ctx, extra)
}
