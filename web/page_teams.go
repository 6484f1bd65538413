package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// teamMembersShown is how many members a team's page lists; the users list
// filtered by the team has them all.
const teamMembersShown = 20

// teamsPage is the admins' list of teams with the new-team form: the HTML
// form of GET /admin/teams.
func (s *Server) teamsPage(c *gin.Context) error {
	return s.renderTeams(c, http.StatusOK, templates.TeamsView{NewMinOnDuty: "0"})
}

// createTeamForm saves the new-team form: the browser's POST /admin/teams.
// A refused team is shown again in the form, beside the list.
func (s *Server) createTeamForm(c *gin.Context) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	t, err := s.store.CreateTeam(c.Request.Context(), teamInputFromForm(form))
	if err != nil {
		fields, status, err := teamFormErrors(err)
		if err != nil {
			return err
		}
		return s.renderTeams(c, status, templates.TeamsView{NewName: form.Get("name"), NewMinOnDuty: form.Get("min_on_duty"), Errors: fields})
	}
	s.flashAndRedirect(c, "Created team "+t.Name+".", teamPath(t.ID))
	return nil
}

func (s *Server) renderTeams(c *gin.Context, status int, v templates.TeamsView) error {
	teams, err := s.store.Teams(c.Request.Context())
	if err != nil {
		return err
	}
	v.Teams = teams
	p := s.newPage(c, "Teams")
	if len(v.Errors) > 0 {
		p.Title = "Error: Teams"
	}
	s.render(c, status, templates.Teams(p, v))
	return nil
}

// teamPage shows one team: the HTML form of GET /admin/teams/{id}.
func (s *Server) teamPage(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return s.renderTeam(c, http.StatusOK, id, nil)
}

// updateTeamForm saves a team's form: the browser's PATCH /admin/teams/{id}.
func (s *Server) updateTeamForm(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	t, err := s.store.UpdateTeam(c.Request.Context(), id, teamInputFromForm(form))
	if err != nil {
		fields, status, err := teamFormErrors(err)
		if err != nil {
			return err
		}
		return s.renderTeam(c, status, id, func(v *templates.TeamView) {
			v.Name, v.MinOnDuty, v.Errors = form.Get("name"), form.Get("min_on_duty"), fields
		})
	}
	s.flashAndRedirect(c, "Saved team "+t.Name+".", teamPath(id))
	return nil
}

// deleteTeamForm deletes a team from its page: the browser's DELETE
// /admin/teams/{id}. A team that has members is not deleted; its page says
// why. (The page offers no button then, but someone may have joined it
// since the page was drawn.)
func (s *Server) deleteTeamForm(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	t, err := s.store.TeamByID(c.Request.Context(), id)
	if err != nil {
		return err
	}
	err = s.store.DeleteTeam(c.Request.Context(), id)
	switch {
	case errors.Is(err, models.ErrTeamNotEmpty):
		return s.renderTeam(c, http.StatusConflict, id, func(v *templates.TeamView) { v.Error = msgTeamNotEmpty })
	case err != nil:
		return err
	}
	s.flashAndRedirect(c, "Deleted team "+t.Name+".", "/admin/teams")
	return nil
}

// postTeamScheduleForm saves the schedule form of a team's page: the
// browser's PUT /admin/teams/{id}/schedule (see postSchedule).
func (s *Server) postTeamScheduleForm(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return s.postSchedule(c, scheduleForm{
		save: s.saveShared(id),
		page: teamPath(id),
		redraw: func(status int, refused refusedSchedule) error {
			return s.renderTeam(c, status, id, func(v *templates.TeamView) { refused.onto(v.Editor) })
		},
	})
}

// cancelTeamScheduleForm cancels one of a team's upcoming changes of
// schedule: the browser's DELETE /admin/teams/{id}/schedule/{sid} (see
// cancelPlanned).
func (s *Server) cancelTeamScheduleForm(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	cancel := func(ctx context.Context, sid int64) error { return s.store.CancelScopeSchedule(ctx, id, sid) }
	return s.cancelPlanned(c, cancel, teamPath(id), func(status int, msg string) error {
		return s.renderTeam(c, status, id, func(v *templates.TeamView) { v.Error = msg })
	})
}

// renderTeam draws team id's page from what is stored; edit, if not nil,
// puts a refused form's values and problems on it.
func (s *Server) renderTeam(c *gin.Context, status int, id int64, edit func(*templates.TeamView)) error {
	ctx := c.Request.Context()
	t, err := s.store.TeamByID(ctx, id)
	if err != nil {
		return err
	}
	members, err := s.store.ListUsers(ctx, models.UserFilter{Limit: teamMembersShown, Sort: "name", Team: &id})
	if err != nil {
		return err
	}
	sched, err := s.store.ScopeScheduleView(ctx, id)
	if err != nil {
		return err
	}
	schedules, err := schedulesOf(members.Items)
	if err != nil {
		return err
	}
	p, org, err := s.orgPage(c, t.Name)
	if err != nil {
		return err
	}
	editor := sharedEditor(teamPath(id)+"/schedule", sched, org.WeekoffsMax)
	v := templates.TeamView{Team: *t, Name: t.Name, MinOnDuty: strconv.Itoa(t.MinOnDuty), Members: members.Items,
		Schedules: schedules, MembersURL: listURL(url.Values{"team": {strconv.FormatInt(id, 10)}}, nil), Schedule: sched,
		Editor: &editor}
	if edit != nil {
		edit(&v)
	}
	if v.Error != "" || len(v.Errors) > 0 || editor.Refused() {
		p.Title = "Error: " + t.Name
	}
	// The page's own address, not the one a form posted to, marks where
	// the navigation is.
	p.Path = teamPath(id)
	s.render(c, status, templates.Team(p, v))
	return nil
}

// teamInputFromForm reads a team's form. An empty minimum on duty is 0,
// no minimum; one that is not a whole number is out of range, so that the
// model's validation names it beside any problem with the name.
func teamInputFromForm(form url.Values) models.TeamInput {
	name := form.Get("name")
	raw := strings.TrimSpace(form.Get("min_on_duty"))
	if raw == "" {
		raw = "0"
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		n = -1
	}
	return models.TeamInput{Name: &name, MinOnDuty: &n}
}

// teamFormErrors puts what refused a team's form in the form's words: the
// problems beside the fields and the status. Any other error is returned
// as it is, to be answered as such (a team not found, the database).
func teamFormErrors(err error) (models.FieldErrors, int, error) {
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		return formErrors(fe), http.StatusUnprocessableEntity, nil
	}
	if errors.Is(err, models.ErrTeamExists) {
		return fieldError("name", msgTeamExists), http.StatusConflict, nil
	}
	return nil, 0, err
}

// schedulesOf decodes the schedules in force of users read from the
// store, by user id, for a page that lists them.
func schedulesOf(users []models.User) (map[int64]models.UserSchedule, error) {
	out := make(map[int64]models.UserSchedule, len(users))
	for i := range users {
		sched, err := users[i].Schedule()
		if err != nil {
			return nil, err
		}
		out[users[i].ID] = sched
	}
	return out, nil
}

// teamPath is the address of one team's page.
func teamPath(id int64) string { return "/admin/teams/" + strconv.FormatInt(id, 10) }
