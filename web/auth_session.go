package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// publicPage wraps the handler of a page anyone may open (the sign-in
// form). Its errors are answered with error pages, and it refuses
// cross-origin posts.
func (s *Server) publicPage(h handler) gin.HandlerFunc {
	return s.publicAPI(func(c *gin.Context) error {
		answerWith(c, s.pageResponder)
		if err := s.sameOrigin(c); err != nil {
			return err
		}
		return h(c)
	})
}

// page wraps the handler of a page for signed-in users. It resolves the
// session's user and checks that the session still stands; a visitor
// without one is sent to sign in.
func (s *Server) page(h handler) gin.HandlerFunc {
	return s.publicPage(func(c *gin.Context) error {
		u, b, err := s.sessionUser(c)
		switch {
		case models.IsUnavailable(err):
			return err
		case err != nil:
			s.toLogin(c)
			return nil
		}
		setUser(c, u, models.ViaForm)
		c.Set(sessionKey, b)
		return h(c)
	})
}

// adminPage wraps the handler of a page for admins only.
func (s *Server) adminPage(h handler) gin.HandlerFunc { return s.page(adminOnly(h)) }

var errNoSession = errors.New("no live session")

// sessionUser returns the user of the request's session when the session is
// within its lifetimes, was not signed out, and was made under the user's
// current session epoch by an active user. It moves the idle deadline on.
func (s *Server) sessionUser(c *gin.Context) (*models.User, *browserSession, error) {
	b := s.sessions.load(c.Request)
	now := s.sessions.now()
	if !b.live(now) {
		return nil, nil, errNoSession
	}
	su, err := s.store.SessionUser(c.Request.Context(), b.userID(), b.id())
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, errNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	if su.Ended || !su.User.IsActive || su.Epoch != b.epoch() {
		return nil, nil, errNoSession
	}
	if now.Sub(b.seen()) >= sessionRefresh {
		b.raw.Values[keySeen] = now.Unix()
		if err := s.sessions.save(c, b); err != nil {
			return nil, nil, err
		}
	}
	return su.User, b, nil
}

// toLogin sends a visitor without a session to the sign-in page, which
// brings them back here afterwards. A form sent without one was sent after
// the session ended: its change is lost, so the sign-in page says the
// session ended, and the form's page, once back, that nothing was saved.
// A dead cookie is deleted on the way.
func (s *Server) toLogin(c *gin.Context) {
	if _, err := c.Request.Cookie(s.sessions.name); err == nil {
		if err := s.sessions.clear(c); err != nil {
			s.log.Error("clear session", "error", err)
		}
	}
	target := "/login"
	switch {
	case c.Request.Method == http.MethodPost:
		target += "?" + url.Values{"next": {formPage(c)}, "unsaved": {"1"}}.Encode()
	case (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) && c.Request.URL.Path != "/":
		target += "?next=" + url.QueryEscape(c.Request.URL.RequestURI())
	}
	c.Header("Cache-Control", "no-store")
	seeOther(c, target)
}

// sameOrigin refuses a state-changing request that a browser sent from
// another origin (http.CrossOriginProtection: Sec-Fetch-Site, else Origin
// against Host).
func (s *Server) sameOrigin(c *gin.Context) error {
	if err := s.crossOrigin.Check(c.Request); err != nil {
		s.log.Warn("cross-origin request refused", "method", c.Request.Method, "path", c.Request.URL.Path,
			"sec_fetch_site", c.GetHeader("Sec-Fetch-Site"), "origin", c.GetHeader("Origin"))
		return &httpError{status: http.StatusForbidden, detail: "Cross-origin request refused", heading: "Request refused",
			message: "This form was sent from another site, so it was not accepted. Nothing was changed."}
	}
	return nil
}
