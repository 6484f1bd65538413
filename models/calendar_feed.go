package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// feedKeyBytes is the size of a calendar feed's secret key: 256 bits, as
// unguessable as a session.
const feedKeyBytes = 32

// feedAhead is how far past the last planned change a feed's periods are
// worked out, in days; the last period recurs without end anyway.
const feedAhead = 366

// RotateCalendarFeed makes a new secret key for a user's calendar feed and
// returns it; the old key stops working at once. Only the key's SHA-256 is
// stored, so the database alone cannot be used to read anyone's feed.
func (s *Store) RotateCalendarFeed(ctx context.Context, userID int64) (string, error) {
	raw := make([]byte, feedKeyBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	key := base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(key))
	_, err := s.pool.Exec(ctx, `INSERT INTO calendar_feeds (user_id, key_hash) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET key_hash = EXCLUDED.key_hash, created_at = now()`, userID, sum[:])
	if isForeignKeyViolation(err) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("calendar feed: %w", err)
	}
	return key, nil
}

// CalendarFeed writes the iCalendar feed of the user whose key this is:
// their days off since their first schedule, each rule of each schedule period one
// recurring event until the next change. A key that matches nobody, or a
// deactivated user's, is ErrNotFound. The feed holds nothing but the days.
func (s *Store) CalendarFeed(ctx context.Context, key string) (string, error) {
	if len(key) != base64.RawURLEncoding.EncodedLen(feedKeyBytes) {
		return "", ErrNotFound
	}
	sum := sha256.Sum256([]byte(key))
	var userID int64
	err := s.pool.QueryRow(ctx, `SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id
		WHERE f.key_hash = $1 AND u.is_active`, sum[:]).Scan(&userID)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("calendar feed: %w", err)
	}
	tl, today, err := s.userTimelines(ctx, userID)
	if err != nil {
		return "", err
	}
	o, err := s.Organisation(ctx)
	if err != nil {
		return "", err
	}
	// The feed runs from the first schedule, so that each event's start
	// and UID stay the same from one fetch to the next, to a year past the
	// last planned change; the period that reaches that end recurs without one.
	start, end := today, today
	for _, tl := range [][]schedule.Schedule{tl.User, tl.Team, tl.Organisation} {
		if n := len(tl); n > 0 {
			if tl[0].EffectiveFrom.Before(start) {
				start = tl[0].EffectiveFrom
			}
			if tl[n-1].EffectiveFrom.After(end) {
				end = tl[n-1].EffectiveFrom
			}
		}
	}
	end = end.AddDays(feedAhead)
	return schedule.Feed(tl.Periods(start, end), schedule.FeedOptions{
		Name:     "Week-offs",
		UID:      "f" + hex.EncodeToString(sum[:6]),
		Location: o.Location(),
		OpenEnd:  end,
	}), nil
}

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
