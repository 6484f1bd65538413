package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// handler is how every handler of the server is written: it answers the
// request, or returns why it could not, and s.fail answers that.
type handler func(c *gin.Context) error

// httpError is an answer that ends a request early: its status, the detail
// clients read, a 422's field errors, and headers that go with it. Helpers
// return one as an error; it reaches the client through s.fail.
type httpError struct {
	status  int
	detail  string
	fields  models.FieldErrors // a 422's problems, each Loc led by where the input came from
	header  http.Header
	message string         // what an error page says, where not the status's usual words
	heading string         // an error page's heading, where not the status's usual one
	short   []shortDayJSON // a 409 of the coverage guard: the dates a change would leave short
}

func (e *httpError) Error() string { return fmt.Sprintf("%d %s", e.status, e.detail) }

// errStatus is an error answered with status and a fixed detail text.
func errStatus(status int, detail string) *httpError {
	return &httpError{status: status, detail: detail}
}

// maxFieldErrors bounds the problems a 422 lists, so that a small hostile
// body (a list of a hundred thousand bad entries, as many unknown members)
// cannot make a reply of megabytes.
const maxFieldErrors = 20

// errInvalid is a 422 in FastAPI's validation shape; where ("body", "query",
// "path") leads each problem's location. It lists at most maxFieldErrors
// problems, then one saying how many more there were.
func errInvalid(where string, errs models.FieldErrors) *httpError {
	return errInvalidOf(where, errs, len(errs))
}

// errInvalidOf is errInvalid for total problems of which errs are the first.
func errInvalidOf(where string, errs models.FieldErrors, total int) *httpError {
	shown := errs[:min(len(errs), maxFieldErrors)]
	out := make(models.FieldErrors, len(shown), len(shown)+1)
	for i, e := range shown {
		e.Loc = append([]any{where}, e.Loc...)
		out[i] = e
	}
	if more := total - len(shown); more > 0 {
		out = append(out, models.FieldError{Loc: []any{where}, Msg: fmt.Sprintf("%d more problems were not listed", more), Type: "too_many_errors"})
	}
	return &httpError{status: http.StatusUnprocessableEntity, detail: "Unprocessable Entity", fields: out}
}

// withHeader adds a header that is sent with the answer.
func (e *httpError) withHeader(key, value string) *httpError {
	if e.header == nil {
		e.header = http.Header{}
	}
	e.header.Set(key, value)
	return e
}

// domainErrors maps the model layer's errors to what clients are told: the
// JSON detail and, for pages, the words of the error page. The first match
// wins, so a specific error comes before the one it wraps (ErrTeamNotFound
// is an ErrNotFound).
var domainErrors = []struct {
	err             error
	status          int
	detail, message string
}{
	{models.ErrTeamNotFound, http.StatusNotFound, "Team not found", "There is no team with this number."},
	{models.ErrJobNotFound, http.StatusNotFound, "Job not found", "There is no job with this number."},
	{models.ErrScheduleNotFound, http.StatusNotFound, "Schedule not found", "There is no such planned change."},
	{models.ErrRequestNotFound, http.StatusNotFound, "Request not found", "There is no such request."},
	{models.ErrRequestDecided, http.StatusConflict, "This request is no longer pending", ""},
	{models.ErrRequestOutdated, http.StatusConflict, msgRequestOutdated, ""},
	{models.ErrRequestTooManyDays, http.StatusConflict, msgRequestTooManyDays, ""},
	{models.ErrScheduleInForce, http.StatusConflict, "This schedule is in force or past; only upcoming changes can be cancelled", ""},
	{models.ErrTeamExists, http.StatusConflict, "A team with this name already exists", ""},
	{models.ErrTeamNotEmpty, http.StatusConflict, "The team has members; move them to another team first", ""},
	{models.ErrNotFound, http.StatusNotFound, "User not found", "There is no user with this number."},
	{models.ErrConflict, http.StatusConflict, "A user with this email already exists", ""},
	{models.ErrLastAdmin, http.StatusConflict, "Cannot demote or deactivate the last active admin", ""},
	{models.ErrPassword, http.StatusBadRequest, "Incorrect password", ""},
	{models.ErrInactive, http.StatusForbidden, msgInactive, ""},
	{models.ErrStale, http.StatusPreconditionFailed, staleDetail, ""},
}

