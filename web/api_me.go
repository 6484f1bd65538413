package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// getMe returns the signed-in user.
func (s *Server) getMe(c *gin.Context) error {
	writeUser(c, http.StatusOK, currentUser(c))
	return nil
}

// putMyWeekoffs replaces the signed-in user's week-offs.
func (s *Server) putMyWeekoffs(c *gin.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var days *[]string
	if err := decodeBody(c, listField("weekoffs", &days, true)); err != nil {
		return err
	}
	u, err := s.store.SetWeekoffs(c.Request.Context(), currentUser(c).ID, *days, version)
	if err != nil {
		return err
	}
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
