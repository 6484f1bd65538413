package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// mePage shows the signed-in user's profile, week-offs and password form.
func (s *Server) mePage(c *gin.Context) error {
	return s.renderMe(c, http.StatusOK, templates.MeView{Checked: currentUser(c).Weekoffs})
}

func (s *Server) renderMe(c *gin.Context, status int, v templates.MeView) error {
	p, org, err := s.orgPage(c, "My week-offs")
	if err != nil {
		return err
	}
	v.WeekoffsMax, v.Version = org.WeekoffsMax, currentUser(c).Version
	s.render(c, status, templates.Me(p, v))
	return nil
}

// postMyWeekoffs saves the week-off form, the browser's PUT /me/weekoffs.
// Invalid input is shown again with the error beside the days, and nothing
// is saved.
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
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		return s.renderMe(c, http.StatusUnprocessableEntity, templates.MeView{
			Checked:       models.KnownWeekdays(days),
			WeekoffsError: fe.For("weekoffs"),
		})
	}
	if errors.Is(err, models.ErrStale) {
		return s.renderMe(c, http.StatusConflict, templates.MeView{
			Checked:       currentUser(c).Weekoffs,
			WeekoffsError: "Your week-offs were changed elsewhere after this page was loaded. These are the saved ones now; choose again.",
		})
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
// PUT /me/password. The change ends the user's other sessions; this one
// continues under the new epoch.
func (s *Server) postMyPassword(c *gin.Context) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	u := currentUser(c)
	err = s.store.ChangePassword(c.Request.Context(), u.ID, form.Get("current_password"), form.Get("new_password"))
	if errors.Is(err, models.ErrPassword) {
		return s.renderMe(c, http.StatusBadRequest, templates.MeView{Checked: u.Weekoffs, CurrentError: "Incorrect password"})
	}
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		return s.renderMe(c, http.StatusUnprocessableEntity, templates.MeView{Checked: u.Weekoffs, NewError: fe.For("new_password")})
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