// staleDetail answers a write based on an old version of the user.
const staleDetail = "The user was changed by someone else; fetch it again and retry"

// fail answers a request that failed with err, through the responder its
// route installed (JSON unless a page wrapper installed the page one).
func (s *Server) fail(c *gin.Context, err error) {
	e := s.classify(c, err)
	for k, v := range e.header {
		c.Writer.Header()[k] = v
	}
	respond := s.respondJSON
	if r, ok := c.Get(responderKey); ok {
		respond = r.(responder)
	}
	respond(c, e)
}

// classify finds the answer to err. Only httpErrors and the model layer's
// known errors are described; anything else is logged and becomes a bare
// 500, whose body never holds the error's text.
func (s *Server) classify(c *gin.Context, err error) *httpError {
	if e, ok := errors.AsType[*httpError](err); ok {
		return e
	}
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		return errInvalid("body", fe)
	}
	if se, ok := errors.AsType[*models.ShortError](err); ok {
		return &httpError{status: http.StatusConflict, detail: se.Error(), message: se.Error(), short: toShortDaysJSON(se.Short)}
	}
	for _, d := range domainErrors {
		if errors.Is(err, d.err) {
			return &httpError{status: d.status, detail: d.detail, message: d.message}
		}
	}
	if be, ok := errors.AsType[*bodyError](err); ok {
		// The client's fault, though it reads like a lost connection.
		s.log.Info("request body not received", "path", c.Request.URL.Path, "timed_out", be.timedOut(), "error", be.err)
		return be.answer()
	}
	switch {
	case clientGone(c) && (errors.Is(err, context.Canceled) || models.IsUnavailable(err)):
		// The client went away, cancelling the request's queries: nobody
		// reads this answer, and it says nothing about the database.
		return errStatus(statusClientClosed, "Client Closed Request")
	case models.IsUnavailable(err):
		s.log.Warn("database unavailable", "path", c.Request.URL.Path, "error", err)
		return errStatus(http.StatusServiceUnavailable, "Database unavailable")
	}
	s.log.Error("request failed", "path", c.Request.URL.Path, "error", err)
	return errStatus(http.StatusInternalServerError, "Internal Server Error")
}

// statusClientClosed is nginx's status for a request whose client hung up
// before the answer: it appears in the logs and metrics only.
const statusClientClosed = 499

// clientGone reports whether the request's client went away: net/http
// cancels the request's context when the connection closes. A deadline
// that passed (REQUEST_TIMEOUT) is not that.
func clientGone(c *gin.Context) bool {
	return errors.Is(c.Request.Context().Err(), context.Canceled)
}

// responder writes a failed request's answer in the form its route speaks.
type responder func(c *gin.Context, e *httpError)

const responderKey = "weekoffs.responder"

// answerWith installs the responder of the request's route; wrappers call it
// once, before anything can fail.
func answerWith(c *gin.Context, r responder) { c.Set(responderKey, r) }

// respondJSON writes FastAPI's error shape: {"detail": "..."}, or the list
// of field errors of a 422.
func (s *Server) respondJSON(c *gin.Context, e *httpError) {
	if e.fields != nil {
		c.AbortWithStatusJSON(e.status, gin.H{"detail": e.fields})
		return
	}
	if e.short != nil {
		c.AbortWithStatusJSON(e.status, gin.H{"detail": e.detail, "short": e.short})
		return
	}
	c.AbortWithStatusJSON(e.status, gin.H{"detail": e.detail})
}

// respondPage answers with an error page. A 422 that reaches it is in the
// address (a form's own problems are shown beside its fields), so the page
// does not exist.
func (s *Server) respondPage(c *gin.Context, e *httpError) {
	if e.status == http.StatusUnprocessableEntity {
		e = errStatus(http.StatusNotFound, "Not Found")
	}
	s.errorPage(c, e)
}
