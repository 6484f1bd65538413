package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

const userKey = "weekoffs.user"

// currentUser is the signed-in user that the api or page wrappers resolved, or nil.
func currentUser(c *gin.Context) *models.User {
	u, _ := c.Get(userKey)
	user, _ := u.(*models.User)
	return user
}

// authenticate resolves the bearer token's user into the context (the Go
// counterpart of the Python service's get_current_user), or answers 401 (503
// when the database is out of reach) and returns false. A missing or bad
// token, an unknown or an inactive user all get the same 401.
func (s *Server) authenticate(c *gin.Context) bool {
	u, err := s.bearerUser(c)
	if err != nil {
		if models.IsUnavailable(err) {
			s.fail(c, err)
			return false
		}
		c.Header("WWW-Authenticate", "Bearer")
		s.detail(c, http.StatusUnauthorized, "Not authenticated")
		return false
	}
	setUser(c, u, models.ViaAPI)
	return true
}

// setUser records the signed-in user for the handlers, and in the request's
// context as the actor of whatever it changes (the user's history).
func setUser(c *gin.Context, u *models.User, via models.Via) {
	c.Set(userKey, u)
	c.Request = c.Request.WithContext(models.WithActor(c.Request.Context(), models.Actor{UserID: u.ID, Via: via}))
}

// api wraps a JSON handler for API clients. They authenticate with a bearer
// token only: a browser's session cookie never authenticates the JSON API,
// so the API has no cross-site request forgery to defend against.
func (s *Server) api(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.authenticate(c) {
			h(c)
		}
	}
}

// adminAPI wraps a JSON handler for admins only.
func (s *Server) adminAPI(h gin.HandlerFunc) gin.HandlerFunc {
	return s.api(func(c *gin.Context) {
		if !currentUser(c).IsAdmin() {
			s.detail(c, http.StatusForbidden, "Admin privileges required")
			return
		}
		setUser(c, currentUser(c), models.ViaAdmin)
		h(c)
	})
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
