package web_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// TestGuardSeesPlannedChanges: in a team of four whose minimum is three,
// one member plans Fridays off (the whole day for one, the morning for the
// other run) from three weeks on, which leaves three working. Today the
// days in force of every member are the same as before, so only the
// planned change tells that a second member asking for Fridays off now
// leaves the team short from that date: refused, with the first short
// Friday on or after it; Fridays before it were never short.
func TestGuardSeesPlannedChanges(t *testing.T) {
	t.Parallel()
	for _, part := range []string{"full", "morning"} {
		t.Run(part, func(t *testing.T) {
			t.Parallel()
			a, _, adminToken := newAdminApp(t)
			_, _, tokens := guardedTeam(t, a, adminToken, 3, 4)
			from := utcToday().AddDate(0, 0, 21)
			a.do(call{method: "PUT", path: "/me/schedule", token: tokens[0], want: http.StatusOK,
				body: map[string]any{"rules": []map[string]string{{"day": "friday", "part": part}}, "effective_from": day(from)}})

			res := a.do(call{method: "PUT", path: "/me/weekoffs", token: tokens[1], body: map[string]any{"weekoffs": []string{"friday"}}, want: http.StatusConflict})
			var out shortOut
			if err := json.Unmarshal(res.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			if len(out.Short) == 0 || out.Short[0].Date < day(from) || out.Short[0].Date > day(from.AddDate(0, 0, 6)) || out.Short[0].Working != 2 {
				t.Errorf("short dates: got %+v, want Fridays from %s with 2 working", out.Short, day(from))
			}
			// Another day than Friday leaves three working on every date.
			a.do(call{method: "PUT", path: "/me/weekoffs", token: tokens[1], body: map[string]any{"weekoffs": []string{"thursday"}}, want: http.StatusOK})
		})
	}
}

// TestGuardSeesPlannedTeamSchedule: two of a team of four follow the
// team's schedule, whose planned change takes Fridays off from three weeks
// on; the other two have schedules of their own without days off. Nothing
// in force today says so, yet a third member asking for Fridays off is
// refused from that date.
func TestGuardSeesPlannedTeamSchedule(t *testing.T) {
	t.Parallel()
	a, _, adminToken := newAdminApp(t)
	teamID, _, tokens := guardedTeam(t, a, adminToken, 1, 4)
	for _, tok := range tokens[2:] {
		a.do(call{method: "PUT", path: "/me/weekoffs", token: tok, body: map[string]any{"weekoffs": []string{}}, want: http.StatusOK})
	}
	from := utcToday().AddDate(0, 0, 21)
	a.do(call{method: "PUT", path: "/admin/teams/" + itoa(teamID) + "/schedule", token: adminToken, want: http.StatusOK,
		body: map[string]any{"rules": []map[string]string{{"day": "friday"}}, "effective_from": day(from)}})
	a.do(call{method: "PATCH", path: "/admin/teams/" + itoa(teamID), token: adminToken, body: map[string]any{"min_on_duty": 2}, want: http.StatusOK})

	res := a.do(call{method: "PUT", path: "/me/weekoffs", token: tokens[2], body: map[string]any{"weekoffs": []string{"friday"}}, want: http.StatusConflict})
	var out shortOut
	if err := json.Unmarshal(res.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Short) == 0 || out.Short[0].Date < day(from) || out.Short[0].Date > day(from.AddDate(0, 0, 6)) || out.Short[0].Working != 1 {
		t.Errorf("short dates: got %+v, want Fridays from %s with 1 working", out.Short, day(from))
	}
	if d, _ := time.Parse(time.DateOnly, out.Short[0].Date); d.Weekday() != time.Friday {
		t.Errorf("first short date %s is not a Friday", out.Short[0].Date)
	}
}

// TestGuardAfterManyChanges: one member of a team of three, whose minimum
// is two, takes Mondays off and back seventy times (each change adds to
// the team's kept counts, which the guard folds as they grow); the counts
// still tell that a second member asking for Mondays off while the first
// has them leaves one working, and not when the first has given them back.
func TestGuardAfterManyChanges(t *testing.T) {
	t.Parallel()
	a, _, adminToken := newAdminApp(t)
	_, _, tokens := guardedTeam(t, a, adminToken, 2, 3)
	for i := range 70 {
		days := []string{"monday"}
		if i%2 == 1 {
			days = []string{}
		}
		a.do(call{method: "PUT", path: "/me/weekoffs", token: tokens[0], body: map[string]any{"weekoffs": days}, want: http.StatusOK})
	}
	a.do(call{method: "PUT", path: "/me/weekoffs", token: tokens[1], body: map[string]any{"weekoffs": []string{"monday"}}, want: http.StatusOK})
	a.do(call{method: "PUT", path: "/me/weekoffs", token: tokens[0], body: map[string]any{"weekoffs": []string{"monday"}}, want: http.StatusConflict})
	var rows int
	if err := a.store.Pool().QueryRow(t.Context(), "SELECT count(*) FROM weekoff_counts").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows > 70 {
		t.Errorf("the kept counts hold %d rows after 72 changes, want them folded", rows)
	}
}
