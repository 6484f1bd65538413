package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// getMe returns the signed-in user.
func (s *Server) getMe(c *gin.Context) error {
	writeUser(c, http.StatusOK, currentUser(c))
	return nil
}

// putMyWeekoffs replaces the bearer token's user's week-offs, signing them
// in with the write (selfAPI): one round trip.
func (s *Server) putMyWeekoffs(c *gin.Context, email string) error {
	version, err := ifMatch(c)
	if err != nil {
		return s.signedInOr(c, err)
	}
	var days *[]string
	if err := decodeBody(c, listField("weekoffs", &days, true)); err != nil {
		return s.signedInOr(c, err)
	}
	u, err := s.store.SetMyWeekoffs(c.Request.Context(), email, *days, version)
	if errors.Is(err, models.ErrNotFound) {
		return errNotAuthenticated()
	}
	if errors.Is(err, models.ErrApprovalRequired) {
		return s.requestMyWeekoffs(c, *days, version)
	}
	if err != nil {
		return s.signedInOr(c, err)
	}
	setUser(c, u, models.ViaAPI)
	writeUser(c, http.StatusOK, u)
	return nil
}

// putMyPassword changes the signed-in user's password.
func (s *Server) putMyPassword(c *gin.Context) error {
	var current, next *string
	if err := decodeBody(c, stringField("current_password", &current, true), stringField("new_password", &next, true)); err != nil {
		return err
	}
	if err := s.store.ChangePassword(c.Request.Context(), currentUser(c).ID, *current, *next); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
