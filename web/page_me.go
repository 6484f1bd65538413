package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// mePage shows the signed-in user's profile, week-offs and password form,
// with what a form refused just before said about it.
func (s *Server) mePage(c *gin.Context) error {
	u := currentUser(c)
	v := templates.MeView{Checked: u.Weekoffs, Version: u.Version}
	title := "My week-offs"
	if r, ok := s.popRefusedForm(c); ok {
		title = "Error: " + title
		v.Errors, v.Stale = r.Errors, r.Stale
		chosen := models.KnownWeekdays(r.Chosen)
		switch {
		case r.Stale:
			v.Chosen = chosen
		case r.Errors.For("weekoffs") != "":
			v.Checked = chosen
		}
	}
	p, org, err := s.orgPage(c, title)
	if err != nil {
		return err
	}
	v.WeekoffsMax = org.WeekoffsMax
	s.render(c, http.StatusOK, templates.Me(p, v))
	return nil
}

// postMyWeekoffs saves the week-off form, the browser's POST /me/weekoffs.
// A refused form is shown again on /me (see refuseForm), and nothing is saved.
func (s *Server) postMyWeekoffs(c *gin.Context) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	days := form["weekoffs"]
	version, err := formVersion(form)
	var u *models.User
	if err == nil {
		u, err = s.store.SetWeekoffs(c.Request.Context(), currentUser(c).ID, days, version)
	}
	chosen := models.KnownWeekdays(days).Strings()
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		return s.refuseForm(c, refusedForm{Errors: formErrors(fe), Chosen: chosen})
	}
	if errors.Is(err, models.ErrStale) {
		return s.refuseForm(c, refusedForm{Stale: true, Chosen: chosen})
	}
	if err != nil {
		return err
	}
	msg := "Week-offs saved: none."
	if len(u.Weekoffs) > 0 {
		msg = "Week-offs saved: " + u.Weekoffs.Titles() + "."
	}
	s.flashAndRedirect(c, msg, "/me")
	return nil
}

// postMyPassword changes the password from the form on /me, the browser's
// POST /me/password. The change ends the user's other sessions; this one
// continues under the new epoch.
func (s *Server) postMyPassword(c *gin.Context) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	u := currentUser(c)
	err = s.store.ChangePassword(c.Request.Context(), u.ID, form.Get("current_password"), form.Get("new_password"))
	if errors.Is(err, models.ErrPassword) {
		return s.refuseForm(c, refusedForm{Errors: fieldError("current_password", msgWrongPassword)})
	}
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		return s.refuseForm(c, refusedForm{Errors: formErrors(fe)})
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, u.ID); err != nil {
		return err
	}
	s.flashAndRedirect(c, "Password changed. Your other sessions have been signed out.", "/me")
	return nil
}
