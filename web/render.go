package web

import (
	"bytes"
	"context"
	"net/http"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// newPage fills the layout's data for the request: the signed-in user, the
// waiting flash message (taken now, so it shows once) and the stylesheet.
func (s *Server) newPage(c *gin.Context, title string) templates.Page {
	p := templates.Page{
		Title:  title,
		User:   currentUser(c),
		Path:   c.Request.URL.Path,
		CSSURL: s.cssURL,
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

// orgPage is newPage for a page that shows times or the organisation's
// limits: its clock is in the organisation's zone.
func (s *Server) orgPage(c *gin.Context, title string) (templates.Page, *models.Organisation, error) {
	org, err := s.store.Organisation(c.Request.Context())
	if err != nil {
		return templates.Page{}, nil, err
	}
	p := s.newPage(c, title)
	p.Clock = templates.Clock{Location: org.Location()}
	return p, org, nil
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
		p := templates.Page{Title: view.Heading, CSSURL: s.cssURL}
		if err := templates.Error(p, view).Render(context.WithoutCancel(ctx), &buf); err != nil {
			buf.Reset()
			buf.WriteString("Internal Server Error")
		}
	}
	// Pages are personal: no cache may keep them, and the back button after
	// signing out shows nothing.
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	c.Abort()
}

// seeOther redirects with 303, so that the browser follows with a GET and a
// reload does not post the form again.
func seeOther(c *gin.Context, location string) {
	c.Redirect(http.StatusSeeOther, location)
	c.Abort()
}

// flashAndRedirect keeps msg for the next page and redirects there with 303.
func (s *Server) flashAndRedirect(c *gin.Context, msg, location string) {
	if b := currentSession(c); b != nil {
		b.addFlash(msg)
		if err := s.sessions.save(c, b); err != nil {
			s.log.Error("save session", "error", err)
		}
	}
	seeOther(c, location)
}
