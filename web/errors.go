package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// errorStatus maps the model layer's errors to statuses and the text clients see.
var errorStatus = []struct {
	err    error
	status int
	detail string
}{
	{models.ErrNotFound, http.StatusNotFound, "User not found"},
	{models.ErrConflict, http.StatusConflict, "A user with this email already exists"},
	{models.ErrLastAdmin, http.StatusConflict, "Cannot demote or deactivate the last active admin"},
	{models.ErrPassword, http.StatusBadRequest, "Incorrect password"},
	{models.ErrStale, http.StatusPreconditionFailed, staleDetail},
}

// detail writes FastAPI's error shape, or the error page when the request
// is answered with HTML (see markPage).
func (s *Server) detail(c *gin.Context, status int, msg string) {
	if isPage(c) {
		s.errorPage(c, status, msg)
		return
	}
	c.AbortWithStatusJSON(status, gin.H{"detail": msg})
}

// fail answers a JSON request that failed with err. Only the model layer's
// known errors are described; anything else is logged and answered with a
// bare 500, whose body never holds the error's text.
func (s *Server) fail(c *gin.Context, err error) {
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		s.unprocessable(c, "body", fe)
		return
	}
	status, msg := s.classify(c, err)
	s.detail(c, status, msg)
}

// classify finds the status and message for err, logging the unexpected ones.
func (s *Server) classify(c *gin.Context, err error) (int, string) {
	for _, e := range errorStatus {
		if errors.Is(err, e.err) {
			return e.status, e.detail
		}
	}
	switch {
	case errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil:
		// The client went away; nobody reads this answer.
		return 499, "Client Closed Request"
	case models.IsUnavailable(err):
		s.log.Warn("database unavailable", "path", c.Request.URL.Path, "error", err)
		return http.StatusServiceUnavailable, "Database unavailable"
	}
	s.log.Error("request failed", "path", c.Request.URL.Path, "error", err)
	return http.StatusInternalServerError, "Internal Server Error"
}

// unprocessable writes a 422 in FastAPI's validation shape, each location
// prefixed with where the input came from ("body", "query").
func (s *Server) unprocessable(c *gin.Context, where string, errs models.FieldErrors) {
	if isPage(c) {
		// Pages show field errors beside their fields; one that gets here
		// is in the address (a malformed user number), which names nothing.
		s.errorPage(c, http.StatusNotFound, "Not Found")
		return
	}
	out := make(models.FieldErrors, len(errs))
	for i, e := range errs {
		e.Loc = append([]any{where}, e.Loc...)
		out[i] = e
	}
	c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"detail": out})
}
