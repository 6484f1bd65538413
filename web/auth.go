package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

const userKey = "weekoffs.user"

// currentUser is the signed-in user that requireUser resolved, or nil.
func currentUser(c *gin.Context) *models.User {
	u, _ := c.Get(userKey)
	user, _ := u.(*models.User)
	return user
}

// requireUser resolves the current user from the bearer token (the Go
// counterpart of the Python service's get_current_user). A missing or bad
// token, an unknown or an inactive user all get the same 401.
func (s *Server) requireUser(c *gin.Context) {
	u, err := s.bearerUser(c)
	if err != nil {
		if models.IsUnavailable(err) {
			s.fail(c, err)
			return
		}
		c.Header("WWW-Authenticate", "Bearer")
		s.detail(c, http.StatusUnauthorized, "Not authenticated")
		return
	}
	c.Set(userKey, u)
	c.Next()
}

var errNoToken = errors.New("no bearer token")

// bearerUser returns the active user named by the request's bearer token.
func (s *Server) bearerUser(c *gin.Context) (*models.User, error) {
	scheme, raw, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return nil, errNoToken
	}
	email, err := s.tokens.subject(strings.TrimSpace(raw))
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByEmail(c.Request.Context(), email)
	if err != nil {
		return nil, err
	}
	if !u.IsActive {
		return nil, errors.New("user is inactive")
	}
	return u, nil
}

// requireAdmin lets only admins through; it runs after requireUser.
func (s *Server) requireAdmin(c *gin.Context) {
	if u := currentUser(c); u == nil || !u.IsAdmin() {
		s.detail(c, http.StatusForbidden, "Admin privileges required")
		return
	}
	c.Next()
}
