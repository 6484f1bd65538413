package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
	"github.com/weekoffs/weekoffs/templates"
)

// myScheduleEditor is the schedule form of /me drawn from the user's
// schedule in force: their own rules, or their team's or organisation's
// with "use those" chosen; from today.
func myScheduleEditor(u *models.User, sched models.UserSchedule, maxDays int, today schedule.Date) templates.ScheduleEditor {
	inherited := sched.Source == schedule.ScopeTeam || sched.Source == schedule.ScopeOrganisation
	e := templates.ScheduleEditor{ID: "schedule", Action: "/me/schedule", Submit: "Save days off", Version: u.Version,
		InheritLabel: "The organisation's days", MaxDays: maxDays, Today: today, Choice: scheduleChoiceOf(sched.Rules, inherited)}
	if u.TeamName != "" {
		e.InheritLabel = "My team's days (" + u.TeamName + ")"
	}
	e.Choice.EffectiveFrom = today.String()
	return e
}

// postMySchedule saves the schedule form of /me, the browser's POST
// /me/schedule: from today (Saved) or a later date (Planned). A refused
// form is drawn again with what was sent and its problems beside the
// fields (422), or, when the user changed meanwhile, with what happened
// (409); nothing is saved then.
func (s *Server) postMySchedule(c *gin.Context) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	fields, choice := scheduleFromForm(form, true)
	in, err := s.store.ParseSchedule(ctx, fields, true)
	var u *models.User
	if err == nil {
		var version int
		if version, err = formVersion(form); err == nil {
			u, err = s.store.SetUserSchedule(ctx, currentUser(c).ID, in, version)
		}
	}
	fe, invalid := errors.AsType[models.FieldErrors](err)
	if stale := errors.Is(err, models.ErrStale); invalid || stale {
		return s.refuseMySchedule(c, choice, fe, stale)
	}
	if err != nil {
		return err
	}
	s.flashAndRedirect(c, scheduleSaved(u, in), "/me")
	return nil
}

// refuseMySchedule draws /me again with the schedule form as it was sent.
func (s *Server) refuseMySchedule(c *gin.Context, choice templates.ScheduleChoice, errs models.FieldErrors, stale bool) error {
	p, v, err := s.myPage(c, "Error: My week-offs")
	if err != nil {
		return err
	}
	p.Path = "/me" // the page shown is /me's, which the navigation marks
	v.Editor.Choice, v.Editor.Stale = choice, stale
	refuseSchedule(&v.Editor, errs)
	status := http.StatusUnprocessableEntity
	if stale {
		status = http.StatusConflict
	}
	s.render(c, status, templates.Me(p, v))
	return nil
}

// dateLayout writes dates in messages as the pages do: "Tue 1 Dec 2026".
const dateLayout = "Mon 2 Jan 2006"

// scheduleSaved is the message after a save: what the user's days are now,
// or from when a later change applies and what it is.
func scheduleSaved(u *models.User, in models.ScheduleInput) string {
	if in.EffectiveFrom.After(in.Today) {
		what := in.Rules.Words()
		switch {
		case in.Inherit && u.TeamName != "":
			what = "your team's days"
		case in.Inherit:
			what = "the organisation's days"
		case len(in.Rules) == 0:
			what = "no days off"
		}
		return "Planned from " + in.EffectiveFrom.Time().Format(dateLayout) + ": " + what + "."
	}
	sched, err := u.Schedule()
	switch {
	case err != nil:
		return "Saved."
	case len(sched.Rules) == 0:
		return "Saved: you have no days off."
	}
	return "Saved: your days off are now " + sched.Rules.Words() + "."
}

// cancelMyScheduleForm withdraws one of the user's planned changes, the
// browser's POST /me/schedule/:sid/cancel. One in force or past, or not
// theirs, is answered with an error page and nothing changes.
func (s *Server) cancelMyScheduleForm(c *gin.Context) error {
	sid, err := scheduleIDParam(c)
	if err != nil {
		return err
	}
	if err := s.store.CancelUserSchedule(c.Request.Context(), currentUser(c).ID, sid); err != nil {
		return err
	}
	s.flashAndRedirect(c, "Planned change cancelled.", "/me")
	return nil
}
