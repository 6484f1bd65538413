package models

import (
	"context"

	"gorm.io/gorm"
)

// GormDB exposes the Store's GORM handle to the package's external tests,
// so a benchmark can compare GORM with the hand-written pgx queries.
func (s *Store) GormDB() *gorm.DB { return s.db }

// PruneBatch is how many spent-out throttle rows one spend deletes at most.
const PruneBatch = pruneBatch

// SetBeforeUserLock has f run in every update of a user between the locks
// taken before the user's row and the row's own (user_update_locks.go).
func (s *Store) SetBeforeUserLock(f func(id int64)) { s.beforeUserLock = f }

// GuardedOnly is q counting, of everyone, only the teams with a minimum
// (what ShortDays and the guard of an organisation's change count).
func GuardedOnly(q CoverageQuery) CoverageQuery {
	q.guardedOnly = true
	return q
}

// CountedCoverage is Coverage counted from every person's row, never from
// the kept groups: the reference the kept figures are held to.
func (s *Store) CountedCoverage(ctx context.Context, q CoverageQuery) (*Coverage, error) {
	in, err := readCoverageInputs(ctx, s.pool, q)
	if err != nil {
		return nil, err
	}
	return coverageFrom(q, in), nil
}

// KeptCoverage is everyone's Coverage from the kept groups only, and
// whether they hold for q's range (if not, the figures mean nothing).
func (s *Store) KeptCoverage(ctx context.Context, q CoverageQuery) (*Coverage, bool, error) {
	in, err := readKeptCoverageInputs(ctx, s.pool, &s.coverageKeys, q)
	if err != nil {
		return nil, false, err
	}
	return coverageFrom(q, in.coverageInput), in.holds, nil
}

// ListUsersUnprobed is ListUsers with the search's probe skipped, as for a
// search the planner expects more than the probe may count to match, and
// whether the page was read name by name (byNames) rather than by the walk.
func (s *Store) ListUsersUnprobed(ctx context.Context, f UserFilter) (UserPage, bool, error) {
	l, err := s.newListing(ctx, f)
	if err != nil {
		return UserPage{}, false, err
	}
	l.overflown = true
	page, err := l.page()
	return page, l.byName, err
}
