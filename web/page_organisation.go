package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// organisationPage shows the form of the organisation's settings and its
// default schedule.
func (s *Server) organisationPage(c *gin.Context) error {
	return s.renderOrganisation(c, http.StatusOK, nil)
}

// updateOrganisationForm saves the settings form: the browser's PATCH
// /admin/organisation. Refused values are shown again beside their fields.
func (s *Server) updateOrganisationForm(c *gin.Context) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	name, zone, mode := form.Get("name"), form.Get("timezone"), form.Get("self_service")
	in := models.OrganisationInput{Name: &name, Timezone: &zone, SelfService: &mode}
	max, convErr := strconv.Atoi(form.Get("weekoffs_max"))
	if convErr != nil {
		max = -1 // out of range: validation names the field
	}
	in.WeekoffsMax = &max
	_, err = s.store.UpdateOrganisation(c.Request.Context(), in)
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		return s.renderOrganisation(c, http.StatusUnprocessableEntity, func(v *templates.OrganisationView) {
			v.Name, v.Timezone, v.SelfService, v.WeekoffsMax, v.Errors = name, zone, mode, max, formErrors(fe)
		})
	}
	if err != nil {
		return err
	}
	s.flashAndRedirect(c, "Saved the organisation's settings.", "/admin/organisation")
	return nil
}

// postOrganisationScheduleForm saves the default schedule's form: the
// browser's PUT /admin/organisation/schedule (see postSchedule).
func (s *Server) postOrganisationScheduleForm(c *gin.Context) error {
	return s.postSchedule(c, scheduleForm{
		save: s.saveShared(0),
		page: "/admin/organisation",
		redraw: func(status int, refused refusedSchedule) error {
			return s.renderOrganisation(c, status, func(v *templates.OrganisationView) { refused.onto(&v.Editor) })
		},
	})
}

// cancelOrganisationScheduleForm cancels one of the default schedule's
// planned changes: the browser's DELETE /admin/organisation/schedule/{sid}
// (see cancelPlanned).
func (s *Server) cancelOrganisationScheduleForm(c *gin.Context) error {
	cancel := func(ctx context.Context, sid int64) error { return s.store.CancelScopeSchedule(ctx, 0, sid) }
	return s.cancelPlanned(c, cancel, "/admin/organisation", func(status int, msg string) error {
		return s.renderOrganisation(c, status, func(v *templates.OrganisationView) { v.Error = msg })
	})
}

// renderOrganisation draws the organisation's page from what is stored;
// edit, if not nil, puts a refused form's values and problems on it.
func (s *Server) renderOrganisation(c *gin.Context, status int, edit func(*templates.OrganisationView)) error {
	p, o, err := s.orgPage(c, "Organisation")
	if err != nil {
		return err
	}
	sched, err := s.store.ScopeScheduleView(c.Request.Context(), 0)
	if err != nil {
		return err
	}
	v := templates.OrganisationView{Name: o.Name, Timezone: o.Timezone, SelfService: string(o.SelfService), WeekoffsMax: o.WeekoffsMax,
		Schedule: sched, Editor: sharedEditor("/admin/organisation/schedule", sched, o.WeekoffsMax)}
	if edit != nil {
		edit(&v)
	}
	if v.Error != "" || len(v.Errors) > 0 || v.Editor.Refused() {
		p.Title = "Error: Organisation"
	}
	// The page's own address, not the one a form posted to, marks where
	// the navigation is.
	p.Path = "/admin/organisation"
	s.render(c, status, templates.OrganisationForm(p, v))
	return nil
}
