package models

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// DayEffect is what a request would do to its team on one weekday it asks
// off: how many of the team's other active employees are off that weekday
// already, how many would still work, and the team's minimum.
type DayEffect struct {
	Day       time.Weekday
	Others    int // the team's other active employees
	OthersOff int // of them, those off that weekday
	Working   int // those who would work that weekday with the request approved
	MinOnDuty int
	Short     bool // Working < MinOnDuty
}

// RequestEffects is the coverage effect of each pending request with a
// team, by request id: one DayEffect per weekday it asks off. "Off" is the
// schedule in force today (users.weekoffs, every pattern of weeks counted
// as that weekday off), which is cheap to count for a whole team: a
// figure for the next weeks' exact dates is the coverage report's.
// Requests without a team, decided ones and inherit ones have none.
func (s *Store) RequestEffects(ctx context.Context, reqs []Request) (map[int64][]DayEffect, error) {
	var teams, users []int64
	for _, r := range reqs {
		if r.Status == RequestPending && r.TeamID != nil && !r.Inherit && len(r.Rules) > 0 {
			teams, users = append(teams, *r.TeamID), append(users, r.UserID)
		}
	}
	out := map[int64][]DayEffect{}
	if len(teams) == 0 {
		return out, nil
	}
	batch := &pgx.Batch{}
	// Per team: its minimum, its active employees, and of them how many
	// are off on each weekday (Sunday first, as time.Weekday).
	batch.Queue(`
		SELECT t.id, t.min_on_duty, count(u.id),
		       ARRAY[count(*) FILTER (WHERE 'sunday' = ANY(u.weekoffs)), count(*) FILTER (WHERE 'monday' = ANY(u.weekoffs)),
		             count(*) FILTER (WHERE 'tuesday' = ANY(u.weekoffs)), count(*) FILTER (WHERE 'wednesday' = ANY(u.weekoffs)),
		             count(*) FILTER (WHERE 'thursday' = ANY(u.weekoffs)), count(*) FILTER (WHERE 'friday' = ANY(u.weekoffs)),
		             count(*) FILTER (WHERE 'saturday' = ANY(u.weekoffs))]
		  FROM teams t LEFT JOIN users u ON u.team_id = t.id AND u.is_active AND u.role = 'employee'
		 WHERE t.id = ANY($1) GROUP BY t.id`, teams)
	// The requesters as those counts saw them, so that they are not
	// counted among the others.
	batch.Queue(`SELECT id, weekoffs, is_active AND role = 'employee' FROM users WHERE id = ANY($1)`, users)
	results := s.pool.SendBatch(ctx, batch)
	defer results.Close()

	type teamCount struct {
		min, members int
		off          []int
	}
	counts := map[int64]teamCount{}
	rows, _ := results.Query()
	for rows.Next() {
		var id int64
		var tc teamCount
		if err := rows.Scan(&id, &tc.min, &tc.members, &tc.off); err != nil {
			return nil, fmt.Errorf("request effects: %w", err)
		}
		counts[id] = tc
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("request effects: %w", err)
	}
	type requester struct {
		days    []string
		counted bool
	}
	who := map[int64]requester{}
	rows, _ = results.Query()
	for rows.Next() {
		var id int64
		var r requester
		if err := rows.Scan(&id, &r.days, &r.counted); err != nil {
			return nil, fmt.Errorf("request effects: %w", err)
		}
		who[id] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("request effects: %w", err)
	}
	for _, r := range reqs {
		if r.Status != RequestPending || r.TeamID == nil || r.Inherit {
			continue
		}
		tc, ok := counts[*r.TeamID]
		if !ok {
			continue
		}
		me := who[r.UserID]
		for _, d := range r.Rules.Days() {
			e := DayEffect{Day: d, Others: tc.members, OthersOff: tc.off[d], MinOnDuty: tc.min}
			if me.counted {
				e.Others--
				for _, name := range me.days {
					if name == schedule.DayName(d) {
						e.OthersOff--
					}
				}
			}
			e.Working = e.Others - e.OthersOff
			e.Short = e.Working < e.MinOnDuty
			out[r.ID] = append(out[r.ID], e)
		}
	}
	return out, nil
}
