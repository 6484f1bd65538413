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

// offPeopleSQL lists the people of the groups that are off ($3 teams, $4
// keys, $5 parts, side by side), keyed as coverageGroupsSQL keys them, by
// name. %s narrows the users (one team).
const offPeopleSQL = `
SELECT u.id, u.full_name, u.email, COALESCE(t.name, ''), off.part
  FROM users u
  LEFT JOIN teams t ON t.id = u.team_id
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
  JOIN unnest($3::bigint[], $4::text[], $5::text[]) AS off (team_id, key, part)
    ON off.team_id = COALESCE(u.team_id, 0) AND off.key = COALESCE(own.key::text, 'null')
 WHERE u.is_active AND u.role = 'employee' %s
 ORDER BY lower(u.full_name), u.id
 OFFSET $6 LIMIT $7`

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
	users := ""
	args := []any{q.Date.Time(), q.Date.Time(), teams, keys, parts, q.Offset, q.Limit + 1}
	if q.TeamID != 0 {
		users = "AND u.team_id = $8"
		args = append(args, q.TeamID)
	}
	rows, err := s.pool.Query(ctx, fmt.Sprintf(offPeopleSQL, users), args...)
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
