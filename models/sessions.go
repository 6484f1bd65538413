package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SessionUser is the user behind a browser session and what decides whether
// the session still stands.
type SessionUser struct {
	User *User
	// Epoch is the user's session epoch now; a session made under another
	// epoch has ended (the password changed or the user was deactivated).
	Epoch int
	// Ended reports that this very session was signed out.
	Ended bool
}

// SessionUser loads the user of a browser session and the state that ends
// sessions, in one round trip, for every signed-in page request. An unknown
// user is ErrNotFound.
func (s *Store) SessionUser(ctx context.Context, userID int64, sessionID string) (*SessionUser, error) {
	conn, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	var u User
	out := SessionUser{User: &u}
	err = userScan(conn.QueryRow(ctx, "SELECT "+userColumns+", session_epoch,"+
		" EXISTS (SELECT 1 FROM ended_sessions WHERE id = $2 AND expires_at > now())"+
		" FROM users WHERE id = $1", userID, sessionID), &u, &out.Epoch, &out.Ended)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("session user: %w", err)
	}
	return &out, nil
}

// SessionEpoch returns a user's session epoch, which a new session records.
func (s *Store) SessionEpoch(ctx context.Context, userID int64) (int, error) {
	conn, err := s.acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	var epoch int
	err = conn.QueryRow(ctx, "SELECT session_epoch FROM users WHERE id = $1", userID).Scan(&epoch)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("session epoch: %w", err)
	}
	return epoch, nil
}

// EndSession records that a session was signed out, so that a copy of its
// cookie no longer works. expires is when the session would have ended by
// itself; the record is kept until then. Records of expired sessions are
// cleared on the way.
func (s *Store) EndSession(ctx context.Context, sessionID string, expires time.Time) error {
	db := s.db.WithContext(ctx)
	if err := db.Exec("DELETE FROM ended_sessions WHERE expires_at <= now()").Error; err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	err := db.Exec("INSERT INTO ended_sessions (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
		sessionID, expires.UTC()).Error
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}
