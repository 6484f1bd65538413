package web

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/templates"
)

const pageKey = "weekoffs.page"

// markPage records that the request is answered with HTML, so that errors
// found anywhere on its way (s.detail, s.fail, a panic) become error pages.
func markPage(c *gin.Context) { c.Set(pageKey, true) }

func isPage(c *gin.Context) bool { return c.GetBool(pageKey) }

// byAccept answers with the page when the request's Accept prefers
// text/html and with JSON otherwise (application/json, */*, or no Accept).
func (s *Server) byAccept(page, api gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Vary", "Accept")
		if prefersHTML(c.GetHeader("Accept")) {
			page(c)
			return
		}
		api(c)
	}
}

// prefersHTML reports whether text/html has a higher quality in accept than
// application/json. Each type takes the quality of its most specific match
// ("text/html" over "text/*" over "*/*"); a tie goes to JSON.
func prefersHTML(accept string) bool {
	html, json := acceptQuality(accept, "text", "html"), acceptQuality(accept, "application", "json")
	return html > json
}

func acceptQuality(accept, typ, sub string) float64 {
	best, bestSpecific := 0.0, -1
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		t, st, _ := strings.Cut(mt, "/")
		specific := -1
		switch {
		case t == typ && st == sub:
			specific = 2
		case t == typ && st == "*":
			specific = 1
		case t == "*" && st == "*":
			specific = 0
		}
		if specific < bestSpecific || specific < 0 {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		if specific > bestSpecific || q > best {
			best, bestSpecific = q, specific
		}
	}
	return best
}

// newPage fills the layout's data for the request: the signed-in user, the
// waiting flash message (taken now, so it shows once) and the stylesheet.
func (s *Server) newPage(c *gin.Context, title string) templates.Page {
	p := templates.Page{
		Title:  title,
		User:   currentUser(c),
		Path:   c.Request.URL.Path,
		CSSURL: s.assets.URL("css/site.css"),
	}
	if b := currentSession(c); b != nil {
		if p.Flash = b.popFlash(); p.Flash != "" {
			if err := s.sessions.save(c, b); err != nil {
				s.log.Error("save session", "error", err)
			}
		}
	}
	return p
}

// render draws a component with the request's context into a buffer and
// only then writes it, so that a failing component becomes a clean error
// page instead of half a page under status 200.
func (s *Server) render(c *gin.Context, status int, page templ.Component) {
	s.renderWith(c.Request.Context(), c, status, page)
}

// renderWith is render with a context of the caller's choosing.
func (s *Server) renderWith(ctx context.Context, c *gin.Context, status int, page templ.Component) {
	var buf bytes.Buffer
	if err := page.Render(ctx, &buf); err != nil {
		s.log.Error("render page", "path", c.Request.URL.Path, "error", err)
		buf.Reset()
		status = http.StatusInternalServerError
		view := errorViews[status]
		p := templates.Page{Title: view.Heading, CSSURL: s.assets.URL("css/site.css")}
		if err := templates.Error(p, view).Render(context.WithoutCancel(ctx), &buf); err != nil {
			buf.Reset()
			buf.WriteString("Internal Server Error")
		}
	}
	pageHeaders(c)
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	c.Abort()
}

// pageHeaders are sent with every HTML page, beside the security headers
// every response carries (securityHeaders): pages are personal, so no cache
// may keep them, and the back button after signing out shows nothing.
func pageHeaders(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
}

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

// errorPage answers a page request with an error page. msg is shown only
// for statuses below 500 that have no page of their own; it comes from the
// fixed texts of errorStatus, never from an error.
func (s *Server) errorPage(c *gin.Context, status int, msg string) {
	view, ok := errorViews[status]
	if !ok {
		view = templates.ErrorView{Status: status, Heading: http.StatusText(status), Message: msg}
		if status >= 500 {
			view = errorViews[http.StatusInternalServerError]
			view.Status = status
		}
	}
	if status == http.StatusNotFound && msg == "User not found" {
		view.Message = "There is no user with this number."
	}
	// An error page is drawn even when the request's context has ended (a
	// timeout, a panic unwinding past the deadline middleware): it is the
	// answer to that.
	s.renderWith(context.WithoutCancel(c.Request.Context()), c, status, templates.Error(s.newPage(c, view.Heading), view))
}

// crossOriginPage says why a form posted from another site was refused.
func (s *Server) crossOriginPage(c *gin.Context) templ.Component {
	view := templates.ErrorView{Status: http.StatusForbidden, Heading: "Request refused",
		Message: "This form was sent from another site, so it was not accepted. Nothing was changed."}
	return templates.Error(s.newPage(c, view.Heading), view)
}

// notFound answers unknown paths: an error page for browsers, JSON otherwise.
func (s *Server) notFound(c *gin.Context) {
	c.Header("Vary", "Accept")
	if prefersHTML(c.GetHeader("Accept")) {
		markPage(c)
	}
	s.detail(c, http.StatusNotFound, "Not Found")
}

// parseForm reads a posted form, bounded in size. It answers the request
// itself and returns false when the body is not a readable form.
func (s *Server) parseForm(c *gin.Context) bool {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes)
	if err := c.Request.ParseForm(); err != nil {
		if tooLarge(err) {
			s.detail(c, http.StatusRequestEntityTooLarge, "Request body too large")
			return false
		}
		s.detail(c, http.StatusBadRequest, "Bad Request")
		return false
	}
	return true
}

// seeOther redirects with 303, so that the browser follows with a GET and a
// reload does not post the form again.
func seeOther(c *gin.Context, location string) {
	c.Redirect(http.StatusSeeOther, location)
	c.Abort()
}
