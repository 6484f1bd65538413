package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// listUsers returns a page of the user list.
func (s *Server) listUsers(c *gin.Context) error {
	f, errs := parseUserFilter(c.Request.URL.Query())
	if errs != nil {
		return errInvalid("query", errs)
	}
	page, err := s.store.ListUsers(c.Request.Context(), f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toUserPageJSON(page))
	return nil
}

// getUser returns one user.
func (s *Server) getUser(c *gin.Context) error {
	u, err := s.userOfPath(c)
	if err != nil {
		return err
	}
	writeUser(c, http.StatusOK, u)
	return nil
}

// createUser creates a user. Which fields are required is the model's rule.
func (s *Server) createUser(c *gin.Context) error {
	var in models.UserInput
	if err := decodeBody(c, append(userFields(&in), stringField("email", &in.Email, false))...); err != nil {
		return err
	}
	u, err := s.store.CreateUser(c.Request.Context(), in)
	if err != nil {
		return err
	}
	c.Header("Location", "/admin/users/"+strconv.FormatInt(u.ID, 10))
	writeUser(c, http.StatusCreated, u)
	return nil
}

// patchUser changes any of a user's name, role, active flag, week-offs,
// team and password; "force": true applies a change that leaves a team
// short all the same (patches are an admin's).
func (s *Server) patchUser(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in models.UserInput
	var force *bool
	if err := decodeBody(c, append(userFields(&in), boolField("force", &force))...); err != nil {
		return err
	}
	in.Force = force != nil && *force
	u, err := s.store.UpdateUser(c.Request.Context(), id, in, version)
	if err != nil {
		return err
	}
	writeUser(c, http.StatusOK, u)
	return nil
}

// userFields are the members that both create and update take.
func userFields(in *models.UserInput) []field {
	return []field{
		stringField("full_name", &in.FullName, false),
		stringField("role", &in.Role, false),
		boolField("is_active", &in.IsActive),
		listField("weekoffs", &in.Weekoffs, false),
		stringField("password", &in.Password, false),
		idOrNullField("team_id", &in.TeamID),
	}
}

// userOfPath is the user the address's :id names.
func (s *Server) userOfPath(c *gin.Context) (*models.User, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return s.store.UserByID(c.Request.Context(), id)
}

// idParam reads the :id path parameter. A malformed one is a 422, as
// FastAPI answers; pages answer it as a page that does not exist.
func idParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, errInvalid("path", models.FieldErrors{{Loc: []any{"id"}, Msg: "Input should be a valid positive integer", Type: "int_parsing"}})
	}
	return id, nil
}
