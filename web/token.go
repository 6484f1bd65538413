package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// issueToken is the OAuth2 password flow: a form with username (the email)
// and password, as FastAPI's OAuth2PasswordRequestForm reads it.
func (s *Server) issueToken(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes)
	if err := c.Request.ParseForm(); err != nil {
		if tooLarge(err) {
			s.detail(c, http.StatusRequestEntityTooLarge, "Request body too large")
			return
		}
		s.unprocessable(c, "body", models.FieldErrors{{Loc: []any{}, Msg: "Body should be a form (application/x-www-form-urlencoded)", Type: "value_error"}})
		return
	}
	var missing models.FieldErrors
	for _, name := range []string{"username", "password"} {
		if c.Request.PostForm.Get(name) == "" {
			missing = append(missing, models.FieldError{Loc: []any{name}, Msg: "Field required", Type: "missing"})
		}
	}
	if gt := c.Request.PostForm.Get("grant_type"); gt != "" && gt != "password" {
		missing = append(missing, models.FieldError{Loc: []any{"grant_type"}, Msg: "String should match pattern '^password$'", Type: "string_pattern_mismatch"})
	}
	if len(missing) > 0 {
		s.unprocessable(c, "body", missing)
		return
	}
	email := c.Request.PostForm.Get("username")
	done, allowed := s.signInGate(c, email)
	if !allowed {
		return
	}
	u, err := s.store.Authenticate(c.Request.Context(), email, c.Request.PostForm.Get("password"))
	if errors.Is(err, models.ErrPassword) {
		done(false)
		c.Header("WWW-Authenticate", "Bearer")
		s.detail(c, http.StatusUnauthorized, "Incorrect email or password")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	done(true)
	token, err := s.tokens.issue(u.Email, time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"access_token": token, "token_type": "bearer", "expires_in": int(s.tokens.ttl.Seconds())})
}
