package web

import (
	"encoding/json"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// userJSON is the user object of the contract. It is built field by field
// from models.User, so the password hash cannot reach a response by accident.
type userJSON struct {
	ID       int64    `json:"id"`
	Email    string   `json:"email"`
	FullName string   `json:"full_name"`
	Role     string   `json:"role"`
	IsActive bool     `json:"is_active"`
	Weekoffs []string `json:"weekoffs"`
	// Schedule is written as the database keeps it (models.UserSchedule's
	// shape): decoding it only to encode it again would cost every request.
	Schedule  json.RawMessage `json:"schedule"`
	Team      *teamRef        `json:"team"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// teamRef names a user's team in the user object.
type teamRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func toUserJSON(u *models.User) userJSON {
	var team *teamRef
	if u.TeamID != nil {
		team = &teamRef{ID: *u.TeamID, Name: u.TeamName}
	}
	return userJSON{
		Team:      team,
		ID:        u.ID,
		Email:     u.Email,
		FullName:  u.FullName,
		Role:      string(u.Role),
		IsActive:  u.IsActive,
		Weekoffs:  u.Weekoffs.Strings(),
		Schedule:  u.ScheduleState,
		CreatedAt: u.CreatedAt.UTC(),
		UpdatedAt: u.UpdatedAt.UTC(),
	}
}

// userPageJSON is a page of the admin list.
type userPageJSON struct {
	Items           []userJSON `json:"items"`
	NextCursor      *string    `json:"next_cursor"`
	Total           int64      `json:"total"`
	TotalIsEstimate bool       `json:"total_is_estimate"`
}

func toUserPageJSON(p models.UserPage) userPageJSON {
	out := userPageJSON{Items: make([]userJSON, len(p.Items)), Total: p.Total, TotalIsEstimate: p.TotalIsEstimate}
	for i := range p.Items {
		out.Items[i] = toUserJSON(&p.Items[i])
	}
	if p.Next != "" {
		out.NextCursor = &p.Next
	}
	return out
}

// writeUser answers with the user object and its ETag.
func writeUser(c *gin.Context, status int, u *models.User) {
	c.Header("ETag", etag(u))
	c.JSON(status, toUserJSON(u))
}
