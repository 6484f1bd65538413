package models

import (
	"context"
	"fmt"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// OffQuery asks who is off on one date: of one team (TeamID) or everyone
// (0), a page of Limit people from Offset, by name.
type OffQuery struct {
	Date          schedule.Date
	TeamID        int64
	Offset, Limit int
}

// OffPerson is one active employee off on a date, and for how much of it.
type OffPerson struct {
	ID       int64
	FullName string
	Email    string
	TeamName string // "" for none
	Part     schedule.Part
}

// offPeopleSelect lists coverageKeySQL's people of the groups that are
// off ($4 teams, $5 keys, $6 parts, side by side), by name, a page ($7
// offset, $8 limit) at a time. Keys are compared as jsonb, whose equality
// is the grouping's (one team's group by the jsonb values).
const offPeopleSelect = `SELECT p.id, p.full_name, u.email, COALESCE(t.name, ''), off.part
  FROM people p
  JOIN users u ON u.id = p.id
  LEFT JOIN teams t ON t.id = p.team_id
  JOIN unnest($4::bigint[], $5::text[], $6::text[]) AS off (team_id, key, part)
    ON off.team_id = COALESCE(p.team_id, 0) AND off.key::jsonb = jsonb_build_array(p.rules, p.inherit, p.anchor, p.changes)
 ORDER BY lower(p.full_name), p.id
 OFFSET $7 LIMIT $8`

// OffOn lists who is off on q.Date, a page at a time, and whether more
// follow. It finds which timelines are off that day as Coverage counts
// them, then the people who share those timelines: one team's is quick;
// everyone's reads every active employee's row. An unknown team is
// ErrTeamNotFound.
func (s *Store) OffOn(ctx context.Context, q OffQuery) ([]OffPerson, bool, error) {
	cq := CoverageQuery{From: q.Date, To: q.Date, TeamID: q.TeamID}
	in, err := readCoverageInputs(ctx, s.pool, cq)
	if err != nil {
		return nil, false, err
	}
	groups, tl := in.groups, in.shared
	var teams []int64
	var keys, parts []string
	for _, g := range groups {
		t := schedule.Timelines{User: g.Own, Team: tl.byTeam[g.TeamID], Organisation: tl.org}
		if days := schedule.Expand(t.Periods(q.Date, q.Date)); len(days) > 0 {
			teams, keys, parts = append(teams, g.TeamID), append(keys, g.Key), append(parts, string(days[0].Part))
		}
	}
	if len(teams) == 0 {
		return nil, false, nil
	}
	base, narrowUsers := coverageScope(q.TeamID != 0)
	if q.TeamID == 0 {
		narrowUsers = "AND $3::bigint = 0" // $3 is passed either way: typed here
	}
	rows, err := s.pool.Query(ctx, fmt.Sprintf(coverageKeySQL, base, narrowUsers, offPeopleSelect),
		q.Date.Time(), q.Date.Time(), q.TeamID, teams, keys, parts, q.Offset, q.Limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("off on %s: %w", q.Date, err)
	}
	defer rows.Close()
	var out []OffPerson
	for rows.Next() {
		var p OffPerson
		if err := rows.Scan(&p.ID, &p.FullName, &p.Email, &p.TeamName, &p.Part); err != nil {
			return nil, false, fmt.Errorf("off on %s: %w", q.Date, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("off on %s: %w", q.Date, err)
	}
	more := len(out) > q.Limit
	return out[:min(len(out), q.Limit)], more, nil
}
