package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/templates"
)

// errorViews are the words of the error pages; none of them comes from an error's text.
var errorViews = map[int]templates.ErrorView{
	http.StatusBadRequest:            {Status: 400, Heading: "That request was not understood", Message: "Please go back and try again."},
	http.StatusForbidden:             {Status: 403, Heading: "Not allowed", Message: "This page is for administrators. If you need access, ask one of them."},
	http.StatusNotFound:              {Status: 404, Heading: "Page not found", Message: "There is nothing at this address. It may have been moved, or the link may be wrong."},
	http.StatusMethodNotAllowed:      {Status: 405, Heading: "Not allowed here", Message: "This address does not take that kind of request."},
	http.StatusRequestEntityTooLarge: {Status: 413, Heading: "Too much data", Message: "The form sent more than this site accepts."},
	http.StatusTooManyRequests:       {Status: 429, Heading: "Too many attempts", Message: "There were too many failed sign-in attempts. Wait a minute, then try again."},
	http.StatusInternalServerError:   {Status: 500, Heading: "Something went wrong", Message: "Sorry, we could not finish that. It has been logged; please try again in a moment."},
	http.StatusServiceUnavailable:    {Status: 503, Heading: "Temporarily unavailable", Message: "The service cannot reach its database just now. Please try again in a minute."},
}

// errorView is the page that says e: the status's own words, with e's where
// it has its own. A status without a page of its own shows e's detail, a
// fixed text; a 5xx never shows more than the 500 page does.
func errorView(e *httpError) templates.ErrorView {
	view, ok := errorViews[e.status]
	switch {
	case !ok && e.status >= 500:
		view = errorViews[http.StatusInternalServerError]
		view.Status = e.status
	case !ok:
		view = templates.ErrorView{Status: e.status, Heading: http.StatusText(e.status), Message: e.detail}
	}
	if e.heading != "" {
		view.Heading = e.heading
	}
	if e.message != "" {
		view.Message = e.message
	}
	return view
}

// errorPage answers a page request with the page of e.
func (s *Server) errorPage(c *gin.Context, e *httpError) {
	view := errorView(e)
	// An error page is drawn even when the request's context has ended (a
	// timeout, a panic unwinding past the deadline middleware): it is the
	// answer to that.
	s.renderWith(context.WithoutCancel(c.Request.Context()), c, e.status, templates.Error(s.newPage(c, view.Heading), view))
}

// notFound answers unknown paths: an error page for browsers, JSON otherwise.
func (s *Server) notFound(c *gin.Context) {
	c.Header("Vary", "Accept")
	if prefersHTML(c.GetHeader("Accept")) {
		answerWith(c, s.pageResponder)
	}
	s.fail(c, errStatus(http.StatusNotFound, "Not Found"))
}

// methodNotAllowed answers a known path asked with a method it does not take.
func (s *Server) methodNotAllowed(c *gin.Context) {
	s.fail(c, errStatus(http.StatusMethodNotAllowed, "Method Not Allowed"))
}
