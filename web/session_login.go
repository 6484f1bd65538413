package web

import (
	"cmp"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// msgBadLogin is the one answer to a failed sign-in, whether or not the email exists.
const msgBadLogin = "Incorrect email or password"

// loginPage shows the sign-in form, or moves a signed-in visitor on.
func (s *Server) loginPage(c *gin.Context) {
	markPage(c)
	next := safeNext(c.Query("next"))
	if u, b, err := s.sessionUser(c); err == nil {
		setUser(c, u, models.ViaForm)
		c.Set(sessionKey, b)
		seeOther(c, cmp.Or(next, home(u)))
		return
	}
	if b := s.sessions.load(c.Request); b.userID() == 0 {
		// A signed-out visitor may still carry a flash ("You have signed out").
		c.Set(sessionKey, b)
	}
	s.render(c, http.StatusOK, templates.Login(s.newPage(c, "Sign in"), templates.LoginView{Next: next}))
}

// login checks the email and password and starts a fresh session.
func (s *Server) login(c *gin.Context) {
	markPage(c)
	if !s.sameOrigin(c) || !s.parseForm(c) {
		return
	}
	form := c.Request.PostForm
	email, next := strings.TrimSpace(form.Get("email")), safeNext(form.Get("next"))
	done, allowed := s.signInGate(c, email)
	if !allowed {
		return
	}
	u, err := s.store.Authenticate(c.Request.Context(), email, form.Get("password"))
	if errors.Is(err, models.ErrPassword) {
		done(false)
		s.log.Info("sign-in refused", "ip", c.ClientIP())
		view := templates.LoginView{Email: email, Next: next, Error: msgBadLogin}
		s.render(c, http.StatusUnauthorized, templates.Login(s.newPage(c, "Sign in"), view))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	done(true)
	if err := s.startSession(c, u.ID); err != nil {
		s.fail(c, err)
		return
	}
	seeOther(c, cmp.Or(next, home(u)))
}

// startSession replaces whatever session the request carried with a new
// one for the user, under the user's current session epoch.
func (s *Server) startSession(c *gin.Context, userID int64) error {
	epoch, err := s.store.SessionEpoch(c.Request.Context(), userID)
	if err != nil {
		return err
	}
	b := s.sessions.start(userID, epoch)
	c.Set(sessionKey, b)
	return s.sessions.save(c, b)
}

// logout ends the session it came from, also for any copy of its cookie.
func (s *Server) logout(c *gin.Context) {
	markPage(c)
	if !s.sameOrigin(c) {
		return
	}
	if b := s.sessions.load(c.Request); b.id() != "" {
		if err := s.store.EndSession(c.Request.Context(), b.id(), b.expires()); err != nil {
			// The cookie goes anyway; only a copy of it would outlive this.
			s.log.Error("end session", "error", err)
		}
	}
	b := s.sessions.fresh()
	b.addFlash("You have signed out.")
	if err := s.sessions.save(c, b); err != nil {
		s.log.Error("save session", "error", err)
	}
	c.Header("Cache-Control", "no-store")
	seeOther(c, "/login")
}
