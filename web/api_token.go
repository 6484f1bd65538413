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
func (s *Server) issueToken(c *gin.Context) error {
	form, err := parseForm(c, errInvalid("body", models.FieldErrors{{Loc: []any{}, Msg: "Body should be a form (application/x-www-form-urlencoded)", Type: "value_error"}}))
	if err != nil {
		return err
	}
	var missing models.FieldErrors
	for _, name := range []string{"username", "password"} {
		if form.Get(name) == "" {
			missing = append(missing, models.FieldError{Loc: []any{name}, Msg: "Field required", Type: "missing"})
		}
	}
	if gt := form.Get("grant_type"); gt != "" && gt != "password" {
		missing = append(missing, models.FieldError{Loc: []any{"grant_type"}, Msg: "String should match pattern '^password$'", Type: "string_pattern_mismatch"})
	}
	if len(missing) > 0 {
		return errInvalid("body", missing)
	}
	u, err := s.signIn(c, form.Get("username"), form.Get("password"))
	if errors.Is(err, models.ErrPassword) {
		return errStatus(http.StatusUnauthorized, msgBadLogin).withHeader("WWW-Authenticate", "Bearer")
	}
	if err != nil {
		return err
	}
	token, err := s.tokens.issue(u.Email, time.Now())
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"access_token": token, "token_type": "bearer", "expires_in": int(s.tokens.ttl.Seconds())})
	return nil
}
