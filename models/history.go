package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Via says through which door a change came.
type Via string

// The doors of a change.
const (
	ViaAPI    Via = "api"    // a user's own JSON request
	ViaForm   Via = "form"   // a user's own browser form
	ViaAdmin  Via = "admin"  // an admin, by JSON or form
	ViaSystem Via = "system" // the command line, seeding
)

// Actor is who makes a change and how. The web layer puts it in the request
// context once (WithActor), so that every write records it without each
// call site having to remember.
type Actor struct {
	UserID int64
	Via    Via
}

type actorKey struct{}

// id is the actor's user id for a history row; nil for the system.
func (a Actor) id() *int64 {
	if a.UserID == 0 {
		return nil
	}
	return &a.UserID
}

// WithActor returns a context whose writes are recorded as made by a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns who ctx's writes are recorded as made by (WithActor), to
// carry into a job that makes them later.
func ActorOf(ctx context.Context) Actor { return actorFrom(ctx) }

func actorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Via: ViaSystem}
}

// HistoryEntry is one recorded change of one field of a user.
type HistoryEntry struct {
	ID        int64           `gorm:"primaryKey"`
	UserID    int64           `gorm:"not null"`
	ActorID   *int64          // nil for system changes
	Via       Via             `gorm:"not null"`
	Field     string          `gorm:"not null"`
	OldValue  json.RawMessage `gorm:"type:jsonb;not null"`
	NewValue  json.RawMessage `gorm:"type:jsonb;not null"`
	ChangedAt time.Time       `gorm:"not null;default:now()"`
	// Forced says an admin applied the change though it left a team short.
	Forced bool `gorm:"not null;default:false"`
	// ActorEmail is who ActorID was, read with the entry for display; "" for system changes.
	ActorEmail string `gorm:"->"`
}

// TableName names the table of HistoryEntry.
func (HistoryEntry) TableName() string { return "user_history" }

// historyFields are the fields whose changes are recorded, in display order.
var historyFields = []string{"weekoffs", "role", "is_active"}

// historyRows compares a user before and after a change and returns one row
// per recorded field whose value changed.
func historyRows(ctx context.Context, before, after *User) ([]HistoryEntry, error) {
	actor := actorFrom(ctx)
	var actorID *int64
	if actor.UserID != 0 {
		actorID = &actor.UserID
	}
	values := func(u *User) map[string]any {
		return map[string]any{"weekoffs": u.Weekoffs.Strings(), "role": u.Role, "is_active": u.IsActive}
	}
	old, cur := values(before), values(after)
	var rows []HistoryEntry
	for _, f := range historyFields {
		o, err := json.Marshal(old[f])
		if err != nil {
			return nil, err
		}
		n, err := json.Marshal(cur[f])
		if err != nil {
			return nil, err
		}
		if string(o) != string(n) {
			rows = append(rows, HistoryEntry{UserID: after.ID, ActorID: actorID, Via: actor.Via, Field: f, OldValue: o, NewValue: n})
		}
	}
	return rows, nil
}

// History returns a user's recorded changes, newest first, at most limit.
func (s *Store) History(ctx context.Context, userID int64, limit int) ([]HistoryEntry, error) {
	if _, err := s.UserByID(ctx, userID); err != nil {
		return nil, err
	}
	var rows []HistoryEntry
	err := s.db.WithContext(ctx).
		Select("user_history.*, COALESCE(actors.email, '') AS actor_email").
		Joins("LEFT JOIN users actors ON actors.id = user_history.actor_id").
		Where("user_history.user_id = ?", userID).Order("user_history.id DESC").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return slices.Clip(rows), nil
}
