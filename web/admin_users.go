package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// listUsers returns a page of the user list.
func (s *Server) listUsers(c *gin.Context) {
	f, err := models.ParseUserFilter(c.Request.URL.Query())
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		s.unprocessable(c, "query", fe)
		return
	}
	page, err := s.store.ListUsers(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserPageJSON(page))
}

// getUser returns one user.
func (s *Server) getUser(c *gin.Context) {
	id, ok := s.userID(c)
	if !ok {
		return
	}
	u, err := s.store.UserByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	writeUser(c, http.StatusOK, u)
}

// createUser creates a user.
func (s *Server) createUser(c *gin.Context) {
	var in models.UserInput
	if !s.decodeBody(c, append(userFields(&in), stringField("email", &in.Email, true), stringField("password", &in.Password, true))...) {
		return
	}
	u, err := s.store.CreateUser(c.Request.Context(), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.chart.invalidate()
	c.Header("Location", "/admin/users/"+strconv.FormatInt(u.ID, 10))
	writeUser(c, http.StatusCreated, u)
}

// patchUser changes any of a user's name, role, active flag, week-offs and password.
func (s *Server) patchUser(c *gin.Context) {
	id, ok := s.userID(c)
	if !ok {
		return
	}
	version, ok := s.ifMatch(c)
	if !ok {
		return
	}
	var in models.UserInput
	if !s.decodeBody(c, append(userFields(&in), stringField("password", &in.Password, false))...) {
		return
	}
	u, err := s.store.UpdateUser(c.Request.Context(), id, in, version)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.chart.invalidate()
	writeUser(c, http.StatusOK, u)
}

// userFields are the members that both create and update take.
func userFields(in *models.UserInput) []field {
	return []field{
		stringField("full_name", &in.FullName, false),
		stringField("role", &in.Role, false),
		boolField("is_active", &in.IsActive),
		listField("weekoffs", &in.Weekoffs, false),
	}
}

// userID reads the :id path parameter; a malformed one is a 422, as FastAPI answers.
func (s *Server) userID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		s.unprocessable(c, "path", models.FieldErrors{{Loc: []any{"id"}, Msg: "Input should be a valid positive integer", Type: "int_parsing"}})
		return 0, false
	}
	return id, true
}
