package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// CalendarFeedSince is when the user's calendar address was made, so that
// their page can offer to replace it rather than to create one; the zero
// time if they have none. The key itself is never kept to be shown again.
func (s *Store) CalendarFeedSince(ctx context.Context, userID int64) (time.Time, error) {
	var at time.Time
	err := s.pool.QueryRow(ctx, "SELECT created_at FROM calendar_feeds WHERE user_id = $1", userID).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("calendar feed: %w", err)
	}
	return at, nil
}
