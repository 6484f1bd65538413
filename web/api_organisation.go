package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// organisationJSON is the organisation's settings as the contract writes them.
type organisationJSON struct {
	Name        string             `json:"name"`
	Timezone    string             `json:"timezone"`
	SelfService models.SelfService `json:"self_service"`
	WeekoffsMax int                `json:"weekoffs_max"`
}

func toOrganisationJSON(o *models.Organisation) organisationJSON {
	return organisationJSON{Name: o.Name, Timezone: o.Timezone, SelfService: o.SelfService, WeekoffsMax: o.WeekoffsMax}
}

// getOrganisation returns the organisation's settings.
func (s *Server) getOrganisation(c *gin.Context) error {
	o, err := s.store.Organisation(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toOrganisationJSON(o))
	return nil
}

// patchOrganisation changes any of the organisation's settings.
func (s *Server) patchOrganisation(c *gin.Context) error {
	var in models.OrganisationInput
	if err := decodeBody(c,
		stringField("name", &in.Name, false),
		stringField("timezone", &in.Timezone, false),
		stringField("self_service", &in.SelfService, false),
		intField("weekoffs_max", &in.WeekoffsMax),
	); err != nil {
		return err
	}
	o, err := s.store.UpdateOrganisation(c.Request.Context(), in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toOrganisationJSON(o))
	return nil
}
