package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// mePage shows the signed-in user's profile, week-offs and password form.
func (s *Server) mePage(c *gin.Context) {
	s.renderMe(c, http.StatusOK, templates.MeView{Checked: currentUser(c).Weekoffs})
}

func (s *Server) renderMe(c *gin.Context, status int, v templates.MeView) {
	v.WeekoffsMax, v.Version = s.cfg.WeekoffsMax, currentUser(c).Version
	s.render(c, status, templates.Me(s.newPage(c, "My week-offs"), v))
}

// postMyWeekoffs saves the week-off form, the browser's PUT /me/weekoffs.
// Invalid input is shown again with the error beside the days, and nothing
// is saved.
func (s *Server) postMyWeekoffs(c *gin.Context) {
	if !s.parseForm(c) {
		return
	}
	days := c.Request.PostForm["weekoffs"]
	u, err := s.store.SetWeekoffs(c.Request.Context(), currentUser(c).ID, days, formVersion(c))
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		s.renderMe(c, http.StatusUnprocessableEntity, templates.MeView{
			Checked:       checkedDays(days),
			WeekoffsError: fe.For("weekoffs"),
		})
		return
	}
	if errors.Is(err, models.ErrStale) {
		s.renderMe(c, http.StatusConflict, templates.MeView{
			Checked:       currentUser(c).Weekoffs,
			WeekoffsError: "Your week-offs were changed elsewhere after this page was loaded. These are the saved ones now; choose again.",
		})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.chart.invalidate()
	msg := "Week-offs saved: none."
	if len(u.Weekoffs) > 0 {
		msg = "Week-offs saved: " + joinDays(u.Weekoffs) + "."
	}
	s.flashAndRedirect(c, msg, "/me")
}

// postMyPassword changes the password from the form on /me, the browser's
// PUT /me/password. The change ends the user's other sessions; this one
// continues under the new epoch.
func (s *Server) postMyPassword(c *gin.Context) {
	if !s.parseForm(c) {
		return
	}
	form, u := c.Request.PostForm, currentUser(c)
	err := s.store.ChangePassword(c.Request.Context(), u.ID, form.Get("current_password"), form.Get("new_password"))
	if errors.Is(err, models.ErrPassword) {
		s.renderMe(c, http.StatusBadRequest, templates.MeView{Checked: u.Weekoffs, CurrentError: "Incorrect password"})
		return
	}
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		s.renderMe(c, http.StatusUnprocessableEntity, templates.MeView{Checked: u.Weekoffs, NewError: fe.For("new_password")})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.startSession(c, u.ID); err != nil {
		s.fail(c, err)
		return
	}
	s.flashAndRedirect(c, "Password changed. Your other sessions have been signed out.", "/me")
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

// formVersion is the user version a form was drawn from (its hidden
// "version" field), or 0, which skips the check.
func formVersion(c *gin.Context) int {
	v, err := strconv.Atoi(c.Request.PostForm.Get("version"))
	if err != nil || v < 0 {
		return 0
	}
	return v
}

// checkedDays are the valid days among submitted names, to check again on a
// form shown with an error.
func checkedDays(names []string) models.Weekdays {
	var days models.Weekdays
	for _, d := range models.AllWeekdays {
		for _, n := range names {
			if p, ok := models.ParseWeekday(n); ok && p == d {
				days = append(days, d)
				break
			}
		}
	}
	return days
}

func joinDays(days models.Weekdays) string {
	s := ""
	for i, d := range days {
		if i > 0 {
			s += ", "
		}
		s += d.Title()
	}
	return s
}
