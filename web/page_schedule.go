package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
	"github.com/weekoffs/weekoffs/templates"
)

// The schedule form is on four pages: /me, a user's, a team's and the
// organisation's. Each posts to its own route, whose handler says how the
// change is saved and how its page is drawn again; postSchedule and
// cancelPlanned are the rest, the same for all.

// scheduleForm is one page's schedule form.
type scheduleForm struct {
	// person says the form is a person's: it offers their team's or the
	// organisation's days instead of their own, and carries the version
	// the page was drawn from, so that a save over a change made
	// meanwhile is refused.
	person bool
	// save writes the change, refusing it if the person is no longer at
	// version (0: no check), and says what it did, for the flash.
	save func(ctx context.Context, in models.ScheduleInput, version int) (string, error)
	page string // the page to go back to
	// redraw draws the page again, with status, its editor as refused puts it.
	redraw func(status int, refused refusedSchedule) error
}

// refusedSchedule is a schedule form that was not saved: what it sent, and
// the problems the model found with it, or that the person had been
// changed since the page was drawn.
type refusedSchedule struct {
	choice templates.ScheduleChoice
	errs   models.FieldErrors
	stale  bool
	// short are the dates the coverage guard refused the change for;
	// canForce offers (to an admin) to save it anyway.
	short    []models.ShortDay
	canForce bool
}

// maxShortShown bounds the short dates a refused form lists.
const maxShortShown = 10

// onto puts the refused form on a page's editor, drawn from what is stored:
// the editor then shows what was sent, with its problems beside the fields.
func (r refusedSchedule) onto(e *templates.ScheduleEditor) {
	e.Choice, e.Stale = r.choice, r.stale
	refuseSchedule(e, r.errs)
	e.Short = shortLines(r.short)
	e.CanForce = len(r.short) > 0 && r.canForce
}

// shortLines says the dates the coverage guard refused a change for, a
// line each, at most maxShortShown and how many more.
func shortLines(short []models.ShortDay) []string {
	var out []string
	for i, d := range short {
		if i == maxShortShown {
			out = append(out, fmt.Sprintf("and %d more %s", len(short)-i, map[bool]string{true: "date", false: "dates"}[len(short)-i == 1]))
			break
		}
		out = append(out, fmt.Sprintf("%s: %s would have %d working; it needs %d", d.Date.Time().Format(dateLayout), d.TeamName, d.Working, d.MinOnDuty))
	}
	return out
}

// postSchedule saves a page's schedule form: from today (Saved) or a later
// date (Planned), answered with 303 back to the page. A refused form is
// drawn again on its page with what was sent and its problems beside the
// fields (422), or, when the person changed meanwhile, with what happened
// (409); nothing is saved then.
func (s *Server) postSchedule(c *gin.Context, f scheduleForm) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	fields, choice := scheduleFromForm(form, f.person)
	in, err := s.store.ParseSchedule(ctx, fields, f.person)
	// Only an admin's "Save anyway" overrides the coverage guard.
	admin := currentUser(c).IsAdmin()
	in.Force = admin && form.Get("force") == "true"
	var said string
	if err == nil {
		version := 0
		if f.person {
			version, err = formVersion(form)
		}
		if err == nil {
			said, err = f.save(ctx, in, version)
		}
	}
	if se, short := errors.AsType[*models.ShortError](err); short {
		return f.redraw(http.StatusConflict, refusedSchedule{choice: choice, short: se.Short, canForce: admin})
	}
	fe, invalid := errors.AsType[models.FieldErrors](err)
	if stale := errors.Is(err, models.ErrStale); invalid || stale {
		status := http.StatusUnprocessableEntity
		if stale {
			status = http.StatusConflict
		}
		return f.redraw(status, refusedSchedule{choice: choice, errs: fe, stale: stale})
	}
	if err != nil {
		return err
	}
	s.flashAndRedirect(c, said, f.page)
	return nil
}

// cancelPlanned withdraws one of the planned changes a page lists, through
// cancel, and goes back to the page (page) saying so. A change that took
// effect meanwhile, or whose withdrawal the coverage guard refuses, is not
// cancelled: the page is drawn again saying why (redraw, with 409). One
// already cancelled is what was asked for.
func (s *Server) cancelPlanned(c *gin.Context, cancel func(ctx context.Context, sid int64) error, page string, redraw func(status int, msg string) error) error {
	sid, err := scheduleIDParam(c)
	if err != nil {
		return err
	}
	err = cancel(c.Request.Context(), sid)
	se, short := errors.AsType[*models.ShortError](err)
	switch {
	case short:
		return redraw(http.StatusConflict, se.Error())
	case errors.Is(err, models.ErrScheduleInForce):
		return redraw(http.StatusConflict, msgScheduleInForce)
	case errors.Is(err, models.ErrScheduleNotFound):
		s.flashAndRedirect(c, msgScheduleGone, page)
		return nil
	case err != nil:
		return err
	}
	s.flashAndRedirect(c, "Cancelled the planned change.", page)
	return nil
}

// scheduleEditor is a schedule form that posts to action, showing choice
// (the rules in force), from today.
func scheduleEditor(action string, choice templates.ScheduleChoice, maxDays int, today schedule.Date) templates.ScheduleEditor {
	choice.EffectiveFrom = today.String()
	return templates.ScheduleEditor{ID: "schedule", Action: action, Submit: "Save days off", MaxDays: maxDays, Today: today, Choice: choice}
}

