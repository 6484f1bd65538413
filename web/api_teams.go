package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// teamJSON is a team as the contract writes it.
type teamJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Members   int64  `json:"members"`
	MinOnDuty int    `json:"min_on_duty"`
}

func toTeamJSON(t *models.Team) teamJSON {
	return teamJSON{ID: t.ID, Name: t.Name, Members: t.Members, MinOnDuty: t.MinOnDuty}
}

// listTeams lists every team by name.
func (s *Server) listTeams(c *gin.Context) error {
	teams, err := s.store.Teams(c.Request.Context())
	if err != nil {
		return err
	}
	items := make([]teamJSON, len(teams))
	for i := range teams {
		items[i] = toTeamJSON(&teams[i])
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
	return nil
}

// getTeam returns one team.
func (s *Server) getTeam(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	t, err := s.store.TeamByID(c.Request.Context(), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toTeamJSON(t))
	return nil
}

// createTeam creates a team.
func (s *Server) createTeam(c *gin.Context) error {
	in, err := decodeTeam(c)
	if err != nil {
		return err
	}
	t, err := s.store.CreateTeam(c.Request.Context(), in)
	if err != nil {
		return err
	}
	c.Header("Location", "/admin/teams/"+strconv.FormatInt(t.ID, 10))
	c.JSON(http.StatusCreated, toTeamJSON(t))
	return nil
}

// patchTeam renames a team or changes its minimum on duty.
func (s *Server) patchTeam(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	in, err := decodeTeam(c)
	if err != nil {
		return err
	}
	t, err := s.store.UpdateTeam(c.Request.Context(), id, in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toTeamJSON(t))
	return nil
}

// deleteTeam deletes a team without members.
func (s *Server) deleteTeam(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteTeam(c.Request.Context(), id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// decodeTeam reads a team's body: name and min_on_duty, both optional here
// (the model says what create requires).
func decodeTeam(c *gin.Context) (models.TeamInput, error) {
	var in models.TeamInput
	err := decodeBody(c, stringField("name", &in.Name, false), intField("min_on_duty", &in.MinOnDuty))
	return in, err
}
