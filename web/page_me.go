package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// mePage shows the signed-in user's profile, days off, schedule and
// password forms, with what a form refused just before said about it.
func (s *Server) mePage(c *gin.Context) error {
	title := "My week-offs"
	r, refused := s.popRefusedForm(c)
	if refused {
		title = "Error: " + title
	}
	p, v, err := s.myPage(c, title)
	if err != nil {
		return err
	}
	if refused {
		v.Errors, v.Stale = r.Errors, r.Stale
		chosen := models.KnownWeekdays(r.Chosen)
		switch {
		case r.Stale:
			v.Chosen = chosen
		case r.Errors.For("weekoffs") != "":
			v.Checked = chosen
		}
	}
	s.render(c, http.StatusOK, templates.Me(p, v))
	return nil
}

// myPage is the layout and view of /me as stored: the organisation's
// limit and clock, the user's planned changes of schedule, the schedule
// form drawn from the schedule in force, and whether the user has a
// calendar address.
func (s *Server) myPage(c *gin.Context, title string) (templates.Page, templates.MeView, error) {
	u := currentUser(c)
	ctx := c.Request.Context()
	p, org, err := s.orgPage(c, title)
	if err != nil {
		return p, templates.MeView{}, err
	}
	sv, err := s.store.UserScheduleView(ctx, u.ID)
	if err != nil {
		return p, templates.MeView{}, err
	}
	since, err := s.store.CalendarFeedSince(ctx, u.ID)
	if err != nil {
		return p, templates.MeView{}, err
	}
	sched, err := u.Schedule()
	if err != nil {
		return p, templates.MeView{}, err
	}
	reqs, err := s.store.Requests(ctx, models.RequestFilter{UserID: &u.ID, Limit: myRequestsShown})
	if err != nil {
		return p, templates.MeView{}, err
	}
	v := templates.MeView{Requests: reqs, Checked: u.Weekoffs, Version: u.Version, WeekoffsMax: org.WeekoffsMax, Schedule: sched,
		Upcoming: sv.Upcoming, FeedSince: since, Editor: myScheduleEditor(u, sched, org.WeekoffsMax, sv.Today)}
	if u.TeamID != nil {
		load, err := s.store.TeamLoad(ctx, u, sv.Today, teamLoadDays)
		if err != nil {
			return p, templates.MeView{}, err
		}
		for i := range v.Editor.Choice.Days {
			v.Editor.Choice.Days[i].TeamLoad = teamLoadWords(load[i], u.TeamName)
		}
	}
	return p, v, nil
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
	if se, ok := errors.AsType[*models.ShortError](err); ok {
		return s.refuseForm(c, refusedForm{Errors: fieldError("weekoffs", se.Error()+": choose other days"), Chosen: chosen})
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

// teamLoadDays is how far ahead the rule editor looks at the team's days
// off: four weeks.
const teamLoadDays = 28

// teamLoadWords says a weekday's load in the person's team, for the rule
// editor: "up to 2 of 11 others in Support off in the next 4 weeks".
func teamLoadWords(l models.WeekdayLoad, team string) string {
	if l.Of == 0 {
		return ""
	}
	return fmt.Sprintf("up to %d of %d others in %s off in the next 4 weeks", l.Off, l.Of, team)
}