// personEditor is a person's schedule form drawn from their schedule in
// force: their own rules, or their team's or organisation's with "use
// those" chosen; with the version they were read at. The caller words
// the choice.
func personEditor(action string, sched models.UserSchedule, version, maxDays int, today schedule.Date) templates.ScheduleEditor {
	inherited := sched.Source == schedule.ScopeTeam || sched.Source == schedule.ScopeOrganisation
	e := scheduleEditor(action, scheduleChoiceOf(sched.Rules, inherited), maxDays, today)
	e.Version = version
	return e
}

// sharedEditor is a team's or the organisation's schedule form drawn from
// its schedule in force (sv).
func sharedEditor(action string, sv models.ScheduleView, maxDays int) templates.ScheduleEditor {
	var rules schedule.Rules
	if sv.InForce != nil {
		rules = sv.InForce.Rules
	}
	return scheduleEditor(action, scheduleChoiceOf(rules, false), maxDays, sv.Today)
}

// dateLayout writes dates in messages as the pages do: "Tue 1 Dec 2026".
const dateLayout = "Mon 2 Jan 2006"

// scheduleOwner is whose schedule a form saves, in the words of the
// message that follows a save.
type scheduleOwner struct {
	days      string // "your days off", "Asha Rao's days off"
	none      string // "you have no days off"
	inherited string // a person's team's or organisation's days: "your team's days"
}

// saved is the message after a save: from when a later change applies and
// what it is, or what the days off are now (now, the rules in force).
func (o scheduleOwner) saved(in models.ScheduleInput, now schedule.Rules) string {
	if in.EffectiveFrom.After(in.Today) {
		what := in.Rules.Words()
		switch {
		case in.Inherit:
			what = o.inherited
		case len(in.Rules) == 0:
			what = "no days off"
		}
		return "Planned from " + in.EffectiveFrom.Time().Format(dateLayout) + ": " + what + "."
	}
	if len(now) == 0 {
		return "Saved: " + o.none + "."
	}
	return "Saved: " + o.days + " are now " + now.Words() + "."
}

// savePerson saves user id's schedule for a person's schedule form, and
// words what it did for the user themselves (self) or for an admin.
func (s *Server) savePerson(id int64, self bool) func(context.Context, models.ScheduleInput, int) (string, error) {
	return func(ctx context.Context, in models.ScheduleInput, version int) (string, error) {
		u, err := s.store.SetUserSchedule(ctx, id, in, version)
		if err != nil {
			return "", err
		}
		owner := scheduleOwner{days: u.FullName + "'s days off", none: u.FullName + " has no days off", inherited: "the organisation's days"}
		team := "their team's days"
		if self {
			owner.days, owner.none, team = "your days off", "you have no days off", "your team's days"
		}
		if u.TeamName != "" {
			owner.inherited = team
		}
		sched, err := u.Schedule()
		if err != nil && !in.EffectiveFrom.After(in.Today) {
			return "Saved.", nil
		}
		return owner.saved(in, sched.Rules), nil
	}
}

// saveShared saves a team's (teamID) or the organisation's (0) schedule
// for its schedule form, and words what it did.
func (s *Server) saveShared(teamID int64) func(context.Context, models.ScheduleInput, int) (string, error) {
	owner := scheduleOwner{days: "the organisation's days off", none: "the organisation has no days off"}
	if teamID != 0 {
		owner = scheduleOwner{days: "the team's days off", none: "the team has no days off"}
	}
	return func(ctx context.Context, in models.ScheduleInput, _ int) (string, error) {
		if _, err := s.store.SetScopeSchedule(ctx, teamID, in); err != nil {
			return "", err
		}
		return owner.saved(in, in.Rules), nil
	}
}

// myScheduleEditor is the schedule form of /me drawn from the user's
// schedule in force.
func myScheduleEditor(u *models.User, sched models.UserSchedule, maxDays int, today schedule.Date) templates.ScheduleEditor {
	e := personEditor("/me/schedule", sched, u.Version, maxDays, today)
	e.OwnLabel, e.InheritLabel = "My own days, as set below", "The organisation's days"
	if u.TeamName != "" {
		e.InheritLabel = "My team's days (" + u.TeamName + ")"
	}
	return e
}

// postMySchedule saves the schedule form of /me, the browser's POST
// /me/schedule (see postSchedule).
func (s *Server) postMySchedule(c *gin.Context) error {
	return s.postSchedule(c, scheduleForm{
		person: true,
		save:   s.savePerson(currentUser(c).ID, true),
		page:   "/me",
		redraw: func(status int, refused refusedSchedule) error {
			p, v, err := s.myPage(c, "Error: My week-offs")
			if err != nil {
				return err
			}
			p.Path = "/me" // the page shown is /me's, which the navigation marks
			refused.onto(&v.Editor)
			s.render(c, status, templates.Me(p, v))
			return nil
		},
	})
}

// cancelMyScheduleForm withdraws one of the user's planned changes, the
// browser's POST /me/schedule/:sid/cancel. One in force or past, or not
// theirs, is answered with an error page and nothing changes.
func (s *Server) cancelMyScheduleForm(c *gin.Context) error {
	sid, err := scheduleIDParam(c)
	if err != nil {
		return err
	}
	if err := s.store.CancelUserSchedule(c.Request.Context(), currentUser(c).ID, sid, false); err != nil {
		return err
	}
	s.flashAndRedirect(c, "Planned change cancelled.", "/me")
	return nil
}
