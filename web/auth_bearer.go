package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// publicAPI wraps a JSON handler that needs no sign-in. It is also the root
// of every other wrapper: it answers the handler's error through s.fail, in
// FastAPI's JSON shape unless a page wrapper installed the page responder.
func (s *Server) publicAPI(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.fail(c, err)
		}
	}
}

// api wraps a JSON handler for API clients. They authenticate with a bearer
// token only: a browser's session cookie never authenticates the JSON API,
// so the API has no cross-site request forgery to defend against.
func (s *Server) api(h handler) gin.HandlerFunc {
	return s.publicAPI(func(c *gin.Context) error {
		if err := s.authenticate(c); err != nil {
			return err
		}
		return h(c)
	})
}

// selfAPI wraps a JSON handler that changes the bearer token's own user in
// one statement which also signs them in (the user must exist and be
// active): checking the user first would cost a round trip of its own. The
// wrapper checks the token, which needs no database; the handler answers
// models.ErrNotFound from its write as not authenticated, and an input it
// refuses only once the user is known to be signed in (signedInOr).
func (s *Server) selfAPI(h func(c *gin.Context, email string) error) gin.HandlerFunc {
	return s.publicAPI(func(c *gin.Context) error {
		email, err := s.bearerSubject(c)
		if err != nil {
			return errNotAuthenticated()
		}
		// The change is the user's own: the write records them as its actor.
		c.Request = c.Request.WithContext(models.WithActor(c.Request.Context(), models.Actor{Via: models.ViaAPI}))
		return h(c, email)
	})
}

// signedInOr returns refused, the selfAPI handler's answer to its input,
// once the token's user is found active: a client signed out hears that
// first, as from any other route.
func (s *Server) signedInOr(c *gin.Context, refused error) error {
	if c.Request.Context().Err() != nil {
		// The client is gone or out of time (a body cut short or too slow):
		// no one is left to tell, and the database is not asked.
		return refused
	}
	if err := s.authenticate(c); err != nil {
		return err
	}
	return refused
}

// adminAPI wraps a JSON handler for admins only.
func (s *Server) adminAPI(h handler) gin.HandlerFunc { return s.api(adminOnly(h)) }

// adminOnly runs h for admins, recording them as acting as admins; anyone
// else is refused.
func adminOnly(h handler) handler {
	return func(c *gin.Context) error {
		u := currentUser(c)
		if !u.IsAdmin() {
			return errStatus(http.StatusForbidden, "Admin privileges required")
		}
		setUser(c, u, models.ViaAdmin)
		return h(c)
	}
}

// authenticate resolves the bearer token's user into the context (the Go
// counterpart of the Python service's get_current_user). A missing or bad
// token, an unknown or an inactive user all get the same 401; a database
// out of reach is not the client's fault and is not told as such.
func (s *Server) authenticate(c *gin.Context) error {
	u, err := s.bearerUser(c)
	if err != nil {
		if models.IsUnavailable(err) {
			return err
		}
		return errNotAuthenticated()
	}
	setUser(c, u, models.ViaAPI)
	return nil
}

// errNotAuthenticated answers a request without a valid bearer token.
func errNotAuthenticated() *httpError {
	return errStatus(http.StatusUnauthorized, "Not authenticated").withHeader("WWW-Authenticate", "Bearer")
}

var errNoToken = errors.New("no bearer token")

// bearerSubject returns the email that the request's bearer token is for,
// once its signature and expiry are checked.
func (s *Server) bearerSubject(c *gin.Context) (string, error) {
	scheme, raw, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return "", errNoToken
	}
	return s.tokens.subject(strings.TrimSpace(raw), time.Now())
}

// bearerUser returns the active user named by the request's bearer token.
func (s *Server) bearerUser(c *gin.Context) (*models.User, error) {
	email, err := s.bearerSubject(c)
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
