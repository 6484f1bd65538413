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
}

// Coverage is the answer to a CoverageQuery: the figures of each date (the
// team's with its minimum, or everyone's with none) and every team-date
// below its team's minimum in the range (only the asked team's when one is
// asked), in date and then team order.
type Coverage struct {
	Days  []CoverageDay
	Short []ShortDay
}

// coverageGroupsSQL counts the active employees (of one team, or all) by
// team and by their own schedules that matter to the range from $1 to $2:
// the one in force on $1 and those that start within it. A schedule in
// force before the range is keyed without its date unless it has alternate
// weeks (whose rhythm the date sets), so that people whose every-week rules
// started on different days fall into one group. A NULL key: no schedule
// of their own. %s narrows the users (one team).
const coverageGroupsSQL = `
SELECT COALESCE(u.team_id, 0), own.key, count(*)
  FROM users u
  LEFT JOIN LATERAL (
    SELECT jsonb_agg(jsonb_build_array(
               CASE WHEN x.effective_from <= $1::date AND NOT x.rules @> '[{"weeks": "alternate"}]' THEN NULL ELSE x.effective_from END,
               x.rules, x.inherit) ORDER BY x.effective_from) AS key
      FROM ((SELECT effective_from, rules, inherit FROM schedules s
              WHERE s.user_id = u.id AND s.effective_from <= $1::date ORDER BY s.effective_from DESC LIMIT 1)
            UNION ALL
            SELECT effective_from, rules, inherit FROM schedules s
             WHERE s.user_id = u.id AND s.effective_from > $1::date AND s.effective_from <= $2::date) x
  ) own ON true
 WHERE u.is_active AND u.role = 'employee' %s
 GROUP BY 1, 2`

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
	return coverageOf(ctx, s.pool, q)
}

// coverageOf is Coverage read through db: the pool, or the transaction of
// a change that the guard checks.
func coverageOf(ctx context.Context, db batcher, q CoverageQuery) (*Coverage, error) {
	in, err := readCoverageInputs(ctx, db, q)
	if err != nil {
		return nil, err
	}
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
	return out, nil
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
	users, teams := "", "WHERE min_on_duty > 0"
	shared := sharedSelect + " WHERE scope <> 'user' ORDER BY effective_from"
	var args []any
	if q.TeamID != 0 {
		users, teams = "AND u.team_id = $3", "WHERE id = $1"
		shared = sharedSelect + " WHERE scope = 'organisation' OR (scope = 'team' AND team_id = $1) ORDER BY effective_from"
		args = []any{q.TeamID}
	} else if q.guardedOnly {
		users = "AND u.team_id IN (SELECT id FROM teams WHERE min_on_duty > 0)"
	}
	batch := &pgx.Batch{}
	batch.Queue("SELECT id, name, min_on_duty FROM teams "+teams+" ORDER BY id", args...)
	batch.Queue(shared, args...)
	batch.Queue(fmt.Sprintf(coverageGroupsSQL, users), append([]any{q.From.Time(), q.To.Time()}, args...)...)
	results := db.SendBatch(ctx, batch)
	defer func() {
		if closeErr := results.Close(); err == nil && closeErr != nil {
			err = fmt.Errorf("coverage: %w", closeErr)
		}
	}()
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

// readGroups reads the groups of coverageGroupsSQL. A key's undated
// schedule was in force before from: it is given from as its date.
func readGroups(results pgx.BatchResults, from schedule.Date) ([]timelineGroup, error) {
	rows, err := results.Query()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var groups []timelineGroup
	for rows.Next() {
		var g timelineGroup
		var key []byte
		if err := rows.Scan(&g.TeamID, &key, &g.Count); err != nil {
			return nil, err
		}
		g.Key = "null"
		if key != nil {
			g.Key = string(key)
		}
		if key != nil {
			var raw [][3]json.RawMessage
			if err := json.Unmarshal(key, &raw); err != nil {
				return nil, fmt.Errorf("timeline key: %w", err)
			}
			for _, e := range raw {
				sc := schedule.Schedule{Scope: schedule.ScopeUser, EffectiveFrom: from}
				var d *schedule.Date
				if err := json.Unmarshal(e[0], &d); err != nil {
					return nil, fmt.Errorf("timeline key: %w", err)
				}
				if d != nil {
					sc.EffectiveFrom = *d
				}
				if err := json.Unmarshal(e[1], &sc.Rules); err != nil {
					return nil, fmt.Errorf("timeline key: %w", err)
				}
				if err := json.Unmarshal(e[2], &sc.Inherit); err != nil {
					return nil, fmt.Errorf("timeline key: %w", err)
				}
				g.Own = append(g.Own, sc)
			}
		}
		groups = append(groups, g)
	}
	return groups, rows.Err()
}
