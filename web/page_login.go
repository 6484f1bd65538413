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
func (s *Server) loginPage(c *gin.Context) error {
	next := safeNext(c.Query("next"))
	if u, b, err := s.sessionUser(c); err == nil {
		setUser(c, u, models.ViaForm)
		c.Set(sessionKey, b)
		seeOther(c, cmp.Or(next, home(u)))
		return nil
	}
	if b := s.sessions.load(c.Request); b.userID() == 0 {
		// A signed-out visitor may still carry a flash ("You have signed out").
		c.Set(sessionKey, b)
	}
	s.render(c, http.StatusOK, templates.Login(s.newPage(c, "Sign in"), templates.LoginView{Next: next}))
	return nil
}

// login checks the email and password and starts a fresh session.
func (s *Server) login(c *gin.Context) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	email, next := strings.TrimSpace(form.Get("email")), safeNext(form.Get("next"))
	u, err := s.signIn(c, email, form.Get("password"))
	if errors.Is(err, models.ErrPassword) {
		s.log.Info("sign-in refused", "ip", c.ClientIP())
		view := templates.LoginView{Email: email, Next: next, Error: msgBadLogin}
		s.render(c, http.StatusUnauthorized, templates.Login(s.newPage(c, "Sign in"), view))
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, u.ID); err != nil {
		return err
	}
	seeOther(c, cmp.Or(next, home(u)))
	return nil
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
func (s *Server) logout(c *gin.Context) error {
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
	return nil
}
