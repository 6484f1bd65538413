package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// organisationPage shows the form of the organisation's settings.
func (s *Server) organisationPage(c *gin.Context) error {
	p, o, err := s.orgPage(c, "Organisation")
	if err != nil {
		return err
	}
	v := templates.OrganisationView{Name: o.Name, Timezone: o.Timezone, SelfService: string(o.SelfService), WeekoffsMax: o.WeekoffsMax}
	s.render(c, http.StatusOK, templates.OrganisationForm(p, v))
	return nil
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
	v := templates.OrganisationView{Name: name, Timezone: zone, SelfService: mode}
	max, convErr := strconv.Atoi(form.Get("weekoffs_max"))
	if convErr != nil {
		max = -1 // out of range: validation names the field
	}
	in.WeekoffsMax, v.WeekoffsMax = &max, max
	_, err = s.store.UpdateOrganisation(c.Request.Context(), in)
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		p, _, err := s.orgPage(c, "Error: Organisation")
		if err != nil {
			return err
		}
		v.Errors = formErrors(fe)
		s.render(c, http.StatusUnprocessableEntity, templates.OrganisationForm(p, v))
		return nil
	}
	if err != nil {
		return err
	}
	s.flashAndRedirect(c, "Saved the organisation's settings.", "/admin/organisation")
	return nil
}
