package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// historyLimit is how many of a user's latest changes are shown.
const historyLimit = 100

type historyJSON struct {
	ID        int64           `json:"id"`
	UserID    int64           `json:"user_id"`
	ActorID   *int64          `json:"actor_id"`
	Via       models.Via      `json:"via"`
	Field     string          `json:"field"`
	OldValue  json.RawMessage `json:"old_value"`
	NewValue  json.RawMessage `json:"new_value"`
	ChangedAt time.Time       `json:"changed_at"`
	// Forced marks a change an admin applied though it left a team short.
	Forced bool `json:"forced"`
}

// userHistory lists a user's recorded changes, newest first.
func (s *Server) userHistory(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	rows, err := s.store.History(c.Request.Context(), id, historyLimit)
	if err != nil {
		return err
	}
	items := make([]historyJSON, len(rows))
	for i, h := range rows {
		items[i] = historyJSON{ID: h.ID, UserID: h.UserID, ActorID: h.ActorID, Via: h.Via, Field: h.Field,
			OldValue: h.OldValue, NewValue: h.NewValue, ChangedAt: h.ChangedAt.UTC(), Forced: h.Forced}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
	return nil
}
