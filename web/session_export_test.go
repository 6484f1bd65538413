package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// This file lends the tests of package web_test a few internals.

// SetSessionClock makes the session code read the time from now, so that
// tests can step over the idle and absolute lifetimes.
func (s *Server) SetSessionClock(now func() time.Time) { s.sessions.now = now }

// SessionLifetimes are the idle and absolute lifetimes of the server's sessions.
func (s *Server) SessionLifetimes() (idle, absolute time.Duration) {
	return s.sessions.life.idle, s.sessions.life.absolute
}

// SessionOf decodes the session a request carries, with the server's keys:
// its user, its id, and whether it decoded at all.
func (s *Server) SessionOf(r *http.Request) (userID int64, id string, ok bool) {
	raw, err := s.sessions.cookies.New(r, s.sessions.name)
	if err != nil || raw.IsNew {
		return 0, "", false
	}
	b := &browserSession{raw: raw, life: s.sessions.life}
	return b.userID(), b.id(), true
}

// AddFailingPage registers a signed-in page at path whose handler panics
// with secret: the test checks that the 500 page shows nothing of it.
func (s *Server) AddFailingPage(path, secret string) {
	s.engine.GET(path, s.page(func(*gin.Context) error { panic(secret) }))
}
