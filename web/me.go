package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// getMe returns the signed-in user.
func (s *Server) getMe(c *gin.Context) {
	writeUser(c, http.StatusOK, currentUser(c))
}

// putMyWeekoffs replaces the signed-in user's week-offs.
func (s *Server) putMyWeekoffs(c *gin.Context) {
	version, ok := s.ifMatch(c)
	if !ok {
		return
	}
	var days *[]string
	if !s.decodeBody(c, listField("weekoffs", &days, true)) {
		return
	}
	u, err := s.store.SetWeekoffs(c.Request.Context(), currentUser(c).ID, *days, version)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.chart.invalidate()
	writeUser(c, http.StatusOK, u)
}

// putMyPassword changes the signed-in user's password.
func (s *Server) putMyPassword(c *gin.Context) {
	var current, next *string
	if !s.decodeBody(c, stringField("current_password", &current, true), stringField("new_password", &next, true)) {
		return
	}
	if err := s.store.ChangePassword(c.Request.Context(), currentUser(c).ID, *current, *next); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
