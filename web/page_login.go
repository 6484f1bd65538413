package web

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// Words of the sign-in page. msgBadLogin is the one answer to a failed
// sign-in, whether or not the email exists; msgInactive is only said to
// whoever gave the account's password.
const (
	msgBadLogin     = "Incorrect email or password"
	msgInactive     = "This account is deactivated; ask an administrator"
	msgSignIn       = "Sign in to continue"
	msgSessionEnded = "Your session ended; sign in again to continue"
	msgNotSaved     = "Your change was not saved because your session had ended; please make it again."
)

// loginView is the sign-in form for an email, the page to go to next and
// whether a form was lost on the way, with the notice that says why the
// visitor is here.
func loginView(email, next string, unsaved bool) templates.LoginView {
	v := templates.LoginView{Email: email, Next: next, Unsaved: unsaved}
	switch {
	case unsaved:
		v.Notice = msgSessionEnded
	case next != "":
		v.Notice = msgSignIn
	}
	return v
}

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
	view := loginView("", next, c.Query("unsaved") == "1")
	s.render(c, http.StatusOK, templates.Login(s.newPage(c, "Sign in"), view))
	return nil
}

// login checks the email and password and starts a fresh session. A
// refused sign-in shows the form again, the email kept, with why above it.
func (s *Server) login(c *gin.Context) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	view := loginView(strings.TrimSpace(form.Get("email")), safeNext(form.Get("next")), form.Get("unsaved") == "1")
	u, err := s.signIn(c, view.Email, form.Get("password"))
	if status, msg, ok := loginRefusal(c, err); ok {
		s.log.Info("sign-in refused", "ip", c.ClientIP(), "status", status)
		view.Error = msg
		s.render(c, status, templates.Login(s.newPage(c, "Sign in"), view))
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, u.ID); err != nil {
		return err
	}
	target := cmp.Or(view.Next, home(u))
	if view.Unsaved {
		s.flashAndRedirect(c, msgNotSaved, target)
		return nil
	}
	seeOther(c, target)
	return nil
}

// loginRefusal is how the sign-in form answers signIn's error: the status
// and the message above the form. ok is false for the errors it leaves to
// the error page (the database out of reach).
func loginRefusal(c *gin.Context, err error) (status int, msg string, ok bool) {
	switch {
	case errors.Is(err, models.ErrPassword):
		return http.StatusUnauthorized, msgBadLogin, true
	case errors.Is(err, models.ErrInactive):
		return http.StatusForbidden, msgInactive, true
	}
	if e, ok := errors.AsType[*httpError](err); ok && e.status == http.StatusTooManyRequests {
		retry := e.header.Get("Retry-After")
		c.Header("Retry-After", retry)
		seconds, _ := strconv.Atoi(retry)
		return e.status, "Too many failed sign-in attempts. Try again in " + retryIn(seconds) + ".", true
	}
	return 0, "", false
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
