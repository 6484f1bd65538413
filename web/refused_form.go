package web

import (
	"encoding/json"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// refusedForm is what a refused form of /me leaves for the page it
// redirects to, which shows it once. Post/Redirect/Get: the refused post
// answers 303 to /me, so the address is the page's own, a reload does not
// post again and the navigation marks the page. It never holds a password.
type refusedForm struct {
	Errors models.FieldErrors `json:"errors,omitempty"` // in the form's words
	Chosen []string           `json:"chosen,omitempty"` // the week-offs the refused save chose
	Stale  bool               `json:"stale,omitempty"`  // the week-offs had changed since the page was drawn
}

// keyRefusedForm is the session's flash key of a refusedForm, as JSON.
const keyRefusedForm = "refused"

// refuseForm keeps r in the session and redirects to /me, which shows it.
func (s *Server) refuseForm(c *gin.Context, r refusedForm) error {
	b := currentSession(c)
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	b.raw.AddFlash(string(raw), keyRefusedForm)
	if err := s.sessions.save(c, b); err != nil {
		return err
	}
	seeOther(c, "/me")
	return nil
}

// popRefusedForm takes the refused form waiting in the session, if any.
func (s *Server) popRefusedForm(c *gin.Context) (refusedForm, bool) {
	var r refusedForm
	b := currentSession(c)
	if b == nil {
		return r, false
	}
	flashes := b.raw.Flashes(keyRefusedForm)
	if len(flashes) == 0 {
		return r, false
	}
	if err := s.sessions.save(c, b); err != nil {
		s.log.Error("save session", "error", err)
	}
	raw, _ := flashes[len(flashes)-1].(string)
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		s.log.Error("read refused form", "error", err)
		return r, false
	}
	return r, true
}
