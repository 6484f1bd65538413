package main

import (
	"encoding/json"
	"net/http"

	"github.com/jackc/pgx/v5"
)

// The floor routes are the control's way of serving (no framework, no
// middleware, no log line) over the data the contract asks for: GET reads
// the user with their team and schedule, as weekoffs does; PUT writes, in
// one statement, the user's row, their schedule from today and the two
// history rows of the change. What the schema's triggers add (coverage keys,
// the chart's counts, search names) they pay as weekoffs does. So a floor
// row is what no implementation of the contract can beat on this schema and
// machine, and the ratio of weekoffs to it is what is left to win in the
// server; the floor's own ratio to the control is the cost of the data.

// floorUserColumns are controlUserColumns with the team and the schedule.
const floorUserColumns = controlUserColumns + `, team_id, COALESCE((SELECT name FROM teams WHERE teams.id = users.team_id), ''),
       COALESCE((SELECT state FROM user_schedule_state WHERE user_id = users.id), '{"source":"none","rules":[],"effective_from":null,"next_change":null}')`

// floorPutSQL writes the change as the contract records it: $1 days, $2
// email, $3 the days as every-week rules.
const floorPutSQL = `
WITH target AS (SELECT id, weekoffs FROM users WHERE email = $2 AND is_active FOR UPDATE),
saved AS (
    INSERT INTO schedules (scope, user_id, rules, inherit, effective_from, applied, created_by)
    SELECT 'user', id, $3::jsonb, false, current_date, true, id FROM target
    ON CONFLICT (user_id, effective_from) WHERE user_id IS NOT NULL
    DO UPDATE SET rules = EXCLUDED.rules, created_at = now(), created_by = EXCLUDED.created_by
), history AS (
    INSERT INTO user_history (user_id, actor_id, via, field, old_value, new_value)
    SELECT id, id, 'api', 'schedule', 'null', $3::jsonb FROM target
    UNION ALL
    SELECT id, id, 'api', 'weekoffs', to_jsonb(weekoffs), to_jsonb($1::text[]) FROM target
), changed AS (
    UPDATE users u SET weekoffs = $1, updated_at = now(), version = u.version + 1
      FROM target WHERE u.id = target.id RETURNING u.*
)
SELECT ` + floorUserColumns + ` FROM changed AS users`

// floorUser is the user object weekoffs returns, with its team and schedule.
type floorUser struct {
	controlUser
	Team     *floorTeam      `json:"team"`
	Schedule json.RawMessage `json:"schedule"`
}

type floorTeam struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func (ctl controlHandlers) floorGetMe(w http.ResponseWriter, r *http.Request) {
	email, ok := ctl.subject(r)
	if !ok {
		http.Error(w, `{"detail":"Not authenticated"}`, http.StatusUnauthorized)
		return
	}
	u, err := scanFloorUser(ctl.pool.QueryRow(r.Context(), "SELECT "+floorUserColumns+" FROM users WHERE email = $1", email))
	writeFloorUser(w, u, err)
}

func (ctl controlHandlers) floorPutMyWeekoffs(w http.ResponseWriter, r *http.Request) {
	email, days, ok := ctl.weekoffsPut(w, r)
	if !ok {
		return
	}
	type rule struct {
		Day   string `json:"day"`
		Part  string `json:"part"`
		Weeks string `json:"weeks"`
	}
	rules := make([]rule, len(days))
	for i, d := range days {
		rules[i] = rule{Day: d, Part: "full", Weeks: "every"}
	}
	rulesJSON, err := json.Marshal(rules)
	if err != nil {
		http.Error(w, `{"detail":"Internal Server Error"}`, http.StatusInternalServerError)
		return
	}
	u, err := scanFloorUser(ctl.pool.QueryRow(r.Context(), floorPutSQL, days, email, string(rulesJSON)))
	writeFloorUser(w, u, err)
}

func scanFloorUser(row pgx.Row) (floorUser, error) {
	var u floorUser
	var hash, teamName string
	var team *int64
	err := row.Scan(&u.ID, &u.Email, &u.FullName, &u.Role, &u.IsActive, &hash, &u.Weekoffs, &u.CreatedAt, &u.UpdatedAt,
		&team, &teamName, &u.Schedule)
	if err == nil && !u.IsActive {
		err = pgx.ErrNoRows
	}
	if team != nil {
		u.Team = &floorTeam{ID: *team, Name: teamName}
	}
	return u, err
}

func writeFloorUser(w http.ResponseWriter, u floorUser, err error) {
	if err != nil {
		writeControlUser(w, u.controlUser, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(u)
}
