package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

const sessionKey = "weekoffs.session"

// currentSession is the browser session that page resolved, or nil.
func currentSession(c *gin.Context) *browserSession {
	v, _ := c.Get(sessionKey)
	b, _ := v.(*browserSession)
	return b
}

// page wraps the handler of a page for signed-in users. It refuses
// cross-origin posts, resolves the session's user and checks that the
// session still stands; a visitor without one is sent to sign in.
func (s *Server) page(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		markPage(c)
		if !s.sameOrigin(c) {
			return
		}
		u, b, err := s.sessionUser(c)
		switch {
		case models.IsUnavailable(err):
			s.fail(c, err)
			return
		case err != nil:
			s.toLogin(c)
			return
		}
		setUser(c, u, models.ViaForm)
		c.Set(sessionKey, b)
		h(c)
	}
}

// adminPage wraps the handler of a page for admins only.
func (s *Server) adminPage(h gin.HandlerFunc) gin.HandlerFunc {
	return s.page(func(c *gin.Context) {
		if !currentUser(c).IsAdmin() {
			s.detail(c, http.StatusForbidden, "Admin privileges required")
			return
		}
		setUser(c, currentUser(c), models.ViaAdmin)
		h(c)
	})
}

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
// brings them back here afterwards. A dead cookie is deleted on the way.
func (s *Server) toLogin(c *gin.Context) {
	if _, err := c.Request.Cookie(s.sessions.name); err == nil {
		if err := s.sessions.clear(c); err != nil {
			s.log.Error("clear session", "error", err)
		}
	}
	target := "/login"
	if c.Request.Method == http.MethodGet && c.Request.URL.Path != "/" {
		target += "?next=" + url.QueryEscape(c.Request.URL.RequestURI())
	}
	c.Header("Cache-Control", "no-store")
	seeOther(c, target)
}

// sameOrigin refuses a state-changing request that a browser sent from
// another origin (http.CrossOriginProtection: Sec-Fetch-Site, else Origin
// against Host). It answers the request itself when it refuses.
func (s *Server) sameOrigin(c *gin.Context) bool {
	if err := s.crossOrigin.Check(c.Request); err != nil {
		s.log.Warn("cross-origin request refused", "method", c.Request.Method, "path", c.Request.URL.Path,
			"sec_fetch_site", c.GetHeader("Sec-Fetch-Site"), "origin", c.GetHeader("Origin"))
		markPage(c)
		s.render(c, http.StatusForbidden, s.crossOriginPage(c))
		return false
	}
	return true
}

// safeNext returns next when it is a path on this site, and "" otherwise:
// never another host ("//evil.example", "https://…", "/\evil.example"),
// never a scheme such as javascript:.
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\x00\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	if u.Path == "/login" || u.Path == "/logout" {
		return ""
	}
	return next
}

// home is where a signed-in user starts: admins at the user list,
// employees at their own page.
func home(u *models.User) string {
	if u.IsAdmin() {
		return "/admin/users"
	}
	return "/me"
}

// startPage sends the signed-in visitor to their start page.
func (s *Server) startPage(c *gin.Context) {
	seeOther(c, home(currentUser(c)))
}
