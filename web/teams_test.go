package web_test

import (
	"net/http"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// TestTeams: admins create, rename and delete teams, put users in them and
// list a team's members; a team with members is not deleted, a name is
// unique in any letter case, and a user cannot join a team that does not exist.
func TestTeams(t *testing.T) {
	t.Parallel()
	a, _, token := newAdminApp(t)
	asha, _ := a.userWithToken("asha@example.com", models.RoleEmployee)
	a.user("ben@example.com", models.RoleEmployee)

	var team struct {
		ID        int64  `json:"id"`
		Name      string `json:"name"`
		Members   int64  `json:"members"`
		MinOnDuty int    `json:"min_on_duty"`
	}
	res := a.do(call{method: "POST", path: "/admin/teams", token: token, body: map[string]any{"name": " Support ", "min_on_duty": 2}, want: http.StatusCreated})
	decode(t, res, &team)
	if team.Name != "Support" || team.MinOnDuty != 2 || team.Members != 0 || res.Header().Get("Location") != "/admin/teams/"+itoa(team.ID) {
		t.Errorf("created: %+v, Location %q", team, res.Header().Get("Location"))
	}
	a.do(call{method: "POST", path: "/admin/teams", token: token, body: map[string]any{"name": "support"}, want: http.StatusConflict})

	// Into the team; the user object names it, and the list filters by it.
	userPath := "/admin/users/" + itoa(asha.ID)
	res = a.do(call{method: "PATCH", path: userPath, token: token, body: map[string]any{"team_id": team.ID}, want: http.StatusOK})
	var user struct {
		Team *struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"team"`
	}
	decode(t, res, &user)
	if user.Team == nil || user.Team.ID != team.ID || user.Team.Name != "Support" {
		t.Errorf("user's team after joining: %+v", user.Team)
	}
	if emails := listedEmails(t, a, token, "/admin/users?team="+itoa(team.ID)); len(emails) != 1 || emails[0] != "asha@example.com" {
		t.Errorf("team=%d lists %v, want asha only", team.ID, emails)
	}
	if emails := listedEmails(t, a, token, "/admin/users?team=none"); len(emails) != 2 {
		t.Errorf("team=none lists %v, want the admin and ben", emails)
	}
	a.do(call{method: "GET", path: "/admin/users?team=abc", token: token, want: http.StatusUnprocessableEntity})

	// A team that does not exist: 422, and the user keeps their team.
	res = a.do(call{method: "PATCH", path: userPath, token: token, body: map[string]any{"team_id": 999, "full_name": "Changed"}, want: http.StatusUnprocessableEntity})
	if !hasErrorAt(detailOf(t, res), "body", "team_id") {
		t.Errorf("the 422 does not name team_id: %s", res.Body)
	}
	if u, _ := a.store.UserByID(t.Context(), asha.ID); u.TeamID == nil || *u.TeamID != team.ID || u.FullName == "Changed" {
		t.Errorf("a refused change was saved: %+v", u)
	}

	// A team with members stays; renamed, it is still the user's.
	a.do(call{method: "DELETE", path: "/admin/teams/" + itoa(team.ID), token: token, want: http.StatusConflict})
	res = a.do(call{method: "PATCH", path: "/admin/teams/" + itoa(team.ID), token: token, body: map[string]any{"name": "Customer support"}, want: http.StatusOK})
	decode(t, res, &team)
	if team.Members != 1 || team.Name != "Customer support" {
		t.Errorf("renamed: %+v", team)
	}
	res = a.do(call{method: "GET", path: userPath, token: token, want: http.StatusOK})
	decode(t, res, &user)
	if user.Team == nil || user.Team.Name != "Customer support" {
		t.Errorf("user's team after the rename: %+v", user.Team)
	}

	// Out of the team with null (forced: the team needs 2 working); then the empty team can go.
	res = a.do(call{method: "PATCH", path: userPath, token: token, body: map[string]any{"team_id": nil}, want: http.StatusConflict})
	res = a.do(call{method: "PATCH", path: userPath, token: token, body: map[string]any{"team_id": nil, "force": true}, want: http.StatusOK})
	decode(t, res, &user)
	if user.Team != nil {
		t.Errorf("after team_id null the user has team %+v", user.Team)
	}
	a.do(call{method: "DELETE", path: "/admin/teams/" + itoa(team.ID), token: token, want: http.StatusNoContent})
	a.do(call{method: "GET", path: "/admin/teams/" + itoa(team.ID), token: token, want: http.StatusNotFound})
}

// listedEmails is the emails of the first page of a user list.
func listedEmails(t *testing.T, a *app, token, path string) []string {
	t.Helper()
	var page struct {
		Items []struct {
			Email string `json:"email"`
		} `json:"items"`
	}
	decode(t, a.do(call{method: "GET", path: path, token: token, want: http.StatusOK}), &page)
	var emails []string
	for _, u := range page.Items {
		emails = append(emails, u.Email)
	}
	return emails
}
